using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Analysis;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Stores.InMemory;

/// <summary>
/// The engine behind the in-memory stores: per tenant, the documents by id, hash indexes on a few top-level string
/// attributes (case-insensitive keys, so they find a superset that the compiled filter then narrows), a creation
/// sequence for the stable default order and, for groups, the members kept outside the documents as ordered sets with
/// a reverse index member → groups. One reader/writer lock per tenant makes every write, uniqueness check included,
/// atomic; reads run in parallel.
/// </summary>
/// <remarks>
/// A document is kept as one UTF-8 <see cref="byte"/> array and materialised as a <see cref="JsonElement"/> only when
/// a read needs it (the page, the filter's candidates, a sort). An index entry is the resource's id string itself (or,
/// for the rare key that several resources share, a set of ids). So a resource costs a handful of objects — id, bytes,
/// index keys — however large the tenant: a million users are about four million objects that the garbage collector
/// has to trace, not the fifteen million a parsed tree, a record and a set per index entry would make, and about half
/// the memory.
/// </remarks>
internal sealed class InMemoryResourceTable
{
    private readonly ConcurrentDictionary<string, Tenant> _tenants = new(StringComparer.Ordinal);
    private readonly string[] _indexed;
    private readonly Func<AttributeDefinition, bool> _isIndexed;
    private readonly int _uniqueSlot;
    private readonly bool _hasMembers;
    private int _lastQueryEvaluations;

