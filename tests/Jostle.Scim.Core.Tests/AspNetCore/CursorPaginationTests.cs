using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Stores;
using Jostle.Scim.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>RFC 9865 cursor pagination on the in-memory stores, through the real pipeline.</summary>
public sealed class CursorPaginationTests : ScimHostTestBase
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    protected override Task<ScimTestHost> StartHostAsync() => ScimTestHost.StartAsync(
        o =>
        {
            o.MaxResults = 500;
            o.Pagination.CursorTimeout = TimeSpan.FromMinutes(5);
        },
        services: s => s.AddSingleton<TimeProvider>(_time));

    private async Task<List<string>> SeedAsync(int n)
    {
        var ids = new List<string>();
        for (var i = 0; i < n; i++)
        {
            ids.Add((await Host.CreateUserAsync($"user{i:00}"))["id"]!.GetValue<string>());
        }

        return ids;
    }

    private async Task<JsonObject> PageAsync(string query)
    {
        using var response = await Client.GetAsync("Users?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static string[] IdsOf(JsonObject page) => [.. page["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())];

    private async Task<string> FirstCursorAsync(string query = "")
    {
        var page = await PageAsync("cursor=&count=2" + query);
        return page["nextCursor"]!.GetValue<string>();
    }

    [Fact]
    public async Task AnEmptyCursorStartsAWalkWhoseNextCursorsVisitEveryUserOnceInCreationOrder()
    {
        var ids = await SeedAsync(7);

        var first = await PageAsync("cursor=&count=3");
        var second = await PageAsync("count=3&cursor=" + Uri.EscapeDataString(first["nextCursor"]!.GetValue<string>()));
        var last = await PageAsync("count=3&cursor=" + Uri.EscapeDataString(second["nextCursor"]!.GetValue<string>()));

        Assert.Equal(ids, [.. IdsOf(first), .. IdsOf(second), .. IdsOf(last)]);
        Assert.All(new[] { first, second, last }, p => Assert.Equal(7, p["totalResults"]!.GetValue<int>()));
        Assert.Equal(3, first["itemsPerPage"]!.GetValue<int>());
        Assert.Null(first["startIndex"]);
        Assert.Null(last["nextCursor"]);
        Assert.Single(IdsOf(last));
    }

    [Fact]
    public async Task APageThatEndsExactlyAtTheLastUserHasNoNextCursor()
    {
        await SeedAsync(4);

        var first = await PageAsync("cursor=&count=2");
        var second = await PageAsync("count=2&cursor=" + Uri.EscapeDataString(first["nextCursor"]!.GetValue<string>()));

        Assert.Equal(2, IdsOf(second).Length);
        Assert.Null(second["nextCursor"]);
    }

    [Fact]
    public async Task AFilteredWalkSeesOnlyTheMatchesAndCountsOnlyThem()
    {
        await SeedAsync(6);
        var filter = "&filter=" + Uri.EscapeDataString("userName sw \"user0\" and not (userName eq \"user03\")");

        var first = await PageAsync("cursor=&count=3" + filter);
        var last = await PageAsync("count=3" + filter + "&cursor=" + Uri.EscapeDataString(first["nextCursor"]!.GetValue<string>()));

        var names = new[] { first, last }.SelectMany(p => p["Resources"]!.AsArray()).Select(r => r!["userName"]!.GetValue<string>());
        Assert.Equal(["user00", "user01", "user02", "user04", "user05"], names);
        Assert.Equal(5, last["totalResults"]!.GetValue<int>());
        Assert.Null(last["nextCursor"]);
    }

    [Fact]
    public async Task AWalkOverTenThousandUsersWithCreatesAndDeletesBetweenPagesSeesEveryUserThatExistedThroughoutExactlyOnce()
    {
        var store = Host.Services.GetRequiredService<IScimUserStore>();
        await CursorWalk.RunAsync(Client, store, "tenant-a", users: 10_000, pageSize: 500, churnPerPage: 100);
    }

    [Fact]
    public async Task GroupsArePagedByCursorToo()
    {
        var user = await Host.CreateUserAsync("member");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Host.CreateGroupAsync($"g{i}", user["id"]!.GetValue<string>()))["id"]!.GetValue<string>());
        }

        using var firstResponse = await Client.GetAsync("Groups?cursor=&count=2");
        var first = await JsonAsync(firstResponse);
        using var lastResponse = await Client.GetAsync("Groups?count=2&cursor=" + Uri.EscapeDataString(first["nextCursor"]!.GetValue<string>()));
        var last = await JsonAsync(lastResponse);

        Assert.Equal(ids, [.. IdsOf(first), .. IdsOf(last)]);
        Assert.Equal(user["id"]!.GetValue<string>(), last["Resources"]![0]!["members"]![0]!["value"]!.GetValue<string>());
        Assert.Null(last["nextCursor"]);
    }

    [Fact]
    public async Task ASearchBodyWithAnEmptyCursorPagesByCursor()
    {
        var ids = await SeedAsync(3);
        const string Schema = "\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"]";

        using var firstResponse = await Client.PostAsync("Users/.search", Body($$"""{{{Schema}},"cursor":"","count":2}"""));
        var first = await JsonAsync(firstResponse);
        var next = first["nextCursor"]!.GetValue<string>();
        using var lastResponse = await Client.PostAsync("Users/.search", Body($$"""{{{Schema}},"cursor":"{{next}}","count":2}"""));
        var last = await JsonAsync(lastResponse);

        Assert.Equal(ids, [.. IdsOf(first), .. IdsOf(last)]);
        Assert.Null(first["startIndex"]);
        Assert.Null(last["nextCursor"]);
    }

    [Fact]
    public async Task AForgedCursorIsInvalidCursor()
    {
        using var response = await Client.GetAsync("Users?cursor=bm90LWEtY3Vyc29y");
        await AssertErrorAsync(response, 400, "invalidCursor");
    }

    [Fact]
    public async Task AnEditedCursorIsInvalidCursor()
    {
        await SeedAsync(3);
        var cursor = await FirstCursorAsync();
        var edited = (cursor[10] == 'A' ? 'B' : 'A') is var c ? cursor[..10] + c + cursor[11..] : cursor;

        using var response = await Client.GetAsync("Users?cursor=" + Uri.EscapeDataString(edited));

        var error = await AssertErrorAsync(response, 400, "invalidCursor");
        Assert.Contains("signature", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACursorReusedWithAnotherFilterIsInvalidCursor()
    {
        await SeedAsync(3);
        var cursor = await FirstCursorAsync();

        using var response = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName sw \"user\"") + "&cursor=" + Uri.EscapeDataString(cursor));

        var error = await AssertErrorAsync(response, 400, "invalidCursor");
        Assert.Contains("another query", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACursorUsedByAnotherTenantOrOnAnotherResourceTypeIsInvalidCursor()
    {
        await SeedAsync(3);
        var cursor = Uri.EscapeDataString(await FirstCursorAsync());
        using var otherTenant = Host.ClientFor("tenant-b");

        using var fromOtherTenant = await otherTenant.GetAsync("Users?cursor=" + cursor);
        using var onGroups = await Client.GetAsync("Groups?cursor=" + cursor);

        await AssertErrorAsync(fromOtherTenant, 400, "invalidCursor");
        await AssertErrorAsync(onGroups, 400, "invalidCursor");
    }

    [Fact]
    public async Task ACursorOlderThanTheTimeoutIsExpiredCursorAndAYoungerOneStillWorks()
    {
        await SeedAsync(3);
        var cursor = Uri.EscapeDataString(await FirstCursorAsync());

        _time.Advance(TimeSpan.FromMinutes(4));
        using var young = await Client.GetAsync("Users?count=2&cursor=" + cursor);
        _time.Advance(TimeSpan.FromMinutes(2));
        using var expired = await Client.GetAsync("Users?count=2&cursor=" + cursor);

        Assert.Equal(HttpStatusCode.OK, young.StatusCode);
        await AssertErrorAsync(expired, 400, "expiredCursor");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    public async Task ABadCountWithACursorIsInvalidCount(string count)
    {
        using var response = await Client.GetAsync("Users?cursor=&count=" + count);
        await AssertErrorAsync(response, 400, "invalidCount");
    }

    [Fact]
    public async Task ABadCountInACursorSearchBodyIsInvalidCount()
    {
        using var response = await Client.PostAsync("Users/.search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"cursor":"","count":-5}"""));
        await AssertErrorAsync(response, 400, "invalidCount");
    }

    [Fact]
    public async Task StartIndexWithACursorIsRefusedNamingTheRfcRule()
    {
        using var response = await Client.GetAsync("Users?cursor=&startIndex=1");
        var error = await AssertErrorAsync(response, 400, "invalidValue");
        Assert.Contains("RFC 9865", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SortByWithACursorIsRefusedBecauseCursorsFollowTheDefaultOrder()
    {
        using var response = await Client.GetAsync("Users?cursor=&sortBy=userName");
        var error = await AssertErrorAsync(response, 400, "invalidValue");
        Assert.Contains("default order", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACursorOnTheRootSearchIsRefused()
    {
        using var response = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"cursor":""}"""));
        var error = await AssertErrorAsync(response, 400, "invalidValue");
        Assert.Contains("/Users/.search", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IndexPagingStillAnswersWithStartIndexAndNoCursor()
    {
        await SeedAsync(3);
        var page = await PageAsync("startIndex=2&count=1");
        Assert.Equal(2, page["startIndex"]!.GetValue<int>());
        Assert.Null(page["nextCursor"]);
    }

    [Fact]
    public async Task TheServiceProviderConfigAdvertisesCursorAndIndexPagination()
    {
        using var response = await Client.GetAsync("ServiceProviderConfig");
        var pagination = (await JsonAsync(response))["pagination"]!;

        Assert.True(pagination["cursor"]!.GetValue<bool>());
        Assert.True(pagination["index"]!.GetValue<bool>());
        Assert.Equal("index", pagination["defaultPaginationMethod"]!.GetValue<string>());
        Assert.Equal(500, pagination["defaultPageSize"]!.GetValue<int>());
        Assert.Equal(500, pagination["maxPageSize"]!.GetValue<int>());
        Assert.Equal(300, pagination["cursorTimeout"]!.GetValue<int>());
    }

    [Fact]
    public async Task HostsThatShareASigningKeyAcceptEachOthersCursorsAndHostsThatDoNotRefuseThem()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var store = new InMemoryUserStore();
        void Shared(IJostleScimBuilder b) => b.AddInMemoryStores().Services.AddSingleton<IScimUserStore>(store);
        await using var first = await ScimTestHost.StartAsync(o => o.Pagination.CursorSigningKey = key, Shared);
        await using var second = await ScimTestHost.StartAsync(o => o.Pagination.CursorSigningKey = [.. key], Shared);
        await using var stranger = await ScimTestHost.StartAsync(o => o.Pagination.CursorSigningKey = [.. key.Reverse()], Shared);
        for (var i = 0; i < 3; i++)
        {
            await first.CreateUserAsync($"shared{i}");
        }

        using var firstPage = await first.Client.GetAsync("Users?cursor=&count=2");
        var cursor = Uri.EscapeDataString((await JsonAsync(firstPage))["nextCursor"]!.GetValue<string>());
        using var onSecond = await second.Client.GetAsync("Users?count=2&cursor=" + cursor);
        using var onStranger = await stranger.Client.GetAsync("Users?count=2&cursor=" + cursor);

        Assert.Equal("shared2", (await JsonAsync(onSecond))["Resources"]![0]!["userName"]!.GetValue<string>());
        await AssertErrorAsync(onStranger, 400, "invalidCursor");
    }

    [Fact]
    public async Task AStoreWithoutKeysetPagingAnswersACursorWith400AndIsNotAdvertised()
    {
        await using var host = await ScimTestHost.StartAsync(scim: b => b.AddInMemoryStores().Services.AddSingleton<IScimUserStore>(new IndexOnlyUserStore()));

        using var cursor = await host.Client.GetAsync("Users?cursor=");
        using var config = await host.Client.GetAsync("ServiceProviderConfig");

        var error = await AssertErrorAsync(cursor, 400, "invalidValue");
        Assert.Contains("does not support cursor pagination", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False((await JsonAsync(config))["pagination"]!["cursor"]!.GetValue<bool>());
    }

    [Fact]
    public void ASigningKeyShorterThan32BytesFailsValidation()
    {
        var options = new JostleScimOptions();
        options.Pagination.CursorSigningKey = new byte[16];
        var result = new JostleScimOptionsValidator().Validate(null, options);
        Assert.Contains("CursorSigningKey must be at least 32 bytes", result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>A host's store that pages only by index: it keeps the interface's default <see cref="IScimResourceStore.SupportsKeysetPaging"/>.</summary>
    private sealed class IndexOnlyUserStore : IScimUserStore
    {
        private readonly InMemoryUserStore _inner = new();

        public ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default) => _inner.CreateAsync(tenantId, document, cancellationToken);

        public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) => _inner.GetAsync(tenantId, id, cancellationToken);

        public ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default) => _inner.ReplaceAsync(tenantId, document, expectedVersion, cancellationToken);

        public ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default) => _inner.DeleteAsync(tenantId, id, expectedVersion, cancellationToken);

        public ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(tenantId, query, cancellationToken);
    }
}
