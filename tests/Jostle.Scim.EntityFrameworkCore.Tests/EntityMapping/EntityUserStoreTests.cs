using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore.Tests.EntityMapping;

/// <summary>Users on the host's own person table, through the real SCIM pipeline on SQLite.</summary>
public sealed class EntityUserStoreTests : IAsyncLifetime
{
    private readonly SqliteDatabase _database = new();
    private IntranetApp _app = null!;

    public async Task InitializeAsync() => _app = await IntranetApp.StartAsync(o => o.UseSqlite(_database.ConnectionString));

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    internal static JsonObject Barbara(string userName = "bjensen", string work = "bjensen@acme.example") => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", IntranetMap.Enterprise, IntranetMap.Jostle),
        ["userName"] = userName,
        ["active"] = true,
        ["nickName"] = "Babs",
        ["name"] = new JsonObject { ["givenName"] = "Barbara", ["familyName"] = "Jensen" },
        ["emails"] = new JsonArray(
            new JsonObject { ["value"] = work, ["type"] = "work", ["primary"] = true },
            new JsonObject { ["value"] = "babs@home.example", ["type"] = "personal" },
            new JsonObject { ["value"] = "b@other.example", ["type"] = "other" }),
        [IntranetMap.Enterprise] = new JsonObject { ["department"] = "Tour Operations" },
        [IntranetMap.Jostle] = new JsonObject { ["alternateEmail1Label"] = "Lab" },
    };

    internal static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task ACreatedUserLandsInTheHostsColumnsAndReadsBackWithTheIdTheDatabaseChose()
    {
        var client = await _app.ClientAsync();

        var response = await client.PostAsJsonAsync("Users", Barbara());
        var created = await ReadAsync(response, HttpStatusCode.Created);

        var person = await _app.WithContextAsync(db => db.People.SingleAsync());
        Assert.Equal(person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), created["id"]!.GetValue<string>());
        Assert.Equal("http://localhost/scim/v2/Users/" + person.Id, response.Headers.Location!.ToString());
        Assert.Equal(("acme", "bjensen", "BJENSEN", true), (person.TenantId, person.Login, person.LoginNormalized, person.Enabled));
        Assert.Equal(("Barbara", "Jensen"), (person.FirstName, person.LastName));
        Assert.Equal(("bjensen@acme.example", "babs@home.example"), (person.WorkEmail, person.PersonalEmail));
        Assert.Equal(("Tour Operations", "Lab"), (person.Department, person.AlternateEmail1Label));
        Assert.Equal(1, person.Version);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());

        var read = await ReadAsync(await client.GetAsync("Users/" + person.Id), HttpStatusCode.OK);
        Assert.Equal("Babs", read["nickName"]!.GetValue<string>());
        Assert.Equal("Tour Operations", read[IntranetMap.Enterprise]!["department"]!.GetValue<string>());
        var emails = read["emails"]!.AsArray().Select(e => (e!["type"]!.GetValue<string>(), e["value"]!.GetValue<string>(), e["primary"]?.GetValue<bool>())).ToList();
        Assert.Equal([("work", "bjensen@acme.example", true), ("personal", "babs@home.example", null), ("other", "b@other.example", null)], emails);
        Assert.Equal("W/\"1\"", read["meta"]!["version"]!.GetValue<string>());
        Assert.Equal("http://localhost/scim/v2/Users/" + person.Id, read["meta"]!["location"]!.GetValue<string>());
        Assert.Contains(IntranetMap.Jostle, read["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task FiltersOnEmailSlotsAndTheOverflowColumnRunInSql()
    {
        var client = await _app.ClientAsync();
        var barbara = await ReadAsync(await client.PostAsJsonAsync("Users", Barbara()), HttpStatusCode.Created);
        var jim = Barbara("jsmith", "jim@contoso.example");
        jim["nickName"] = "Jimmy";
        jim[IntranetMap.Enterprise] = new JsonObject { ["department"] = "Sales" };
        jim["emails"] = new JsonArray(new JsonObject { ["value"] = "jim@contoso.example", ["type"] = "work" });
        var smith = await ReadAsync(await client.PostAsJsonAsync("Users", jim), HttpStatusCode.Created);

        async Task<List<string>> IdsAsync(string query)
        {
            var page = await ReadAsync(await client.GetAsync("Users?" + query), HttpStatusCode.OK);
            return [.. page["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())];
        }

        string Id(JsonObject user) => user["id"]!.GetValue<string>();
        Assert.Equal([Id(barbara)], await IdsAsync("filter=" + Uri.EscapeDataString("emails.value eq \"BABS@home.example\"")));
        Assert.Equal([Id(smith)], await IdsAsync("filter=" + Uri.EscapeDataString("emails[type eq \"work\" and value co \"@contoso\"]")));
        Assert.Equal([Id(barbara)], await IdsAsync("filter=" + Uri.EscapeDataString("emails[type eq \"work\"].value eq \"bjensen@acme.example\"")));
        Assert.Equal([], await IdsAsync("filter=" + Uri.EscapeDataString("emails[type eq \"personal\"].value eq \"bjensen@acme.example\"")));
        Assert.Equal([Id(barbara)], await IdsAsync("filter=" + Uri.EscapeDataString("emails.type eq \"personal\"")));
        Assert.Equal([Id(barbara)], await IdsAsync("filter=" + Uri.EscapeDataString("emails[type eq \"other\"]")));
        Assert.Equal([Id(barbara), Id(smith)], await IdsAsync("filter=" + Uri.EscapeDataString("emails pr")));
        Assert.Equal([Id(smith)], await IdsAsync("filter=" + Uri.EscapeDataString("nickName eq \"jimmy\"")));
        Assert.Equal([Id(smith)], await IdsAsync("filter=" + Uri.EscapeDataString("userName eq \"JSMITH\"")));
        Assert.Equal([Id(barbara)], await IdsAsync("filter=" + Uri.EscapeDataString("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department sw \"tour\"")));
        Assert.Equal([Id(smith), Id(barbara)], await IdsAsync("sortBy=emails.value&sortOrder=descending"));
        Assert.Equal([Id(smith)], await IdsAsync("startIndex=2&count=1"));
        var counted = await ReadAsync(await client.GetAsync("Users?count=0&filter=" + Uri.EscapeDataString("active eq true")), HttpStatusCode.OK);
        Assert.Equal(2, counted["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task ReplacePatchAndDeleteChangeTheRowAndItsVersion()
    {
        var client = await _app.ClientAsync();
        var created = await ReadAsync(await client.PostAsJsonAsync("Users", Barbara()), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();

        var replacement = Barbara("barbara.jensen");
        replacement["emails"] = new JsonArray(new JsonObject { ["value"] = "new@acme.example", ["type"] = "work" });
        replacement.Remove("nickName");
        var replaced = await ReadAsync(await client.PutAsJsonAsync("Users/" + id, replacement), HttpStatusCode.OK);
        Assert.Equal("W/\"2\"", replaced["meta"]!["version"]!.GetValue<string>());
        Assert.Null(replaced["nickName"]);
        var person = await _app.WithContextAsync(db => db.People.AsNoTracking().SingleAsync());
        Assert.Equal(("barbara.jensen", "BARBARA.JENSEN", "new@acme.example", null, 2), (person.Login, person.LoginNormalized, person.WorkEmail, person.PersonalEmail, person.Version));

        var patch = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "active", ["value"] = false }),
        };
        var patched = await ReadAsync(await client.PatchAsJsonAsync("Users/" + id, patch), HttpStatusCode.OK);
        Assert.False(patched["active"]!.GetValue<bool>());
        Assert.False((await _app.WithContextAsync(db => db.People.AsNoTracking().SingleAsync())).Enabled);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("Users/" + id)).StatusCode);
        Assert.Equal(0, await _app.WithContextAsync(db => db.People.CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("Users/" + id)).StatusCode);
    }

    [Fact]
    public async Task AHostWriteMakesAnOlderIfMatchA412AndAPatchWithoutItWorksOnTheHostsData()
    {
        var client = await _app.ClientAsync();
        var created = await ReadAsync(await client.PostAsJsonAsync("Users", Barbara()), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        var etag = created["meta"]!["version"]!.GetValue<string>();

        // The host's own code renames her, as it always has: plain EF Core, bumping its counter.
        await _app.WithContextAsync(async db =>
        {
            var person = await db.People.SingleAsync();
            person.LastName = "Jensen-Smith";
            person.Version++;
            return await db.SaveChangesAsync();
        });

        var read = await ReadAsync(await client.GetAsync("Users/" + id), HttpStatusCode.OK);
        Assert.Equal("Jensen-Smith", read["name"]!["familyName"]!.GetValue<string>());
        Assert.Equal("W/\"2\"", read["meta"]!["version"]!.GetValue<string>());

        var patch = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
            ["Operations"] = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "name.givenName", ["value"] = "Babs" }),
        };
        using var stale = new HttpRequestMessage(HttpMethod.Patch, "Users/" + id) { Content = JsonContent.Create(patch) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);
        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "Users/" + id);
        staleDelete.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(staleDelete)).StatusCode);

        var patched = await ReadAsync(await client.PatchAsJsonAsync("Users/" + id, patch), HttpStatusCode.OK);
        Assert.Equal(("Babs", "Jensen-Smith"), (patched["name"]!["givenName"]!.GetValue<string>(), patched["name"]!["familyName"]!.GetValue<string>()));
        var person = await _app.WithContextAsync(db => db.People.AsNoTracking().SingleAsync());
        Assert.Equal(("Babs", "Jensen-Smith", 3), (person.FirstName, person.LastName, person.Version));
    }
}
