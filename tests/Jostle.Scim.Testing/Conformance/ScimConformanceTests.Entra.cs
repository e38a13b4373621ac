using System.Net;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Testing;

// Microsoft Entra ID's provisioning cycle: what its provisioning service sends (Microsoft Learn, "Tutorial: Develop and
// plan provisioning for a SCIM endpoint" and "Known issues … SCIM 2.0 protocol compliance"), in its shapes and order.
public abstract partial class ScimConformanceTests
{
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

    private async Task<JsonNode> CreateEntraUserAsync(string userName = "ada@contoso.com", string externalId = "ext-ada")
        => (await Scim.PostAsync("/Users", EntraUser(userName, externalId)))!;

    private async Task<JsonNode> ListUsersAsync(string filter)
        => (await Scim.GetAsync("/Users?" + Filter(filter)))!;

    private static string? EmailOf(JsonNode user, string type) =>
        user["emails"]?.AsArray().SingleOrDefault(e => (string?)e!["type"] == type)?["value"]?.GetValue<string>();

    /// <summary>Test connection query for a random user name answers an empty list response.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TestConnectionQueryForARandomUserNameAnswersAnEmptyListResponse()
    {
        var list = await ListUsersAsync($"userName eq \"{Guid.NewGuid()}\"");

        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", (string?)list["schemas"]![0]);
        Assert.Equal(0, (int)list["totalResults"]!);
        Assert.Empty(list["Resources"]!.AsArray());
        Assert.Equal(1, (int)list["startIndex"]!);
    }

    /// <summary>Requests without the secret token are refused with a SCIM error.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RequestsWithoutTheSecretTokenAreRefusedWithAScimError()
    {
        Assert.True(Scim.Authorization is not null,
            "CreateClientAsync must put the tenant's credentials in HttpClient.DefaultRequestHeaders.Authorization, so that the kit can send a request without them.");

        using var response = await Scim.SendAsync(HttpMethod.Get, "Users", authenticate: false);

        await ScimConformanceHttp.AssertErrorAsync(response, 401, null);
    }

    /// <summary>Creating a user answers 201 with location and the stored resource.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CreatingAUserAnswers201WithLocationAndTheStoredResource()
    {
        using var response = await Scim.SendAsync(HttpMethod.Post, "/Users", EntraUser("ada@contoso.com", "ext-ada"));
        var user = (await ScimConformanceHttp.CheckAsync(response, HttpStatusCode.Created))!;

        var id = (string)user["id"]!;
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal($"{Scim.BaseUrl}/Users/{id}", response.Headers.Location?.ToString());
        Assert.Equal(response.Headers.Location?.ToString(), (string?)user["meta"]!["location"]);
        Assert.Equal("User", (string?)user["meta"]!["resourceType"]);
        Assert.Equal(response.Headers.ETag?.ToString(), (string?)user["meta"]!["version"]);
        Assert.Equal("ada@contoso.com", (string?)user["userName"]);
        Assert.Equal("ext-ada", (string?)user["externalId"]);
        Assert.True((bool)user["active"]!);
        Assert.Equal("Ada", (string?)user["name"]!["givenName"]);
        Assert.Equal("Lovelace", (string?)user["name"]!["familyName"]);
        Assert.Equal("ada@contoso.com", EmailOf(user, "work"));
        Assert.Equal("1815", (string?)user[Enterprise]!["employeeNumber"]);
        Assert.Equal("Home", (string?)user[Jostle]!["alternateEmail1Label"]);
        Assert.Contains(Enterprise, user["schemas"]!.AsArray().Select(s => (string?)s));
        Assert.Null(user["password"]);

        var read = (await Scim.GetAsync($"/Users/{id}"))!;
        Assert.True(JsonNode.DeepEquals(user, read), $"POST returned {user.ToJsonString()} but GET returned {read.ToJsonString()}");
    }

    /// <summary>Active sent as the string true is stored as a boolean.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ActiveSentAsTheStringTrueIsStoredAsABoolean()
    {
        var user = (await Scim.PostAsync("/Users", EntraUser("grace@contoso.com", "ext-grace", active: "\"True\"")))!;

        Assert.True(user["active"]!.GetValue<bool>());
    }

