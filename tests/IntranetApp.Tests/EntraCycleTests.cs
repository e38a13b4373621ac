using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using static IntranetApp.Tests.IntranetHost;

namespace IntranetApp.Tests;

/// <summary>
/// Microsoft Entra ID's provisioning cycle against the sample, in every request shape the conformance kit's Entra tests
/// send, asserting on the app's own tables (<c>people</c>, <c>teams</c>, <c>team_members</c>) read through its
/// <see cref="Data.IntranetDbContext"/>, not only on the SCIM responses.
/// </summary>
public sealed class EntraCycleTests : IAsyncLifetime
{
    private IntranetHost _host = null!;

    public async Task InitializeAsync() => _host = await IntranetHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // Entra's create request as its documentation shows it (meta and an empty roles array included).
    private static string EntraUser(string userName, string externalId, string active = "true") => $$"""
        {
          "schemas": ["{{UserSchema}}", "{{Enterprise}}", "{{JostleExtension}}"],
          "externalId": "{{externalId}}",
          "userName": "{{userName}}",
          "active": {{active}},
          "displayName": "Ada Lovelace",
          "emails": [{"primary": true, "type": "work", "value": "{{userName}}"}],
          "meta": {"resourceType": "User"},
          "name": {"formatted": "Ada Lovelace", "familyName": "Lovelace", "givenName": "Ada"},
          "roles": [],
          "{{Enterprise}}": {"employeeNumber": "1815", "department": "Analytical Engines"},
          "{{JostleExtension}}": {"alternateEmail1Label": "Home"}
        }
        """;

    private async Task<string> CreateEntraUserAsync(string userName = "ada@contoso.com", string externalId = "ext-ada") =>
        (string)(await _host.PostAsync("Users", EntraUser(userName, externalId)))!["id"]!;

    [Fact]
    public async Task TheTestConnectionQueryFindsNoRowAndWritesNone()
    {
        var list = await _host.ListUsersAsync($"userName eq \"{Guid.NewGuid()}\"");

        Assert.Equal(0, (int)list["totalResults"]!);
        await using var db = _host.Db();
        Assert.Equal(0, await db.People.CountAsync());
    }

    [Fact]
    public async Task ACreateWritesOnePersonRowWithTheMappedColumns()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var user = (await _host.PostAsync("Users", EntraUser("ada@contoso.com", "ext-ada")))!;

        var person = await _host.PersonAsync((string)user["id"]!);
        Assert.NotNull(person);
        Assert.Equal("ada@contoso.com", person.Login);
        Assert.Equal("ADA@CONTOSO.COM", person.LoginNormalized);
        Assert.Equal("Ada", person.FirstName);
        Assert.Equal("Lovelace", person.LastName);
        Assert.Equal("ada@contoso.com", person.WorkEmail);
        Assert.Null(person.PersonalEmail);
        Assert.Equal("Home", person.AlternateEmail1Label);
        Assert.True(person.Enabled);
        Assert.InRange(person.CreatedAt, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(person.CreatedAt, person.UpdatedAt);
        Assert.Equal(DateTime.SpecifyKind(person.CreatedAt, DateTimeKind.Utc), user["meta"]!["created"]!.GetValue<DateTimeOffset>().UtcDateTime);
        await using var db = _host.Db();
        Assert.Equal(1, await db.People.CountAsync());
    }

    [Fact]
    public async Task ActiveSentAsTheStringTrueEnablesThePerson()
    {
        var id = (string)(await _host.PostAsync("Users", EntraUser("grace@contoso.com", "ext-grace", active: "\"True\"")))!["id"]!;

        Assert.True((await _host.PersonAsync(id))!.Enabled);
    }

