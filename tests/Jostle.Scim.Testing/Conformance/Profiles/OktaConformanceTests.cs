using System.Net;
using System.Text.Json.Nodes;
using static Jostle.Scim.Testing.ProfileShapes;

namespace Jostle.Scim.Testing;

/// <summary>
/// Okta's request shapes, from its SCIM 2.0 provisioning guide, against your app with the Okta profile selected
/// (<c>ScimProfiles.Okta</c>): Test Connection's two GETs, the lookup before create, a create with <c>password</c>,
/// <c>groups: []</c> and <c>externalId</c>, path-less PATCHes that deactivate, reactivate and sync the password, a full
/// PUT for every other change, group renames that ride with membership changes, member removal by
/// <c>members[value eq "…"]</c>, integer paging fields in a stable order, and 404 for unknown ids.
/// </summary>
/// <remarks>Return from <see cref="ScimConformanceSuite.CreateClientAsync"/> a client of a new, empty tenant whose
/// requests run under the Okta profile (however your app selects it: a tenant setting, the API key, the OAuth client).</remarks>
public abstract class OktaConformanceTests : ScimConformanceSuite
{
    private static string OktaUser(string userName, string givenName = "Okta", bool active = true) => $$"""
        {"schemas":["{{UserSchema}}"],"userName":"{{userName}}","name":{"givenName":"{{givenName}}","familyName":"User"},
         "emails":[{"primary":true,"value":"{{userName}}","type":"work"}],"displayName":"{{givenName}} User","locale":"en-US",
         "externalId":"00u{{userName.Length}}okta","groups":[],"password":"1mP@ssw0rd!","active":{{(active ? "true" : "false")}}}
        """;

    private async Task<string> CreateOktaUserAsync(string userName) =>
        (string)(await Scim.PostAsync("Users", OktaUser(userName)))!["id"]!;

    /// <summary>Test connection lists users with count 2 and groups with count 100 with integer paging fields.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TestConnectionListsUsersWithCount2AndGroupsWithCount100WithIntegerPagingFields()
    {
        await CreateOktaUserAsync("okta.tc1@example.com");
        await CreateOktaUserAsync("okta.tc2@example.com");
        await CreateOktaUserAsync("okta.tc3@example.com");

        var users = AssertIntegerPaging((await Scim.GetAsync("Users?startIndex=1&count=2"))!, "GET /Users?startIndex=1&count=2", 1, 3);
        var groups = AssertIntegerPaging((await Scim.GetAsync("Groups?startIndex=1&count=100"))!, "GET /Groups?startIndex=1&count=100", 1, 0);

        Assert.True(users.Count == 2, $"GET /Users?startIndex=1&count=2: expected 2 Resources of 3 users, got {users.Count}");
        Assert.Empty(groups);
    }