    /// <summary>Explicit nulls in a create are accepted and ignored.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ExplicitNullsInACreateAreAcceptedAndIgnored()
    {
        var user = (await Scim.PostAsync("/Users", """
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

    /// <summary>A duplicate user name in another case is a 409 uniqueness.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ADuplicateUserNameInAnotherCaseIsA409Uniqueness()
    {
        await CreateEntraUserAsync();

        var error = await Scim.PostAsync("/Users", EntraUser("ADA@contoso.com", "ext-other"), HttpStatusCode.Conflict);

        Assert.Equal("409", (string?)error!["status"]);
        Assert.Equal("uniqueness", (string?)error["scimType"]);
    }

    /// <summary>Every matching query Entra sends finds the user.</summary>
    /// <param name="filter">The filter Entra sends.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData("userName eq \"ada@contoso.com\"")]
    [InlineData("userName eq \"ADA@Contoso.com\"")]
    [InlineData("externalId eq \"ext-ada\"")]
    [InlineData("emails[type eq \"work\"].value eq \"ada@contoso.com\"")]
    [InlineData("userName eq \"ada@contoso.com\" and externalId eq \"ext-ada\"")]
    public async Task EveryMatchingQueryEntraSendsFindsTheUser(string filter)
    {
        var created = await CreateEntraUserAsync();
        await CreateEntraUserAsync("other@contoso.com", "ext-other");

        var list = await ListUsersAsync(filter);

        Assert.Equal(1, (int)list["totalResults"]!);
        Assert.Equal((string?)created["id"], (string?)list["Resources"]![0]!["id"]);
        Assert.Equal("ada@contoso.com", (string?)list["Resources"]![0]!["userName"]);
    }

    /// <summary>A match query on another tenant finds nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AMatchQueryOnAnotherTenantFindsNothing()
    {
        await CreateEntraUserAsync();
        var fabrikam = await ConnectAsync();

        var list = (await fabrikam.GetAsync("/Users?" + Filter("userName eq \"ada@contoso.com\"")))!;

        Assert.Equal(0, (int)list["totalResults"]!);
    }

    /// <summary>Disabling with the string false is a soft delete and enabling restores the user.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DisablingWithTheStringFalseIsASoftDeleteAndEnablingRestoresTheUser()
    {
        var id = (string)(await CreateEntraUserAsync())["id"]!;

        var disabled = (await Scim.PatchAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]"""))!;
        Assert.False(disabled["active"]!.GetValue<bool>());

        // Soft delete: still returned by GET and by every matching filter.
        Assert.False((bool)(await Scim.GetAsync($"/Users/{id}"))!["active"]!);
        var found = await ListUsersAsync("userName eq \"ada@contoso.com\"");
        Assert.Equal(1, (int)found["totalResults"]!);
        Assert.False((bool)found["Resources"]![0]!["active"]!);

        var enabled = (await Scim.PatchAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"True"}]"""))!;
        Assert.True(enabled["active"]!.GetValue<bool>());
        Assert.True((bool)(await Scim.GetAsync($"/Users/{id}"))!["active"]!);
    }

    /// <summary>Capitalised ops with paths replace and add single valued attributes.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CapitalisedOpsWithPathsReplaceAndAddSingleValuedAttributes()
    {
        var id = (string)(await CreateEntraUserAsync())["id"]!;

        var user = (await Scim.PatchAsync($"/Users/{id}", $$"""
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

