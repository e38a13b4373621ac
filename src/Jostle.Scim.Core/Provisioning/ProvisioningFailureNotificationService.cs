using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Provisioning;

/// <summary>The hand-off from the request path to the notification service: a bounded channel that never blocks a writer (the oldest failure is dropped when full).</summary>
internal sealed class ProvisioningFailureQueue
{
    private long _dropped;

    public ProvisioningFailureQueue(IOptions<ProvisioningFailureNotificationOptions> options)
    {
        Channel = System.Threading.Channels.Channel.CreateBounded<ProvisioningLogEntry>(
            new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public Channel<ProvisioningLogEntry> Channel { get; }

    /// <summary>Takes the number of failures dropped since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);

    public void Enqueue(ProvisioningLogEntry failure) => Channel.Writer.TryWrite(failure);
}

/// <summary>
/// Reads failures from <see cref="ProvisioningFailureQueue"/>, gathers them per tenant and hands each due digest to every
/// <see cref="IProvisioningFailureNotifier"/>. Deliveries run concurrently with gathering, so a slow or retrying notifier
/// delays no other tenant; they are awaited when the application stops.
/// </summary>
internal sealed class ProvisioningFailureNotificationService(
    ProvisioningFailureQueue queue,
    IEnumerable<IProvisioningFailureNotifier> notifiers,
    IOptions<ProvisioningFailureNotificationOptions> options,
    ILogger<ProvisioningFailureNotificationService> logger,
    TimeProvider? timeProvider = null,
    Jostle.Scim.Administration.IScimAdministrationStore? administration = null) : BackgroundService
{
    /// <summary>How often per-tenant digest intervals are re-read from the console's settings.</summary>
    private static readonly TimeSpan SettingsRefresh = TimeSpan.FromMinutes(1);

    private DateTimeOffset _settingsReadAt = DateTimeOffset.MinValue;

    private readonly IProvisioningFailureNotifier[] _notifiers = [.. notifiers];
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ProvisioningFailureDigester _digester = new(options.Value);
    private readonly HashSet<Task> _deliveries = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Channel.Reader;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (reader.TryRead(out var failure))
                {
                    _digester.Add(failure, _time.GetUtcNow());
                }

                if (queue.TakeDropped() is > 0 and var dropped)
                {
                    NotificationLog.FailuresDropped(logger, dropped);
                }

                await RefreshTenantIntervalsAsync(stoppingToken);
                foreach (var digest in _digester.TakeDue(_time.GetUtcNow()))
                {
                    Deliver(digest, stoppingToken);
                }

                await WaitAsync(reader, _digester.NextDue(), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Task[] pending;
        lock (_deliveries)
        {
            pending = [.. _deliveries];
        }

        await Task.WhenAll(pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Waits for a failure to arrive or for the next digest to fall due, whichever comes first.</summary>
    /// <summary>Reads the tenants' own digest intervals (console notification settings) at most once per <see cref="SettingsRefresh"/>.</summary>
    private async Task RefreshTenantIntervalsAsync(CancellationToken stoppingToken)
    {
        var now = _time.GetUtcNow();
        if (administration is null || now - _settingsReadAt < SettingsRefresh)
        {
            return;
        }

        _settingsReadAt = now;
        try
        {
            var settings = await administration.ListNotificationSettingsAsync(stoppingToken);
            _digester.TenantIntervals = settings.Where(s => s.DigestInterval is not null).ToDictionary(s => s.TenantId, s => s.DigestInterval!.Value, StringComparer.Ordinal);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Unreadable settings keep the previous intervals; digests still go out.
        catch (Exception e)
#pragma warning restore CA1031
        {
            NotificationLog.NotifierFailed(logger, "tenant notification settings", "(all)", e);
        }
    }

    private async Task WaitAsync(ChannelReader<ProvisioningLogEntry> reader, DateTimeOffset? due, CancellationToken stoppingToken)
    {
        if (due is null)
        {
            await reader.WaitToReadAsync(stoppingToken);
            return;
        }

        var delay = due.Value - _time.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(delay, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            await reader.WaitToReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Deliver(ProvisioningFailureDigest digest, CancellationToken stoppingToken)
    {
        NotificationLog.DigestDue(logger, digest.Tenant, digest.TotalFailures, digest.Groups.Count);
        foreach (var notifier in _notifiers)
        {
            var task = DeliverAsync(notifier, digest, stoppingToken);
            lock (_deliveries)
            {
                _deliveries.Add(task);
            }

            _ = task.ContinueWith(
                t =>
                {
                    lock (_deliveries)
                    {
                        _deliveries.Remove(t);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task DeliverAsync(IProvisioningFailureNotifier notifier, ProvisioningFailureDigest digest, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await notifier.NotifyAsync(digest, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A notifier's failure must never stop the service; it is logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            NotificationLog.NotifierFailed(logger, notifier.GetType().Name, digest.Tenant, e);
        }
    }
}

/// <summary>The failure notifications' log messages (event ids 300–309). They name tenants and counts, never personal data.</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Provisioning failure digest for tenant {Tenant}: {Failures} failures in {Groups} groups.")]
    public static partial void DigestDue(ILogger logger, string tenant, int failures, int groups);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Failure notifier {Notifier} failed to deliver the digest of tenant {Tenant}.")]
    public static partial void NotifierFailed(ILogger logger, string notifier, string tenant, Exception exception);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "The failure notification queue was full; {Count} failures were dropped from digests.")]
    public static partial void FailuresDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Failure webhook attempt {Attempt} of {MaxAttempts} for tenant {Tenant} failed ({Reason}); retrying in {Delay}.")]
    public static partial void WebhookRetry(ILogger logger, int attempt, int maxAttempts, string tenant, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 304, Level = LogLevel.Error, Message = "Failure webhook gave up on the digest of tenant {Tenant} after {Attempts} attempts ({Reason}).")]
    public static partial void WebhookGaveUp(ILogger logger, string tenant, int attempts, string reason);

    [LoggerMessage(EventId = 305, Level = LogLevel.Information, Message = "Failure webhook delivered the digest of tenant {Tenant} ({Status}) on attempt {Attempt}.")]
    public static partial void WebhookDelivered(ILogger logger, string tenant, int status, int attempt);
}
