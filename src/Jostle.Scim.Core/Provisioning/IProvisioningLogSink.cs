namespace Jostle.Scim.Provisioning;

/// <summary>
/// Receives every provisioning log record. Writes happen on the request path, so an implementation should return quickly
/// (queue the record if its storage is slow); an exception it throws is logged and swallowed, never failing the request.
/// </summary>
public interface IProvisioningLogSink
{
    /// <summary>Stores one record.</summary>
    /// <param name="entry">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    ValueTask WriteAsync(ProvisioningLogEntry entry, CancellationToken cancellationToken = default);
}

/// <summary>Reads the provisioning log back, newest first, for a host's admin UI.</summary>
public interface IProvisioningLogReader
{
    /// <summary>Returns one page of the records that match <paramref name="query"/>, newest first.</summary>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page, with a continuation token when more records match.</returns>
    ValueTask<ProvisioningLogPage> QueryAsync(ProvisioningLogQuery query, CancellationToken cancellationToken = default);
}

/// <summary>Which outcomes a <see cref="ProvisioningLogQuery"/> returns.</summary>
public enum ProvisioningOutcomeFilter
{
    /// <summary>Successes and failures.</summary>
    Any = 0,

    /// <summary>Only operations that succeeded (status below 400).</summary>
    Success,

    /// <summary>Only operations that failed (status 400 or above).</summary>
    Failure,
}

/// <summary>A query over the provisioning log. Every criterion that is set must match.</summary>
public sealed record ProvisioningLogQuery
{
    /// <summary>The tenant whose records to return, or <see langword="null"/> for every tenant (an operator's view).</summary>
    public string? Tenant { get; init; }

    /// <summary>The earliest <see cref="ProvisioningLogEntry.Timestamp"/> to return (inclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>The latest <see cref="ProvisioningLogEntry.Timestamp"/> to return (exclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Successes, failures or both. Default both.</summary>
    public ProvisioningOutcomeFilter Outcome { get; init; }

    /// <summary>The resource type (<c>User</c>, <c>Group</c>; case-insensitive), or <see langword="null"/>.</summary>
    public string? ResourceType { get; init; }

    /// <summary>The resource id (exact), or <see langword="null"/>.</summary>
    public string? ResourceId { get; init; }

    /// <summary>The operation, or <see langword="null"/> for every operation.</summary>
    public ProvisioningOperation? Operation { get; init; }

    /// <summary>The <see cref="ProvisioningLogEntry.UserName"/> (case-insensitive, exact), or <see langword="null"/>.</summary>
    public string? UserName { get; init; }

    /// <summary>The most records a page holds: 1 to 1000. Default 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>The <see cref="ProvisioningLogPage.ContinuationToken"/> of the previous page, or <see langword="null"/> for the first page.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>One page of provisioning log records.</summary>
/// <param name="Entries">The records, newest first.</param>
/// <param name="ContinuationToken">Pass it in <see cref="ProvisioningLogQuery.ContinuationToken"/> for the next page; <see langword="null"/> on the last page.</param>
public sealed record ProvisioningLogPage(IReadOnlyList<ProvisioningLogEntry> Entries, string? ContinuationToken);
