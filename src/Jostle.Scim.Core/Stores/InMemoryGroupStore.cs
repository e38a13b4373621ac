using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Stores.InMemory;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Stores;

/// <summary>
/// A thread-safe, tenant-scoped in-memory store of Groups: what tests and quick starts use. Members live outside the
/// group document as an insertion-ordered set per group, with a reverse index member → groups, so adding one member
/// to a 100 000-member group costs the same as adding one to a group of ten, and deleting a user does not scan every
/// group. Documents are composed with their members only when asked for. <c>id eq</c>, <c>displayName eq</c> and
/// <c>externalId eq</c> (alone or as an operand of a top-level <c>and</c>) are answered from hash indexes.
/// </summary>
/// <remarks>
/// <para><see cref="CreateAsync"/> and <see cref="ReplaceAsync"/> take the members the document carries (only their
/// <c>value</c> and <c>type</c>); a replaced document without <c>members</c> leaves the group empty, as a PUT does.</para>
/// <para>Under <see cref="JostleScimOptions.UniqueGroupDisplayNames"/> (the default) <c>displayName</c> is unique per
/// tenant, case-insensitively (it is not <c>caseExact</c>, RFC 7643 §4.2), checked under the tenant's write lock: of two
/// racing creates or renames to one name, one gets <see cref="StoreStatus.UniquenessConflict"/> on <c>displayName</c>.</para>
/// </remarks>
public sealed class InMemoryGroupStore : IScimGroupStore
{
    private readonly InMemoryResourceTable _table;

    /// <summary>A store whose group display names are unique per tenant (case-insensitively).</summary>
    public InMemoryGroupStore()
        : this(uniqueDisplayNames: true)
    {
    }

    /// <summary>A store that keeps display names unique when <see cref="JostleScimOptions.UniqueGroupDisplayNames"/> says so.</summary>
    /// <param name="options">The SCIM options.</param>
    public InMemoryGroupStore(IOptions<JostleScimOptions> options)
        : this(options?.Value.UniqueGroupDisplayNames ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    private InMemoryGroupStore(bool uniqueDisplayNames) =>
        _table = new(["displayName", "externalId"], unique: uniqueDisplayNames ? "displayName" : null, hasMembers: true);

    /// <summary>How many documents the last query evaluated; tests use it to prove that a lookup used an index.</summary>
    internal int LastQueryEvaluations => _table.LastQueryEvaluations;

    /// <inheritdoc />
    public ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_table.Create(tenantId, document));
    }

    /// <inheritdoc />
    public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) =>
        GetAsync(tenantId, id, includeMembers: true, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredResource?> GetAsync(string tenantId, string id, bool includeMembers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_table.Get(tenantId, id, includeMembers));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<string>> FindExistingAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_table.FindExisting(tenantId, ids));
    }

    /// <inheritdoc />
    public ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_table.Replace(tenantId, document, expectedVersion));
    }

    /// <inheritdoc />
    public ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_table.Delete(tenantId, id, expectedVersion));
    }

    /// <inheritdoc />
    /// <remarks>Keyset paging walks the creation order from a position (the creation sequence), found by binary search.</remarks>
    public bool SupportsKeysetPaging => true;

    /// <inheritdoc />
    public ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        cancellationToken.ThrowIfCancellationRequested();
        var filter = QueryPreparation.Compile(query);
        return ValueTask.FromResult(_table.Query(tenantId, query, filter, QueryPreparation.MentionsMembers(query.Filter), QueryPreparation.Sorter(query)));
    }

    /// <inheritdoc />
    public ValueTask<StoreResult> UpdateMembersAsync(string tenantId, string groupId, MembershipUpdate update, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(update);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_table.UpdateMembers(tenantId, groupId, update, expectedVersion));
    }

    /// <inheritdoc />
    public ValueTask RemoveMemberEverywhereAsync(string tenantId, string memberId, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(memberId);
        ArgumentNullException.ThrowIfNull(newVersion);
        cancellationToken.ThrowIfCancellationRequested();
        _table.RemoveMemberEverywhere(tenantId, memberId, newVersion, lastModified);
        return ValueTask.CompletedTask;
    }
}
