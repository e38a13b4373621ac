using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Stores;

/// <summary>A resource as a store holds it: its id, its version (a weak ETag) and its full document.</summary>
/// <param name="Id">The resource id.</param>
/// <param name="Version">The resource version, a weak ETag such as <c>W/"3"</c>; equal to <c>meta.version</c>.</param>
/// <param name="Document">The full resource document (<c>schemas</c>, <c>id</c>, <c>meta</c> and attributes), immutable.</param>
public sealed record StoredResource(string Id, string Version, JsonElement Document);

/// <summary>The outcome of a store write.</summary>
public enum StoreStatus
{
    /// <summary>The write succeeded.</summary>
    Ok,
    /// <summary>No resource has that id in the tenant (→ 404).</summary>
    NotFound,
    /// <summary>A unique attribute's value is already in use in the tenant (→ 409 <c>uniqueness</c>).</summary>
    UniquenessConflict,
    /// <summary>The resource's current version is not the one the caller expected (→ 412).</summary>
    VersionMismatch,
}

/// <summary>The typed outcome of a store write.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Resource">On success, the resource as stored (for a delete, <see langword="null"/>).</param>
/// <param name="ConflictingAttribute">For <see cref="StoreStatus.UniquenessConflict"/>, the attribute whose value clashed, e.g. <c>userName</c>.</param>
public readonly record struct StoreResult(StoreStatus Status, StoredResource? Resource = null, string? ConflictingAttribute = null)
{
    /// <summary>
    /// On success, the attributes of the written document the store did not keep (a store over a fixed table that has no
    /// place for them), as SCIM paths such as <c>nickName</c> or <c>emails[type eq "other"]</c>; the library names them
    /// in the provisioning log record of the request, so nothing is dropped silently. Empty when everything was kept.
    /// </summary>
    public IReadOnlyList<string> NotStored { get; init; } = [];

    /// <summary>A success carrying the stored resource.</summary>
    /// <param name="resource">The stored resource.</param>
    /// <returns>The result.</returns>
    public static StoreResult Success(StoredResource? resource) => new(StoreStatus.Ok, resource);

    /// <summary>The resource was not found.</summary>
    public static StoreResult NotFound { get; } = new(StoreStatus.NotFound);

    /// <summary>The expected version did not match.</summary>
    public static StoreResult VersionMismatch { get; } = new(StoreStatus.VersionMismatch);

    /// <summary>A unique attribute clashed.</summary>
    /// <param name="attribute">The attribute, e.g. <c>userName</c>.</param>
    /// <returns>The result.</returns>
    public static StoreResult Conflict(string attribute) => new(StoreStatus.UniquenessConflict, null, attribute);
}

/// <summary>A query a store runs: the filter AST, the sort and the page.</summary>
public sealed class StoreQuery
{
    /// <summary>The resource type queried (for resolving attribute paths).</summary>
    public required ResourceTypeDefinition ResourceType { get; init; }

    /// <summary>The filter, or <see langword="null"/> for every resource of the tenant.</summary>
    public FilterExpression? Filter { get; init; }

    /// <summary>The attribute to sort by, or <see langword="null"/> for the store's stable default order.</summary>
    public AttributePath? SortBy { get; init; }

    /// <summary>Whether to sort in descending order.</summary>
    public bool Descending { get; init; }

    /// <summary>The 1-based index of the first result (RFC 7644 §3.4.2.4); at least 1.</summary>
    public int StartIndex { get; init; } = 1;

    /// <summary>The largest number of resources to return; 0 returns only the total.</summary>
    public int Count { get; init; } = 100;

    /// <summary>For groups: whether to include <c>members</c> in the returned documents.</summary>
    public bool IncludeMembers { get; init; } = true;

