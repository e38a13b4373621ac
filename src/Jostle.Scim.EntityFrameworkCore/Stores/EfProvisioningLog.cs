using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Jostle.Scim.Filtering;
using Jostle.Scim.Provisioning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// The provisioning log in the database (table <c>scim_provisioning_log</c>). A write only queues the record in a bounded
/// channel; one background writer drains it in batches, so a request never waits for the database. When the queue is full
/// a record is dropped and counted rather than blocking. Stopping the host (or disposing the log) flushes every queued
/// record first. The writer also deletes records older than <see cref="ProvisioningLogOptions.MaxAge"/> periodically.
/// Queries, paging included, run in SQL: newest first, with a keyset continuation token on (timestamp, id).
/// </summary>
internal sealed class EfProvisioningLog : EfScimStoreBase, IProvisioningLogSink, IProvisioningLogReader, IHostedService, IAsyncDisposable, IDisposable
{
    private const int MaxPageSize = 1000;
    private const int MaxWriteAttempts = 3;
    private static readonly TimeSpan QueueFullWarningInterval = TimeSpan.FromMinutes(1);

    private readonly Channel<ProvisioningLogEntry> _queue;
    private readonly int _capacity;
    private readonly int _batchSize;
    private readonly TimeSpan _maxAge;
    private readonly TimeSpan _retentionInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Meter? _ownMeter;
    private readonly Counter<long> _droppedCounter;
    private readonly Lock _startLock = new();
    private Task? _writer;
    private readonly TimeSpan _writeDelay;
    private TaskCompletionSource _progress = NewSignal();
    private TaskCompletionSource _writeNow = NewSignal();
    private long _enqueued;
    private long _flushUpTo;
    private long _processed;
    private long _dropped;
    private long _lost;
    private long _inserts;
    private long _lastQueueFullWarning = long.MinValue;
    private volatile bool _stopping;

