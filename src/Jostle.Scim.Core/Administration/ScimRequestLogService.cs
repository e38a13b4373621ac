using Jostle.Scim.Provisioning;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Administration;

/// <summary>One record of the console's request log, with its hint.</summary>
/// <param name="Entry">The record.</param>
/// <param name="Hint">What to change, or <see langword="null"/> when nothing is wrong.</param>
public sealed record ScimRequestLogRecord(ProvisioningLogEntry Entry, ScimFailureHint? Hint);

/// <summary>One page of the console's request log.</summary>
/// <param name="Records">The records, newest first.</param>
/// <param name="ContinuationToken">Pass it in <see cref="ProvisioningLogQuery.ContinuationToken"/> for the next page; <see langword="null"/> on the last page.</param>
/// <param name="Retention">How long the log keeps records (<see cref="ScimAdministrationOptions.LogRetention"/>), for the page to state; <see langword="null"/> when unknown.</param>
public sealed record ScimRequestLogPage(IReadOnlyList<ScimRequestLogRecord> Records, string? ContinuationToken, TimeSpan? Retention);

/// <summary>The outcome of <see cref="ScimRequestLogService.RevealAsync"/>.</summary>
/// <param name="Revealed">Whether the unmasked summary could be shown.</param>
/// <param name="Summary">The summary with personal values (secrets are never in it), or the reason it cannot be shown.</param>
public sealed record ScimRevealedSummary(bool Revealed, string Summary);

/// <summary>
/// The request log page's service: a tenant's provisioning log, newest first, paged by keyset and filtered (failed only,
/// operation, resource type, <c>userName</c>, time range), each record with its <see cref="ScimFailureHints">hint</see>;
/// and the reveal of a record's personal values, which is itself recorded in the tenant's log.
/// </summary>
public sealed class ScimRequestLogService
{
    private readonly IProvisioningLogReader _log;
    private readonly ScimAdministrationAudit _audit;
    private readonly ScimRequestSummaryProtector? _protector;
    private readonly ScimAdministrationOptions _options;

    /// <summary>Creates the service.</summary>
    /// <param name="log">The provisioning log.</param>
    /// <param name="audit">Where reveals are recorded.</param>
    /// <param name="options">The administration options (retention).</param>
    /// <param name="protector">Opens protected summaries; without it nothing can be revealed.</param>
    public ScimRequestLogService(IProvisioningLogReader log, ScimAdministrationAudit audit, IOptions<ScimAdministrationOptions> options, ScimRequestSummaryProtector? protector = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(options);
        _log = log;
        _audit = audit;
        _options = options.Value;
        _protector = protector;
    }

    /// <summary>How long the log keeps records, or <see langword="null"/> when unknown.</summary>
    public TimeSpan? Retention => _options.LogRetention;

    /// <summary>Returns one page of a tenant's records; <see cref="ProvisioningLogQuery.Tenant"/> is replaced by <paramref name="tenantId"/>.</summary>
    /// <param name="tenantId">The tenant (a tenant admin never sees another tenant's records).</param>
    /// <param name="query">The filters and page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The continuation token or page size is invalid.</exception>
    public async Task<ScimRequestLogPage> QueryAsync(string tenantId, ProvisioningLogQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(query);
        var page = await _log.QueryAsync(query with { Tenant = tenantId }, cancellationToken).ConfigureAwait(false);
        return new ScimRequestLogPage([.. page.Entries.Select(e => new ScimRequestLogRecord(e, ScimFailureHints.For(e)))], page.ContinuationToken, Retention);
    }

    /// <summary>
    /// Reveals the personal values of a record's request summary to a console user, and records in the tenant's log that
    /// they did (the record's correlation id, never the values).
    /// </summary>
    /// <param name="tenantId">The tenant the console user administers; a record of another tenant is refused.</param>
    /// <param name="entry">The record, as the query returned it.</param>
    /// <param name="consoleUser">The console user.</param>
    /// <param name="cancellationToken">Cancels the audit write.</param>
    /// <returns>The unmasked summary, or why it cannot be shown.</returns>
    public async Task<ScimRevealedSummary> RevealAsync(string tenantId, ProvisioningLogEntry entry, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        if (!string.Equals(entry.Tenant, tenantId, StringComparison.Ordinal))
        {
            return new(false, "This record belongs to another tenant.");
        }

        if (entry.ProtectedRequestSummary is null)
        {
            return new(false, entry.RequestSummary is null ? "The request sent nothing to summarise." : "This record was stored without its personal values; only the masked summary exists.");
        }

        var summary = _protector?.TryUnprotect(entry.ProtectedRequestSummary);
        if (summary is null)
        {
            return new(false, "The personal values can no longer be decrypted (the server's data-protection keys changed); only the masked summary is available.");
        }

        await _audit.RecordAsync(tenantId, consoleUser, ScimAdministrationAction.PersonalDataRevealed, entry.CorrelationId, $"Personal values of the request {entry.Method} {entry.Path} at {entry.Timestamp:u} (correlation {entry.CorrelationId}) were revealed.", cancellationToken).ConfigureAwait(false);
        return new(true, summary);
    }
}
