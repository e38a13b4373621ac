using System.Net;
using System.Text.Json.Nodes;

using Jostle.Scim.Tests.AspNetCore;

namespace Jostle.Scim.Tests.Clients;

/// <summary>
/// Replays what Microsoft Entra ID's provisioning service sends (shapes from /work/shared/scim/notes.md, "Microsoft
/// Entra ID provisioning — what it really sends") through the real pipeline: authentication, routing, the
/// endpoints, the resource engine and the in-memory stores.
/// </summary>
public sealed class EntraProvisioningCycleTests : IAsyncLifetime
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string Jostle = "urn:ietf:params:scim:schemas:extension:jostle:2.0:User";

    private ScimTestHost _host = null!;
    private ScimHttp _scim = null!;

    public async Task InitializeAsync()
    {
        _host = await ScimTestHost.StartAsync();
        _scim = new ScimHttp(_host.ClientFor("contoso"));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    // Entra's create request, as its documentation shows it (meta and an empty roles array included).
    private static string EntraUser(string userName, string externalId, string active = "true") => $$"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "{{Enterprise}}", "{{Jostle}}"],
          "externalId": "{{externalId}}",
          "userName": "{{userName}}",
          "active": {{active}},
          "displayName": "Ada Lovelace",
          "emails": [{"primary": true, "type": "work", "value": "{{userName}}"}],
          "meta": {"resourceType": "User"},
          "name": {"formatted": "Ada Lovelace", "familyName": "Lovelace", "givenName": "Ada"},
          "roles": [],
          "{{Enterprise}}": {"employeeNumber": "1815", "department": "Analytical Engines"},
          "{{Jostle}}": {"alternateEmail1Label": "Home"}
        }
        """;

    private async Task<JsonNode> CreateUserAsync(string userName = "ada@contoso.com", string externalId = "ext-ada")
        => (await _scim.PostAsync("/Users", EntraUser(userName, externalId)))!;

    private async Task<JsonNode> ListAsync(string filter)
        => (await _scim.GetAsync("/Users?" + ScimHttp.Filter(filter)))!;

    private static string? Email(JsonNode user, string type) =>
        user["emails"]?.AsArray().SingleOrDefault(e => (string?)e!["type"] == type)?["value"]?.GetValue<string>();

    [Fact]
    public async Task TestConnectionQueryForARandomUserNameAnswersAnEmptyListResponse()
    {
        var list = await ListAsync($"userName eq \"{Guid.NewGuid()}\"");

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", (string?)list["schemas"]![0]);
        Assert.Equal(0, (int)list["totalResults"]!);
        Assert.Empty(list["Resources"]!.AsArray());
        Assert.Equal(1, (int)list["startIndex"]!);
    }

    [Fact]
    public async Task RequestsWithoutTheSecretTokenAreRefusedWithAScimError()
    {
        var anonymous = new ScimHttp(_host.ClientFor(null));

        var error = await anonymous.GetAsync("/Users", HttpStatusCode.Unauthorized);

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)error!["schemas"]![0]);
        Assert.Equal("401", (string?)error["status"]);
    }

    [Fact]
    public async Task CreatingAUserAnswers201WithLocationAndTheStoredResource()
    {
        using var response = await _scim.SendAsync(HttpMethod.Post, "/Users", EntraUser("ada@contoso.com", "ext-ada"));
        var user = (await ScimHttp.CheckAsync(response, HttpStatusCode.Created, "POST /Users"))!;

        var id = (string)user["id"]!;
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal($"http://localhost/scim/v2/Users/{id}", response.Headers.Location?.ToString());
        Assert.Equal(response.Headers.Location?.ToString(), (string?)user["meta"]!["location"]);
        Assert.Equal("User", (string?)user["meta"]!["resourceType"]);
        Assert.Equal(response.Headers.ETag?.ToString(), (string?)user["meta"]!["version"]);
        Assert.Equal("ada@contoso.com", (string?)user["userName"]);
        Assert.Equal("ext-ada", (string?)user["externalId"]);
        Assert.True((bool)user["active"]!);
        Assert.Equal("Ada", (string?)user["name"]!["givenName"]);
        Assert.Equal("Lovelace", (string?)user["name"]!["familyName"]);
        Assert.Equal("ada@contoso.com", Email(user, "work"));
        Assert.Equal("1815", (string?)user[Enterprise]!["employeeNumber"]);
        Assert.Equal("Home", (string?)user[Jostle]!["alternateEmail1Label"]);
        Assert.Contains(Enterprise, user["schemas"]!.AsArray().Select(s => (string?)s));
        Assert.Null(user["password"]);

        var read = (await _scim.GetAsync($"/Users/{id}"))!;
        Assert.True(JsonNode.DeepEquals(user, read), $"POST returned {user.ToJsonString()} but GET returned {read.ToJsonString()}");
    }

    [Fact]
    public async Task ActiveSentAsTheStringTrueIsStoredAsABoolean()
    {
        var user = (await _scim.PostAsync("/Users", EntraUser("grace@contoso.com", "ext-grace", active: "\"True\"")))!;

        Assert.True(user["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ExplicitNullsInACreateAreAcceptedAndIgnored()
    {
        var user = (await _scim.PostAsync("/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nulls@contoso.com","active":true,
             "name":{"givenName":"Nul","familyName":"Values","middleName":null},"title":null,"nickName":null,"phoneNumbers":null}
            """))!;

        Assert.Equal("nulls@contoso.com", (string?)user["userName"]);
        Assert.Equal("Nul", (string?)user["name"]!["givenName"]);
        Assert.False(user.AsObject().ContainsKey("title"));
        Assert.False(user.AsObject().ContainsKey("nickName"));
        Assert.False(user.AsObject().ContainsKey("phoneNumbers"));
        Assert.False(user["name"]!.AsObject().ContainsKey("middleName"));
    }

    [Fact]
    public async Task ADuplicateUserNameIsA409Uniqueness()
    {
        await CreateUserAsync();

        var error = await _scim.PostAsync("/Users", EntraUser("ADA@contoso.com", "ext-other"), HttpStatusCode.Conflict);

        Assert.Equal("409", (string?)error!["status"]);
        Assert.Equal("uniqueness", (string?)error["scimType"]);
    }

    [Theory]
    [InlineData("userName eq \"ada@contoso.com\"")]
    [InlineData("userName eq \"ADA@Contoso.com\"")]
    [InlineData("externalId eq \"ext-ada\"")]
    [InlineData("emails[type eq \"work\"].value eq \"ada@contoso.com\"")]
    [InlineData("userName eq \"ada@contoso.com\" and externalId eq \"ext-ada\"")]
    public async Task EveryMatchingQueryEntraSendsFindsTheUser(string filter)
    {
        var created = await CreateUserAsync();
        await CreateUserAsync("other@contoso.com", "ext-other");

        var list = await ListAsync(filter);

        Assert.Equal(1, (int)list["totalResults"]!);
        Assert.Equal((string?)created["id"], (string?)list["Resources"]![0]!["id"]);
        Assert.Equal("ada@contoso.com", (string?)list["Resources"]![0]!["userName"]);
    }

    [Fact]
    public async Task AMatchQueryOnAnotherTenantFindsNothing()
    {
        await CreateUserAsync();
        var fabrikam = new ScimHttp(_host.ClientFor("fabrikam"));

        var list = (await fabrikam.GetAsync("/Users?" + ScimHttp.Filter("userName eq \"ada@contoso.com\"")))!;

        Assert.Equal(0, (int)list["totalResults"]!);
    }

    [Fact]
    public async Task DisablingWithTheStringFalseIsASoftDeleteAndEnablingRestoresTheUser()
    {
        var id = (string)(await CreateUserAsync())["id"]!;

        var disabled = (await _scim.PatchAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]"""))!;
        Assert.False(disabled["active"]!.GetValue<bool>());

        // Soft delete: still returned by GET and by every matching filter.
        Assert.False((bool)(await _scim.GetAsync($"/Users/{id}"))!["active"]!);
        var found = await ListAsync("userName eq \"ada@contoso.com\"");
        Assert.Equal(1, (int)found["totalResults"]!);
        Assert.False((bool)found["Resources"]![0]!["active"]!);

        var enabled = (await _scim.PatchAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"True"}]"""))!;
        Assert.True(enabled["active"]!.GetValue<bool>());
        Assert.True((bool)(await _scim.GetAsync($"/Users/{id}"))!["active"]!);
    }

    [Fact]
    public async Task CapitalisedOpsWithPathsReplaceAndAddSingleValuedAttributes()
    {
        var id = (string)(await CreateUserAsync())["id"]!;

        var user = (await _scim.PatchAsync($"/Users/{id}", $$"""
            [
              {"op":"Replace","path":"name.givenName","value":"Augusta Ada"},
              {"op":"Replace","path":"displayName","value":"Augusta Ada King"},
              {"op":"Add","path":"title","value":"Countess"},
              {"op":"Replace","path":"{{Enterprise}}:department","value":"Mathematics"}
            ]
            """))!;

        Assert.Equal("Augusta Ada", (string?)user["name"]!["givenName"]);
        Assert.Equal("Lovelace", (string?)user["name"]!["familyName"]);
        Assert.Equal("Augusta Ada King", (string?)user["displayName"]);
        Assert.Equal("Countess", (string?)user["title"]);
        Assert.Equal("Mathematics", (string?)user[Enterprise]!["department"]);
        Assert.Equal("1815", (string?)user[Enterprise]!["employeeNumber"]);
    }

    [Fact]
    public async Task APathlessReplaceWithDottedAndUrnKeysChangesEachNamedAttribute()
    {
        var id = (string)(await CreateUserAsync())["id"]!;

        // aadOptscim062020: lower-case ops, real booleans, several changes as one path-less replace.
        var user = (await _scim.PatchAsync($"/Users/{id}", $$$"""
            [{"op":"replace","value":{
                "name.givenName":"Augusta",
                "name.familyName":"King",
                "active":false,
                "{{{Enterprise}}}:employeeNumber":"7",
                "{{{Jostle}}}:alternateEmail2Label":"Lab"
            }}]
            """))!;

        Assert.Equal("Augusta", (string?)user["name"]!["givenName"]);
        Assert.Equal("King", (string?)user["name"]!["familyName"]);
        Assert.Equal("Ada Lovelace", (string?)user["name"]!["formatted"]);
        Assert.False((bool)user["active"]!);
        Assert.Equal("7", (string?)user[Enterprise]!["employeeNumber"]);
        Assert.Equal("Analytical Engines", (string?)user[Enterprise]!["department"]);
        Assert.Equal("Lab", (string?)user[Jostle]!["alternateEmail2Label"]);
        Assert.Equal("Home", (string?)user[Jostle]!["alternateEmail1Label"]);
    }

    [Fact]
    public async Task AManagerSentAsABareStringIsReturnedAsAComplexValue()
    {
        var managerId = (string)(await CreateUserAsync("boss@contoso.com", "ext-boss"))["id"]!;
        var id = (string)(await CreateUserAsync())["id"]!;

        var user = (await _scim.PatchAsync($"/Users/{id}", $$"""[{"op":"Add","path":"{{Enterprise}}:manager","value":"{{managerId}}"}]"""))!;

        Assert.Equal(managerId, (string?)user[Enterprise]!["manager"]!["value"]);
        var read = (await _scim.GetAsync($"/Users/{id}"))!;
        Assert.Equal("object", JsonValueKind(read[Enterprise]!["manager"]!));
        Assert.Equal(managerId, (string?)read[Enterprise]!["manager"]!["value"]);

        // Entra clears the manager with a Remove on the same path.
        var cleared = (await _scim.PatchAsync($"/Users/{id}", $$"""[{"op":"Remove","path":"{{Enterprise}}:manager"}]"""))!;
        Assert.Null(cleared[Enterprise]!["manager"]);
    }

    private static string JsonValueKind(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        _ => "value",
    };

    [Theory]
    [InlineData("Add")]
    [InlineData("Replace")]
    public async Task AddOrReplaceOnTheWorkEmailValueCreatesTheWorkEmailWhenMissing(string op)
    {
        var created = (await _scim.PostAsync("/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"noemail@contoso.com","active":true,
             "name":{"givenName":"No","familyName":"Email"}}
            """))!;
        var id = (string)created["id"]!;
        Assert.Null(created["emails"]);

        var user = (await _scim.PatchAsync($"/Users/{id}", $$"""[{"op":"{{op}}","path":"emails[type eq \"work\"].value","value":"no.email@contoso.com"}]"""))!;

        Assert.Equal("no.email@contoso.com", Email(user, "work"));
        Assert.Single(user["emails"]!.AsArray());

        // A second change updates that email in place: each type appears once.
        user = (await _scim.PatchAsync($"/Users/{id}", $$"""[{"op":"{{op}}","path":"emails[type eq \"work\"].value","value":"changed@contoso.com"}]"""))!;
        Assert.Equal("changed@contoso.com", Email(user, "work"));
        Assert.Single(user["emails"]!.AsArray());

        var found = await ListAsync("emails[type eq \"work\"].value eq \"changed@contoso.com\"");
        Assert.Equal(id, (string?)found["Resources"]![0]!["id"]);
    }

    [Fact]
    public async Task JostleAlternateEmailsAndTheirLabelsAreSetThroughTheirPaths()
    {
        var id = (string)(await CreateUserAsync())["id"]!;

        var user = (await _scim.PatchAsync($"/Users/{id}", $$"""
            [
              {"op":"Add","path":"emails[type eq \"alternate1\"].value","value":"ada@home.example"},
              {"op":"Replace","path":"{{Jostle}}:alternateEmail1Label","value":"Personal"},
              {"op":"Add","path":"emails[type eq \"personal\"].value","value":"ada@personal.example"}
            ]
            """))!;

        Assert.Equal("ada@home.example", Email(user, "alternate1"));
        Assert.Equal("ada@personal.example", Email(user, "personal"));
        Assert.Equal("ada@contoso.com", Email(user, "work"));
        Assert.Equal("Personal", (string?)user[Jostle]!["alternateEmail1Label"]);
    }

    [Fact]
    public async Task GroupsAreCreatedEmptyAndTheirMembersChangeThroughPatches()
    {
        var ids = new List<string>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            ids.Add((string)(await CreateUserAsync($"{name}@contoso.com", $"ext-{name}"))["id"]!);
        }

        var group = (await _scim.PostAsync("/Groups", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineers","externalId":"grp-1","members":[]}
            """))!;
        var groupId = (string)group["id"]!;
        Assert.Equal("Engineers", (string?)group["displayName"]);
        Assert.Equal("Group", (string?)group["meta"]!["resourceType"]);

        // Entra's match query for groups, then a read without members.
        var byName = (await _scim.GetAsync("/Groups?" + ScimHttp.Filter("displayName eq \"Engineers\"") + "&excludedAttributes=members"))!;
        Assert.Equal(1, (int)byName["totalResults"]!);
        Assert.Null(byName["Resources"]![0]!["members"]);
        var withoutMembers = (await _scim.GetAsync($"/Groups/{groupId}?excludedAttributes=members"))!;
        Assert.Equal(groupId, (string?)withoutMembers["id"]);
        Assert.Equal("Engineers", (string?)withoutMembers["displayName"]);
        Assert.Null(withoutMembers["members"]);

        // Several members in one request; group PATCH answers 204.
        await _scim.PatchAsync($"/Groups/{groupId}",
            $$"""[{"op":"Add","path":"members","value":[{"value":"{{ids[0]}}"},{"value":"{{ids[1]}}"},{"value":"{{ids[2]}}"}]}]""",
            HttpStatusCode.NoContent);
        Assert.Equal(ids.Order(), await MembersAsync(groupId));

        // Re-adding a present member is a success and changes nothing.
        await _scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{ids[0]}}"}]}]""", HttpStatusCode.NoContent);
        Assert.Equal(ids.Order(), await MembersAsync(groupId));

        // Removal without the flag: path members and a value naming the members to remove (never all of them).
        await _scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"Remove","path":"members","value":[{"value":"{{ids[0]}}"}]}]""", HttpStatusCode.NoContent);
        Assert.Equal(ids.Skip(1).Order(), await MembersAsync(groupId));

        // Removal with the aadOptscim062020 flag: a value filter and no value.
        await _scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"remove","path":"members[value eq \"{{ids[1]}}\"]"}]""", HttpStatusCode.NoContent);
        Assert.Equal([ids[2]], await MembersAsync(groupId));

        // A rename.
        await _scim.PatchAsync($"/Groups/{groupId}", """[{"op":"Replace","path":"displayName","value":"Staff Engineers"}]""", HttpStatusCode.NoContent);
        Assert.Equal("Staff Engineers", (string?)(await _scim.GetAsync($"/Groups/{groupId}"))!["displayName"]);

        await _scim.DeleteAsync($"/Groups/{groupId}");
        var gone = await _scim.GetAsync($"/Groups/{groupId}", HttpStatusCode.NotFound);
        Assert.Equal("404", (string?)gone!["status"]);
    }

    private async Task<IEnumerable<string>> MembersAsync(string groupId)
    {
        var group = (await _scim.GetAsync($"/Groups/{groupId}"))!;
        return (group["members"]?.AsArray() ?? []).Select(m => (string)m!["value"]!).Order().ToList();
    }

    [Fact]
    public async Task DeletingAUserAnswers204ThenNotFoundAndRemovesItFromEveryGroup()
    {
        var id = (string)(await CreateUserAsync())["id"]!;
        var otherId = (string)(await CreateUserAsync("b@contoso.com", "ext-b"))["id"]!;
        var groupId = (string)(await _scim.PostAsync("/Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"All"}"""))!["id"]!;
        await _scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{id}}"},{"value":"{{otherId}}"}]}]""", HttpStatusCode.NoContent);

        await _scim.DeleteAsync($"/Users/{id}");

        var error = (await _scim.GetAsync($"/Users/{id}", HttpStatusCode.NotFound))!;
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)error["schemas"]![0]);
        Assert.Equal(0, (int)(await ListAsync("userName eq \"ada@contoso.com\""))["totalResults"]!);
        Assert.Equal([otherId], await MembersAsync(groupId));
        await _scim.DeleteAsync($"/Users/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AFullCycleRunsInEntrasOrder()
    {
        // Test connection, match, create, update, disable, group membership, hard delete: one user's life.
        Assert.Equal(0, (int)(await ListAsync($"userName eq \"{Guid.NewGuid()}\""))["totalResults"]!);
        Assert.Equal(0, (int)(await ListAsync("userName eq \"ada@contoso.com\""))["totalResults"]!);
        var id = (string)(await CreateUserAsync())["id"]!;
        Assert.Equal(1, (int)(await ListAsync("externalId eq \"ext-ada\""))["totalResults"]!);
        await _scim.PatchAsync($"/Users/{id}", """[{"op":"Replace","path":"displayName","value":"Ada King"}]""");
        Assert.Equal(0, (int)(await _scim.GetAsync("/Groups?" + ScimHttp.Filter("displayName eq \"Analysts\"")))!["totalResults"]!);
        var groupId = (string)(await _scim.PostAsync("/Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Analysts","members":[]}"""))!["id"]!;
        await _scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{id}}"}]}]""", HttpStatusCode.NoContent);
        await _scim.PatchAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]""");
        Assert.False((bool)(await ListAsync("userName eq \"ada@contoso.com\""))["Resources"]![0]!["active"]!);
        await _scim.DeleteAsync($"/Users/{id}");
        Assert.Empty(await MembersAsync(groupId));
        await _scim.DeleteAsync($"/Groups/{groupId}");
        Assert.Equal(0, (int)(await _scim.GetAsync("/Groups"))!["totalResults"]!);
    }
}
