using System.Net;
using System.Text.Json.Nodes;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class GroupEndpointTests : ScimHostTestBase
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private async Task<string[]> MemberIdsAsync(JsonNode groupId)
    {
        using var response = await Client.GetAsync($"Groups/{groupId}");
        var body = await JsonAsync(response);
        return body["members"] is JsonArray members ? [.. members.Select(m => m!["value"]!.GetValue<string>()).Order()] : [];
    }

    [Fact]
    public async Task PostGroupWithMembersAnswers201()
    {
        var user = await Host.CreateUserAsync("member1");
        var group = await Host.CreateGroupAsync("Team", user["id"]!.GetValue<string>());
        Assert.Equal("Team", group["displayName"]!.GetValue<string>());
        Assert.Equal([user["id"]!.GetValue<string>()], await MemberIdsAsync(group["id"]!));
    }

    [Fact]
    public async Task PostGroupWithAnUnknownMemberIs400InvalidValue()
    {
        using var response = await Client.PostAsync("Groups", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Ghosts","members":[{"value":"nobody"}]}"""));
        await AssertErrorAsync(response, 400, "invalidValue");
    }

    [Fact]
    public async Task GroupPatchAnswers204ByDefault()
    {
        var user = await Host.CreateUserAsync("m");
        var group = await Host.CreateGroupAsync("Patched");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{user["id"]}}"}]}]}""");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal([user["id"]!.GetValue<string>()], await MemberIdsAsync(group["id"]!));
    }

    [Fact]
    public async Task GroupPatchAddsSeveralMembersAndRemovesByValueFilter()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var b = (await Host.CreateUserAsync("b"))["id"]!.GetValue<string>();
        var c = (await Host.CreateUserAsync("c"))["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Many", a);
        using var add = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{b}}"},{"value":"{{c}}"}]}]}""");
        Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        using var remove = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"remove","path":"members[value eq \"{{a}}\"]"}]}""");
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Equal(new[] { b, c }.Order(), await MemberIdsAsync(group["id"]!));
    }

    [Fact]
    public async Task GroupPatchRemovesMembersGivenByValueListOnly()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var b = (await Host.CreateUserAsync("b"))["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Entra", a, b);
        using var remove = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Remove","path":"members","value":[{"value":"{{a}}"}]}]}""");
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.Equal([b], await MemberIdsAsync(group["id"]!));
    }

    [Fact]
    public async Task GroupPatchAddingAnUnknownMemberIs400InvalidValueAndChangesNothing()
    {
        var group = await Host.CreateGroupAsync("Strict");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"add","path":"members","value":[{"value":"ghost"}]}]}""");
        await AssertErrorAsync(response, 400, "invalidValue");
        Assert.Empty(await MemberIdsAsync(group["id"]!));
    }

    [Fact]
    public async Task GroupPatchChangingDisplayNameAndMembersAppliesBoth()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Old");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"displayName","value":"New"},{"op":"add","path":"members","value":[{"value":"{{a}}"}]}]}""");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var get = await Client.GetAsync($"Groups/{group["id"]}");
        var body = await JsonAsync(get);
        Assert.Equal("New", body["displayName"]!.GetValue<string>());
        Assert.Equal([a], await MemberIdsAsync(group["id"]!));
    }

    [Fact]
    public async Task GroupPatchThatRewritesTheGroupStillRejectsAnUnknownMember()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Keep", a);
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"displayName","value":"Renamed"},{"op":"add","path":"members","value":[{"value":"ghost"}]}]}""");
        await AssertErrorAsync(response, 400, "invalidValue");
        using var get = await Client.GetAsync($"Groups/{group["id"]}");
        Assert.Equal("Keep", (await JsonAsync(get))["displayName"]!.GetValue<string>());
        Assert.Equal([a], await MemberIdsAsync(group["id"]!));
    }

    [Fact]
    public async Task GroupPatchMembershipDeltaChangesTheETag()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Versioned");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{a}}"}]}]}""");
        using var get = await Client.GetAsync($"Groups/{group["id"]}");
        Assert.NotEqual(group["meta"]!["version"]!.GetValue<string>(), get.Headers.ETag!.ToString());
        Assert.Equal(response.Headers.ETag!.ToString(), get.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task GroupReadWithExcludedMembersHasNoMembers()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Big", a);
        using var response = await Client.GetAsync($"Groups/{group["id"]}?excludedAttributes=members");
        var body = await JsonAsync(response);
        Assert.Null(body["members"]);
        Assert.Equal("Big", body["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeletingAUserRemovesItFromEveryGroup()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var b = (await Host.CreateUserAsync("b"))["id"]!.GetValue<string>();
        var g1 = await Host.CreateGroupAsync("G1", a, b);
        var g2 = await Host.CreateGroupAsync("G2", a);
        using var delete = await Client.DeleteAsync($"Users/{a}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal([b], await MemberIdsAsync(g1["id"]!));
        Assert.Empty(await MemberIdsAsync(g2["id"]!));
    }

    [Fact]
    public async Task DeleteGroupAnswers204()
    {
        var group = await Host.CreateGroupAsync("Temp");
        using var delete = await Client.DeleteAsync($"Groups/{group["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var get = await Client.GetAsync($"Groups/{group["id"]}");
        await AssertErrorAsync(get, 404, null);
    }

    [Fact]
    public async Task PutGroupReplacesMembers()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var b = (await Host.CreateUserAsync("b"))["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Put", a);
        using var response = await Client.PutAsync($"Groups/{group["id"]}", Body($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Put","members":[{"value":"{{b}}"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([b], await MemberIdsAsync(group["id"]!));
    }

    [Fact]
    public async Task ListGroupsFindsByDisplayName()
    {
        await Host.CreateGroupAsync("Alpha");
        await Host.CreateGroupAsync("Beta");
        using var response = await Client.GetAsync("Groups?filter=" + Uri.EscapeDataString("displayName eq \"Beta\"") + "&excludedAttributes=members");
        var body = await JsonAsync(response);
        Assert.Equal(1, body["totalResults"]!.GetValue<int>());
        Assert.Equal("Beta", body["Resources"]![0]!["displayName"]!.GetValue<string>());
    }
}

public sealed class GroupPatchReturnsContentTests : ScimHostTestBase
{
    protected override Task<ScimTestHost> StartHostAsync() => ScimTestHost.StartAsync(o => o.GroupPatchReturnsContent = true);

    [Fact]
    public async Task GroupPatchAnswers200WithTheGroupWhenConfigured()
    {
        var a = (await Host.CreateUserAsync("a"))["id"]!.GetValue<string>();
        var group = await Host.CreateGroupAsync("Content");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Groups/{group["id"]}",
            $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{a}}"}]}]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(a, body["members"]![0]!["value"]!.GetValue<string>());
    }
}
