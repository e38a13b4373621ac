namespace Jostle.Scim.Provisioning;

/// <summary>
/// Gathers failures per tenant and decides when each tenant's digest is due: a tenant's pending failures go out at
/// <c>max(first pending failure + GatherDelay, previous digest + Interval)</c>, so a burst becomes one digest and a tenant
/// gets at most one digest per interval. Not thread-safe: the notification service owns it.
/// </summary>
internal sealed class ProvisioningFailureDigester(ProvisioningFailureNotificationOptions options)
{
    private readonly Dictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);

    /// <summary>Per-tenant intervals (a tenant's console notification settings) that replace <see cref="ProvisioningFailureNotificationOptions.Interval"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> TenantIntervals { get; set; } = new Dictionary<string, TimeSpan>();

    private TimeSpan IntervalOf(string tenant) => TenantIntervals.TryGetValue(tenant, out var interval) ? interval : options.Interval;

    /// <summary>Adds a failure that arrived at <paramref name="now"/>.</summary>
    public void Add(ProvisioningLogEntry failure, DateTimeOffset now)
    {
        if (!_tenants.TryGetValue(failure.Tenant, out var state))
        {
            state = new TenantState { Tenant = failure.Tenant };
            _tenants[failure.Tenant] = state;
        }

        if (state.Total == 0)
        {
            state.FirstPendingAt = now;
            state.From = failure.Timestamp;
            state.To = failure.Timestamp;
        }

        state.Total++;
        state.From = failure.Timestamp < state.From ? failure.Timestamp : state.From;
        state.To = failure.Timestamp > state.To ? failure.Timestamp : state.To;
        var key = new CauseKey(failure.Operation, failure.ResourceType, failure.Status, failure.ScimType);
        if (!state.Groups.TryGetValue(key, out var group))
        {
            group = new GroupState(failure.Timestamp);
            state.Groups[key] = group;
        }

        group.Count++;
        group.FirstSeen = failure.Timestamp < group.FirstSeen ? failure.Timestamp : group.FirstSeen;
        group.LastSeen = failure.Timestamp > group.LastSeen ? failure.Timestamp : group.LastSeen;
        if (group.Examples.Count < options.MaxExamplesPerGroup)
        {
            group.Examples.Add(new ProvisioningFailureExample
            {
                Timestamp = failure.Timestamp,
                ResourceId = failure.ResourceId,
                UserName = failure.UserName,
                ExternalId = failure.ExternalId,
                DisplayName = failure.DisplayName,
                Detail = failure.Detail,
                CorrelationId = failure.CorrelationId,
            });
        }
    }

    /// <summary>When the next digest is due, or <see langword="null"/> when no failure is pending.</summary>
    public DateTimeOffset? NextDue()
    {
        DateTimeOffset? next = null;
        foreach (var state in _tenants.Values)
        {
            if (state.Total > 0 && (next is null || Due(state) < next))
            {
                next = Due(state);
            }
        }

        return next;
    }

    /// <summary>Takes the digests due at <paramref name="now"/> and forgets tenants that have been quiet for an interval.</summary>
    public List<ProvisioningFailureDigest> TakeDue(DateTimeOffset now)
    {
        var digests = new List<ProvisioningFailureDigest>();
        List<string>? quiet = null;
        foreach (var (tenant, state) in _tenants)
        {
            if (state.Total == 0)
            {
                if (state.LastSentAt is not { } last || now - last >= IntervalOf(tenant))
                {
                    (quiet ??= []).Add(tenant);
                }

                continue;
            }

            if (Due(state) > now)
            {
                continue;
            }

            digests.Add(new ProvisioningFailureDigest
            {
                Tenant = tenant,
                From = state.From,
                To = state.To,
                TotalFailures = state.Total,
                Groups = [.. state.Groups
                    .OrderByDescending(g => g.Value.Count)
                    .ThenBy(g => g.Value.FirstSeen)
                    .Take(options.MaxGroupsPerDigest)
                    .Select(g => new ProvisioningFailureGroup
                    {
                        Operation = g.Key.Operation,
                        ResourceType = g.Key.ResourceType,
                        Status = g.Key.Status,
                        ScimType = g.Key.ScimType,
                        Count = g.Value.Count,
                        FirstSeen = g.Value.FirstSeen,
                        LastSeen = g.Value.LastSeen,
                        Examples = g.Value.Examples,
                    })],
            });
            state.Groups = [];
            state.Total = 0;
            state.LastSentAt = now;
        }

        foreach (var tenant in quiet ?? [])
        {
            _tenants.Remove(tenant);
        }

        return digests;
    }

    private DateTimeOffset Due(TenantState state)
    {
        var gathered = state.FirstPendingAt + options.GatherDelay;
        var interval = state.Tenant is null ? options.Interval : IntervalOf(state.Tenant);
        return state.LastSentAt is { } last && last + interval > gathered ? last + interval : gathered;
    }

    private readonly record struct CauseKey(ProvisioningOperation Operation, string? ResourceType, int Status, string? ScimType);

    private sealed class GroupState(DateTimeOffset seen)
    {
        public int Count { get; set; }

        public DateTimeOffset FirstSeen { get; set; } = seen;

        public DateTimeOffset LastSeen { get; set; } = seen;

        public List<ProvisioningFailureExample> Examples { get; } = [];
    }

    private sealed class TenantState
    {
        public string? Tenant { get; init; }

        public Dictionary<CauseKey, GroupState> Groups { get; set; } = [];

        public int Total { get; set; }

        public DateTimeOffset FirstPendingAt { get; set; }

        public DateTimeOffset From { get; set; }

        public DateTimeOffset To { get; set; }

        public DateTimeOffset? LastSentAt { get; set; }
    }
}
