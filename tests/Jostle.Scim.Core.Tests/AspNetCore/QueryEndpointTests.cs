using System.Net;
using System.Text.Json.Nodes;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class QueryEndpointTests : ScimHostTestBase
{
    protected override Task<ScimTestHost> StartHostAsync() => ScimTestHost.StartAsync(o => o.MaxResults = 3);

    private async Task SeedAsync(int n)
    {
        for (var i = 0; i < n; i++)
        {
            await Host.CreateUserAsync($"user{i:00}", externalId: $"ext{i}");
        }
    }

    [Fact]
    public async Task AnUnmatchedFilterAnswers200WithAnEmptyListResponse()
    {
        using var response = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString($"userName eq \"{Guid.NewGuid()}\""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", body["schemas"]![0]!.GetValue<string>());
        Assert.Equal(0, body["totalResults"]!.GetValue<int>());
        Assert.Equal(0, body["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(1, body["startIndex"]!.GetValue<int>());
        Assert.Empty(body["Resources"]!.AsArray());
    }

    [Fact]
    public async Task FilterByUserNameFindsTheUserCaseInsensitively()
    {
        await SeedAsync(2);
        using var response = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"USER01\""));
        var body = await JsonAsync(response);
        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal("user01", body["Resources"]![0]!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnInvalidFilterIs400InvalidFilter()
    {
        using var response = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq"));
        await AssertErrorAsync(response, 400, "invalidFilter");
    }

    [Fact]
    public async Task AnUnquotedValueThatIsAMalformedNumberIs400InvalidFilterSayingToQuoteIt()
    {
        using var response = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq 12abc"));
        var body = await AssertErrorAsync(response, 400, "invalidFilter");
        Assert.Contains("`12abc` is not a valid number; quote it if it is a string: \"12abc\"", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnquotedBareWordIsStillReadAsAString()
    {
        await SeedAsync(2);
        using var response = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("externalId eq ext1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal("user01", body["Resources"]![0]!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task AFilterOnAnUnknownAttributeIs400InvalidFilter()
    {
        using var response = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("shoeSize eq 3"));
        await AssertErrorAsync(response, 400, "invalidFilter");
    }

    [Fact]
    public async Task CountIsCappedAtMaxResults()
    {
        await SeedAsync(5);
        using var response = await Client.GetAsync("Users?count=100");
        var body = await JsonAsync(response);
        Assert.Equal(5, body["totalResults"]!.GetValue<int>());
        Assert.Equal(3, body["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(3, body["Resources"]!.AsArray().Count);
    }

    [Fact]
    public async Task CountZeroReturnsOnlyTheTotal()
    {
        await SeedAsync(2);
        using var response = await Client.GetAsync("Users?count=0");
        var body = await JsonAsync(response);
        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
        Assert.Empty(body["Resources"]!.AsArray());
    }

    [Fact]
    public async Task NegativeCountMeansZero()
    {
        await SeedAsync(2);
        using var response = await Client.GetAsync("Users?count=-5");
        var body = await JsonAsync(response);
        Assert.Empty(body["Resources"]!.AsArray());
    }

    [Fact]
    public async Task StartIndexBelowOneMeansOne()
    {
        await SeedAsync(2);
        using var response = await Client.GetAsync("Users?startIndex=-3");
        var body = await JsonAsync(response);
        Assert.Equal(1, body["startIndex"]!.GetValue<int>());
        Assert.Equal("user00", body["Resources"]![0]!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartIndexPagesThroughResultsInTheStoresStableOrder()
    {
        await SeedAsync(5);
        using var response = await Client.GetAsync("Users?startIndex=4&count=2");
        var body = await JsonAsync(response);
        Assert.Equal(4, body["startIndex"]!.GetValue<int>());
        Assert.Equal(["user03", "user04"], body["Resources"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task StartIndexPagesThroughSortedResults()
    {
        await SeedAsync(5);
        using var response = await Client.GetAsync("Users?startIndex=2&count=2&sortBy=userName&sortOrder=descending");
        var body = await JsonAsync(response);
        Assert.Equal(["user03", "user02"], body["Resources"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SortByAnUnknownAttributeIs400InvalidValue()
    {
        using var response = await Client.GetAsync("Users?sortBy=shoeSize");
        await AssertErrorAsync(response, 400, "invalidValue");
    }

    [Fact]
    public async Task SortOrderDescendingReversesTheOrder()
    {
        await SeedAsync(3);
        using var response = await Client.GetAsync("Users?sortBy=userName&sortOrder=descending");
        var body = await JsonAsync(response);
        Assert.Equal("user02", body["Resources"]![0]!["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnInvalidSortOrderIs400InvalidValue()
    {
        using var response = await Client.GetAsync("Users?sortBy=userName&sortOrder=sideways");
        await AssertErrorAsync(response, 400, "invalidValue");
    }

    [Fact]
    public async Task ANonIntegerCountIs400InvalidValue()
    {
        using var response = await Client.GetAsync("Users?count=lots");
        await AssertErrorAsync(response, 400, "invalidValue");
    }

    [Fact]
    public async Task ListHonoursAttributes()
    {
        await SeedAsync(1);
        using var response = await Client.GetAsync("Users?attributes=userName");
        var resource = (await JsonAsync(response))["Resources"]![0]!.AsObject();
        Assert.NotNull(resource["userName"]);
        Assert.Null(resource["name"]);
    }

    [Fact]
    public async Task PostSearchOnUsersTakesASearchRequestBody()
    {
        await SeedAsync(3);
        using var response = await Client.PostAsync("Users/.search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"externalId eq \"ext2\"","attributes":["userName"],"startIndex":1,"count":10}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal("user02", body["Resources"]![0]!["userName"]!.GetValue<string>());
        Assert.Null(body["Resources"]![0]!["name"]);
    }

    [Fact]
    public async Task PostSearchWithTheWrongSchemaIs400InvalidSyntax()
    {
        using var response = await Client.PostAsync("Users/.search", Body("""{"schemas":["urn:wrong"],"filter":"userName pr"}"""));
        await AssertErrorAsync(response, 400, "invalidSyntax");
    }

    [Fact]
    public async Task RootSearchCountsUsersAndGroupsTogether()
    {
        await SeedAsync(2);
        await Host.CreateGroupAsync("G");
        using var response = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"count":2}"""));
        var body = await JsonAsync(response);
        Assert.Equal(3, body["totalResults"]!.GetValue<int>());
        Assert.Equal(2, body["Resources"]!.AsArray().Count);
        using var second = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"startIndex":3}"""));
        var page = await JsonAsync(second);
        Assert.Equal("G", page["Resources"]![0]!["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task RootSearchWithAUserOnlyFilterSkipsGroups()
    {
        await SeedAsync(2);
        await Host.CreateGroupAsync("G");
        using var response = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName sw \"user\""}"""));
        var body = await JsonAsync(response);
        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task RootSearchEvaluatesAnAttributeOnlyUsersDefineAsNoValueOnGroupsInsteadOfDroppingThem()
    {
        await SeedAsync(2);
        await Host.CreateGroupAsync("G");
        await Host.CreateGroupAsync("H");
        using var response = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"displayName eq \"G\" or userName eq \"user01\""}"""));
        var body = await JsonAsync(response);
        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
        var found = body["Resources"]!.AsArray().Select(r => r!["userName"]?.GetValue<string>() ?? r!["displayName"]!.GetValue<string>()).ToArray();
        Assert.Equal(["user01", "G"], found);
    }

    [Fact]
    public async Task RootSearchNegatesTheNoValueOfAnAttributeAGroupLacks()
    {
        await SeedAsync(2);
        await Host.CreateGroupAsync("G");
        using var response = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"not (userName eq \"user01\") and not (emails pr)"}"""));
        var body = await JsonAsync(response);
        var found = body["Resources"]!.AsArray().Select(r => r!["userName"]?.GetValue<string>() ?? r!["displayName"]!.GetValue<string>()).ToArray();
        Assert.Equal(["user00", "G"], found);
        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task RootSearchOnAnAttributeNoResourceTypeDefinesIs400InvalidFilter()
    {
        await SeedAsync(1);
        using var response = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"displayName eq \"G\" or nickname2 eq \"x\""}"""));
        var body = await AssertErrorAsync(response, 400, "invalidFilter");
        Assert.Contains("nickname2", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
