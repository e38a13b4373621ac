using System.Globalization;
using Jostle.Scim.Provisioning;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Administration;

/// <summary>How close a tenant's failure rate is to Microsoft Entra ID's quarantine.</summary>
public enum ScimHealthLevel
{
    /// <summary>At or below <see cref="ScimAdministrationOptions.WarningFailureRate"/>.</summary>
    Healthy = 0,

    /// <summary>Above the warning rate, at or below the quarantine threshold.</summary>
    Warning,

    /// <summary>Above <see cref="ScimAdministrationOptions.QuarantineFailureRate"/> (Entra ID quarantines a job above 40 % failures).</summary>
    QuarantineRisk,
}

/// <summary>The kinds of warning found in real traffic.</summary>
public enum ScimTrafficWarningKind
{
    /// <summary>The identity provider sends an attribute this server drops.</summary>
    AttributeDropped = 0,

    /// <summary>A lookup filter was refused.</summary>
    FilterRefused,

    /// <summary>A <c>userName eq</c> lookup found nothing and the create that followed has the e-mail of an existing user.</summary>
    LikelyDuplicate,
}

/// <summary>One hour of the health chart.</summary>
/// <param name="Start">The hour's start (UTC, on the hour).</param>
/// <param name="Writes">Creates, replaces, patches and deletes recorded in the hour (failed ones included).</param>
/// <param name="Failures">Failed operations recorded in the hour (reads and refusals included).</param>
public sealed record ScimHealthBucket(DateTimeOffset Start, int Writes, int Failures);

/// <summary>A warning found in real traffic, with what to change.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Message">What was seen, and what to change.</param>
/// <param name="Count">How many records show it in the period.</param>
/// <param name="LastSeenAt">The newest of them.</param>
/// <param name="CorrelationId">The newest record's correlation id, to find it in the log.</param>
public sealed record ScimTrafficWarning(ScimTrafficWarningKind Kind, string Message, int Count, DateTimeOffset LastSeenAt, string CorrelationId);

/// <summary>A tenant's health over the last 24 hours.</summary>
public sealed record ScimProvisioningHealth
{
    /// <summary>The start of the first bucket.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>24 hourly buckets, oldest first; the last one is the current (partial) hour.</summary>
    public required IReadOnlyList<ScimHealthBucket> Buckets { get; init; }

    /// <summary>Recorded operations in the period (lookups that found nothing not counted).</summary>
    public required int Operations { get; init; }

    /// <summary>Failed operations in the period.</summary>
    public required int Failures { get; init; }

    /// <summary><see cref="Failures"/> / <see cref="Operations"/>, 0 when there were none.</summary>
    public required double FailureRate { get; init; }

    /// <summary>The level of <see cref="FailureRate"/> against the thresholds.</summary>
    public required ScimHealthLevel Level { get; init; }

    /// <summary>The warning threshold used (<see cref="ScimAdministrationOptions.WarningFailureRate"/>).</summary>
    public required double WarningFailureRate { get; init; }

    /// <summary>The quarantine threshold used (<see cref="ScimAdministrationOptions.QuarantineFailureRate"/>).</summary>
    public required double QuarantineFailureRate { get; init; }

    /// <summary>Warnings found in the period's traffic, most recent first.</summary>
    public required IReadOnlyList<ScimTrafficWarning> Warnings { get; init; }
}

/// <summary>
/// The health page's service: the last 24 hours of a tenant's provisioning log bucketed per hour, the failure rate against
/// Entra ID's quarantine threshold, and warnings found in real traffic (attributes dropped, filters refused, likely
/// duplicates). Reads the log and, for the duplicate check, the tenant's users.
/// </summary>
public sealed class ScimProvisioningHealthService
{
    private readonly IProvisioningLogReader _log;
    private readonly IScimUserEmails? _users;
    private readonly ScimAdministrationOptions _options;
    private readonly TimeProvider _time;