    [Fact]
    public async Task ExplicitNullsInACreateLeaveTheColumnsEmpty()
    {
        var id = (string)(await _host.PostAsync("Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nulls@contoso.com","active":true,
             "name":{"givenName":"Nul","familyName":null,"middleName":null},"title":null,"nickName":null,"emails":null}
            """))!["id"]!;

        var person = (await _host.PersonAsync(id))!;
        Assert.Equal("nulls@contoso.com", person.Login);
        Assert.Equal("Nul", person.FirstName);
        Assert.Null(person.LastName);
        Assert.Null(person.WorkEmail);
    }

    [Fact]
    public async Task ADuplicateUserNameInAnotherCaseIsA409AndAddsNoRow()
    {
        await CreateEntraUserAsync();

        var error = (await _host.PostAsync("Users", EntraUser("ADA@contoso.com", "ext-other"), HttpStatusCode.Conflict))!;

        Assert.Equal("uniqueness", (string?)error["scimType"]);
        await using var db = _host.Db();
        Assert.Equal("ada@contoso.com", Assert.Single(await db.People.Select(p => p.Login).ToListAsync()));
    }

    [Theory]
    [InlineData("userName eq \"ada@contoso.com\"")]
    [InlineData("userName eq \"ADA@Contoso.com\"")]
    [InlineData("emails[type eq \"work\"].value eq \"ada@contoso.com\"")]
    public async Task EveryMatchingQueryEntraSendsFindsARowTheAppAlreadyHad(string filter)
    {
        // The person was in the app before SCIM: Entra's match query must find that row, not only rows SCIM created.
        var id = await AppCreatesPersonAsync("ada@contoso.com", "Ada", "Lovelace");
        await AppCreatesPersonAsync("other@contoso.com", "Other", "Person");

        var list = await _host.ListUsersAsync(filter);

        Assert.Equal(1, (int)list["totalResults"]!);
        Assert.Equal(id.ToString(), (string?)list["Resources"]![0]!["id"]);
    }

    [Fact]
    public async Task DisablingWithTheStringFalseClearsEnabledAndEnablingSetsItAgain()
    {
        var id = await CreateEntraUserAsync();

        await _host.PatchAsync($"Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]""");
        Assert.False((await _host.PersonAsync(id))!.Enabled);

        // Soft delete: the row stays, and Entra's match query still finds it.
        var found = await _host.ListUsersAsync("userName eq \"ada@contoso.com\"");
        Assert.False((bool)found["Resources"]![0]!["active"]!);

        await _host.PatchAsync($"Users/{id}", """[{"op":"Replace","path":"active","value":"True"}]""");
        Assert.True((await _host.PersonAsync(id))!.Enabled);
    }

    [Fact]
    public async Task CapitalisedOpsWithPathsChangeTheMappedColumnsAndBumpTheVersion()
    {
        var id = await CreateEntraUserAsync();
        var before = (await _host.PersonAsync(id))!;

        await _host.PatchAsync($"Users/{id}", $$"""
            [
              {"op":"Replace","path":"name.givenName","value":"Augusta Ada"},
              {"op":"Replace","path":"displayName","value":"Augusta Ada King"},
              {"op":"Add","path":"title","value":"Countess"},
              {"op":"Replace","path":"{{Enterprise}}:department","value":"Mathematics"}
            ]
            """);

        var after = (await _host.PersonAsync(id))!;
        Assert.Equal("Augusta Ada", after.FirstName);
        Assert.Equal("Lovelace", after.LastName);
        Assert.True(after.Version > before.Version, $"version {before.Version} -> {after.Version}");
        Assert.True(after.UpdatedAt >= before.UpdatedAt);
        Assert.Equal(before.CreatedAt, after.CreatedAt);
    }

    [Fact]
    public async Task APathlessReplaceWithDottedAndUrnKeysSetsEachMappedColumn()
    {
        var id = await CreateEntraUserAsync();

        await _host.PatchAsync($"Users/{id}", $$$"""
            [{"op":"replace","value":{
                "name.givenName":"Augusta",
                "name.familyName":"King",
                "active":false,
                "{{{Enterprise}}}:employeeNumber":"7",
                "{{{JostleExtension}}}:alternateEmail2Label":"Lab"
            }}]
            """);

        var person = (await _host.PersonAsync(id))!;
        Assert.Equal("Augusta", person.FirstName);
        Assert.Equal("King", person.LastName);
        Assert.False(person.Enabled);
        Assert.Equal("Lab", person.AlternateEmail2Label);
        Assert.Equal("Home", person.AlternateEmail1Label);
    }