    public EfProvisioningLog(
        IDbContextFactory<ScimDbContext> contextFactory,
        ProvisioningLogOptions? logOptions = null,
        ScimEntityFrameworkOptions? options = null,
        ILogger<EfProvisioningLog>? logger = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
        : base(contextFactory)
    {
        logOptions ??= new ProvisioningLogOptions();
        options ??= new ScimEntityFrameworkOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(logOptions.MaxAge, TimeSpan.Zero, nameof(logOptions));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ProvisioningLogQueueCapacity, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ProvisioningLogBatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ProvisioningLogRetentionInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ProvisioningLogWriteDelay, TimeSpan.Zero, nameof(options));
        _writeDelay = options.ProvisioningLogWriteDelay;
        _capacity = options.ProvisioningLogQueueCapacity;
        _batchSize = options.ProvisioningLogBatchSize;
        _maxAge = logOptions.MaxAge;
        _retentionInterval = options.ProvisioningLogRetentionInterval;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _queue = Channel.CreateBounded<ProvisioningLogEntry>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of blocking, and the record is counted as dropped.
            SingleReader = true,
            SingleWriter = false,
        });
        Meter meter;
        if (meterFactory is null)
        {
            meter = _ownMeter = new Meter(Jostle.Scim.AspNetCore.ScimDiagnostics.MeterName);
        }
        else
        {
            meter = meterFactory.Create(Jostle.Scim.AspNetCore.ScimDiagnostics.MeterName);
        }

        _droppedCounter = meter.CreateCounter<long>("jostle.scim.provisioning_log.dropped", "{record}", "Provisioning log records dropped because the database log's queue was full.");
    }

    /// <summary>Records dropped because the queue was full.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Inserts written (each one transaction, on SQLite possibly shared with resource writes), for tests of the batching.</summary>
    internal long InsertCount => Interlocked.Read(ref _inserts);

    /// <summary>Records the database refused (after retries).</summary>
    public long LostCount => Interlocked.Read(ref _lost);

    /// <inheritdoc/>
    public ValueTask WriteAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_stopping)
        {
            // After shutdown began, a late record (a request still finishing) is written directly rather than lost.
            return new ValueTask(InsertAsync([entry], CancellationToken.None));
        }

        EnsureWriter();
        if (_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _enqueued);
            return ValueTask.CompletedTask;
        }

        if (_stopping)
        {
            return new ValueTask(InsertAsync([entry], CancellationToken.None));
        }

        var dropped = Interlocked.Increment(ref _dropped);
        _droppedCounter.Add(1);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastQueueFullWarning);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= QueueFullWarningInterval)
            && Interlocked.CompareExchange(ref _lastQueueFullWarning, now, last) == last)
        {
            EfLog.ProvisioningLogQueueFull(_logger, _capacity, dropped);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Waits until every record queued before the call is in the database (or was refused by it).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the records are written.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _enqueued);
        EnsureWriter();
        // No batching wait for records someone is waiting for: raise the mark first, then wake the writer. A writer that
        // starts its wait after this sees the mark; one that started before is woken.
        for (var mark = Interlocked.Read(ref _flushUpTo); mark < target;)
        {
            var seen = Interlocked.CompareExchange(ref _flushUpTo, target, mark);
            mark = seen == mark ? target : seen;
        }

        Volatile.Read(ref _writeNow).TrySetResult();
        while (true)
        {
            // Read the signal before the counter: the writer raises the counter before it completes the signal.
            var signal = Volatile.Read(ref _progress);
            if (Interlocked.Read(ref _processed) >= target || _writer is { IsCompleted: true })
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, $"PageSize must be between 1 and {MaxPageSize}.");
        }

        (DateTime Timestamp, long Id)? after = null;
        if (query.ContinuationToken is not null)
        {
            after = ParseToken(query.ContinuationToken) ?? throw new ArgumentException("The continuation token was not issued by this log.", nameof(query));
        }

        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var expiry = (_time.GetUtcNow() - _maxAge).UtcDateTime;
            var rows = context.ProvisioningLog.AsNoTracking().Where(e => e.Timestamp >= expiry);
            if (query.Tenant is { } tenant)
            {
                rows = rows.Where(e => e.TenantId == tenant);
            }

            if (query.From is { } from)
            {
                var fromUtc = from.UtcDateTime;
                rows = rows.Where(e => e.Timestamp >= fromUtc);
            }

            if (query.To is { } to)
            {
                var toUtc = to.UtcDateTime;
                rows = rows.Where(e => e.Timestamp < toUtc);
            }

            rows = query.Outcome switch
            {
                ProvisioningOutcomeFilter.Success => rows.Where(e => e.Status < 400),
                ProvisioningOutcomeFilter.Failure => rows.Where(e => e.Status >= 400),
                _ => rows,
            };
            if (query.ResourceType is { } resourceType)
            {
                var upper = resourceType.ToUpperInvariant();
                rows = rows.Where(e => e.ResourceType != null && e.ResourceType.ToUpper() == upper);
            }

            if (query.ResourceId is { } resourceId)
            {
                rows = rows.Where(e => e.ResourceId == resourceId);
            }

            if (query.Operation is { } operationFilter)
            {
                var name = operationFilter.ToString();
                rows = rows.Where(e => e.Operation == name);
            }

            if (query.UserName is { } userName)
            {
                var upperName = userName.ToUpperInvariant();
                rows = rows.Where(e => e.UserName != null && e.UserName.ToUpper() == upperName);
            }

            if (after is var (afterTimestamp, afterId))
            {
                rows = rows.Where(e => e.Timestamp < afterTimestamp || (e.Timestamp == afterTimestamp && e.Id < afterId));
            }

            // One row more than the page tells whether another page exists.
            var page = await rows.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
                .Take(query.PageSize + 1)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            string? continuation = null;
            if (page.Count > query.PageSize)
            {
                page.RemoveAt(page.Count - 1);
                var last = page[^1];
                continuation = FormatToken(last.Timestamp, last.Id);
            }

            return new ProvisioningLogPage([.. page.Select(ToEntry)], continuation);
        }
    }

    /// <summary>Deletes records older than <see cref="ProvisioningLogOptions.MaxAge"/>.</summary>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many records were deleted.</returns>
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken = default)
    {
        var expiry = _time.GetUtcNow() - _maxAge;
        var expiryUtc = expiry.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var deleted = await context.ProvisioningLog.Where(e => e.Timestamp < expiryUtc).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                EfLog.ProvisioningLogExpired(_logger, deleted, expiry);
            }

            return deleted;
        }
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureWriter();
        return Task.CompletedTask;
    }

    /// <summary>Stops taking records into the queue and waits until the writer has flushed every queued record.</summary>
    /// <param name="cancellationToken">Signals that the host's shutdown timeout has passed.</param>
    /// <returns>A task that completes when the queue is flushed.</returns>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        Volatile.Read(ref _writeNow).TrySetResult();
        Task? writer;
        lock (_startLock)
        {
            writer = _writer;
        }

        if (writer is null)
        {
            // Nothing was ever written, so nothing is queued.
            return;
        }

        try
        {
            await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            EfLog.ProvisioningLogFlushIncomplete(_logger, Interlocked.Read(ref _enqueued) - Interlocked.Read(ref _processed));
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _ownMeter?.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void EnsureWriter()
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _writer ??= Task.Run(RunWriterAsync);
        }
    }

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<ProvisioningLogEntry>(Math.Min(_batchSize, 1024));
        var nextRetention = _time.GetUtcNow();
        while (true)
        {
            if (_time.GetUtcNow() >= nextRetention && !_stopping)
            {
                try
                {
                    await DeleteExpiredAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A failed clean-up must not stop the writer; it is retried at the next interval.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    EfLog.ProvisioningLogRetentionFailed(_logger, exception);
                }

                nextRetention = _time.GetUtcNow() + _retentionInterval;
            }

            var wait = nextRetention - _time.GetUtcNow();
            if (wait <= TimeSpan.Zero && !_stopping)
            {
                continue;
            }

            bool more;
            using (var timeout = _stopping ? new CancellationTokenSource() : new CancellationTokenSource(wait, _time))
            {
                try
                {
                    more = await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    continue; // Time for the retention pass.
                }
            }

            if (!more)
            {
                break; // Completed and drained.
            }

            Drain(reader, batch);
            if (batch.Count > 0 && await GatherAsync().ConfigureAwait(false))
            {
                Drain(reader, batch);
            }

            while (batch.Count > 0)
            {
                await WriteBatchAsync(batch).ConfigureAwait(false);
            }
        }

        Signal();
    }

    /// <summary>Moves every queued record into <paramref name="batch"/>.</summary>
    private static void Drain(ChannelReader<ProvisioningLogEntry> reader, List<ProvisioningLogEntry> batch)
    {
        while (reader.TryRead(out var entry))
        {
            batch.Add(entry);
        }
    }

    /// <summary>
    /// Waits up to <see cref="ScimEntityFrameworkOptions.ProvisioningLogWriteDelay"/> so that the records of the
    /// requests arriving meanwhile go into the same insert: under load that is one transaction (on SQLite, one sync to
    /// disk and one turn at the write gate the user creates also wait for) per interval instead of one per request.
    /// A flush or stop ends the wait at once. The wait runs on the system clock, not the injected one: it is a batching
    /// window, not a time anything is recorded at.
    /// </summary>
    /// <returns>Whether it waited (so more records may be queued).</returns>
    private async Task<bool> GatherAsync()
    {
        if (_writeDelay <= TimeSpan.Zero || _stopping)
        {
            return false;
        }

        var wake = NewSignal();
        Volatile.Write(ref _writeNow, wake);
        if (_queue.Reader.Count >= _batchSize || _stopping || Interlocked.Read(ref _flushUpTo) > Interlocked.Read(ref _processed))
        {
            return true;
        }

        await Task.WhenAny(wake.Task, Task.Delay(_writeDelay, TimeProvider.System)).ConfigureAwait(false);
        return true;
    }

    /// <summary>Writes the first <see cref="ScimEntityFrameworkOptions.ProvisioningLogBatchSize"/> records of <paramref name="batch"/> (or all, if fewer) and removes them from it.</summary>
    private async Task WriteBatchAsync(List<ProvisioningLogEntry> batch)
    {
        var take = Math.Min(_batchSize, batch.Count);
        var entries = take == batch.Count ? batch : batch.GetRange(0, take);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await InsertAsync(entries, CancellationToken.None).ConfigureAwait(false);
                break;
            }
