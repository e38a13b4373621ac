using System.Net;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Xunit;

using Jostle.Scim.Tests.AspNetCore;

namespace Jostle.Scim.Tests.Clients;

/// <summary>
/// Pins what clients parse — the discovery documents and representative responses — to reviewed snapshot files
/// in <c>__snapshots__</c>. Generated values (ids, dates, versions, locations that carry an id) are ignored.
/// A changed snapshot is a change to the wire format: review the <c>__mismatch__</c> file, then replace the
/// snapshot deliberately.
/// </summary>
public sealed class ScimSnapshotTests : IAsyncLifetime
{
    private ScimTestHost _host = null!;
    private ScimHttp _scim = null!;

    public async Task InitializeAsync()
    {
        _host = await ScimTestHost.StartAsync();
        _scim = new ScimHttp(_host.ClientFor("snapshots"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JToken> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _scim.SendAsync(HttpMethod.Get, path);
        var node = await ScimHttp.CheckAsync(response, expected, "GET " + path);
        return JToken.Parse(node!.ToJsonString());
    }

    private static MatchOptions IgnoreGenerated(MatchOptions options) => options
        .IgnoreAllFields("id")
        .IgnoreAllFields("created")
        .IgnoreAllFields("lastModified")
        .IgnoreAllFields("version")
        .IgnoreAllFields("location");

    private Task<Newtonsoft.Json.Linq.JToken> CreateUserAsync(string userName) =>
        PostAsync("/Users", $$$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "userName":"{{{userName}}}","externalId":"ext-{{{userName}}}","active":true,"displayName":"Ada Lovelace",
             "name":{"givenName":"Ada","familyName":"Lovelace","formatted":"Ada Lovelace"},
             "emails":[{"type":"work","value":"{{{userName}}}","primary":true}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1815","department":"Engines"}}
            """);

    private async Task<JToken> PostAsync(string path, string json)
    {
        var node = await _scim.PostAsync(path, json);
        return JToken.Parse(node!.ToJsonString());
    }

    [Fact]
    public async Task TheServiceProviderConfigDocumentIsPinned()
    {
        var name = Snapshot.FullName();
        Snapshot.Match(await GetAsync("/ServiceProviderConfig"), name, o => o.IgnoreAllFields("created").IgnoreAllFields("lastModified"));
    }

    [Fact]
    public async Task TheResourceTypesDocumentIsPinned()
    {
        var name = Snapshot.FullName();
        Snapshot.Match(await GetAsync("/ResourceTypes"), name);
    }

    [Fact]
    public async Task TheSchemasDocumentIsPinned()
    {
        var name = Snapshot.FullName();
        Snapshot.Match(await GetAsync("/Schemas"), name);
    }

    [Fact]
    public async Task ACreatedUserIsPinned()
    {
        var name = Snapshot.FullName();
        Snapshot.Match(await CreateUserAsync("ada@example.com"), name, IgnoreGenerated);
    }

    [Fact]
    public async Task AListResponseIsPinned()
    {
        var name = Snapshot.FullName();
        await CreateUserAsync("ada@example.com");
        await CreateUserAsync("grace@example.com");

        Snapshot.Match(await GetAsync("/Users?sortBy=userName&attributes=userName,name.givenName,emails&count=5"), name, IgnoreGenerated);
    }

    [Fact]
    public async Task AnUnknownIdErrorIsPinned()
    {
        var name = Snapshot.FullName();
        Snapshot.Match(await GetAsync("/Users/does-not-exist", HttpStatusCode.NotFound), name);
    }

    [Fact]
    public async Task AnInvalidFilterErrorIsPinned()
    {
        var name = Snapshot.FullName();
        Snapshot.Match(await GetAsync("/Users?" + ScimHttp.Filter("userName eq"), HttpStatusCode.BadRequest), name);
    }
}