    /// <param name="indexed">Top-level string attributes to index (besides <c>id</c>).</param>
    /// <param name="unique">The indexed attribute whose value is unique per tenant (case-insensitively), or <see langword="null"/>.</param>
    /// <param name="hasMembers">Whether documents carry group <c>members</c>, kept outside the document.</param>
    public InMemoryResourceTable(string[] indexed, string? unique, bool hasMembers)
    {
        _indexed = indexed;
        _isIndexed = IsIndexed;
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

            var row = new Row(prepared.Id, prepared.Utf8, tenant.NextSequence++);
            tenant.ById.Add(prepared.Id, row);
            tenant.BySequence.Add(row.Sequence, prepared.Id);
            AddToIndexes(tenant, prepared.Id, prepared.Keys);
            if (_hasMembers)
            {
                var members = new MemberSet();
                tenant.Members![prepared.Id] = members;
                AddMembers(tenant, prepared.Id, members, prepared.Members!);
            }

            return StoreResult.Success(Compose(tenant, prepared.Id, StoreJson.Materialize(row.Utf8), includeMembers: true));
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
            return tenant.ById.TryGetValue(id, out var row) ? Compose(tenant, id, StoreJson.Materialize(row.Utf8), includeMembers) : null;
        }
        finally
        {
            tenant.Lock.ExitReadLock();
        }
    }

    public IReadOnlySet<string> FindExisting(string tenantId, IReadOnlyCollection<string> ids)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            return found;
        }

        tenant.Lock.EnterReadLock();
        try
        {
            foreach (var id in ids)
            {
                if (tenant.ById.ContainsKey(id))
                {
                    found.Add(id);
                }
            }
        }
        finally
        {
            tenant.Lock.ExitReadLock();
        }

        return found;
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

            var currentDocument = StoreJson.Materialize(current.Utf8);
            if (!VersionMatches(currentDocument, expectedVersion))
            {
                return StoreResult.VersionMismatch;
            }

            if (UniqueClash(tenant, prepared.Keys, prepared.Id) is { } clash)
            {
                return StoreResult.Conflict(clash);
            }

            // The id string that keys the dictionary and the indexes stays the one stored at creation.
            var id = current.Id;
            RemoveFromIndexes(tenant, id, KeysOf(currentDocument));
            var row = new Row(id, prepared.Utf8, current.Sequence);
            tenant.ById[id] = row;
            AddToIndexes(tenant, id, prepared.Keys);
            if (_hasMembers)
            {
                var members = tenant.Members![id];
                RemoveAllMembers(tenant, id, members);
                AddMembers(tenant, id, members, prepared.Members!);
            }

            return StoreResult.Success(Compose(tenant, id, StoreJson.Materialize(row.Utf8), includeMembers: true));
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

            var currentDocument = StoreJson.Materialize(current.Utf8);
            if (!VersionMatches(currentDocument, expectedVersion))
            {
                return StoreResult.VersionMismatch;
            }

            tenant.ById.Remove(id);
            tenant.BySequence.Remove(current.Sequence);
            RemoveFromIndexes(tenant, id, KeysOf(currentDocument));
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

            var currentDocument = StoreJson.Materialize(current.Utf8);
            if (!VersionMatches(currentDocument, expectedVersion))
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
            var row = current with { Utf8 = StoreJson.WithNewVersion(currentDocument, update.NewVersion, update.LastModified) };
            tenant.ById[groupId] = row;
            return StoreResult.Success(new StoredResource(groupId, update.NewVersion, StoreJson.Materialize(row.Utf8)));
        }
        finally
        {
            tenant.Lock.ExitWriteLock();
        }
    }

    public void RemoveMemberEverywhere(string tenantId, string memberId, string newVersion, DateTimeOffset lastModified)
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
                    if (tenant.ById.TryGetValue(groupId, out var row))
                    {
                        tenant.ById[groupId] = row with { Utf8 = StoreJson.WithNewVersion(StoreJson.Materialize(row.Utf8), newVersion, lastModified) };
                    }
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
    /// <remarks>
    /// Documents are materialised only where needed: every candidate when there is a filter, every match when there
    /// is a sort, otherwise only the page — so listing a million users without a filter parses one page.
    /// </remarks>
    public StoreQueryResult Query(string tenantId, StoreQuery query, CompiledFilter? filter, bool filterNeedsMembers, IComparer<JsonElement>? sort)
    {
        if (!_tenants.TryGetValue(tenantId, out var tenant))
        {
            Volatile.Write(ref _lastQueryEvaluations, 0);
            return new StoreQueryResult([], 0);
        }

        var after = query.Keyset ? ParseAfter(query.After) : null;
        tenant.Lock.EnterReadLock();
        try
        {
            if (query.Keyset && filter is null && sort is null)
            {
                return KeysetPage(tenant, query, after);
            }

            var matches = new List<Match>();
            var evaluated = 0;
            var lookup = FindIndexedLookup(query.Filter, query.ResourceType);
            if (lookup is not var (slot, value))
            {
                foreach (var (id, row) in tenant.ById)
                {
                    evaluated++;
                    Consider(tenant, id, row, filter, filterNeedsMembers, sort is not null, matches, scan: true);
                }
            }
            else if (slot < 0)
            {
                if (tenant.ById.TryGetValue(value, out var row))
                {
                    evaluated++;
                    Consider(tenant, row.Id, row, filter, filterNeedsMembers, sort is not null, matches, scan: false);
                }
            }
            else if (tenant.Indexes[slot].TryGetValue(value, out var holders))
            {
                foreach (var id in IdSet.Enumerate(holders))
                {
                    evaluated++;
                    Consider(tenant, id, tenant.ById[id], filter, filterNeedsMembers, sort is not null, matches, scan: false);
                }
            }

            Volatile.Write(ref _lastQueryEvaluations, evaluated);
            if (matches.Count > 1)
            {
                if (sort is null)
                {
                    matches.Sort(static (a, b) => a.Row.Sequence.CompareTo(b.Row.Sequence));
                }
                else
                {
                    matches.Sort((a, b) =>
                    {
                        var order = sort.Compare(a.Document!.Value, b.Document!.Value);
                        return order != 0 ? order : a.Row.Sequence.CompareTo(b.Row.Sequence);
                    });
                }
            }

            var start = query.Keyset ? FirstAfter(matches, after) : Math.Max(query.StartIndex, 1) - 1;
            var count = Math.Clamp(matches.Count - start, 0, Math.Max(query.Count, 0));
            var page = new StoredResource[count];
            for (var i = 0; i < count; i++)
            {
                var match = matches[start + i];
                if (match.HasMembers && query.IncludeMembers)
                {
                    var composed = match.Document!.Value;
                    page[i] = new StoredResource(match.Id, StoreJson.VersionOf(composed), composed);
                    continue;
                }

                // A document composed with members for the filter is not what a caller that left them out should see.
                var document = match.Document is { } parsed && !match.HasMembers ? parsed : StoreJson.Materialize(match.Row.Utf8);
                page[i] = Compose(tenant, match.Id, document, query.IncludeMembers);
            }

            var nextAfter = query.Keyset && count > 0 && start + count < matches.Count ? Position(matches[start + count - 1].Row.Sequence) : null;
            return new StoreQueryResult(page, matches.Count) { NextAfter = nextAfter };
        }
        finally
        {
            tenant.Lock.ExitReadLock();
        }
    }

    /// <summary>
    /// A keyset page without a filter: a seek in the creation-order index and a read of the page (and one more entry,
    /// to know whether another page follows), so a late page costs what the first costs, however many resources the
    /// tenant holds.
    /// </summary>
    private StoreQueryResult KeysetPage(Tenant tenant, StoreQuery query, long? after)
    {
        var count = Math.Max(query.Count, 0);
        var page = new List<StoredResource>(Math.Min(count, 1024));
        long? next = null;
        long last = 0;
        foreach (var (sequence, id) in tenant.BySequence.After(after))
        {
            if (page.Count == count)
            {
                next = page.Count > 0 ? last : null;
                break;
            }

            page.Add(Compose(tenant, id, StoreJson.Materialize(tenant.ById[id].Utf8), query.IncludeMembers));
            last = sequence;
        }

        Volatile.Write(ref _lastQueryEvaluations, page.Count);
        return new StoreQueryResult(page, tenant.ById.Count) { NextAfter = next is { } n ? Position(n) : null };
    }

    /// <summary>The index of the first match (sorted by sequence) created after <paramref name="after"/>.</summary>
    private static int FirstAfter(List<Match> matches, long? after)
    {
        if (after is not { } position)
        {
            return 0;
        }

        int low = 0, high = matches.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (matches[mid].Row.Sequence <= position)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    private static string Position(long sequence) => sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long? ParseAfter(string? after) => after is null
        ? null
        : long.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : throw new ScimException(ScimErrorType.InvalidCursor, "The cursor does not name a position in this store; start again with cursor= (empty).");

    /// <summary>
    /// Tests one candidate and adds it to <paramref name="matches"/> when it passes. During a scan (no index applied)
    /// most candidates do not match, so the document is parsed into pooled buffers that are returned at once and only a
    /// match is materialised: a scan of a million users does not leave gigabytes of garbage behind.
    /// </summary>
    private void Consider(Tenant tenant, string id, Row row, CompiledFilter? filter, bool filterNeedsMembers, bool sorted, List<Match> matches, bool scan)
    {
        if (filter is null)
        {
            matches.Add(new Match(id, row, sorted ? StoreJson.Materialize(row.Utf8) : null, HasMembers: false));
            return;
        }

        var withMembers = _hasMembers && filterNeedsMembers;
        if (scan && !withMembers)
        {
            using (var pooled = JsonDocument.Parse(row.Utf8))
            {
                if (!filter.Matches(pooled.RootElement))
                {
                    return;
                }
            }

            matches.Add(new Match(id, row, sorted ? StoreJson.Materialize(row.Utf8) : null, HasMembers: false));
            return;
        }

        var document = StoreJson.Materialize(row.Utf8);
        if (withMembers)
        {
            document = StoreJson.WithMembers(document, tenant.Members![id]);
        }

        if (filter.Matches(document))
        {
            matches.Add(new Match(id, row, document, withMembers));
        }
    }

    /// <summary>
    /// An <c>eq</c> on an indexed attribute, alone or as one operand of a top-level <c>and</c>: its index slot
    /// (-1 for <c>id</c>) and value. The whole filter is still evaluated on the candidates.
    /// </summary>
    private (int Slot, string Value)? FindIndexedLookup(FilterExpression? filter, ResourceTypeDefinition resourceType)
    {
        // Ids are case-exact; a schema that made them case-insensitive falls back to a scan.
        var found = ScimFilterAnalysis.IndexableEquality(filter, resourceType, _isIndexed);
        return found is not var (attribute, value) ? null : (IsId(attribute) ? -1 : SlotOf(attribute), value);
    }

    private bool IsIndexed(AttributeDefinition attribute) => IsId(attribute) ? attribute.CaseExact : SlotOf(attribute) >= 0;

    private static bool IsId(AttributeDefinition attribute) => string.Equals(attribute.Name, "id", StringComparison.OrdinalIgnoreCase);

    private int SlotOf(AttributeDefinition attribute)
    {
        for (var i = 0; i < _indexed.Length; i++)
        {
            if (string.Equals(_indexed[i], attribute.Name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private StoredResource Compose(Tenant tenant, string id, JsonElement document, bool includeMembers) =>
        new(id, StoreJson.VersionOf(document), _hasMembers && includeMembers ? StoreJson.WithMembers(document, tenant.Members![id]) : document);

    private Prepared Prepare(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = StoreJson.FindString(document, "id");
        if (string.IsNullOrEmpty(id))
        {
            throw new ArgumentException("The document has no id; the library sets it before calling the store.", nameof(document));
        }

        _ = StoreJson.FindVersion(document)
            ?? throw new ArgumentException("The document has no meta.version; the library sets it before calling the store.", nameof(document));
        var keys = new string?[_indexed.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = StoreJson.FindString(document, _indexed[i]);
        }

        return _hasMembers
            ? new Prepared(id, keys, StoreJson.ToUtf8(document, StoreJson.Members), StoreJson.ReadMembers(document))
            : new Prepared(id, keys, StoreJson.ToUtf8(document), null);
    }

    private string?[] KeysOf(JsonElement document)
    {
        var keys = new string?[_indexed.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = StoreJson.FindString(document, _indexed[i]);
        }

        return keys;
    }

    private static bool VersionMatches(JsonElement current, string? expectedVersion) =>
        expectedVersion is null || string.Equals(StoreJson.VersionOf(current), expectedVersion, StringComparison.Ordinal);

    private string? UniqueClash(Tenant tenant, string?[] keys, string id)
    {
        if (_uniqueSlot < 0 || keys[_uniqueSlot] is not { } key || !tenant.Indexes[_uniqueSlot].TryGetValue(key, out var holders))
        {
            return null;
        }

        foreach (var holder in IdSet.Enumerate(holders))
        {
            if (!string.Equals(holder, id, StringComparison.Ordinal))
            {
                return _indexed[_uniqueSlot];
            }
        }

        return null;
    }

    private static void AddToIndexes(Tenant tenant, string id, string?[] keys)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is { } key)
            {
                ref var holders = ref CollectionsMarshal.GetValueRefOrAddDefault(tenant.Indexes[i], key, out _);
                IdSet.Add(ref holders, id);
            }
        }
    }

    private static void RemoveFromIndexes(Tenant tenant, string id, string?[] keys)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] is not { } key)
            {
                continue;
            }

            ref var holders = ref CollectionsMarshal.GetValueRefOrNullRef(tenant.Indexes[i], key);
            if (!Unsafe.IsNullRef(ref holders) && IdSet.Remove(ref holders, id) && holders is null)
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

    /// <summary>
    /// A stored resource: its id (the same string that keys the dictionary and the indexes), its document as compact
    /// UTF-8 and its creation sequence (the default order).
    /// </summary>
    private readonly record struct Row(string Id, byte[] Utf8, long Sequence);

    /// <summary>A query match; <see cref="Document"/> is set once materialised, <see cref="HasMembers"/> when it already carries the members.</summary>
    private readonly record struct Match(string Id, Row Row, JsonElement? Document, bool HasMembers);

    private sealed record Prepared(string Id, string?[] Keys, byte[] Utf8, List<GroupMember>? Members);

    /// <summary>
    /// The ids behind one index key without a set per key: the id string itself when one resource holds the key (the
    /// usual case, and the only one for a unique attribute), a <see cref="HashSet{T}"/> once several do.
    /// </summary>
    private static class IdSet
    {
        public static void Add(ref object? holders, string id)
        {
            switch (holders)
            {
                case null:
                    holders = id;
                    break;
                case string one when !string.Equals(one, id, StringComparison.Ordinal):
                    holders = new HashSet<string>(StringComparer.Ordinal) { one, id };
                    break;
                case HashSet<string> many:
                    many.Add(id);
                    break;
            }
        }

        /// <summary>Removes an id; <paramref name="holders"/> becomes <see langword="null"/> when none is left.</summary>
        public static bool Remove(ref object? holders, string id)
        {
            switch (holders)
            {
                case string one when string.Equals(one, id, StringComparison.Ordinal):
                    holders = null;
                    return true;
                case HashSet<string> many when many.Remove(id):
                    if (many.Count == 1)
                    {
                        holders = many.First();
                    }

                    return true;
                default:
                    return false;
            }
        }

        public static IEnumerable<string> Enumerate(object? holders) => holders switch
        {
            string one => [one],
            HashSet<string> many => many,
            _ => [],
        };
    }

    private sealed class Tenant
    {
        public Tenant(int indexCount, bool hasMembers)
        {
            Indexes = new Dictionary<string, object?>[indexCount];
            for (var i = 0; i < indexCount; i++)
            {
                Indexes[i] = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            }

            if (hasMembers)
            {
                Members = new Dictionary<string, MemberSet>(StringComparer.Ordinal);
                GroupsOfMember = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            }
        }

        public ReaderWriterLockSlim Lock { get; } = new(LockRecursionPolicy.NoRecursion);

        public Dictionary<string, Row> ById { get; } = new(StringComparer.Ordinal);

        /// <summary>The ids in creation order, for keyset paging.</summary>
        public SequenceIndex BySequence { get; } = new();

        public Dictionary<string, object?>[] Indexes { get; }

        public Dictionary<string, MemberSet>? Members { get; }

        public Dictionary<string, HashSet<string>>? GroupsOfMember { get; }

        public long NextSequence { get; set; }
    }
}