#pragma warning disable CA1031 // The writer must outlive a database outage; the records are counted and logged as lost.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                if (attempt < MaxWriteAttempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
                    continue;
                }

                Interlocked.Add(ref _lost, take);
                EfLog.ProvisioningLogWriteFailed(_logger, take, exception);
                break;
            }
        }

        Interlocked.Add(ref _processed, take);
        batch.RemoveRange(0, take);
        Signal();
    }

    /// <summary>Wakes every <see cref="FlushAsync"/> waiting for progress.</summary>
    private void Signal() => Interlocked.Exchange(ref _progress, NewSignal()).TrySetResult();

    private async Task InsertAsync(IReadOnlyList<ProvisioningLogEntry> entries, CancellationToken cancellationToken)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            if (SqliteWriteGate.ForBatchedWrites(context) is { } gate)
            {
                // On SQLite the records join the group commit of the resource writes (one sync to disk for both) and
                // are inserted without the change tracker.
                await gate.CommitAsync(new RecordsInsert(context, entries), context, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _inserts);
                return;
            }

            context.ChangeTracker.AutoDetectChangesEnabled = false;
            foreach (var entry in entries)
            {
                context.ProvisioningLog.Add(ToEntity(entry));
            }

            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _inserts);
        }
    }

    /// <summary>Log records inserted in SQLite's group commit (<see cref="SqliteWriteGate.CommitAsync"/>), all or none.</summary>
    private sealed class RecordsInsert(DbContext context, IReadOnlyList<ProvisioningLogEntry> entries) : SqliteBatchedWrite
    {
        private readonly SqliteEntityInsert _insert = SqliteEntityInsert.For<ScimProvisioningLogEntity>(context);

        public override Jostle.Scim.Stores.StoreResult Execute(SqliteBatch batch)
        {
            foreach (var entry in entries)
            {
                _insert.Insert(batch, ToEntity(entry));
            }

            return Jostle.Scim.Stores.StoreResult.Success(null);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static ScimProvisioningLogEntity ToEntity(ProvisioningLogEntry entry) => new()
    {
        Timestamp = entry.Timestamp.UtcDateTime,
        TenantId = entry.Tenant,
        Actor = entry.Actor,
        KeyId = entry.KeyId,
        Operation = entry.Operation.ToString(),
        ResourceType = entry.ResourceType,
        ResourceId = entry.ResourceId,
        UserName = entry.UserName,
        ExternalId = entry.ExternalId,
        DisplayName = entry.DisplayName,
        Status = entry.Status,
        ScimType = entry.ScimType,
        Detail = entry.Detail,
        DurationMs = entry.Duration.TotalMilliseconds,
        CompatibilityRules = FlagsToJson(entry.CompatibilityRules),
        FilterRules = FlagsToJson(entry.FilterRules),
        CorrelationId = entry.CorrelationId,
        BulkId = entry.BulkId,
        Method = entry.Method,
        Path = entry.Path,
        RequestSummary = entry.RequestSummary,
        ProtectedRequestSummary = entry.ProtectedRequestSummary,
    };

    private static ProvisioningLogEntry ToEntry(ScimProvisioningLogEntity entity) => new()
    {
        Timestamp = new DateTimeOffset(DateTime.SpecifyKind(entity.Timestamp, DateTimeKind.Utc)),
        Tenant = entity.TenantId,
        Actor = entity.Actor,
        KeyId = entity.KeyId,
        Operation = Enum.TryParse<ProvisioningOperation>(entity.Operation, out var operation) ? operation : ProvisioningOperation.Other,
        ResourceType = entity.ResourceType,
        ResourceId = entity.ResourceId,
        UserName = entity.UserName,
        ExternalId = entity.ExternalId,
        DisplayName = entity.DisplayName,
        Status = entity.Status,
        ScimType = entity.ScimType,
        Detail = entity.Detail,
        Duration = TimeSpan.FromMilliseconds(entity.DurationMs),
        CompatibilityRules = JsonToFlags<ScimCompatibility>(entity.CompatibilityRules),
        FilterRules = JsonToFlags<FilterCompatibility>(entity.FilterRules),
        CorrelationId = entity.CorrelationId,
        BulkId = entity.BulkId,
        Method = entity.Method,
        Path = entity.Path,
        RequestSummary = entity.RequestSummary,
        ProtectedRequestSummary = entity.ProtectedRequestSummary,
    };

    /// <summary>The single-bit flags that are set, as a JSON array of their names (<c>["StringBooleans"]</c>); <see langword="null"/> when none are.</summary>
    internal static string? FlagsToJson<T>(T value)
        where T : struct, Enum
    {
        var bits = Convert.ToUInt64(value, CultureInfo.InvariantCulture);
        if (bits == 0)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var flag in Enum.GetValues<T>())
        {
            var flagBits = Convert.ToUInt64(flag, CultureInfo.InvariantCulture);
            if (flagBits != 0 && (flagBits & (flagBits - 1)) == 0 && (bits & flagBits) == flagBits)
            {
                names.Add(flag.ToString());
            }
        }

        return JsonSerializer.Serialize(names, EfJsonContext.Default.ListString);
    }

    /// <summary>The flags named in a JSON array; names this version does not know are ignored.</summary>
    internal static T JsonToFlags<T>(string? json)
        where T : struct, Enum
    {
        if (string.IsNullOrEmpty(json))
        {
            return default;
        }

        ulong bits = 0;
        foreach (var name in JsonSerializer.Deserialize(json, EfJsonContext.Default.ListString) ?? [])
        {
            if (Enum.TryParse<T>(name, ignoreCase: false, out var flag))
            {
                bits |= Convert.ToUInt64(flag, CultureInfo.InvariantCulture);
            }
        }

        return (T)Enum.ToObject(typeof(T), bits);
    }

    private static string FormatToken(DateTime timestamp, long id) =>
        timestamp.Ticks.ToString(CultureInfo.InvariantCulture) + "." + id.ToString(CultureInfo.InvariantCulture);

    private static (DateTime Timestamp, long Id)? ParseToken(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0
            || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || !long.TryParse(token.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || ticks > DateTime.MaxValue.Ticks)
        {
            return null;
        }

        return (new DateTime(ticks, DateTimeKind.Utc), id);
    }
}
