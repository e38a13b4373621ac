using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Stores.InMemory;

/// <summary>
/// The engine behind the in-memory stores: per tenant, the documents by id, hash indexes on a few top-level string
/// attributes (case-insensitive keys, so they find a superset that the compiled filter then narrows), a creation
/// sequence for the stable default order and, for groups, the members kept outside the documents as ordered sets with
/// a reverse index member → groups. One reader/writer lock per tenant makes every write, uniqueness check included,
/// atomic; reads run in parallel.
/// </summary>
internal sealed class InMemoryResourceTable
{
    private readonly ConcurrentDictionary<string, Tenant> _tenants = new(StringComparer.Ordinal);
    private readonly string[] _indexed;
    private readonly int _uniqueSlot;
    private readonly bool _hasMembers;
    private int _lastQueryEvaluations;

    /// <param name="indexed">Top-level string attributes to index (besides <c>id</c>).</param>
    /// <param name="unique">The indexed attribute whose value is unique per tenant (case-insensitively), or <see langword="null"/>.</param>
    /// <param name="hasMembers">Whether documents carry group <c>members</c>, kept outside the document.</param>
    public InMemoryResourceTable(string[] indexed, string? unique, bool hasMembers)
    {
        _indexed = indexed;
        _uniqueSlot = unique is null ? -1 : Array.FindIndex(indexed, n => string.Equals(n, unique, StringComparison.OrdinalIgnoreCase));
        _hasMembers = hasMembers;
    }

    /// <summary>How many documents the last query evaluated (for tests that prove index use).</summary>
    public int LastQueryEvaluations => Volatile.Read(ref _lastQueryEvaluations);

    public StoreResult Create(string tenantId, JsonObject document)
    {
        var prepared = Prepare(document);
        var tenant = _tenants.GetOrAdd(tenantId, _ => new Tenant(_indexed.Length, _hasMembers));
        tenant.Lock.EnterWriteLock();
        try
        {
            if (tenant.ById.ContainsKey(prepared.Id))
            {
                return StoreResult.Conflict("id");
            }

            if (UniqueClash(tenant, prepared.Keys, prepared.Id) is { } clash)
            {
                return StoreResult.Conflict(clash);
            }

            var entry = new Entry(new StoredResource(prepared.Id, prepared.Version, prepared.Document), tenant.NextSequence++, prepared.Keys);
            tenant.ById.Add(entry.Resource.Id, entry);
            AddToIndexes(tenant, entry);
            if (_hasMembers)
            {
                var members = new MemberSet();
                tenant.Members![entry.Resource.Id] = members;
                AddMembers(tenant, entry.Resource.Id, members, prepared.Members!);
            }

            return StoreResult.Success(Compose(tenant, entry, includeMembers: true));
        }
        finally
        {
            tenant.Lock.ExitWriteLock();
        }
    }

    public StoredResource? Get(string tenantId, string id, bool includeMembers)
    {
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            return null;
        }

