using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Stores;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>A host that registers no group store (Jostle provisions users only) serves Users and nothing of Groups.</summary>
public sealed class UsersOnlyTests : ScimHostTestBase
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    protected override Task<ScimTestHost> StartHostAsync() => ScimTestHost.StartAsync(scim: b => b.AddUserStore<InMemoryUserStore>());

    [Theory]
    [InlineData("GET", "Groups")]
    [InlineData("GET", "Groups/some-id")]
    [InlineData("POST", "Groups")]
    [InlineData("PATCH", "Groups/some-id")]
    [InlineData("PUT", "Groups/some-id")]
    [InlineData("DELETE", "Groups/some-id")]
    [InlineData("POST", "Groups/.search")]
    public async Task EveryGroupsEndpointAnswers404WithAScimError(string method, string path)
    {
        var json = method is "GET" or "DELETE" ? null : $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Nope"}""";
        using var response = await Host.SendAsync(new HttpMethod(method), path, json);
        var body = await AssertErrorAsync(response, 404, null);
        Assert.Equal("This service provider does not serve Groups; it provisions Users only.", body["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResourceTypesListsUserOnlyAndGroupIsUnknown()
    {
        using var list = await Client.GetAsync("ResourceTypes");
        var body = await JsonAsync(list);
        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal("User", body["Resources"]![0]!["name"]!.GetValue<string>());

        using var group = await Client.GetAsync("ResourceTypes/Group");
        await AssertErrorAsync(group, 404, null);
    }

    [Fact]
    public async Task SchemasLeaveTheGroupSchemaOutAndKeepTheUserAndItsExtensions()
    {
        using var list = await Client.GetAsync("Schemas");
        var ids = (await JsonAsync(list))["Resources"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(UserSchema, ids);
        Assert.Contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", ids);
        Assert.DoesNotContain(GroupSchema, ids);

        using var group = await Client.GetAsync("Schemas/" + GroupSchema);
        await AssertErrorAsync(group, 404, null);
    }

    [Fact]
    public async Task ServiceProviderConfigNamesNoGroupAndStillOffersCursorPaging()
    {
        using var response = await Client.GetAsync("ServiceProviderConfig");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Group", text, StringComparison.Ordinal);
        Assert.True(JsonNode.Parse(text)!["pagination"]!["cursor"]!.GetValue<bool>());
    }

    [Fact]
    public async Task UsersAreServedAsUsualAndAUsersGroupsIsEmpty()
    {
        var id = (await Host.CreateUserAsync("solo"))["id"]!.GetValue<string>();

        using var read = await Client.GetAsync($"Users/{id}?attributes=groups,userName");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var user = await JsonAsync(read);
        Assert.Equal("solo", user["userName"]!.GetValue<string>());
        Assert.True(user["groups"] is null || user["groups"]!.AsArray().Count == 0);

        using var delete = await Client.DeleteAsync($"Users/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task TheRootSearchSearchesUsersOnly()
    {
        await Host.CreateUserAsync("first");
        await Host.CreateUserAsync("second");

        using var response = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
        Assert.All(body["Resources"]!.AsArray(), r => Assert.Equal("User", r!["meta"]!["resourceType"]!.GetValue<string>()));

        using var byName = await Client.PostAsync(".search", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName eq \"second\""}"""));
        Assert.Equal(1, (await JsonAsync(byName))["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task ABulkOperationOnGroupsGetsA404WhileTheUserOperationsSucceed()
    {
        var json = $$$"""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
              {"method":"POST","path":"/Users","bulkId":"u1","data":{"schemas":["{{{UserSchema}}}"],"userName":"bulk-user"}},
              {"method":"POST","path":"/Groups","bulkId":"g1","data":{"schemas":["{{{GroupSchema}}}"],"displayName":"Bulk group"}},
              {"method":"DELETE","path":"/Groups/some-id"}
            ]}
            """;
        using var response = await Client.PostAsync("Bulk", Body(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var operations = (await JsonAsync(response))["Operations"]!.AsArray();
        Assert.Equal(["201", "404", "404"], operations.Select(o => o!["status"]!.GetValue<string>()));
        Assert.Equal("404", operations[1]!["response"]!["status"]!.GetValue<string>());
        Assert.Equal(
            "This service provider does not serve Groups; it provisions Users only.",
            operations[1]!["response"]!["detail"]!.GetValue<string>());
    }
}
