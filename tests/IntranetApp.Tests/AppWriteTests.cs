using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace IntranetApp.Tests;

/// <summary>
/// Rows the app writes itself (its own JSON API, or its code on the DbContext) are first-class SCIM resources: SCIM
/// reads them with the row's version, and a SCIM write that read an older version is refused with 412, not a lost update.
/// </summary>
public sealed class AppWriteTests : IAsyncLifetime
{
    private IntranetHost _host = null!;

    public async Task InitializeAsync() => _host = await IntranetHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<PersonOutput> AppSavesAsync(HttpMethod method, string path, PersonInput input)
    {
        using var response = await _host.App.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(input) });
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<PersonOutput>())!;
    }

    [Fact]
    public async Task ARowTheAppCreatedIsReadThroughScimWithItsVersion()
    {
        var person = await AppSavesAsync(HttpMethod.Post, "/api/people", new PersonInput("grace@contoso.com", "Grace", "Hopper", "grace@contoso.com", "grace@home.example"));

        using var response = await _host.SendRawAsync(HttpMethod.Get, $"Users/{person.Id}");
        var user = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("grace@contoso.com", (string?)user["userName"]);
        Assert.Equal("Grace", (string?)user["name"]!["givenName"]);
        Assert.Equal("Hopper", (string?)user["name"]!["familyName"]);
        Assert.True((bool)user["active"]!);
        var emails = user["emails"]!.AsArray().ToDictionary(e => (string)e!["type"]!, e => (string?)e!["value"]);
        Assert.Equal("grace@contoso.com", emails["work"]);
        Assert.Equal("grace@home.example", emails["personal"]);
        var version = (string?)user["meta"]!["version"];
        Assert.Equal(response.Headers.ETag?.ToString(), version);
        Assert.Contains(person.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAppWriteGivesTheScimResourceANewVersion()
    {
        var person = await AppSavesAsync(HttpMethod.Post, "/api/people", new PersonInput("grace@contoso.com", "Grace", "Hopper", null, null));
        var before = (await _host.GetAsync($"Users/{person.Id}"))!;

        var updated = await AppSavesAsync(HttpMethod.Put, $"/api/people/{person.Id}", new PersonInput("grace@contoso.com", "Grace Brewster", "Hopper", null, null));

        var after = (await _host.GetAsync($"Users/{person.Id}"))!;
        Assert.Equal(person.Version + 1, updated.Version);
        Assert.NotEqual((string?)before["meta"]!["version"], (string?)after["meta"]!["version"]);
        Assert.Equal("Grace Brewster", (string?)after["name"]!["givenName"]);
        Assert.Equal(DateTime.SpecifyKind(updated.UpdatedAt, DateTimeKind.Utc), after["meta"]!["lastModified"]!.GetValue<DateTimeOffset>().UtcDateTime);
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    public async Task AStaleScimIfMatchAfterAnAppWriteIs412AndTheAppsWriteSurvives(string method)
    {
        var person = await AppSavesAsync(HttpMethod.Post, "/api/people", new PersonInput("grace@contoso.com", "Grace", "Hopper", null, null));
        var read = (await _host.GetAsync($"Users/{person.Id}"))!;
        var staleVersion = (string)read["meta"]!["version"]!;

        await AppSavesAsync(HttpMethod.Put, $"/api/people/{person.Id}", new PersonInput("grace@contoso.com", "Amazing Grace", "Hopper", null, null));

        var body = method == "PATCH"
            ? """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"name.givenName","value":"Overwritten"}]}"""
            : """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"grace@contoso.com","name":{"givenName":"Overwritten","familyName":"Hopper"},"active":true}""";
        var error = (await _host.SendAsync(new HttpMethod(method), $"Users/{person.Id}", body, HttpStatusCode.PreconditionFailed, ifMatch: staleVersion))!;

        Assert.Equal("412", (string?)error["status"]);
        await using var db = _host.Db();
        Assert.Equal("Amazing Grace", (await db.People.SingleAsync()).FirstName);
    }

    [Fact]
    public async Task ARowTheAppWritesThroughItsDbContextIsFoundByEntrasMatchQuery()
    {
        var now = DateTime.UtcNow;
        var person = new Data.Person { Login = "Linus@Contoso.com", LoginNormalized = "LINUS@CONTOSO.COM", FirstName = "Linus", CreatedAt = now, UpdatedAt = now, Version = 1 };
        await using (var db = _host.Db())
        {
            db.People.Add(person);
            await db.SaveChangesAsync();
        }

        var list = await _host.ListUsersAsync("userName eq \"linus@contoso.com\"");

        Assert.Equal(1, (int)list["totalResults"]!);
        Assert.Equal(person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)list["Resources"]![0]!["id"]);
        Assert.Equal("Linus@Contoso.com", (string?)list["Resources"]![0]!["userName"]);
    }

    [Fact]
    public async Task AScimWriteIsSeenByTheAppsOwnApiWithTheNewVersion()
    {
        var person = await AppSavesAsync(HttpMethod.Post, "/api/people", new PersonInput("grace@contoso.com", "Grace", "Hopper", null, null));

        await _host.PatchAsync($"Users/{person.Id}", """[{"op":"Replace","path":"active","value":"False"}]""");

        var read = (await _host.App.GetFromJsonAsync<PersonOutput>($"/api/people/{person.Id}"))!;
        Assert.False(read.Enabled);
        Assert.True(read.Version > person.Version, $"version {person.Version} -> {read.Version}");
    }
}
