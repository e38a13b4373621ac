using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Administration;

/// <summary>
/// Completes credential rotations whose grace period has run out: every <see cref="ScimAdministrationOptions.RotationCheckInterval"/>
/// (on the registered <see cref="TimeProvider"/>) it runs <see cref="ScimCredentialAdministration.RunDueRotationsAsync"/>
/// and then the key-expiry warnings. A failing run is logged and retried at the next tick.
/// </summary>
public sealed partial class ScimCredentialRotationService : BackgroundService
{
    /// <summary>The actor recorded for what the service does on its own: <c>automatic rotation</c>.</summary>
    public const string Actor = "automatic rotation";

    private readonly ScimCredentialAdministration _credentials;
    private readonly ScimKeyExpiryWarnings? _expiryWarnings;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<ScimCredentialRotationService> _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="credentials">The credential service.</param>
    /// <param name="options">The administration options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="expiryWarnings">The key-expiry warnings, when notifications are configured.</param>
    public ScimCredentialRotationService(ScimCredentialAdministration credentials, IOptions<ScimAdministrationOptions> options, TimeProvider timeProvider, ILogger<ScimCredentialRotationService> logger, ScimKeyExpiryWarnings? expiryWarnings = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        _credentials = credentials;
        _interval = options.Value.RotationCheckInterval;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger;
        _expiryWarnings = expiryWarnings;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            try
            {
                foreach (var rotation in await _credentials.RunDueRotationsAsync(stoppingToken).ConfigureAwait(false))
                {
                    LogCompleted(_logger, rotation.RotationId, rotation.TenantId, rotation.OldCredentialId);
                }

                if (_expiryWarnings is not null)
                {
                    await _expiryWarnings.RunAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failing store must not stop the service; the next tick retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogFailed(_logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Rotation {RotationId} of tenant {Tenant} completed after its grace period: credential {OldCredentialId} revoked.")]
    private static partial void LogCompleted(ILogger logger, string rotationId, string tenant, string oldCredentialId);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "The credential rotation check failed; it is retried at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
