using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// The lookup Entra makes for every user of every provisioning cycle, <c>userName eq "…"</c>, against tenants of
/// a thousand and a million users: with the in-memory store's hash index the two should cost the same.
/// </summary>
[MemoryDiagnoser]
public class InMemoryStoreBenchmarks
{
    private const string Tenant = "bench";
    private InMemoryUserStore _store = null!;
    private StoreQuery _query = null!;

    [Params(1_000, 1_000_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryUserStore();
        for (var i = 0; i < Users; i++)
        {
            _store.CreateAsync(Tenant, Document(i)).AsTask().GetAwaiter().GetResult();
        }

        _query = new StoreQuery
        {
            ResourceType = SchemaRegistry.CreateDefault().GetResourceType("User"),
            Filter = ScimFilter.Parse($"userName eq \"USER{Users / 2}@example.com\""),
        };
    }

    [Benchmark]
    public int UserNameEq() => _store.QueryAsync(Tenant, _query).AsTask().GetAwaiter().GetResult().TotalResults;

    private static JsonObject Document(int i) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemaUris.User),
        ["id"] = $"id-{i}",
        ["externalId"] = $"ext-{i}",
        ["userName"] = $"user{i}@example.com",
        ["active"] = true,
        ["name"] = new JsonObject { ["givenName"] = "Given", ["familyName"] = $"Family{i}" },
        ["meta"] = new JsonObject { ["resourceType"] = "User", ["version"] = "W/\"1\"" },
    };
}

/// <summary>
/// One membership change (add a member, then remove it again so the size stays put) on a group of ten and on a
/// group of 100 000: with members kept as a set outside the group document the two should cost the same.
/// </summary>
[MemoryDiagnoser]
public class InMemoryMembershipBenchmarks
{
    private const string Tenant = "bench";
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private InMemoryGroupStore _store = null!;
    private MembershipUpdate _add = null!;
    private MembershipUpdate _remove = null!;

    [Params(10, 100_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryGroupStore();
        var group = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Group),
            ["id"] = "g1",
            ["displayName"] = "Everyone",
            ["meta"] = new JsonObject { ["resourceType"] = "Group", ["version"] = "W/\"1\"" },
        };
        _store.CreateAsync(Tenant, group).AsTask().GetAwaiter().GetResult();
        var members = Enumerable.Range(0, Members).Select(i => new GroupMember($"u{i}", "User")).ToArray();
        _store.UpdateMembersAsync(Tenant, "g1", new MembershipUpdate { Added = members, LastModified = Now, NewVersion = "W/\"2\"" }, null).AsTask().GetAwaiter().GetResult();
        _add = new MembershipUpdate { Added = [new GroupMember("newcomer", "User")], LastModified = Now, NewVersion = "W/\"3\"" };
        _remove = new MembershipUpdate { Removed = ["newcomer"], LastModified = Now, NewVersion = "W/\"4\"" };
    }

    [Benchmark]
    public StoreStatus AddThenRemoveOneMember()
    {
        _store.UpdateMembersAsync(Tenant, "g1", _add, null).AsTask().GetAwaiter().GetResult();
        return _store.UpdateMembersAsync(Tenant, "g1", _remove, null).AsTask().GetAwaiter().GetResult().Status;
    }
}

/// <summary>
/// RFC 9865 cursor paging against index paging on the in-memory store: the first page, a cursor page near the end of
/// the tenant (a keyset seek), and the same late page by <c>startIndex</c> (an offset), at a thousand and a million
/// users. A cursor page should cost what the first page costs at both sizes; an offset page grows with its offset.
/// </summary>
[MemoryDiagnoser]
public class CursorPageBenchmarks
{
    private const string Tenant = "bench";
    private const int PageSize = 100;
    private InMemoryUserStore _store = null!;
    private StoreQuery _first = null!;
    private StoreQuery _lateCursor = null!;
    private StoreQuery _lateIndex = null!;

    [Params(1_000, 1_000_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryUserStore();
        for (var i = 0; i < Users; i++)
        {
            _store.CreateAsync(Tenant, Document(i)).AsTask().GetAwaiter().GetResult();
        }

        var user = SchemaRegistry.CreateDefault().GetResourceType("User");
        _first = new StoreQuery { ResourceType = user, Keyset = true, Count = PageSize };

        // The store's positions are creation sequence numbers from 0: this is the cursor of the page of the last
        // PageSize users, as a walk would have reached it.
        var position = (Users - PageSize - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _lateCursor = new StoreQuery { ResourceType = user, Keyset = true, After = position, Count = PageSize };
        _lateIndex = new StoreQuery { ResourceType = user, StartIndex = Users - PageSize + 1, Count = PageSize };
        if (Run(_lateCursor) != PageSize || Run(_lateIndex) != PageSize)
        {
            throw new InvalidOperationException("The late pages do not hold a full page.");
        }
    }

    [Benchmark(Baseline = true)]
    public int FirstPage() => Run(_first);

    [Benchmark]
    public int LateCursorPage() => Run(_lateCursor);

    [Benchmark]
    public int LateIndexPage() => Run(_lateIndex);

    private int Run(StoreQuery query) => _store.QueryAsync(Tenant, query).AsTask().GetAwaiter().GetResult().Resources.Count;

    private static JsonObject Document(int i) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemaUris.User),
        ["id"] = $"id-{i}",
        ["userName"] = $"user{i}@example.com",
        ["active"] = true,
        ["meta"] = new JsonObject { ["resourceType"] = "User", ["version"] = "W/\"1\"" },
    };
}