    /// <summary>
    /// Whether to page by position (keyset, for RFC 9865 cursors) instead of by <see cref="StartIndex"/>: the page is the
    /// first <see cref="Count"/> matches, in the store's stable default order, that come after <see cref="After"/>, and
    /// the store reports <see cref="StoreQueryResult.NextAfter"/>. The library asks it only of a store whose
    /// <see cref="IScimResourceStore.SupportsKeysetPaging"/> is <see langword="true"/>, and only with
    /// <see cref="SortBy"/> <see langword="null"/>. The store must seek to the position (e.g.
    /// <c>WHERE key &gt; @after ORDER BY key LIMIT n</c> on an indexed key), not skip rows, so a late page costs what the first costs.
    /// </summary>
    public bool Keyset { get; init; }

    /// <summary>
    /// With <see cref="Keyset"/>: the position of the last row of the previous page, as the store returned it in
    /// <see cref="StoreQueryResult.NextAfter"/>, or <see langword="null"/> for the first page. Opaque to the library
    /// (which signs it into the cursor, so a store receives only positions it issued).
    /// </summary>
    public string? After { get; init; }
}

/// <summary>A page of query results and the total number of matches.</summary>
/// <param name="Resources">The page, in order.</param>
/// <param name="TotalResults">How many resources match in all.</param>
public sealed record StoreQueryResult(IReadOnlyList<StoredResource> Resources, int TotalResults)
{
    /// <summary>
    /// For a <see cref="StoreQuery.Keyset"/> query: the position of the page's last row when more matches follow it, or
    /// <see langword="null"/> when this is the last page. The position must stay meaningful when that row is deleted
    /// (a stable, monotonic key such as a creation sequence), so a walk neither skips nor repeats a resource.
    /// </summary>
    public string? NextAfter { get; init; }
}

/// <summary>
/// Changes to a group's members that a store applies without reading or rewriting the other members.
/// Applied in this order: <see cref="RemoveAll"/>, then <see cref="Removed"/>, then <see cref="Added"/>.
/// Adding a present member or removing an absent one is not an error.
/// </summary>
public sealed class MembershipUpdate
{
    /// <summary>Whether every current member is removed first.</summary>
    public bool RemoveAll { get; init; }

    /// <summary>The ids of the members to remove.</summary>
    public IReadOnlyCollection<string> Removed { get; init; } = [];

    /// <summary>The members to add: each an id and an optional member <c>type</c> (<c>User</c> or <c>Group</c>).</summary>
    public IReadOnlyList<GroupMember> Added { get; init; } = [];

    /// <summary>The group's new <c>meta.lastModified</c>.</summary>
    public required DateTimeOffset LastModified { get; init; }

    /// <summary>The group's new version (weak ETag).</summary>
    public required string NewVersion { get; init; }
}

/// <summary>A member of a group.</summary>
/// <param name="Value">The member's resource id.</param>
/// <param name="Type">The member's resource type (<c>User</c> or <c>Group</c>), or <see langword="null"/>.</param>
public sealed record GroupMember(string Value, string? Type = null);

