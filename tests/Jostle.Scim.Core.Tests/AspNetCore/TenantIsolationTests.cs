using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>Two tenants, each with its own key, on one base URL: neither can see or touch the other through any endpoint.</summary>
public sealed class TenantIsolationTests : IAsyncLifetime
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const string SearchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
    private const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

    private ScimTestHost _host = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    public async Task InitializeAsync()
    {
        _host = await ApiKeyTestHost.StartAsync();
        _a = _host.ClientFor((await _host.CreateKeyAsync("tenant-a")).PlaintextKey);
        _b = _host.ClientFor((await _host.CreateKeyAsync("tenant-b")).PlaintextKey);
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _host.DisposeAsync();
    }

    private static async Task<JsonObject> SendAsync(HttpClient client, HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = Body(json);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    private static string UserJson(string userName) => $$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}","name":{"givenName":"G","familyName":"F"} }""";

    private static string GroupJson(string displayName, params string[] members) =>
        $$"""{"schemas":["{{GroupSchema}}"],"displayName":"{{displayName}}","members":[{{Members(members)}}]}""";

    private static string Members(string[] ids) => string.Join(',', ids.Select(m => $$"""{"value":"{{m}}"}"""));

    private static string Id(JsonObject resource) => resource["id"]!.GetValue<string>();

    private static string[] Ids(JsonObject list) => [.. list["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Order()];

    [Fact]
    public async Task NoEndpointLetsOneTenantSeeOrChangeAnothersResources()
    {
        // Tenant B: a user with a userName tenant A also uses, a user only B has, and a group.
        var bShared = Id(await SendAsync(_b, HttpMethod.Post, "Users", UserJson("jo@example.com"), HttpStatusCode.Created));
        var bOnly = Id(await SendAsync(_b, HttpMethod.Post, "Users", UserJson("b-only@example.com"), HttpStatusCode.Created));
        var bGroup = Id(await SendAsync(_b, HttpMethod.Post, "Groups", GroupJson("Team", bOnly), HttpStatusCode.Created));

        // userName is unique per tenant: A may use the same one (and the same group name).
        var aUser = Id(await SendAsync(_a, HttpMethod.Post, "Users", UserJson("jo@example.com"), HttpStatusCode.Created));
        var aGroup = Id(await SendAsync(_a, HttpMethod.Post, "Groups", GroupJson("Team"), HttpStatusCode.Created));
        await SendAsync(_a, HttpMethod.Post, "Users", UserJson("jo@example.com"), HttpStatusCode.Conflict);

        // B's ids are 404 for A, whatever the method.
        var patchName = $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"displayName","value":"Hijacked"}]}""";
        foreach (var (resource, id, json) in new[] { ("Users", bOnly, UserJson("b-only@example.com")), ("Users", bShared, UserJson("jo@example.com")), ("Groups", bGroup, GroupJson("Team")) })
        {
            await SendAsync(_a, HttpMethod.Get, $"{resource}/{id}", null, HttpStatusCode.NotFound);
            await SendAsync(_a, HttpMethod.Put, $"{resource}/{id}", json, HttpStatusCode.NotFound);
            await SendAsync(_a, HttpMethod.Patch, $"{resource}/{id}", patchName, HttpStatusCode.NotFound);
            await SendAsync(_a, HttpMethod.Delete, $"{resource}/{id}", null, HttpStatusCode.NotFound);
        }

        // Lists, filters and searches only ever return A's resources.
        Assert.Equal([aUser], Ids(await SendAsync(_a, HttpMethod.Get, "Users", null, HttpStatusCode.OK)));
        Assert.Equal([aGroup], Ids(await SendAsync(_a, HttpMethod.Get, "Groups", null, HttpStatusCode.OK)));
        Assert.Equal([aUser], Ids(await SendAsync(_a, HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"jo@example.com\""), null, HttpStatusCode.OK)));
        Assert.Empty(Ids(await SendAsync(_a, HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString("userName eq \"b-only@example.com\""), null, HttpStatusCode.OK)));
        Assert.Empty(Ids(await SendAsync(_a, HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString($"id eq \"{bOnly}\""), null, HttpStatusCode.OK)));
        Assert.Equal([aGroup], Ids(await SendAsync(_a, HttpMethod.Get, "Groups?filter=" + Uri.EscapeDataString("displayName eq \"Team\""), null, HttpStatusCode.OK)));
        Assert.Empty(Ids(await SendAsync(_a, HttpMethod.Get, "Groups?filter=" + Uri.EscapeDataString($"members.value eq \"{bOnly}\""), null, HttpStatusCode.OK)));
        var search = $$"""{"schemas":["{{SearchRequest}}"],"filter":"userName sw \"b\" or userName sw \"j\""}""";
        Assert.Equal([aUser], Ids(await SendAsync(_a, HttpMethod.Post, "Users/.search", search, HttpStatusCode.OK)));
        Assert.Equal([aGroup], Ids(await SendAsync(_a, HttpMethod.Post, "Groups/.search", $$"""{"schemas":["{{SearchRequest}}"]}""", HttpStatusCode.OK)));
        Assert.Equal(new[] { aUser, aGroup }.Order(), Ids(await SendAsync(_a, HttpMethod.Post, ".search", $$"""{"schemas":["{{SearchRequest}}"]}""", HttpStatusCode.OK)));
        Assert.Equal([aGroup], Ids(await SendAsync(_a, HttpMethod.Post, ".search", $$"""{"schemas":["{{SearchRequest}}"],"filter":"displayName eq \"Team\""}""", HttpStatusCode.OK)));

        // A member id from B is rejected in every way of adding one.
        var addMember = $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{bOnly}}"}]}]}""";
        Assert.Equal("invalidValue", (await SendAsync(_a, HttpMethod.Patch, $"Groups/{aGroup}", addMember, HttpStatusCode.BadRequest))["scimType"]!.GetValue<string>());
        Assert.Equal("invalidValue", (await SendAsync(_a, HttpMethod.Put, $"Groups/{aGroup}", GroupJson("Team", bOnly), HttpStatusCode.BadRequest))["scimType"]!.GetValue<string>());
        Assert.Equal("invalidValue", (await SendAsync(_a, HttpMethod.Post, "Groups", GroupJson("Other", bOnly), HttpStatusCode.BadRequest))["scimType"]!.GetValue<string>());

        // /Bulk runs in the caller's tenant too.
        var bulk = $$"""
            {"schemas":["{{BulkRequest}}"],"Operations":[
              {"method":"DELETE","path":"/Users/{{bOnly}}"},
              {"method":"PATCH","path":"/Groups/{{bGroup}}","data":{{patchName}}},
              {"method":"PUT","path":"/Users/{{bShared}}","data":{{UserJson("jo@example.com")}}},
              {"method":"PATCH","path":"/Groups/{{aGroup}}","data":{{addMember}}},
              {"method":"POST","path":"/Users","bulkId":"u1","data":{{UserJson("b-only@example.com")}}}
            ]}
            """;
        var bulkResponse = await SendAsync(_a, HttpMethod.Post, "Bulk", bulk, HttpStatusCode.OK);
        Assert.Equal(["404", "404", "404", "400", "201"], bulkResponse["Operations"]!.AsArray().Select(o => o!["status"]!.GetValue<string>()));

        // B saw none of it: its resources are intact, and it never sees A's.
        Assert.Equal("Team", (await SendAsync(_b, HttpMethod.Get, $"Groups/{bGroup}", null, HttpStatusCode.OK))["displayName"]!.GetValue<string>());
        Assert.Equal([bOnly], (await SendAsync(_b, HttpMethod.Get, $"Groups/{bGroup}", null, HttpStatusCode.OK))["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        Assert.Equal(new[] { bShared, bOnly }.Order(), Ids(await SendAsync(_b, HttpMethod.Get, "Users", null, HttpStatusCode.OK)));
        await SendAsync(_b, HttpMethod.Get, $"Users/{aUser}", null, HttpStatusCode.NotFound);
        await SendAsync(_b, HttpMethod.Get, $"Groups/{aGroup}", null, HttpStatusCode.NotFound);
        Assert.DoesNotContain(aUser, Ids(await SendAsync(_b, HttpMethod.Post, ".search", $$"""{"schemas":["{{SearchRequest}}"]}""", HttpStatusCode.OK)));
        Assert.Equal(3, (await SendAsync(_b, HttpMethod.Post, ".search", $$"""{"schemas":["{{SearchRequest}}"]}""", HttpStatusCode.OK))["totalResults"]!.GetValue<int>());

        // The tenant-independent endpoints answer both alike.
        foreach (var path in new[] { "ServiceProviderConfig", "ResourceTypes", "Schemas" })
        {
            Assert.Equal(
                (await SendAsync(_a, HttpMethod.Get, path, null, HttpStatusCode.OK)).ToJsonString(),
                (await SendAsync(_b, HttpMethod.Get, path, null, HttpStatusCode.OK)).ToJsonString());
        }

        await SendAsync(_a, HttpMethod.Get, "Me", null, HttpStatusCode.NotImplemented);
    }

    [Fact]
    public async Task AHostResolvedTenantMustMatchTheKeysTenantOrTheAnswerIs403()
    {
        await using var host = await ApiKeyTestHost.StartAsync(services: s => s.AddSingleton<IScimTenantResolver, HostNameTenantResolver>());
        var (_, keyA) = await host.CreateKeyAsync("tenant-a");
        using var atA = host.ClientFor(keyA);
        atA.BaseAddress = new Uri("http://tenant-a.example.test/scim/v2/");
        using var atB = host.ClientFor(keyA);
        atB.BaseAddress = new Uri("http://tenant-b.example.test/scim/v2/");

        using (var ok = await atA.GetAsync("Users"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var refused = await atB.GetAsync("Users");
        var body = await AssertErrorAsync(refused, 403, null);
        Assert.DoesNotContain("tenant-a", body.ToJsonString(), StringComparison.Ordinal);
        using var write = await atB.PostAsync("Users", Body(UserJson("x")));
        await AssertErrorAsync(write, 403, null);
    }

    private sealed class HostNameTenantResolver : IScimTenantResolver
    {
        public ValueTask<string?> ResolveTenantAsync(HttpContext context) =>
            ValueTask.FromResult<string?>(context.Request.Host.Host.Split('.')[0]);
    }
}