    internal ScimProvisioningHealthService(IProvisioningLogReader log, IOptions<ScimAdministrationOptions> options, TimeProvider? timeProvider, IScimUserEmails? users)
    {
        _log = log;
        _users = users;
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Computes a tenant's health now.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The health.</returns>
    public async Task<ScimProvisioningHealth> GetAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var now = _time.GetUtcNow().ToUniversalTime();
        var currentHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var from = currentHour.AddHours(-23);
        var entries = await ScimLogScan.RecentAsync(_log, tenantId, from, cancellationToken).ConfigureAwait(false);
        var writes = new int[24];
        var failed = new int[24];
        int operations = 0, failures = 0;
        foreach (var entry in entries)
        {
            var index = (int)Math.Floor((entry.Timestamp - from).TotalHours);
            if (index is < 0 or > 23 || !ScimLogScan.Counts(entry))
            {
                continue;
            }

            operations++;
            writes[index] += ScimLogScan.IsWrite(entry) ? 1 : 0;
            if (!entry.Succeeded)
            {
                failures++;
                failed[index]++;
            }
        }

        var rate = operations == 0 ? 0 : (double)failures / operations;
        var level = rate > _options.QuarantineFailureRate ? ScimHealthLevel.QuarantineRisk : rate > _options.WarningFailureRate ? ScimHealthLevel.Warning : ScimHealthLevel.Healthy;
        var warnings = new List<ScimTrafficWarning>();
        AddDropped(entries, warnings);
        AddRefusedFilters(entries, warnings);
        await AddDuplicatesAsync(tenantId, entries, warnings, cancellationToken).ConfigureAwait(false);
        return new ScimProvisioningHealth
        {
            From = from,
            Buckets = [.. Enumerable.Range(0, 24).Select(i => new ScimHealthBucket(from.AddHours(i), writes[i], failed[i]))],
            Operations = operations,
            Failures = failures,
            FailureRate = rate,
            Level = level,
            WarningFailureRate = _options.WarningFailureRate,
            QuarantineFailureRate = _options.QuarantineFailureRate,
            Warnings = [.. warnings.OrderByDescending(w => w.LastSeenAt)],
        };
    }

    private static void AddDropped(List<ProvisioningLogEntry> entries, List<ScimTrafficWarning> warnings)
    {
        var byName = new Dictionary<string, (int Count, ProvisioningLogEntry Newest)>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            foreach (var name in ScimFailureHints.DroppedAttributes(entry))
            {
                byName[name] = byName.TryGetValue(name, out var seen) ? (seen.Count + 1, seen.Newest) : (1, entry);
            }
        }

        foreach (var (name, (count, newest)) in byName)
        {
            warnings.Add(new(ScimTrafficWarningKind.AttributeDropped,
                $"The identity provider sends '{name}', which no schema of this server defines; it was dropped in {count} request(s). Remove that mapping in the identity provider, or map it to an attribute this server serves.",
                count, newest.Timestamp, newest.CorrelationId));
        }
    }

    private static void AddRefusedFilters(List<ProvisioningLogEntry> entries, List<ScimTrafficWarning> warnings)
    {
        var refused = entries.Where(e => e.ScimType == "invalidFilter").ToList();
        if (refused.Count > 0)
        {
            var newest = refused[0];
            warnings.Add(new(ScimTrafficWarningKind.FilterRefused,
                $"{refused.Count} lookup filter(s) were refused, most recently: {newest.Detail} Change the matching attribute in the identity provider to one this server can filter on (userName, externalId, emails.value).",
                refused.Count, newest.Timestamp, newest.CorrelationId));
        }
    }

    private async Task AddDuplicatesAsync(string tenantId, List<ProvisioningLogEntry> entries, List<ScimTrafficWarning> warnings, CancellationToken cancellationToken)
    {
        if (_users is null)
        {
            return;
        }

        // entries are newest first; a create follows an empty lookup when the lookup is older, within the window, same userName.
        var lookups = entries.Where(ScimLogScan.IsEmptyLookup).ToList();
        if (lookups.Count == 0)
        {
            return;
        }

        var checkedCreates = 0;
        foreach (var create in entries.Where(e => e.Operation == ProvisioningOperation.Create && e.Succeeded && e.ResourceId is not null
                     && string.Equals(e.ResourceType, "User", StringComparison.OrdinalIgnoreCase)))
        {
            var lookup = lookups.FirstOrDefault(l => l.Timestamp <= create.Timestamp && create.Timestamp - l.Timestamp <= _options.DuplicateWindow
                && string.Equals(l.UserName, create.UserName, StringComparison.OrdinalIgnoreCase));
            if (lookup is null || ++checkedCreates > 200)
            {
                continue;
            }

            var match = await _users.FindOtherUserWithSameEmailAsync(tenantId, create.ResourceId!, cancellationToken).ConfigureAwait(false);
            if (match is { } m)
            {
                warnings.Add(new(ScimTrafficWarningKind.LikelyDuplicate,
                    string.Create(CultureInfo.InvariantCulture, $"Likely duplicate: a lookup for userName '{create.UserName}' found nothing at {lookup.Timestamp:u}, then user {create.ResourceId} was created with the e-mail {ScimRequestSummary.MaskValue(m.Email)}, which existing user '{m.UserName}' ({m.Id}) already has. The identity provider probably changed its matching attribute: match on the attribute that identified the user before (or on e-mail), then delete the duplicate."),
                    1, create.Timestamp, create.CorrelationId));
            }
        }
    }
}