/// <summary>
/// A tenant-scoped store of one resource type. Every call names the tenant; a store never returns or changes
/// another tenant's resources. Documents handed to a store are complete (the library has already validated them
/// and set <c>id</c> and <c>meta</c>, including <c>meta.version</c>).
/// </summary>
public interface IScimResourceStore
{
    /// <summary>Stores a new resource, enforcing the uniqueness of unique attributes (e.g. <c>userName</c>) within the tenant atomically.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="document">The complete resource document.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see cref="StoreStatus.Ok"/> with the stored resource, or <see cref="StoreStatus.UniquenessConflict"/>.</returns>
    ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default);

    /// <summary>Reads a resource.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The resource, or <see langword="null"/> when the tenant has none with that id.</returns>
    ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default);

    /// <summary>Replaces a resource if its current version is <paramref name="expectedVersion"/>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="document">The complete new document; its <c>id</c> names the resource.</param>
    /// <param name="expectedVersion">The version the caller read, or <see langword="null"/> to replace unconditionally.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Ok, NotFound, VersionMismatch or UniquenessConflict.</returns>
    ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Deletes a resource if its current version is <paramref name="expectedVersion"/>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="id">The resource id.</param>
    /// <param name="expectedVersion">The version the caller read, or <see langword="null"/> to delete unconditionally.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Ok, NotFound or VersionMismatch.</returns>
    ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Runs a query: filter, sort and page, returning the page and the total.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The page and the total.</returns>
    /// <exception cref="ScimException">The store cannot run the filter or sort (400 <c>invalidFilter</c> naming the attribute).</exception>
    ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <see cref="QueryAsync"/> honours <see cref="StoreQuery.Keyset"/> (RFC 9865 cursor pagination). A store
    /// that does not (the default) makes a cursor request a <c>400</c> that says so, and <c>/ServiceProviderConfig</c>
    /// does not advertise cursors.
    /// </summary>
    bool SupportsKeysetPaging => false;

    /// <summary>
    /// Which of <paramref name="ids"/> name a resource of the tenant. The library asks it once for all the new members
    /// of a group (a <c>POST</c>, <c>PUT</c> or member <c>PATCH</c>), so a store that answers in one round trip keeps
    /// a 10 000-member write from making 10 000 reads. The default reads each id with
    /// <see cref="GetAsync(string, string, CancellationToken)"/>; the stores in this library override it.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="ids">The ids to look for (duplicates allowed).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids, of those asked for, that exist in the tenant (ordinal).</returns>
    ValueTask<IReadOnlySet<string>> FindExistingAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) =>
        FindEachAsync(ids, id => GetAsync(tenantId, id, cancellationToken));

    /// <summary>The default <see cref="FindExistingAsync"/>: reads each distinct id with <paramref name="read"/>.</summary>
    /// <param name="ids">The ids to look for.</param>
    /// <param name="read">Reads one resource, or returns <see langword="null"/>.</param>
    /// <returns>The ids that <paramref name="read"/> found (ordinal).</returns>
    protected static async ValueTask<IReadOnlySet<string>> FindEachAsync(IReadOnlyCollection<string> ids, Func<string, ValueTask<StoredResource?>> read)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(read);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (await read(id).ConfigureAwait(false) is not null)
            {
                found.Add(id);
            }
        }

        return found;
    }
}

/// <summary>A store of User resources.</summary>
public interface IScimUserStore : IScimResourceStore
{
}

/// <summary>
/// A store of Group resources, with membership changes as deltas so that a change to a 100 000-member group
/// does not read or rewrite the other members.
/// </summary>
public interface IScimGroupStore : IScimResourceStore
{
    /// <summary>Reads a group, with or without its members.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="id">The group id.</param>
    /// <param name="includeMembers">Whether the document should carry <c>members</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The group, or <see langword="null"/>.</returns>
    ValueTask<StoredResource?> GetAsync(string tenantId, string id, bool includeMembers, CancellationToken cancellationToken = default);

    /// <summary>Applies a membership delta to a group if its current version is <paramref name="expectedVersion"/>.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="groupId">The group id.</param>
    /// <param name="update">The delta and the group's new version and modification time.</param>
    /// <param name="expectedVersion">The version the caller read, or <see langword="null"/> to apply unconditionally.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Ok (with the group without members), NotFound or VersionMismatch.</returns>
    ValueTask<StoreResult> UpdateMembersAsync(string tenantId, string groupId, MembershipUpdate update, string? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a member from every group of the tenant (when the member is deleted). Each group that lost the member is
    /// changed: it takes <paramref name="newVersion"/> and <paramref name="lastModified"/> (in its document's <c>meta</c> too),
    /// so a conditional GET of it no longer answers 304. Groups the member was not in keep their version.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="memberId">The member's resource id.</param>
    /// <param name="newVersion">The new <c>meta.version</c> of each group that lost the member.</param>
    /// <param name="lastModified">The new <c>meta.lastModified</c> of each group that lost the member.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the member is gone from every group.</returns>
    ValueTask RemoveMemberEverywhereAsync(string tenantId, string memberId, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken = default);

    /// <summary>The default for a group store reads each group without its members.</summary>
    /// <inheritdoc cref="IScimResourceStore.FindExistingAsync"/>
    ValueTask<IReadOnlySet<string>> IScimResourceStore.FindExistingAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        FindEachAsync(ids, id => GetAsync(tenantId, id, includeMembers: false, cancellationToken));
}
