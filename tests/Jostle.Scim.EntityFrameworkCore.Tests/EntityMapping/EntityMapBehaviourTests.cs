using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using static Jostle.Scim.EntityFrameworkCore.Tests.EntityMapping.EntityUserStoreTests;

namespace Jostle.Scim.EntityFrameworkCore.Tests.EntityMapping;

/// <summary>Unmapped attributes, start-up validation, uniqueness, tenants and groups of the entity-mapped stores, through the pipeline on SQLite.</summary>
public sealed class EntityMapBehaviourTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private Task<IntranetApp> StartAsync(Action<ScimEntityStoreBuilder<IntranetContext>>? map = null, Action<ScimEntityStoreOptions>? options = null) =>
        IntranetApp.StartAsync(o => o.UseSqlite(_database.ConnectionString), map, options);

    /// <summary>The intranet's user map without its overflow column, with a change.</summary>
    private static Action<ScimEntityStoreBuilder<IntranetContext>> UsersOnly(Action<ScimUserMap<Person>>? change = null, bool userName = true) => scim =>
        scim.Users<Person>(user =>
        {
            user.Id(p => p.Id).Tenant(p => p.TenantId).Active(p => p.Enabled)
                .Map("name.givenName", p => p.FirstName)
                .Map("emails[type eq \"work\"].value", p => p.WorkEmail)
                .Version(p => p.Version);
            if (userName)
            {
                user.UserName(p => p.Login, normalized: p => p.LoginNormalized);
            }

            change?.Invoke(user);
        });

    [Fact]
    public async Task WithoutAnOverflowColumnDroppedAttributesAreNamedInTheProvisioningLog()
    {
        await using var app = await StartAsync(UsersOnly());
        var client = await app.ClientAsync();

        var created = await ReadAsync(await client.PostAsJsonAsync("Users", Barbara()), HttpStatusCode.Created);

        Assert.Null(created["nickName"]);
        var record = (await app.LogAsync()).Single(e => e.Operation == Provisioning.ProvisioningOperation.Create);
        Assert.True(record.Succeeded);
        Assert.Contains("Not stored", record.Detail);
        Assert.Contains("nickName", record.Detail);
        Assert.Contains("emails[type eq \"other\"]", record.Detail);
        Assert.Contains("emails[type eq \"work\"].primary", record.Detail);
        Assert.Contains(IntranetMap.Enterprise + ":department", record.Detail);
    }

    [Fact]
    public async Task RefusingUnmappedAttributesAnswers400NamingThemAndWritesNothing()
    {
        await using var app = await StartAsync(UsersOnly(), o => o.UnmappedAttributes = ScimUnmappedAttributes.Refuse);
        var client = await app.ClientAsync();

        var error = await ReadAsync(await client.PostAsJsonAsync("Users", Barbara()), HttpStatusCode.BadRequest);

        Assert.Equal("invalidValue", error["scimType"]!.GetValue<string>());
        Assert.Contains("'nickName'", error["detail"]!.GetValue<string>());
        Assert.Contains("'name.familyName'", error["detail"]!.GetValue<string>());
        Assert.Equal(0, await app.WithContextAsync(db => db.People.CountAsync()));

        var plain = new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"), ["userName"] = "plain", ["active"] = true };
        await ReadAsync(await client.PostAsJsonAsync("Users", plain), HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("type", "'active' is a boolean, but it is mapped to Person.Login, a String")]
    [InlineData("index", "no unique index on it with the tenant (Person.TenantId): add .HasIndex(p => new { p.TenantId, p.FirstName }).IsUnique()")]
    [InlineData("required", "The required SCIM attribute 'userName' is not mapped")]
    [InlineData("unknown", "The SCIM attribute 'nickname2' (mapped to Person.Phone) is not an attribute of User resources")]
    [InlineData("complex", "The SCIM attribute 'name' (mapped to Person.LastName) is complex")]
    public async Task AMapThatDoesNotFitFailsStartUpNamingTheAttributeAndTheMember(string mistake, string message)
    {
        var map = mistake switch
        {
            "type" => UsersOnly(u => u.Map("active", p => p.Login), userName: true),
            "index" => UsersOnly(u => u.UserName(p => p.Login, normalized: p => p.FirstName), userName: false),
            "required" => UsersOnly(userName: false),
            "unknown" => UsersOnly(u => u.Map("nickname2", p => p.Phone)),
            _ => UsersOnly(u => u.Map("name", p => p.LastName)),
        };
        if (mistake == "type")
        {
            // active is mapped by Active(...) in UsersOnly; map it only once, to the wrong member.
            map = scim => scim.Users<Person>(u => u.Id(p => p.Id).Tenant(p => p.TenantId).UserName(p => p.Login, normalized: p => p.LoginNormalized)
                .Map("active", p => p.Login).Version(p => p.Version));
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(map));

        Assert.Contains(message, failure.Message);
    }

    [Fact]
    public async Task ConcurrentCreatesOfOneUserNameGiveOneCreatedAndTheRestConflicts()
    {
        await using var app = await StartAsync();
        var client = await app.ClientAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PostAsJsonAsync("Users", Barbara())));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var conflict in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var error = await ReadAsync(conflict, HttpStatusCode.Conflict);
            Assert.Equal("uniqueness", error["scimType"]!.GetValue<string>());
        }

        Assert.Equal(1, await app.WithContextAsync(db => db.People.CountAsync()));
    }

    [Fact]
    public async Task AnotherTenantSeesNothingOfTheFirst()
    {
        await using var app = await StartAsync();
        var acme = await app.ClientAsync("acme");
        var other = await app.ClientAsync("globex");
        var id = (await ReadAsync(await acme.PostAsJsonAsync("Users", Barbara()), HttpStatusCode.Created))["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("Users/" + id)).StatusCode);
        Assert.Equal(0, (await ReadAsync(await other.GetAsync("Users"), HttpStatusCode.OK))["totalResults"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync("Users/" + id)).StatusCode);
        await ReadAsync(await other.PostAsJsonAsync("Users", Barbara()), HttpStatusCode.Created);
        Assert.Equal(2, await app.WithContextAsync(db => db.People.CountAsync()));
    }

    [Fact]
    public async Task GroupsLiveOnTheTeamTableWithMembersOnItsJoinTable()
    {
        await using var app = await StartAsync();
        var client = await app.ClientAsync();
        var ids = new List<string>();
        foreach (var name in new[] { "ann", "bob", "cat" })
        {
            ids.Add((await ReadAsync(await client.PostAsJsonAsync("Users", Barbara(name, name + "@acme.example")), HttpStatusCode.Created))["id"]!.GetValue<string>());
        }

        var team = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["displayName"] = "Tour Guides",
            ["members"] = new JsonArray(new JsonObject { ["value"] = ids[0] }, new JsonObject { ["value"] = ids[1] }),
        };
        var created = await ReadAsync(await client.PostAsJsonAsync("Groups", team), HttpStatusCode.Created);
        var groupId = created["id"]!.GetValue<string>();
        Assert.Equal(ids[..2], created["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
        Assert.Equal(("Tour Guides", "TOUR GUIDES"), await app.WithContextAsync(async db => { var t = await db.Teams.SingleAsync(); return (t.Name, t.NameNormalized); }));

        var clash = await ReadAsync(await client.PostAsJsonAsync("Groups", new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["displayName"] = "tour guides" }), HttpStatusCode.Conflict);
        Assert.Equal("uniqueness", clash["scimType"]!.GetValue<string>());

        var patch = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            ["Operations"] = new JsonArray(
                new JsonObject { ["op"] = "add", ["path"] = "members", ["value"] = new JsonArray(new JsonObject { ["value"] = ids[2] }) },
                new JsonObject { ["op"] = "remove", ["path"] = $"members[value eq \"{ids[0]}\"]" }),
        };
        var firstMemberRow = await app.WithContextAsync(db => db.TeamMembers.Where(m => m.PersonId.ToString() == ids[1]).Select(m => m.Id).SingleAsync());
        Assert.True((await client.PatchAsJsonAsync("Groups/" + groupId, patch)).IsSuccessStatusCode);
        var rows = await app.WithContextAsync(db => db.TeamMembers.OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(ids[1..], rows.Select(r => r.PersonId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(firstMemberRow, rows[0].Id); // The unchanged member's row was not rewritten.

        var bob = await ReadAsync(await client.GetAsync("Users/" + ids[1] + "?attributes=groups"), HttpStatusCode.OK);
        Assert.Equal([groupId], bob["groups"]!.AsArray().Select(g => g!["value"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Users/" + ids[1])).StatusCode);
        Assert.Equal([ids[2]], (await app.WithContextAsync(db => db.TeamMembers.Select(m => m.PersonId).ToListAsync())).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var nested = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            ["Operations"] = new JsonArray(new JsonObject { ["op"] = "add", ["path"] = "members", ["value"] = new JsonArray(new JsonObject { ["value"] = groupId, ["type"] = "Group" }) }),
        };
        var refused = await ReadAsync(await client.PatchAsJsonAsync("Groups/" + groupId, nested), HttpStatusCode.BadRequest);
        Assert.Contains("only Users", refused["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task AHostWriteToATeamMovesItsTimestampVersionSoAnOlderIfMatchIs412()
    {
        await using var app = await StartAsync();
        var client = await app.ClientAsync();
        var created = await ReadAsync(await client.PostAsJsonAsync("Groups", new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["displayName"] = "Ops" }), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        var etag = created["meta"]!["version"]!.GetValue<string>();
        var stamp = await app.WithContextAsync(db => db.Teams.Select(t => t.Stamp).SingleAsync());
        Assert.Equal($"W/\"{DateTime.SpecifyKind(stamp, DateTimeKind.Utc).Ticks}\"", etag);

        await app.WithContextAsync(async db =>
        {
            var team = await db.Teams.SingleAsync();
            team.Name = "Operations";
            team.NameNormalized = "OPERATIONS";
            team.Stamp = DateTime.UtcNow.AddSeconds(1);
            return await db.SaveChangesAsync();
        });

        using var stale = new HttpRequestMessage(HttpMethod.Put, "Groups/" + id)
        {
            Content = JsonContent.Create(new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"), ["displayName"] = "Ops 2" }),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);
        Assert.Equal("Operations", await app.WithContextAsync(db => db.Teams.Select(t => t.Name).SingleAsync()));
    }
}