        tenant.Lock.EnterReadLock();
        try
        {
            return tenant.ById.TryGetValue(id, out var entry) ? Compose(tenant, entry, includeMembers) : null;
        }
        finally
        {
            tenant.Lock.ExitReadLock();
        }
    }

    public StoreResult Replace(string tenantId, JsonObject document, string? expectedVersion)
    {
        var prepared = Prepare(document);
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            return StoreResult.NotFound;
        }

        tenant.Lock.EnterWriteLock();
        try
        {
            if (!tenant.ById.TryGetValue(prepared.Id, out var current))
            {
                return StoreResult.NotFound;
            }

            if (!VersionMatches(current, expectedVersion))
            {
                return StoreResult.VersionMismatch;
            }

            if (UniqueClash(tenant, prepared.Keys, prepared.Id) is { } clash)
            {
                return StoreResult.Conflict(clash);
            }

            RemoveFromIndexes(tenant, current);
            var entry = new Entry(new StoredResource(prepared.Id, prepared.Version, prepared.Document), current.Sequence, prepared.Keys);
            tenant.ById[entry.Resource.Id] = entry;
            AddToIndexes(tenant, entry);
            if (_hasMembers)
            {
                var members = tenant.Members![entry.Resource.Id];
                RemoveAllMembers(tenant, entry.Resource.Id, members);
                AddMembers(tenant, entry.Resource.Id, members, prepared.Members!);
            }

            return StoreResult.Success(Compose(tenant, entry, includeMembers: true));
        }
        finally
        {
            tenant.Lock.ExitWriteLock();
        }
    }

    public StoreResult Delete(string tenantId, string id, string? expectedVersion)
    {
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            return StoreResult.NotFound;
        }

        tenant.Lock.EnterWriteLock();
        try
        {
            if (!tenant.ById.TryGetValue(id, out var current))
            {
                return StoreResult.NotFound;
            }

            if (!VersionMatches(current, expectedVersion))
            {
                return StoreResult.VersionMismatch;
            }

            tenant.ById.Remove(id);
            RemoveFromIndexes(tenant, current);
            if (_hasMembers && tenant.Members!.Remove(id, out var members))
            {
                RemoveAllMembers(tenant, id, members);
            }

            return StoreResult.Success(null);
        }
        finally
        {
            tenant.Lock.ExitWriteLock();
        }
    }

    public StoreResult UpdateMembers(string tenantId, string groupId, MembershipUpdate update, string? expectedVersion)
    {
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            return StoreResult.NotFound;
        }

        tenant.Lock.EnterWriteLock();
        try
        {
            if (!tenant.ById.TryGetValue(groupId, out var current))
            {
                return StoreResult.NotFound;
            }

            if (!VersionMatches(current, expectedVersion))
            {
                return StoreResult.VersionMismatch;
            }

            var members = tenant.Members![groupId];
            if (update.RemoveAll)
            {
                RemoveAllMembers(tenant, groupId, members);
            }

            foreach (var value in update.Removed)
            {
                if (members.Remove(value))
                {
                    UnlinkMember(tenant, groupId, value);
                }
            }

            AddMembers(tenant, groupId, members, update.Added);

            // The group document without members is small: rewriting it for the new version costs O(1) in the member count.
            var document = StoreJson.WithNewVersion(current.Resource.Document, update.NewVersion, update.LastModified);
            var entry = current with { Resource = new StoredResource(groupId, update.NewVersion, document) };
            tenant.ById[groupId] = entry;
            return StoreResult.Success(entry.Resource);
        }
        finally
        {
            tenant.Lock.ExitWriteLock();
        }
    }

    public void RemoveMemberEverywhere(string tenantId, string memberId)
    {
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            return;
        }

        tenant.Lock.EnterWriteLock();
        try
        {
            if (tenant.GroupsOfMember!.Remove(memberId, out var groups))
            {
                foreach (var groupId in groups)
                {
                    tenant.Members![groupId].Remove(memberId);
                }
            }
        }
        finally
        {
            tenant.Lock.ExitWriteLock();
        }
    }

    /// <summary>Runs a query whose filter is already compiled.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="query">The query (resource type, filter AST for index planning, sort, page).</param>
    /// <param name="filter">The compiled filter, or <see langword="null"/> for every resource.</param>
    /// <param name="filterNeedsMembers">Whether the filter reads group members, so candidates are composed with them.</param>
    /// <param name="sort">The sortBy comparer (direction included), or <see langword="null"/> for creation order.</param>
    public StoreQueryResult Query(string tenantId, StoreQuery query, CompiledFilter? filter, bool filterNeedsMembers, IComparer<JsonElement>? sort)
    {
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            Volatile.Write(ref _lastQueryEvaluations, 0);
            return new StoreQueryResult([], 0);
        }

        tenant.Lock.EnterReadLock();
        try
        {
            var matches = new List<Entry>();
            var evaluated = 0;
            foreach (var candidate in Candidates(tenant, query))
            {
                evaluated++;
                var document = filterNeedsMembers ? StoreJson.WithMembers(candidate.Resource.Document, tenant.Members![candidate.Resource.Id]) : candidate.Resource.Document;
                if (filter is null || filter.Matches(document))
                {
                    matches.Add(candidate);
                }
            }

            Volatile.Write(ref _lastQueryEvaluations, evaluated);
            if (sort is null)
            {
                matches.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));
            }
            else
            {
                matches.Sort((a, b) =>
                {
                    var order = sort.Compare(a.Resource.Document, b.Resource.Document);
                    return order != 0 ? order : a.Sequence.CompareTo(b.Sequence);
                });
            }

            var start = Math.Max(query.StartIndex, 1) - 1;
            var count = Math.Clamp(matches.Count - start, 0, Math.Max(query.Count, 0));
            var page = new StoredResource[count];
            for (var i = 0; i < count; i++)
            {
                page[i] = Compose(tenant, matches[start + i], query.IncludeMembers);
            }

            return new StoreQueryResult(page, matches.Count);
        }
        finally
        {
            tenant.Lock.ExitReadLock();
        }
    }

    private IEnumerable<Entry> Candidates(Tenant tenant, StoreQuery query)
    {
        if (FindIndexedLookup(query.Filter, query.ResourceType) is not var (slot, value))
        {
            return tenant.ById.Values;
        }

        if (slot < 0)
        {
            return tenant.ById.TryGetValue(value, out var byId) ? [byId] : [];
        }

        return tenant.Indexes[slot].TryGetValue(value, out var ids) ? ids.Select(id => tenant.ById[id]) : [];
    }

    /// <summary>
    /// An <c>eq</c> on an indexed attribute, alone or as one operand of a top-level <c>and</c>: its index slot
    /// (-1 for <c>id</c>) and value. The whole filter is still evaluated on the candidates.
    /// </summary>
    private (int Slot, string Value)? FindIndexedLookup(FilterExpression? filter, ResourceTypeDefinition resourceType)
    {
        switch (filter)
        {
            case ComparisonExpression { Operator: ComparisonOperator.Equal, Value: { Kind: FilterValueKind.String, Text: { } text }, Path: { SubAttribute: null } path }
                when resourceType.TryResolve(path.SchemaUri, path.Name, out var schema, out var attribute)
                    && ReferenceEquals(schema, resourceType.Schema)
                    && attribute.Type == AttributeType.String
                    && !attribute.MultiValued:
                if (string.Equals(attribute.Name, "id", StringComparison.OrdinalIgnoreCase))
                {
                    // Ids are case-exact; a schema that made them case-insensitive falls back to a scan.
                    return attribute.CaseExact ? (-1, text) : null;
                }

                var slot = Array.FindIndex(_indexed, n => string.Equals(n, attribute.Name, StringComparison.OrdinalIgnoreCase));
                return slot < 0 ? null : (slot, text);
            case LogicalExpression { Operator: LogicalOperator.And } and:
                foreach (var operand in and.Operands)
                {
                    if (FindIndexedLookup(operand, resourceType) is { } lookup)
                    {
                        return lookup;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private StoredResource Compose(Tenant tenant, Entry entry, bool includeMembers) =>
        _hasMembers && includeMembers
            ? entry.Resource with { Document = StoreJson.WithMembers(entry.Resource.Document, tenant.Members![entry.Resource.Id]) }
            : entry.Resource;

    private Prepared Prepare(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = StoreJson.FindString(document, "id");
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("The document has no id; the library sets it before calling the store.", nameof(document));
        }

        var version = StoreJson.FindVersion(document)
            ?? throw new ArgumentException("The document has no meta.version; the library sets it before calling the store.", nameof(document));
        var keys = new string?[_indexed.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = StoreJson.FindString(document, _indexed[i]);
        }

        return _hasMembers
            ? new Prepared(id, version, keys, StoreJson.ToElement(document, StoreJson.Members), StoreJson.ReadMembers(document))
            : new Prepared(id, version, keys, StoreJson.ToElement(document), null);
    }

    private static bool VersionMatches(Entry current, string? expectedVersion) =>
        expectedVersion is null || string.Equals(current.Resource.Version, expectedVersion, StringComparison.Ordinal);

    private string? UniqueClash(Tenant tenant, string?[] keys, string id)
    {
        if (_uniqueSlot < 0 || keys[_uniqueSlot] is not { } key || !tenant.Indexes[_uniqueSlot].TryGetValue(key, out var holders))
        {
            return null;
        }

        foreach (var holder in holders)
        {
            if (!string.Equals(holder, id, StringComparison.Ordinal))
            {
                return _indexed[_uniqueSlot];
            }
        }

        return null;
    }

    private static void AddToIndexes(Tenant tenant, Entry entry)
    {
        for (var i = 0; i < entry.Keys.Length; i++)
        {
            if (entry.Keys[i] is not { } key)
            {
                continue;
            }

            if (!tenant.Indexes[i].TryGetValue(key, out var ids))
            {
                ids = new HashSet<string>(StringComparer.Ordinal);
                tenant.Indexes[i].Add(key, ids);
            }

            ids.Add(entry.Resource.Id);
        }
    }

    private static void RemoveFromIndexes(Tenant tenant, Entry entry)
    {
        for (var i = 0; i < entry.Keys.Length; i++)
        {
            if (entry.Keys[i] is { } key && tenant.Indexes[i].TryGetValue(key, out var ids) && ids.Remove(entry.Resource.Id) && ids.Count == 0)
            {
                tenant.Indexes[i].Remove(key);
            }
        }
    }

    private static void AddMembers(Tenant tenant, string groupId, MemberSet members, IEnumerable<GroupMember> added)
    {
        foreach (var member in added)
        {
            if (!members.Add(member))
            {
                continue;
            }

            if (!tenant.GroupsOfMember!.TryGetValue(member.Value, out var groups))
            {
                groups = new HashSet<string>(StringComparer.Ordinal);
                tenant.GroupsOfMember.Add(member.Value, groups);
            }

            groups.Add(groupId);
        }
    }

    private static void RemoveAllMembers(Tenant tenant, string groupId, MemberSet members)
    {
        foreach (var value in members.Values)
        {
            UnlinkMember(tenant, groupId, value);
        }

        members.Clear();
    }

    private static void UnlinkMember(Tenant tenant, string groupId, string memberId)
    {
        if (tenant.GroupsOfMember!.TryGetValue(memberId, out var groups) && groups.Remove(groupId) && groups.Count == 0)
        {
            tenant.GroupsOfMember.Remove(memberId);
        }
    }

    private sealed record Entry(StoredResource Resource, long Sequence, string?[] Keys);

    private sealed record Prepared(string Id, string Version, string?[] Keys, JsonElement Document, List<GroupMember>? Members);

    private sealed class Tenant
    {
        public Tenant(int indexCount, bool hasMembers)
        {
            Indexes = new Dictionary<string, HashSet<string>>[indexCount];
            for (var i = 0; i < indexCount; i++)
            {
                Indexes[i] = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
            }

            if (hasMembers)
            {
                Members = new Dictionary<string, MemberSet>(StringComparer.Ordinal);
                GroupsOfMember = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            }
        }

        public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);

        public Dictionary<string, Entry> ById { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>>[] Indexes { get; }

        public Dictionary<string, MemberSet>? Members { get; }

        public Dictionary<string, HashSet<string>>? GroupsOfMember { get; }

        public long NextSequence { get; set; }
    }
}
