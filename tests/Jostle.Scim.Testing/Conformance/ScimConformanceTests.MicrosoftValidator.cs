using System.Net;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Testing;

// The checks of Microsoft's SCIM validator (and the gallery's Logic-App validation), one test each, with the bodies
// those tools send.
public abstract partial class ScimConformanceTests
{
    /// <summary>Create then get returns the same user.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CreateThenGetReturnsTheSameUser()
    {
        using var post = await Scim.SendAsync(HttpMethod.Post, "Users", $$$"""{"schemas":["{{{UserSchema}}}","{{{Enterprise}}}"],"userName":"val.create@contoso.com","active":true,"displayName":"Val Create","name":{"givenName":"Val","familyName":"Create"},"emails":[{"type":"work","value":"val.create@contoso.com","primary":true}],"{{{Enterprise}}}":{"department":"QA"}}""");
        await ScimConformanceHttp.CheckAsync(post, HttpStatusCode.Created);
        var created = await JsonAsync(post);

        using var get = await Scim.SendAsync(HttpMethod.Get, $"Users/{created["id"]}");
        await ScimConformanceHttp.CheckAsync(get, HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(created, await JsonAsync(get)));
    }

    /// <summary>A duplicate user name is 409 uniqueness.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ADuplicateUserNameIs409Uniqueness()
    {
        await CreateUserAsync("val.dup@contoso.com");
        using var response = await Scim.SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"val.dup@contoso.com"}""");
        await ScimConformanceHttp.AssertErrorAsync(response, 409, "uniqueness");
    }

    /// <summary>User name eq finds the user in any case and answers an empty list when missing.</summary>
    /// <param name="userName">The userName the filter looks for.</param>
    /// <param name="expected">The expected totalResults.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData("val.find@contoso.com", 1)]
    [InlineData("VAL.FIND@CONTOSO.COM", 1)]
    [InlineData("nobody-0d3f@contoso.com", 0)]
    public async Task UserNameEqFindsTheUserInAnyCaseAndAnswersAnEmptyListWhenMissing(string userName, int expected)
    {
        await CreateUserAsync("val.find@contoso.com");

        using var response = await Scim.SendAsync(HttpMethod.Get, $"Users?filter=userName eq \"{userName}\"");
        await ScimConformanceHttp.CheckAsync(response, HttpStatusCode.OK);
        var list = await JsonAsync(response);
        Assert.Equal(expected, list["totalResults"]!.GetValue<int>());
        Assert.Equal(expected, list["Resources"]!.AsArray().Count);
    }

    /// <summary>Patch replaces work email phone and address parts by value filter.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task PatchReplacesWorkEmailPhoneAndAddressPartsByValueFilter()
    {
        var id = await CreateFullUserAsync("val.paths@contoso.com");

        var user = await PatchUserAsync(id, """
            {"op":"replace","path":"emails[type eq \"work\"].value","value":"new.work@contoso.com"},
            {"op":"replace","path":"phoneNumbers[type eq \"work\"].value","value":"+1 555 0100"},
            {"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1 New Street"},
            {"op":"replace","path":"addresses[type eq \"work\"].locality","value":"Redmond"}
            """);

        Assert.Equal("new.work@contoso.com", user["emails"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("+1 555 0100", user["phoneNumbers"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("1 New Street", user["addresses"]![0]!["streetAddress"]!.GetValue<string>());
        Assert.Equal("Redmond", user["addresses"]![0]!["locality"]!.GetValue<string>());
        Assert.Equal("work", user["addresses"]![0]!["type"]!.GetValue<string>());
    }

    /// <summary>Patch without a path changes the user name.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task PatchWithoutAPathChangesTheUserName()
    {
        var id = await CreateFullUserAsync("val.rename@contoso.com");

        var user = await PatchUserAsync(id, """{"op":"replace","value":{"userName":"val.renamed@contoso.com"}}""");

        Assert.Equal("val.renamed@contoso.com", user["userName"]!.GetValue<string>());
    }

    /// <summary>Disabling a user shows active false in a filtered get.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DisablingAUserShowsActiveFalseInAFilteredGet()
    {
        var id = await CreateFullUserAsync("val.disable@contoso.com");

        await PatchUserAsync(id, """{"op":"Replace","path":"active","value":"False"}""");

        using var list = await Scim.SendAsync(HttpMethod.Get, "Users?filter=userName eq \"val.disable@contoso.com\"");
        Assert.False((await JsonAsync(list))["Resources"]![0]!["active"]!.GetValue<bool>());
    }

    /// <summary>Manager is added replaced and removed at the enterprise path.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ManagerIsAddedReplacedAndRemovedAtTheEnterprisePath()
    {
        var id = await CreateFullUserAsync("val.report@contoso.com");
        var first = (await CreateUserAsync("val.boss1@contoso.com"))["id"]!.GetValue<string>();
        var second = (await CreateUserAsync("val.boss2@contoso.com"))["id"]!.GetValue<string>();

        var added = await PatchUserAsync(id, $$$"""{"op":"add","path":"{{{Enterprise}}}:manager","value":{"value":"{{{first}}}"}}""");
        Assert.Equal(first, added[Enterprise]!["manager"]!["value"]!.GetValue<string>());

        var replaced = await PatchUserAsync(id, $$$"""{"op":"replace","path":"{{{Enterprise}}}:manager","value":{"value":"{{{second}}}"}}""");
        Assert.Equal(second, replaced[Enterprise]!["manager"]!["value"]!.GetValue<string>());

        var removed = await PatchUserAsync(id, $$$"""{"op":"remove","path":"{{{Enterprise}}}:manager","value":{"value":"{{{second}}}"}}""");
        Assert.Null(removed[Enterprise]?["manager"]);
    }

    /// <summary>Delete is 204 then get is 404 and a second delete is 404.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeleteIs204ThenGetIs404AndASecondDeleteIs404()
    {
        var id = await CreateFullUserAsync("val.delete@contoso.com");

        using var delete = await Scim.SendAsync(HttpMethod.Delete, $"Users/{id}");
        await ScimConformanceHttp.CheckAsync(delete, HttpStatusCode.NoContent);
        using var get = await Scim.SendAsync(HttpMethod.Get, $"Users/{id}");
        await ScimConformanceHttp.AssertErrorAsync(get, 404, null);
        using var again = await Scim.SendAsync(HttpMethod.Delete, $"Users/{id}");
        await ScimConformanceHttp.AssertErrorAsync(again, 404, null);
    }

    /// <summary>Groups are read without members when excluded on get and list.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GroupsAreReadWithoutMembersWhenExcludedOnGetAndList()
    {
        var user = (await CreateUserAsync("val.member@contoso.com"))["id"]!.GetValue<string>();
        var group = await CreateGroupAsync("Val Excluded", user);

        using var get = await Scim.SendAsync(HttpMethod.Get, $"Groups/{group["id"]}?excludedAttributes=members");
        var read = await JsonAsync(get);
        Assert.Null(read["members"]);
        Assert.Equal("Val Excluded", read["displayName"]!.GetValue<string>());

        using var list = await Scim.SendAsync(HttpMethod.Get, "Groups?excludedAttributes=members&filter=displayName eq \"Val Excluded\"");
        var listed = (await JsonAsync(list))["Resources"]![0]!;
        Assert.Null(listed["members"]);
        Assert.Equal(group["id"]!.GetValue<string>(), listed["id"]!.GetValue<string>());
    }

    /// <summary>Group display name eq finds the group in any case and answers an empty list when missing.</summary>
    /// <param name="displayName">The displayName the filter looks for.</param>
    /// <param name="expected">The expected totalResults.</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData("Val Team", 1)]
    [InlineData("VAL TEAM", 1)]
    [InlineData("No Such Team 7c1e", 0)]
    public async Task GroupDisplayNameEqFindsTheGroupInAnyCaseAndAnswersAnEmptyListWhenMissing(string displayName, int expected)
    {
        await CreateGroupAsync("Val Team");

        using var response = await Scim.SendAsync(HttpMethod.Get, $"Groups?excludedAttributes=members&filter=displayName eq \"{displayName}\"");
        await ScimConformanceHttp.CheckAsync(response, HttpStatusCode.OK);
        Assert.Equal(expected, (await JsonAsync(response))["totalResults"]!.GetValue<int>());
    }

    /// <summary>A duplicate group display name is 409 uniqueness.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ADuplicateGroupDisplayNameIs409Uniqueness()
    {
        await CreateGroupAsync("Val Unique");
        using var response = await Scim.SendAsync(HttpMethod.Post, "Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Val Unique"}""");
        await ScimConformanceHttp.AssertErrorAsync(response, 409, "uniqueness");
    }

    /// <summary>Of ten parallel creates of one group display name exactly one is 201 and the others 409 uniqueness.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task OfTenParallelCreatesOfOneGroupDisplayNameExactlyOneIs201AndTheOthers409Uniqueness()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            Scim.SendAsync(HttpMethod.Post, "Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"{{(i % 2 == 0 ? "Val Race" : "VAL RACE")}}"}"""))));
        try
        {
            Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Created) == 1,
                "10 parallel POST /Groups of one displayName (in two cases): expected exactly one 201, got "
                + string.Join(", ", responses.Select(r => (int)r.StatusCode)));
            foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            {
                await ScimConformanceHttp.AssertErrorAsync(response, 409, "uniqueness");
            }

            var list = (await Scim.GetAsync("Groups?" + Filter("displayName eq \"val race\"")))!;
            Assert.True((int)list["totalResults"]! == 1, $"GET /Groups?filter=displayName eq \"val race\": expected totalResults 1 after the race, got {list.ToJsonString()}");
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    /// <summary>Renaming a group to another groups name is 409 and a change of case is fine.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RenamingAGroupToAnotherGroupsNameIs409AndAChangeOfCaseIsFine()
    {
        await CreateGroupAsync("Val Taken");
        var group = (await CreateGroupAsync("Val Mine"))["id"]!.GetValue<string>();

        using var clash = await Scim.SendAsync(HttpMethod.Patch, $"Groups/{group}", $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"displayName","value":"VAL TAKEN"}]}""");
        await ScimConformanceHttp.AssertErrorAsync(clash, 409, "uniqueness");
        using var put = await Scim.SendAsync(HttpMethod.Put, $"Groups/{group}", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"val taken"}""");
        await ScimConformanceHttp.AssertErrorAsync(put, 409, "uniqueness");

        await PatchGroupAsync(group, """{"op":"replace","path":"displayName","value":"VAL MINE"}""");
        Assert.Equal("VAL MINE", (await GetGroupAsync(group))["displayName"]!.GetValue<string>());
    }

    /// <summary>Group patches set external id without a path rename and add and remove members.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GroupPatchesSetExternalIdWithoutAPathRenameAndAddAndRemoveMembers()
    {
        var group = (await CreateGroupAsync("Val Patch"))["id"]!.GetValue<string>();
        var user = (await CreateUserAsync("val.gm@contoso.com"))["id"]!.GetValue<string>();

        await PatchGroupAsync(group, """{"op":"replace","value":{"externalId":"ext-val-1"}}""");
        await PatchGroupAsync(group, """{"op":"Replace","path":"displayName","value":"Val Patched"}""");
        await PatchGroupAsync(group, $$"""{"op":"Add","path":"members","value":[{"value":"{{user}}"}]}""");
        var withMember = await GetGroupAsync(group);
        Assert.Equal("ext-val-1", withMember["externalId"]!.GetValue<string>());
        Assert.Equal("Val Patched", withMember["displayName"]!.GetValue<string>());
        Assert.Equal(user, withMember["members"]![0]!["value"]!.GetValue<string>());

        await PatchGroupAsync(group, $$"""{"op":"Remove","path":"members","value":[{"value":"{{user}}"}]}""");
        Assert.Null((await GetGroupAsync(group))["members"]);
    }

    /// <summary>Several operations in one patch apply in order on different attributes and on the same one.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task SeveralOperationsInOnePatchApplyInOrderOnDifferentAttributesAndOnTheSameOne()
    {
        var id = await CreateFullUserAsync("val.multi@contoso.com");

        var user = await PatchUserAsync(id, """
            {"op":"replace","path":"displayName","value":"First"},
            {"op":"replace","path":"title","value":"Engineer"},
            {"op":"replace","path":"displayName","value":"Second"},
            {"op":"add","path":"nickName","value":"Multi"}
            """);

        Assert.Equal("Second", user["displayName"]!.GetValue<string>());
        Assert.Equal("Engineer", user["title"]!.GetValue<string>());
        Assert.Equal("Multi", user["nickName"]!.GetValue<string>());
    }

    /// <summary>Roles with primary as the string true are stored with a boolean primary.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RolesWithPrimaryAsTheStringTrueAreStoredWithABooleanPrimary()
    {
        var id = await CreateFullUserAsync("val.roles@contoso.com");

        var user = await PatchUserAsync(id, """{"op":"add","path":"roles","value":[{"value":"Admin","display":"Admin","type":"WindowsAzureActiveDirectoryRole","primary":"True"}]}""");

        var role = user["roles"]![0]!;
        Assert.Equal("Admin", role["value"]!.GetValue<string>());
        Assert.True(role["primary"]!.GetValue<bool>());
    }

    /// <summary>The null update clears the attribute.</summary>
    /// <param name="empty">The JSON value of the null update (<c>""</c> or <c>null</c>).</param>
    /// <returns>A task.</returns>
    [Theory]
    [InlineData("\"\"")]
    [InlineData("null")]
    public async Task TheNullUpdateClearsTheAttribute(string empty)
    {
        var id = await CreateFullUserAsync("val.null" + empty.Length + "@contoso.com");
        await PatchUserAsync(id, """{"op":"replace","path":"title","value":"Manager"}""");

        var user = await PatchUserAsync(id, $$"""{"op":"replace","path":"title","value":{{empty}}}""");

        Assert.Null(user["title"]);
        Assert.Null((await GetUserAsync(id))["title"]);
    }

    /// <summary>A deleted user can be created again with the same user name.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ADeletedUserCanBeCreatedAgainWithTheSameUserName()
    {
        var id = await CreateFullUserAsync("val.restore@contoso.com");
        using var delete = await Scim.SendAsync(HttpMethod.Delete, $"Users/{id}");
        await ScimConformanceHttp.CheckAsync(delete, HttpStatusCode.NoContent);

        var again = await CreateFullUserAsync("val.restore@contoso.com");

        Assert.NotEqual(id, again);
    }

    /// <summary>A deactivated user can be reactivated.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ADeactivatedUserCanBeReactivated()
    {
        var id = await CreateFullUserAsync("val.reactivate@contoso.com");
        Assert.False((await PatchUserAsync(id, """{"op":"Replace","path":"active","value":"False"}"""))["active"]!.GetValue<bool>());

        Assert.True((await PatchUserAsync(id, """{"op":"Replace","path":"active","value":"True"}"""))["active"]!.GetValue<bool>());
        Assert.True((await GetUserAsync(id))["active"]!.GetValue<bool>());
    }

    /// <summary>Paging with count five gives correct start indexes.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task PagingWithCountFiveGivesCorrectStartIndexes()
    {
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add((await CreateUserAsync($"val.page{i:00}@contoso.com"))["id"]!.GetValue<string>());
        }

        var seen = new List<string>();
        foreach (var startIndex in new[] { 1, 6, 11 })
        {
            using var response = await Scim.SendAsync(HttpMethod.Get, $"Users?startIndex={startIndex}&count=5");
            var page = await JsonAsync(response);
            Assert.Equal(12, page["totalResults"]!.GetValue<int>());
            Assert.Equal(startIndex, page["startIndex"]!.GetValue<int>());
            Assert.Equal(Math.Min(5, 13 - startIndex), page["itemsPerPage"]!.GetValue<int>());
            seen.AddRange(page["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        }

        Assert.Equal(ids, seen);
    }

    /// <summary>Schemas lists every attribute in camel case without nulls.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task SchemasListsEveryAttributeInCamelCaseWithoutNulls()
    {
        using var response = await Scim.SendAsync(HttpMethod.Get, "Schemas");
        var text = await response.Content.ReadAsStringAsync();
        var schemas = JsonNode.Parse(text)!["Resources"]!.AsArray().Select(s => s!.AsObject()).ToList();

        Assert.DoesNotContain(":null", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var ids = schemas.Select(s => s["id"]!.GetValue<string>()).ToList();
        Assert.Contains(UserSchema, ids);
        Assert.Contains(GroupSchema, ids);
        Assert.Contains(Enterprise, ids);
        var jostle = schemas.Single(s => s["id"]!.GetValue<string>() == "urn:ietf:params:scim:schemas:extension:jostle:2.0:User");
        var jostleNames = jostle["attributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("alternateEmail1Label", jostleNames);
        Assert.Contains("alternateEmail2Label", jostleNames);
        foreach (var schema in schemas)
        {
            foreach (var name in Names(schema["attributes"]!.AsArray()))
            {
                Assert.True(name == "$ref" || (char.IsLower(name[0]) && !name.Contains('_', StringComparison.Ordinal)), $"{schema["id"]}: '{name}' is not camelCase");
            }
        }

        var user = schemas.Single(s => s["id"]!.GetValue<string>() == UserSchema);
        Assert.Equal(
            ["userName", "name", "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone", "active", "password", "emails", "phoneNumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles", "x509Certificates"],
            user["attributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));
    }

    private static IEnumerable<string> Names(JsonArray attributes)
    {
        foreach (var attribute in attributes)
        {
            yield return attribute!["name"]!.GetValue<string>();
            if (attribute["subAttributes"] is JsonArray subs)
            {
                foreach (var sub in Names(subs))
                {
                    yield return sub;
                }
            }
        }
    }

    private async Task<string> CreateFullUserAsync(string userName)
    {
        var user = await Scim.PostAsync("Users", $$$"""
            {"schemas":["{{{UserSchema}}}","{{{Enterprise}}}"],"userName":"{{{userName}}}","active":true,"name":{"givenName":"Val","familyName":"Idator"},
             "emails":[{"type":"work","value":"{{{userName}}}","primary":true}],
             "phoneNumbers":[{"type":"work","value":"+1 555 0000"}],
             "addresses":[{"type":"work","streetAddress":"1 Old Road","locality":"Seattle","country":"US"}],
             "{{{Enterprise}}}":{"department":"QA"}}
            """);
        return (string)user!["id"]!;
    }

    private async Task<JsonObject> PatchUserAsync(string id, string operations) =>
        (await Scim.PatchAsync($"Users/{id}", $"[{operations}]"))!.AsObject();

    private async Task PatchGroupAsync(string id, string operations) =>
        await Scim.PatchAsync($"Groups/{id}", $"[{operations}]", HttpStatusCode.NoContent);

    private async Task<JsonObject> GetUserAsync(string id) => (await Scim.GetAsync($"Users/{id}"))!.AsObject();

    private async Task<JsonObject> GetGroupAsync(string id) => (await Scim.GetAsync($"Groups/{id}"))!.AsObject();

    private static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (await ScimConformanceHttp.CheckAsync(response, response.IsSuccessStatusCode ? response.StatusCode : HttpStatusCode.OK))!.AsObject();
}
