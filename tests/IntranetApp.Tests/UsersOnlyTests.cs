using System.Net;
using Microsoft.EntityFrameworkCore;
using static IntranetApp.Tests.IntranetHost;

namespace IntranetApp.Tests;

/// <summary><c>--groups off</c>: SCIM provisions people only; teams stay the app's business.</summary>
public sealed class UsersOnlyTests : IAsyncLifetime
{
    private IntranetHost _host = null!;

    public async Task InitializeAsync() => _host = await IntranetHost.StartAsync(groups: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("GET", "Groups")]
    [InlineData("GET", "Groups?filter=displayName%20eq%20%22Engineers%22")]
    [InlineData("POST", "Groups")]
    public async Task GroupsAnswer404WithAScimErrorAndWriteNoTeam(string method, string path)
    {
        var body = method == "POST" ? $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Engineers"}""" : null;

        var error = (await _host.SendAsync(new HttpMethod(method), path, body, HttpStatusCode.NotFound))!;

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)error["schemas"]![0]);
        Assert.Equal("404", (string?)error["status"]);
        await using var db = _host.Db();
        Assert.False(await db.Teams.AnyAsync());
    }

    [Fact]
    public async Task DiscoveryLeavesGroupsOut()
    {
        var types = (await _host.GetAsync("ResourceTypes"))!["Resources"]!.AsArray().Select(t => (string?)t!["name"]).ToList();
        var schemas = (await _host.GetAsync("Schemas"))!["Resources"]!.AsArray().Select(s => (string?)s!["id"]).ToList();

        Assert.Equal(["User"], types);
        Assert.DoesNotContain(GroupSchema, schemas);
        Assert.Contains(UserSchema, schemas);
        await _host.GetAsync("ResourceTypes/Group", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UsersAreProvisionedIntoThePeopleTable()
    {
        var user = (await _host.PostAsync("Users", $$"""
            {"schemas":["{{UserSchema}}"],"userName":"ada@contoso.com","active":true,"name":{"givenName":"Ada","familyName":"Lovelace"},
             "emails":[{"type":"work","value":"ada@contoso.com","primary":true}]}
            """))!;
        var id = (string)user["id"]!;

        await _host.PatchAsync($"Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]""");

        var person = (await _host.PersonAsync(id))!;
        Assert.Equal("ada@contoso.com", person.Login);
        Assert.Equal("Lovelace", person.LastName);
        Assert.False(person.Enabled);
        await _host.DeleteAsync($"Users/{id}");
        Assert.Null(await _host.PersonAsync(id));
    }
}
