using System.Net;
using System.Text.Json.Nodes;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class BulkEndpointTests : ScimHostTestBase
{
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    protected override Task<ScimTestHost> StartHostAsync() => ScimTestHost.StartAsync(o =>
    {
        o.MaxBulkOperations = 4;
        o.MaxBulkPayloadSize = 2048;
    });

    private static string User(string bulkId, string userName) =>
        $$$"""{"method":"POST","path":"/Users","bulkId":"{{{bulkId}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{{userName}}}"}}""";

    [Fact]
    public async Task BulkCreatesAGroupWhoseMemberIsAUserCreatedInTheSameRequest()
    {
        var json = $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[
              {"method":"POST","path":"/Groups","bulkId":"g1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Bulk","members":[{"type":"User","value":"bulkId:u1"}]}},
              {{{User("u1", "bulkuser")}}}
            ]}
            """;
        using var response = await Client.PostAsync("Bulk", Body(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:BulkResponse", body["schemas"]![0]!.GetValue<string>());
        var operations = body["Operations"]!.AsArray();
        Assert.Equal(["201", "201"], operations.Select(o => o!["status"]!.GetValue<string>()));
        Assert.Equal("g1", operations[0]!["bulkId"]!.GetValue<string>());
        var userLocation = operations[1]!["location"]!.GetValue<string>();
        var userId = userLocation[(userLocation.LastIndexOf('/') + 1)..];
        using var group = await Client.GetAsync(operations[0]!["location"]!.GetValue<string>());
        Assert.Equal(userId, (await JsonAsync(group))["members"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task BulkResolvesABulkIdInAPath()
    {
        var json = $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[
              {{{User("u1", "pathuser")}}},
              {"method":"PATCH","path":"/Users/bulkId:u1","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Patched"}]}}
            ]}
            """;
        using var response = await Client.PostAsync("Bulk", Body(json));
        var operations = (await JsonAsync(response))["Operations"]!.AsArray();
        Assert.Equal("200", operations[1]!["status"]!.GetValue<string>());
        using var list = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"pathuser\""));
        Assert.Equal("Patched", (await JsonAsync(list))["Resources"]![0]!["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task BulkReportsEachFailedOperationWithItsScimError()
    {
        await Host.CreateUserAsync("taken");
        var json = $$$"""{"schemas":["{{{BulkRequest}}}"],"Operations":[{{{User("a", "taken")}}},{{{User("b", "free")}}}]}""";
        using var response = await Client.PostAsync("Bulk", Body(json));
        var operations = (await JsonAsync(response))["Operations"]!.AsArray();
        Assert.Equal("409", operations[0]!["status"]!.GetValue<string>());
        Assert.Equal("uniqueness", operations[0]!["response"]!["scimType"]!.GetValue<string>());
        Assert.Equal("201", operations[1]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task FailOnErrorsStopsAfterThatManyErrors()
    {
        await Host.CreateUserAsync("taken");
        var json = $$$"""{"schemas":["{{{BulkRequest}}}"],"failOnErrors":1,"Operations":[{{{User("a", "taken")}}},{{{User("b", "never")}}}]}""";
        using var response = await Client.PostAsync("Bulk", Body(json));
        var operations = (await JsonAsync(response))["Operations"]!.AsArray();
        Assert.Single(operations);
        using var list = await Client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"never\""));
        Assert.Equal(0, (await JsonAsync(list))["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task AReferenceToAFailedOperationFailsWith409()
    {
        await Host.CreateUserAsync("taken");
        var json = $$$"""
            {"schemas":["{{{BulkRequest}}}"],"Operations":[
              {{{User("u1", "taken")}}},
              {"method":"POST","path":"/Groups","bulkId":"g1","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Orphan","members":[{"value":"bulkId:u1"}]}}
            ]}
            """;
        using var response = await Client.PostAsync("Bulk", Body(json));
        var operations = (await JsonAsync(response))["Operations"]!.AsArray();
        Assert.Equal("409", operations[1]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task MoreOperationsThanMaxOperationsIs413()
    {
        var ops = string.Join(',', Enumerable.Range(0, 5).Select(i => User("u" + i, "many" + i)));
        using var response = await Client.PostAsync("Bulk", Body($$$"""{"schemas":["{{{BulkRequest}}}"],"Operations":[{{{ops}}}]}"""));
        var error = await AssertErrorAsync(response, 413, null);
        Assert.Contains("maxOperations", error["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task APayloadLargerThanMaxPayloadSizeIs413()
    {
        var big = new string('x', 3000);
        using var response = await Client.PostAsync("Bulk", Body($$$"""{"schemas":["{{{BulkRequest}}}"],"Operations":[{{{User("u", big)}}}]}"""));
        var error = await AssertErrorAsync(response, 413, null);
        Assert.Contains("maxPayloadSize", error["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABulkRequestWithoutItsSchemaIs400InvalidSyntax()
    {
        using var response = await Client.PostAsync("Bulk", Body("""{"Operations":[]}"""));
        await AssertErrorAsync(response, 400, "invalidSyntax");
    }

    [Fact]
    public async Task BulkDeleteAnswers204PerOperation()
    {
        var user = await Host.CreateUserAsync("bye");
        using var response = await Client.PostAsync("Bulk", Body($$$"""{"schemas":["{{{BulkRequest}}}"],"Operations":[{"method":"DELETE","path":"/Users/{{{user["id"]}}}"}]}"""));
        Assert.Equal("204", (await JsonAsync(response))["Operations"]![0]!["status"]!.GetValue<string>());
    }
}
