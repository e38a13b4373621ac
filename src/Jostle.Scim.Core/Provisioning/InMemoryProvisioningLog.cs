using System.Globalization;

namespace Jostle.Scim.Provisioning;

/// <summary>Retention of the in-memory provisioning log.</summary>
public sealed class ProvisioningLogOptions
{
    /// <summary>The most records kept (across tenants); the oldest go first. Default 100 000.</summary>
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>How long a record is kept. Default 30 days.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// The default provisioning log: a bounded, thread-safe, in-memory list, also the <see cref="IProvisioningLogReader"/>.
/// Retention is enforced on write at constant amortised cost: records beyond <see cref="ProvisioningLogOptions.MaxEntries"/>
/// and records older than <see cref="ProvisioningLogOptions.MaxAge"/> are dropped from the old end (queries never return
/// an expired record either). Records are lost when the process stops; plug in a durable sink for an audit trail.
/// </summary>
public sealed class InMemoryProvisioningLog : IProvisioningLogSink, IProvisioningLogReader
{
    private const int MaxPageSize = 1000;
    private const int CompactThreshold = 1024;

    private readonly Lock _lock = new();
    private readonly List<Item> _items = [];
    private readonly int _maxEntries;
    private readonly TimeSpan _maxAge;
    private readonly TimeProvider _time;
    private int _head;
    private long _sequence;

    /// <summary>Creates an empty log.</summary>
    /// <param name="options">Retention; default <see cref="ProvisioningLogOptions"/>'s defaults.</param>
    /// <param name="timeProvider">The clock that ages records; default <see cref="TimeProvider.System"/>.</param>
    public InMemoryProvisioningLog(ProvisioningLogOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new ProvisioningLogOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEntries, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MaxAge, TimeSpan.Zero, nameof(options));
        _maxEntries = options.MaxEntries;
        _maxAge = options.MaxAge;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The number of records held now (expired ones not yet dropped included).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count - _head;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            _items.Add(new Item(++_sequence, entry));
            while (_items.Count - _head > _maxEntries)
            {
                _items[_head++] = default;
            }

            DropExpired(_time.GetUtcNow() - _maxAge);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, $"PageSize must be between 1 and {MaxPageSize}.");
        }

        var before = long.MaxValue;
        if (query.ContinuationToken is not null
            && (!long.TryParse(query.ContinuationToken, NumberStyles.None, CultureInfo.InvariantCulture, out before) || before < 1))
        {
            throw new ArgumentException("The continuation token was not issued by this log.", nameof(query));
        }

        var page = new List<ProvisioningLogEntry>(Math.Min(query.PageSize, 64));
        string? continuation = null;
        var lastSequence = 0L;
        lock (_lock)
        {
            var expiry = _time.GetUtcNow() - _maxAge;
            DropExpired(expiry);
            for (var i = LastIndexBefore(before); i >= _head; i--)
            {
                var item = _items[i];
                if (item.Entry.Timestamp < expiry || !Matches(item.Entry, query))
                {
                    continue;
                }

                if (page.Count == query.PageSize)
                {
                    continuation = lastSequence.ToString(CultureInfo.InvariantCulture);
                    break;
                }

                page.Add(item.Entry);
                lastSequence = item.Sequence;
            }
        }

        return ValueTask.FromResult(new ProvisioningLogPage(page, continuation));
    }

    /// <summary>The index of the newest item whose sequence is below <paramref name="before"/>.</summary>
    private int LastIndexBefore(long before)
    {
        if (before == long.MaxValue)
        {
            return _items.Count - 1;
        }

        int lo = _head, hi = _items.Count - 1, found = _head - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (_items[mid].Sequence < before)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private static bool Matches(ProvisioningLogEntry entry, ProvisioningLogQuery query) =>
        (query.Tenant is null || string.Equals(entry.Tenant, query.Tenant, StringComparison.Ordinal))
        && (query.From is null || entry.Timestamp >= query.From)
        && (query.To is null || entry.Timestamp < query.To)
        && (query.Outcome == ProvisioningOutcomeFilter.Any || entry.Succeeded == (query.Outcome == ProvisioningOutcomeFilter.Success))
        && (query.ResourceType is null || string.Equals(entry.ResourceType, query.ResourceType, StringComparison.OrdinalIgnoreCase))
        && (query.ResourceId is null || string.Equals(entry.ResourceId, query.ResourceId, StringComparison.Ordinal))
        && (query.Operation is null || entry.Operation == query.Operation)
        && (query.UserName is null || string.Equals(entry.UserName, query.UserName, StringComparison.OrdinalIgnoreCase));

    /// <summary>Drops expired records from the old end (records arrive in roughly time order), then compacts the list once its dead prefix outweighs the live part.</summary>
    private void DropExpired(DateTimeOffset expiry)
    {
        while (_head < _items.Count && _items[_head].Entry.Timestamp < expiry)
        {
            _items[_head++] = default;
        }

        if (_head >= CompactThreshold && _head >= _items.Count - _head)
        {
            _items.RemoveRange(0, _head);
            _head = 0;
        }
        else if (_head == _items.Count)
        {
            _items.Clear();
            _head = 0;
        }
    }

    private readonly record struct Item(long Sequence, ProvisioningLogEntry Entry);
}
