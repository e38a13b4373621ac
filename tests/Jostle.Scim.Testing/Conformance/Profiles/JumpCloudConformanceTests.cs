using System.Net;
using static Jostle.Scim.Testing.ProfileShapes;

namespace Jostle.Scim.Testing;

/// <summary>
/// JumpCloud's request shapes against your app with the JumpCloud profile selected (<c>ScimProfiles.JumpCloud</c>): its
/// Test Connection <em>creates</em> a test user and a test group and deletes them again (or deactivates the user where
/// delete is unsupported), and it adopts groups that already exist by <c>displayName eq</c> before managing their members.
/// </summary>
/// <remarks>Return from <see cref="ScimConformanceSuite.CreateClientAsync"/> a client of a new, empty tenant whose
/// requests run under the JumpCloud profile.</remarks>
public abstract class JumpCloudConformanceTests : ScimConformanceSuite
{
    /// <summary>Test connection creates a test user and group then deletes them and they are gone.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TestConnectionCreatesATestUserAndGroupThenDeletesThemAndTheyAreGone()
    {
        var user = (string)(await Scim.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"jc-test-connection@example.com","name":{"givenName":"Test","familyName":"Connection"},"emails":[{"value":"jc-test-connection@example.com","type":"work","primary":true}],"active":true}"""))!["id"]!;
        var group = (string)(await Scim.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"jc-test-connection-group"}"""))!["id"]!;

        await Scim.DeleteAsync($"Users/{user}");
        await Scim.DeleteAsync($"Groups/{group}");

        await Scim.ErrorAsync(404, null, HttpMethod.Get, $"Users/{user}");
        await Scim.ErrorAsync(404, null, HttpMethod.Get, $"Groups/{group}");
        var users = (await Scim.GetAsync("Users?" + Filter("userName eq \"jc-test-connection@example.com\"")))!;
        Expect((int)users["totalResults"]! == 0, "GET /Users?filter=userName eq \"jc-test-connection@example.com\" after the delete", "totalResults 0", users);
        var again = (await Scim.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"jc-test-connection-group"}"""))!;
        Expect((string?)again["displayName"] == "jc-test-connection-group", "POST /Groups (the next Test Connection's group)", "201: the deleted group's name is free again", again);
    }

    /// <summary>Where delete is not used the test user is deactivated.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WhereDeleteIsNotUsedTheTestUserIsDeactivated()
    {
        var user = (string)(await Scim.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"jc-test-deactivate@example.com","active":true}"""))!["id"]!;

        var patched = (await Scim.PatchAsync($"Users/{user}", """[{"op":"replace","path":"active","value":false}]"""))!;

        Expect(patched["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.False, $"PATCH /Users/{user} replace active false", "\"active\": false", patched);
    }

    /// <summary>An existing group is adopted by display name eq and its members managed.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AnExistingGroupIsAdoptedByDisplayNameEqAndItsMembersManaged()
    {
        var existing = (string)(await Scim.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Engineering"}"""))!["id"]!;
        await Scim.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Engineering Managers"}""");
        var member = (string)(await Scim.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"jc.member@example.com","active":true}"""))!["id"]!;

        var request = "Groups?" + Filter("displayName eq \"Engineering\"");
        var found = (await Scim.GetAsync(request))!;
        Expect((int)found["totalResults"]! == 1 && (string?)found["Resources"]![0]!["id"] == existing, "GET /" + request, $"exactly the existing group {existing}", found);
        var missing = (await Scim.GetAsync("Groups?" + Filter("displayName eq \"Marketing\"")))!;
        Expect((int)missing["totalResults"]! == 0, "GET /Groups?filter=displayName eq \"Marketing\"", "200 with totalResults 0 (then JumpCloud creates it)", missing);

        await PatchGroupAsync(Scim, existing, $$"""[{"op":"add","path":"members","value":[{"value":"{{member}}"}]}]""");
        var read = (await Scim.GetAsync($"Groups/{existing}"))!;
        Expect(MemberIds(read).SequenceEqual([member]), $"GET /Groups/{existing} after adopting it", $"member {member}", read);
    }
}