    /// <summary>A pathless replace with dotted and URN keys changes each named attribute.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task APathlessReplaceWithDottedAndUrnKeysChangesEachNamedAttribute()
    {
        var id = (string)(await CreateEntraUserAsync())["id"]!;

        // aadOptscim062020: lower-case ops, real booleans, several changes as one path-less replace.
        var user = (await Scim.PatchAsync($"/Users/{id}", $$$"""
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

    /// <summary>A manager sent as a bare string is returned as a complex value.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AManagerSentAsABareStringIsReturnedAsAComplexValue()
    {
        var managerId = (string)(await CreateEntraUserAsync("boss@contoso.com", "ext-boss"))["id"]!;
        var id = (string)(await CreateEntraUserAsync())["id"]!;

        var user = (await Scim.PatchAsync($"/Users/{id}", $$"""[{"op":"Add","path":"{{Enterprise}}:manager","value":"{{managerId}}"}]"""))!;

        Assert.Equal(managerId, (string?)user[Enterprise]!["manager"]!["value"]);
        var read = (await Scim.GetAsync($"/Users/{id}"))!;
        Assert.Equal("object", JsonValueKind(read[Enterprise]!["manager"]!));
        Assert.Equal(managerId, (string?)read[Enterprise]!["manager"]!["value"]);

        // Entra clears the manager with a Remove on the same path.
        var cleared = (await Scim.PatchAsync($"/Users/{id}", $$"""[{"op":"Remove","path":"{{Enterprise}}:manager"}]"""))!;
        Assert.Null(cleared[Enterprise]!["manager"]);
    }

    private static string JsonValueKind(JsonNode node) => node switch
    {
        JsonObject => "object",
        JsonArray => "array",
        _ => "value",
    };

    /// <summary>Add or replace on the work email value creates the work email when missing.</summary>
    /// <param name="op">The PATCH op, as Entra capitalises it.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData("Add")]
    [InlineData("Replace")]
    public async Task AddOrReplaceOnTheWorkEmailValueCreatesTheWorkEmailWhenMissing(string op)
    {
        var created = (await Scim.PostAsync("/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"noemail@contoso.com","active":true,
             "name":{"givenName":"No","familyName":"Email"}}
            """))!;
        var id = (string)created["id"]!;
        Assert.Null(created["emails"]);

        var user = (await Scim.PatchAsync($"/Users/{id}", $$"""[{"op":"{{op}}","path":"emails[type eq \"work\"].value","value":"no.email@contoso.com"}]"""))!;

        Assert.Equal("no.email@contoso.com", EmailOf(user, "work"));
        Assert.Single(user["emails"]!.AsArray());

        // A second change updates that email in place: each type appears once.
        user = (await Scim.PatchAsync($"/Users/{id}", $$"""[{"op":"{{op}}","path":"emails[type eq \"work\"].value","value":"changed@contoso.com"}]"""))!;
        Assert.Equal("changed@contoso.com", EmailOf(user, "work"));
        Assert.Single(user["emails"]!.AsArray());

        var found = await ListUsersAsync("emails[type eq \"work\"].value eq \"changed@contoso.com\"");
        Assert.Equal(id, (string?)found["Resources"]![0]!["id"]);
    }

    /// <summary>Jostle alternate emails and their labels are set through their paths.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task JostleAlternateEmailsAndTheirLabelsAreSetThroughTheirPaths()
    {
        var id = (string)(await CreateEntraUserAsync())["id"]!;

        var user = (await Scim.PatchAsync($"/Users/{id}", $$"""
            [
              {"op":"Add","path":"emails[type eq \"alternate1\"].value","value":"ada@home.example"},
              {"op":"Replace","path":"{{Jostle}}:alternateEmail1Label","value":"Personal"},
              {"op":"Add","path":"emails[type eq \"personal\"].value","value":"ada@personal.example"}
            ]
            """))!;

        Assert.Equal("ada@home.example", EmailOf(user, "alternate1"));
        Assert.Equal("ada@personal.example", EmailOf(user, "personal"));
        Assert.Equal("ada@contoso.com", EmailOf(user, "work"));
        Assert.Equal("Personal", (string?)user[Jostle]!["alternateEmail1Label"]);
    }

    /// <summary>Groups are created empty and their members change through patches.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GroupsAreCreatedEmptyAndTheirMembersChangeThroughPatches()
    {
        var ids = new List<string>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            ids.Add((string)(await CreateEntraUserAsync($"{name}@contoso.com", $"ext-{name}"))["id"]!);
        }