    [Fact]
    public async Task AManagerAddedAndRemovedLeavesThePersonRowConsistent()
    {
        var managerId = await CreateEntraUserAsync("boss@contoso.com", "ext-boss");
        var id = await CreateEntraUserAsync();

        await _host.PatchAsync($"Users/{id}", $$"""[{"op":"Add","path":"{{Enterprise}}:manager","value":"{{managerId}}"}]""");
        await _host.PatchAsync($"Users/{id}", $$"""[{"op":"Remove","path":"{{Enterprise}}:manager"}]""");

        var person = (await _host.PersonAsync(id))!;
        Assert.Equal("ada@contoso.com", person.Login);
        Assert.Equal("Ada", person.FirstName);
        Assert.NotNull(await _host.PersonAsync(managerId));
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Replace")]
    public async Task AddOrReplaceOnTheWorkEmailValueSetsTheWorkEmailColumn(string op)
    {
        var id = (string)(await _host.PostAsync("Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"noemail@contoso.com","active":true,
             "name":{"givenName":"No","familyName":"Email"}}
            """))!["id"]!;
        Assert.Null((await _host.PersonAsync(id))!.WorkEmail);

        await _host.PatchAsync($"Users/{id}", $$"""[{"op":"{{op}}","path":"emails[type eq \"work\"].value","value":"no.email@contoso.com"}]""");
        Assert.Equal("no.email@contoso.com", (await _host.PersonAsync(id))!.WorkEmail);

        await _host.PatchAsync($"Users/{id}", $$"""[{"op":"{{op}}","path":"emails[type eq \"work\"].value","value":"changed@contoso.com"}]""");
        Assert.Equal("changed@contoso.com", (await _host.PersonAsync(id))!.WorkEmail);

        var found = await _host.ListUsersAsync("emails[type eq \"work\"].value eq \"changed@contoso.com\"");
        Assert.Equal(id, (string?)found["Resources"]![0]!["id"]);
    }

    [Fact]
    public async Task AlternateAndPersonalEmailsAndTheirLabelsLandInTheirColumns()
    {
        var id = await CreateEntraUserAsync();

        await _host.PatchAsync($"Users/{id}", $$"""
            [
              {"op":"Add","path":"emails[type eq \"alternate1\"].value","value":"ada@home.example"},
              {"op":"Replace","path":"{{JostleExtension}}:alternateEmail1Label","value":"Personal"},
              {"op":"Add","path":"emails[type eq \"personal\"].value","value":"ada@personal.example"},
              {"op":"Add","path":"emails[type eq \"alternate2\"].value","value":"ada@lab.example"}
            ]
            """);

        var person = (await _host.PersonAsync(id))!;
        Assert.Equal("ada@home.example", person.AlternateEmail1);
        Assert.Equal("Personal", person.AlternateEmail1Label);
        Assert.Equal("ada@personal.example", person.PersonalEmail);
        Assert.Equal("ada@lab.example", person.AlternateEmail2);
        Assert.Equal("ada@contoso.com", person.WorkEmail);
    }

    [Fact]
    public async Task GroupsAreTeamRowsAndMemberPatchesAddAndRemoveJoinRows()
    {
        var ids = new List<string>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            ids.Add(await CreateEntraUserAsync($"{name}@contoso.com", $"ext-{name}"));
        }

        ids.Sort(StringComparer.Ordinal);
        var groupId = (string)(await _host.PostAsync("Groups", $$"""
            {"schemas":["{{GroupSchema}}"],"displayName":"Engineers","externalId":"grp-1","members":[]}
            """))!["id"]!;
        await using (var db = _host.Db())
        {
            Assert.Equal("Engineers", (await db.Teams.SingleAsync(t => t.Id == int.Parse(groupId, System.Globalization.CultureInfo.InvariantCulture))).Name);
        }

        Assert.Empty(await _host.MemberRowsAsync(groupId));

        // Entra's match query for groups, then a read without members.
        var byName = (await _host.GetAsync("Groups?filter=" + Uri.EscapeDataString("displayName eq \"Engineers\"") + "&excludedAttributes=members"))!;
        Assert.Equal(groupId, (string?)byName["Resources"]![0]!["id"]);
        Assert.Null((await _host.GetAsync($"Groups/{groupId}?excludedAttributes=members"))!["members"]);

        await _host.PatchAsync($"Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{ids[0]}}"},{"value":"{{ids[1]}}"},{"value":"{{ids[2]}}"}]}]""", HttpStatusCode.NoContent);
        Assert.Equal(ids, await _host.MemberRowsAsync(groupId));

        // Re-adding a present member changes no row.
        await _host.PatchAsync($"Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{ids[0]}}"}]}]""", HttpStatusCode.NoContent);
        Assert.Equal(ids, await _host.MemberRowsAsync(groupId));

        // Removal without the flag: path members and a value naming the members to remove.
        await _host.PatchAsync($"Groups/{groupId}", $$"""[{"op":"Remove","path":"members","value":[{"value":"{{ids[0]}}"}]}]""", HttpStatusCode.NoContent);
        Assert.Equal(ids[1..], await _host.MemberRowsAsync(groupId));

        // Removal with the aadOptscim062020 flag: a value filter and no value.
        await _host.PatchAsync($"Groups/{groupId}", $$"""[{"op":"remove","path":"members[value eq \"{{ids[1]}}\"]"}]""", HttpStatusCode.NoContent);
        Assert.Equal([ids[2]], await _host.MemberRowsAsync(groupId));

        await _host.PatchAsync($"Groups/{groupId}", """[{"op":"Replace","path":"displayName","value":"Staff Engineers"}]""", HttpStatusCode.NoContent);
        await using (var db = _host.Db())
        {
            Assert.Equal("Staff Engineers", (await db.Teams.SingleAsync(t => t.Id == int.Parse(groupId, System.Globalization.CultureInfo.InvariantCulture))).Name);
        }

        await _host.DeleteAsync($"Groups/{groupId}");
        await using (var db = _host.Db())
        {
            Assert.False(await db.Teams.AnyAsync());
            Assert.False(await db.TeamMembers.AnyAsync());
            Assert.Equal(3, await db.People.CountAsync());
        }
    }

    [Fact]
    public async Task DeletingAUserDeletesThePersonRowAndItsMemberRowsOnly()
    {
        var id = await CreateEntraUserAsync();
        var otherId = await CreateEntraUserAsync("b@contoso.com", "ext-b");
        var groupId = (string)(await _host.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"All"}"""))!["id"]!;
        await _host.PatchAsync($"Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{id}}"},{"value":"{{otherId}}"}]}]""", HttpStatusCode.NoContent);

        await _host.DeleteAsync($"Users/{id}");

        Assert.Null(await _host.PersonAsync(id));
        Assert.NotNull(await _host.PersonAsync(otherId));
        Assert.Equal([otherId], await _host.MemberRowsAsync(groupId));
        await _host.GetAsync($"Users/{id}", HttpStatusCode.NotFound);
        await _host.DeleteAsync($"Users/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AFullCycleInEntrasOrderLeavesTheTablesAsTheAppExpects()
    {
        Assert.Equal(0, (int)(await _host.ListUsersAsync($"userName eq \"{Guid.NewGuid()}\""))["totalResults"]!);
        Assert.Equal(0, (int)(await _host.ListUsersAsync("userName eq \"ada@contoso.com\""))["totalResults"]!);
        var id = await CreateEntraUserAsync();
        await _host.PatchAsync($"Users/{id}", """[{"op":"Replace","path":"name.familyName","value":"King"}]""");
        Assert.Equal(0, (int)(await _host.GetAsync("Groups?filter=" + Uri.EscapeDataString("displayName eq \"Analysts\"")))!["totalResults"]!);
        var groupId = (string)(await _host.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Analysts","members":[]}"""))!["id"]!;
        await _host.PatchAsync($"Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{id}}"}]}]""", HttpStatusCode.NoContent);

        // The app's own page shows what SCIM wrote: the person, the new surname, the team.
        var page = await _host.App.GetStringAsync($"/people/{id}");
        Assert.Contains("Ada King", page, StringComparison.Ordinal);
        Assert.Contains("Analysts", page, StringComparison.Ordinal);

        await _host.PatchAsync($"Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]""");
        Assert.False((await _host.PersonAsync(id))!.Enabled);
        Assert.Contains("disabled", await _host.App.GetStringAsync("/"), StringComparison.Ordinal);

        await _host.DeleteAsync($"Users/{id}");
        Assert.Empty(await _host.MemberRowsAsync(groupId));
        await _host.DeleteAsync($"Groups/{groupId}");
        await using var db = _host.Db();
        Assert.False(await db.People.AnyAsync());
        Assert.False(await db.Teams.AnyAsync());
    }

    private async Task<int> AppCreatesPersonAsync(string login, string first, string last)
    {
        using var response = await _host.App.PostAsJsonAsync("/api/people", new PersonInput(login, first, last, login, null));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PersonOutput>())!.Id;
    }
}