    /// <summary>The lookup before create finds nothing then the create with password groups and external id then finds the user.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TheLookupBeforeCreateFindsNothingThenTheCreateWithPasswordGroupsAndExternalIdThenFindsTheUser()
    {
        var lookup = "Users?" + Filter("userName eq \"okta.new@example.com\"") + "&startIndex=1&count=100";
        AssertIntegerPaging((await Scim.GetAsync(lookup))!, "GET /" + lookup, 1, 0);

        var created = (await Scim.PostAsync("Users", OktaUser("okta.new@example.com")))!;
        var id = (string)created["id"]!;

        Expect(created["password"] is null, "POST /Users (Okta's create)", "no password in the response (returned: never)", created);
        Expect((string?)created["externalId"] == "00u20okta", "POST /Users (Okta's create)", "externalId 00u20okta echoed", created);
        Expect(created["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.True, "POST /Users (Okta's create)", "\"active\": true", created);
        var found = AssertIntegerPaging((await Scim.GetAsync(lookup))!, "GET /" + lookup, 1, 1);
        Expect((string?)found[0]!["id"] == id, "GET /" + lookup, $"the created user {id}", found);
        Expect(found[0]!["password"] is null, "GET /" + lookup, "no password", found);
    }

    /// <summary>Deactivate and reactivate are pathless patches of active.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeactivateAndReactivateArePathlessPatchesOfActive()
    {
        var id = await CreateOktaUserAsync("okta.active@example.com");

        var off = (await Scim.PatchAsync($"Users/{id}", """[{"op":"replace","value":{"active":false}}]"""))!;
        Expect(off["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.False, $"PATCH /Users/{id} replace {{active:false}}", "\"active\": false", off);
        var read = (await Scim.GetAsync($"Users/{id}"))!;
        Expect(read["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.False, $"GET /Users/{id} after deactivation", "\"active\": false", read);

        var on = (await Scim.PatchAsync($"Users/{id}", """[{"op":"replace","value":{"active":true}}]"""))!;
        Expect(on["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.True, $"PATCH /Users/{id} replace {{active:true}}", "\"active\": true", on);
    }

    /// <summary>A password sync is a pathless patch that is accepted and never returned.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task APasswordSyncIsAPathlessPatchThatIsAcceptedAndNeverReturned()
    {
        var id = await CreateOktaUserAsync("okta.password@example.com");

        var patched = (await Scim.PatchAsync($"Users/{id}", """[{"op":"replace","value":{"password":"N3wP@ssw0rd!"}}]"""))!;

        Expect(patched["password"] is null, $"PATCH /Users/{id} replace {{password}}", "no password in the response", patched);
        var read = (await Scim.GetAsync($"Users/{id}?attributes=password,userName"))!;
        Expect(read["password"] is null, $"GET /Users/{id}?attributes=password", "no password even when asked for (returned: never)", read);
    }

    /// <summary>Every other change is a full put and a custom integration deactivates with put too.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task EveryOtherChangeIsAFullPutAndACustomIntegrationDeactivatesWithPutToo()
    {
        var id = await CreateOktaUserAsync("okta.put@example.com");

        var renamed = (await Scim.PutAsync($"Users/{id}", OktaUser("okta.put@example.com", givenName: "Renamed")))!;
        Expect((string?)renamed["name"]?["givenName"] == "Renamed", $"PUT /Users/{id}", "name.givenName Renamed", renamed);
        var deactivated = (await Scim.PutAsync($"Users/{id}", OktaUser("okta.put@example.com", givenName: "Renamed", active: false)))!;
        Expect(deactivated["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.False, $"PUT /Users/{id} with \"active\": false", "\"active\": false", deactivated);

        var read = (await Scim.GetAsync($"Users/{id}"))!;
        Expect((string?)read["name"]?["givenName"] == "Renamed" && read["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.False && read["password"] is null,
            $"GET /Users/{id} after the PUTs", "the PUT's name, inactive, no password", read);
    }

    /// <summary>A group rename rides with membership changes and members are removed by a value filter.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AGroupRenameRidesWithMembershipChangesAndMembersAreRemovedByAValueFilter()
    {
        var first = await CreateOktaUserAsync("okta.m1@example.com");
        var second = await CreateOktaUserAsync("okta.m2@example.com");
        var third = await CreateOktaUserAsync("okta.m3@example.com");
        var group = (string)(await Scim.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Okta Group","members":[{"value":"{{first}}","display":"okta.m1@example.com"},{"value":"{{second}}","display":"okta.m2@example.com"}]}"""))!["id"]!;

        await PatchGroupAsync(Scim, group, $$$"""
            [{"op":"replace","value":{"id":"{{{group}}}","displayName":"Okta Group Renamed"}},
             {"op":"remove","path":"members[value eq \"{{{first}}}\"]"},
             {"op":"add","path":"members","value":[{"value":"{{{third}}}","display":"okta.m3@example.com"}]}]
            """);

        var read = (await Scim.GetAsync($"Groups/{group}"))!;
        Expect((string?)read["displayName"] == "Okta Group Renamed", $"GET /Groups/{group} after Okta's rename + membership PATCH", "displayName Okta Group Renamed", read);
        Expect(MemberIds(read).Order().SequenceEqual(new[] { second, third }.Order()), $"GET /Groups/{group} after Okta's rename + membership PATCH",
            $"members {second} and {third} ({first} removed by members[value eq])", read);

        await PatchGroupAsync(Scim, group, $$$"""[{"op":"replace","value":{"id":"{{{group}}}","displayName":"Okta Group Renamed"}},{"op":"remove","path":"members[value eq \"{{{second}}}\"]"}]""");
        Expect(MemberIds((await Scim.GetAsync($"Groups/{group}"))!).SequenceEqual([third]), $"PATCH /Groups/{group} removing {second}", $"only {third} left", await Scim.GetAsync($"Groups/{group}"));
    }

    /// <summary>Pages have integer fields and a stable order across requests.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task PagesHaveIntegerFieldsAndAStableOrderAcrossRequests()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateOktaUserAsync($"okta.page{i}@example.com");
        }

        var walks = new List<List<string>>();
        for (var walk = 0; walk < 2; walk++)
        {
            var ids = new List<string>();
            foreach (var start in new[] { 1, 3, 5 })
            {
                var request = $"Users?startIndex={start}&count=2";
                ids.AddRange(AssertIntegerPaging((await Scim.GetAsync(request))!, "GET /" + request, start, 5).Select(r => (string)r!["id"]!));
            }

            walks.Add(ids);
        }

        Assert.True(walks[0].Distinct().Count() == 5, $"GET /Users?startIndex=1,3,5&count=2: expected the 5 users once each, got {string.Join(", ", walks[0])}");
        Assert.True(walks[0].SequenceEqual(walks[1]), $"GET /Users?startIndex=1,3,5&count=2 twice: expected the same order, got {string.Join(", ", walks[0])} then {string.Join(", ", walks[1])}");
    }

    /// <summary>Unknown ids are 404 with a SCIM error.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task UnknownIdsAre404WithAScimError()
    {
        await Scim.ErrorAsync(404, null, HttpMethod.Get, "Users/010101001010101010");
        await Scim.ErrorAsync(404, null, HttpMethod.Get, "Groups/010101001010101010");
        await Scim.ErrorAsync(404, null, HttpMethod.Patch, "Users/010101001010101010", ScimConformanceHttp.PatchBody("""[{"op":"replace","value":{"active":false}}]"""));
        await Scim.ErrorAsync(404, null, HttpMethod.Put, "Users/010101001010101010", OktaUser("okta.ghost@example.com"));
    }
}
