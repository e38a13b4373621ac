using System.Net;
using System.Text.Json.Nodes;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>How members and a user's groups look in responses: <c>$ref</c> and <c>type</c> on every member, members on POST/PUT, <c>groups</c> when asked for.</summary>
public sealed class MembershipShapeTests : ScimHostTestBase
{
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    [Fact]
    public async Task PostGroupAnswersWithItsMembersEachWithRefAndType()
    {
        var user = await Host.CreateUserAsync("member");
        var inner = await Host.CreateGroupAsync("Inner");
        var userId = user["id"]!.GetValue<string>();
        var innerId = inner["id"]!.GetValue<string>();

        using var response = await Client.PostAsync("Groups", Body($$"""{"schemas":["{{GroupSchema}}"],"displayName":"Outer","members":[{"value":"{{userId}}"},{"value":"{{innerId}}"}]}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var members = (await JsonAsync(response))["members"]!.AsArray();
        Assert.Equal(
            [$$"""{"value":"{{userId}}","$ref":"http://localhost/scim/v2/Users/{{userId}}","type":"User"}""", $$"""{"value":"{{innerId}}","$ref":"http://localhost/scim/v2/Groups/{{innerId}}","type":"Group"}"""],
            members.Select(m => m!.ToJsonString()));
    }

    [Fact]
    public async Task PutGroupAnswersWithItsMembersAndGetShowsTheSame()
    {
        var user = await Host.CreateUserAsync("put-member");
        var userId = user["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Put");

        using var put = await Client.PutAsync($"Groups/{group["id"]}", Body($$"""{"schemas":["{{GroupSchema}}"],"displayName":"Put","members":[{"value":"{{userId}}"}]}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var expected = $$"""[{"value":"{{userId}}","$ref":"http://localhost/scim/v2/Users/{{userId}}","type":"User"}]""";
        Assert.Equal(expected, (await JsonAsync(put))["members"]!.ToJsonString());

        using var get = await Client.GetAsync($"Groups/{group["id"]}");
        Assert.Equal(expected, (await JsonAsync(get))["members"]!.ToJsonString());
    }

    [Fact]
    public async Task MembersAddedByPatchAreTypedAndListedWithRef()
    {
        var user = await Host.CreateUserAsync("patched-in");
        var userId = user["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Patched");

        using var patch = await Client.PatchAsync($"Groups/{group["id"]}", Body($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{userId}}"}]}]}"""));
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);

        using var list = await Client.GetAsync("Groups?filter=displayName eq \"Patched\"");
        var member = (await JsonAsync(list))["Resources"]![0]!["members"]![0]!;
        Assert.Equal($$"""{"value":"{{userId}}","$ref":"http://localhost/scim/v2/Users/{{userId}}","type":"User"}""", member.ToJsonString());
    }

    [Fact]
    public async Task AUsersGroupsAreReturnedWhenAttributesNamesThem()
    {
        var user = await Host.CreateUserAsync("in-groups");
        var userId = user["id"]!.GetValue<string>();
        var staff = await Host.CreateGroupAsync("Staff", userId);
        await Host.CreateGroupAsync("Others");
        var staffId = staff["id"]!.GetValue<string>();
        var expected = $$"""[{"value":"{{staffId}}","$ref":"http://localhost/scim/v2/Groups/{{staffId}}","display":"Staff","type":"direct"}]""";

        using var get = await Client.GetAsync($"Users/{userId}?attributes=groups");
        var read = await JsonAsync(get);
        Assert.Equal(expected, read["groups"]!.ToJsonString());
        Assert.Null(read["userName"]);

        using var list = await Client.GetAsync("Users?filter=userName eq \"in-groups\"&attributes=userName,groups.value");
        Assert.Equal($$"""[{"value":"{{staffId}}"}]""", (await JsonAsync(list))["Resources"]![0]!["groups"]!.ToJsonString());
    }

    [Fact]
    public async Task AUsersGroupsAreNotComputedOnOrdinaryReads()
    {
        var user = await Host.CreateUserAsync("plain-read");
        await Host.CreateGroupAsync("Staff", user["id"]!.GetValue<string>());

        using var get = await Client.GetAsync($"Users/{user["id"]}");
        Assert.Null((await JsonAsync(get))["groups"]);
        using var list = await Client.GetAsync("Users?filter=userName eq \"plain-read\"");
        Assert.Null((await JsonAsync(list))["Resources"]![0]!["groups"]);
    }

    [Fact]
    public async Task GroupsInAUserBodyAreIgnoredAsReadOnly()
    {
        using var response = await Client.PostAsync("Users", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"okta-style","groups":[],"password":"x"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await JsonAsync(response);
        Assert.Null(user["groups"]);
        Assert.Null(user["password"]);
    }
}
