using System.Text.Json.Nodes;
using Jostle.Scim.Stores.InMemory;

namespace Jostle.Scim.Stores;

/// <summary>
/// A thread-safe, tenant-scoped in-memory store of Users: what tests and quick starts use. <c>userName</c> is unique
/// per tenant (case-insensitively) and checked atomically; <c>id eq</c>, <c>userName eq</c> and <c>externalId eq</c>
/// (alone or as an operand of a top-level <c>and</c>) are answered from hash indexes, so they cost the same at a
/// thousand and at a million users; other filters scan the tenant's users with the compiled filter.
/// Nothing is persisted: the data lives as long as the instance.
/// </summary>
public sealed class InMemoryUserStore : IScimUserStore
{
    private readonly InMemoryResourceTable _table = new(["userName", "externalId"], unique: "userName", hasMembers: false);

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
    public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_table.Get(tenantId, id, includeMembers: false));
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
        return ValueTask.FromResult(_table.Query(tenantId, query, filter, filterNeedsMembers: false, QueryPreparation.Sorter(query)));
    }
}