        var group = (await Scim.PostAsync("/Groups", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineers","externalId":"grp-1","members":[]}
            """))!;
        var groupId = (string)group["id"]!;
        Assert.Equal("Engineers", (string?)group["displayName"]);
        Assert.Equal("Group", (string?)group["meta"]!["resourceType"]);

        // Entra's match query for groups, then a read without members.
        var byName = (await Scim.GetAsync("/Groups?" + Filter("displayName eq \"Engineers\"") + "&excludedAttributes=members"))!;
        Assert.Equal(1, (int)byName["totalResults"]!);
        Assert.Null(byName["Resources"]![0]!["members"]);
        var withoutMembers = (await Scim.GetAsync($"/Groups/{groupId}?excludedAttributes=members"))!;
        Assert.Equal(groupId, (string?)withoutMembers["id"]);
        Assert.Equal("Engineers", (string?)withoutMembers["displayName"]);
        Assert.Null(withoutMembers["members"]);

        // Several members in one request; group PATCH answers 204.
        await Scim.PatchAsync($"/Groups/{groupId}",
            $$"""[{"op":"Add","path":"members","value":[{"value":"{{ids[0]}}"},{"value":"{{ids[1]}}"},{"value":"{{ids[2]}}"}]}]""",
            HttpStatusCode.NoContent);
        Assert.Equal(ids.Order(), await MemberIdsAsync(groupId));

        // Re-adding a present member is a success and changes nothing.
        await Scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{ids[0]}}"}]}]""", HttpStatusCode.NoContent);
        Assert.Equal(ids.Order(), await MemberIdsAsync(groupId));

        // Removal without the flag: path members and a value naming the members to remove (never all of them).
        await Scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"Remove","path":"members","value":[{"value":"{{ids[0]}}"}]}]""", HttpStatusCode.NoContent);
        Assert.Equal(ids.Skip(1).Order(), await MemberIdsAsync(groupId));

        // Removal with the aadOptscim062020 flag: a value filter and no value.
        await Scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"remove","path":"members[value eq \"{{ids[1]}}\"]"}]""", HttpStatusCode.NoContent);
        Assert.Equal([ids[2]], await MemberIdsAsync(groupId));

        // A rename.
        await Scim.PatchAsync($"/Groups/{groupId}", """[{"op":"Replace","path":"displayName","value":"Staff Engineers"}]""", HttpStatusCode.NoContent);
        Assert.Equal("Staff Engineers", (string?)(await Scim.GetAsync($"/Groups/{groupId}"))!["displayName"]);

        await Scim.DeleteAsync($"/Groups/{groupId}");
        var gone = await Scim.GetAsync($"/Groups/{groupId}", HttpStatusCode.NotFound);
        Assert.Equal("404", (string?)gone!["status"]);
    }

    private async Task<IEnumerable<string>> MemberIdsAsync(string groupId)
    {
        var group = (await Scim.GetAsync($"/Groups/{groupId}"))!;
        return (group["members"]?.AsArray() ?? []).Select(m => (string)m!["value"]!).Order().ToList();
    }

    /// <summary>Deleting a user answers 204 then not found and removes it from every group.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeletingAUserAnswers204ThenNotFoundAndRemovesItFromEveryGroup()
    {
        var id = (string)(await CreateEntraUserAsync())["id"]!;
        var otherId = (string)(await CreateEntraUserAsync("b@contoso.com", "ext-b"))["id"]!;
        var groupId = (string)(await Scim.PostAsync("/Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"All"}"""))!["id"]!;
        await Scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{id}}"},{"value":"{{otherId}}"}]}]""", HttpStatusCode.NoContent);

        await Scim.DeleteAsync($"/Users/{id}");

        var error = (await Scim.GetAsync($"/Users/{id}", HttpStatusCode.NotFound))!;
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)error["schemas"]![0]);
        Assert.Equal(0, (int)(await ListUsersAsync("userName eq \"ada@contoso.com\""))["totalResults"]!);
        Assert.Equal([otherId], await MemberIdsAsync(groupId));
        await Scim.DeleteAsync($"/Users/{id}", HttpStatusCode.NotFound);
    }

    /// <summary>A full cycle runs in entras order.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AFullCycleRunsInEntrasOrder()
    {
        // Test connection, match, create, update, disable, group membership, hard delete: one user's life.
        Assert.Equal(0, (int)(await ListUsersAsync($"userName eq \"{Guid.NewGuid()}\""))["totalResults"]!);
        Assert.Equal(0, (int)(await ListUsersAsync("userName eq \"ada@contoso.com\""))["totalResults"]!);
        var id = (string)(await CreateEntraUserAsync())["id"]!;
        Assert.Equal(1, (int)(await ListUsersAsync("externalId eq \"ext-ada\""))["totalResults"]!);
        await Scim.PatchAsync($"/Users/{id}", """[{"op":"Replace","path":"displayName","value":"Ada King"}]""");
        Assert.Equal(0, (int)(await Scim.GetAsync("/Groups?" + Filter("displayName eq \"Analysts\"")))!["totalResults"]!);
        var groupId = (string)(await Scim.PostAsync("/Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Analysts","members":[]}"""))!["id"]!;
        await Scim.PatchAsync($"/Groups/{groupId}", $$"""[{"op":"Add","path":"members","value":[{"value":"{{id}}"}]}]""", HttpStatusCode.NoContent);
        await Scim.PatchAsync($"/Users/{id}", """[{"op":"Replace","path":"active","value":"False"}]""");
        Assert.False((bool)(await ListUsersAsync("userName eq \"ada@contoso.com\""))["Resources"]![0]!["active"]!);
        await Scim.DeleteAsync($"/Users/{id}");
        Assert.Empty(await MemberIdsAsync(groupId));
        await Scim.DeleteAsync($"/Groups/{groupId}");
        Assert.Equal(0, (int)(await Scim.GetAsync("/Groups"))!["totalResults"]!);
    }
}
