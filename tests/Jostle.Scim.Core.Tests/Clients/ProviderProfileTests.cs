using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Tests.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.Clients;

/// <summary>Each provider's shapes through HTTP, with its profile selected per request (here by an <c>X-Profile</c> header standing in for a tenant or key setting).</summary>
public sealed class ProviderProfileTests : ScimHostTestBase
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    protected override Task<ScimTestHost> StartHostAsync() => ScimTestHost.StartAsync(
        scim: b => b.AddInMemoryStores().AddProvisioningLog(),
        services: s => s.AddSingleton<IScimCompatibilitySelector, HeaderProfileSelector>());

    [Theory]
    [InlineData("Entra")]
    [InlineData("okta")]
    [InlineData("OneLogin")]
    [InlineData("JumpCloud")]
    [InlineData("Google")]
    [InlineData("Strict")]
    [InlineData("Default")]
    public void EveryProfileIsFoundByName(string name) => Assert.True(ScimProfiles.TryGet(name, out _));

    [Fact]
    public async Task UnderTheStrictProfileAnUnknownAttributeAndAStringBooleanAre400WhileTheDefaultAcceptsThem()
    {
        const string Body1 = $$"""{"schemas":["{{UserSchema}}"],"userName":"strict1","nickname_custom":"x"}""";
        using var strict = await SendAsync("Strict", HttpMethod.Post, "Users", Body1);
        var error = await AssertErrorAsync(strict, 400, "invalidSyntax");
        Assert.Contains("'nickname_custom'", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var strictBoolean = await SendAsync("Strict", HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"strict2","active":"False"}""");
        await AssertErrorAsync(strictBoolean, 400, "invalidValue");

        using var lenient = await SendAsync(null, HttpMethod.Post, "Users", Body1);
        Assert.Equal(HttpStatusCode.Created, lenient.StatusCode);
    }

    [Fact]
    public async Task OneLoginsTemplateWithTheScim11UrnNullIdStringBooleansAndManagerIdIsAcceptedAndTheRuleIsLogged()
    {
        const string Template = """{"schemas":["urn:scim:schemas:core:1.0"],"id":null,"userName":"ol.user@example.com","active":"true","name":{"givenName":"One","familyName":"Login"},"manager":{"managerId":"m-1"}}""";

        using var response = await SendAsync("OneLogin", HttpMethod.Post, "Users", Template);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await JsonAsync(response);
        Assert.Equal(UserSchema, user["schemas"]![0]!.GetValue<string>());
        Assert.True(user["active"]!.GetValue<bool>());
        Assert.False(string.IsNullOrEmpty(user["id"]!.GetValue<string>()));
        Assert.Equal("m-1", user[Enterprise]!["manager"]!["value"]!.GetValue<string>());
        Assert.Contains(Enterprise, user["schemas"]!.AsArray().Select(s => s!.GetValue<string>()));
        using var read = await SendAsync("OneLogin", HttpMethod.Get, $"Users/{user["id"]}");
        Assert.Equal("m-1", (await JsonAsync(read))[Enterprise]!["manager"]!["value"]!.GetValue<string>());
        var entry = Assert.Single((await Log.QueryAsync(new ProvisioningLogQuery { Tenant = "tenant-a" })).Entries);
        Assert.True(entry.CompatibilityRules.HasFlag(ScimCompatibility.Scim11CoreSchema));
        Assert.Null(entry.Detail);

        using var strict = await SendAsync("Strict", HttpMethod.Post, "Users", Template.Replace("ol.user", "ol.strict", StringComparison.Ordinal));
        var error = await AssertErrorAsync(strict, 400, "invalidSyntax");
        Assert.Contains("'urn:scim:schemas:core:1.0'", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OktasTestConnectionLookupCreateDeactivateAndUnknownIdFollowItsGuide()
    {
        using var users = await SendAsync("Okta", HttpMethod.Get, "Users?startIndex=1&count=2");
        var page = await JsonAsync(users);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, page["totalResults"]!.GetValueKind());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, page["startIndex"]!.GetValueKind());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, page["itemsPerPage"]!.GetValueKind());
        using var groups = await SendAsync("Okta", HttpMethod.Get, "Groups?startIndex=1&count=100");
        Assert.Equal(HttpStatusCode.OK, groups.StatusCode);

        using var lookup = await SendAsync("Okta", HttpMethod.Get, "Users?filter=userName%20eq%20%22okta.user%40example.com%22&startIndex=1&count=100");
        Assert.Equal(0, (await JsonAsync(lookup))["totalResults"]!.GetValue<int>());

        using var create = await SendAsync("Okta", HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"okta.user@example.com","name":{"givenName":"Ok","familyName":"Ta"},"emails":[{"primary":true,"value":"okta.user@example.com","type":"work"}],"displayName":"Ok Ta","locale":"en-US","externalId":"00u1","groups":[],"password":"1mP@ssw0rd","active":true}""");
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var user = await JsonAsync(create);
        Assert.Null(user["password"]);
        Assert.Equal("00u1", user["externalId"]!.GetValue<string>());
        var id = user["id"]!.GetValue<string>();

        using var deactivate = await SendAsync("Okta", HttpMethod.Patch, $"Users/{id}", $$$"""{"schemas":["{{{PatchOp}}}"],"Operations":[{"op":"replace","value":{"active":false}}]}""");
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);
        Assert.False((await JsonAsync(deactivate))["active"]!.GetValue<bool>());

        using var unknown = await SendAsync("Okta", HttpMethod.Get, "Users/010101");
        await AssertErrorAsync(unknown, 404, null);
    }

    [Fact]
    public async Task OktasGroupRenameRidesWithMembershipChangesAndMembersAreRemovedByValueFilter()
    {
        var first = (await Host.CreateUserAsync("okta.m1"))["id"]!.GetValue<string>();
        var second = (await Host.CreateUserAsync("okta.m2"))["id"]!.GetValue<string>();
        var group = (await Host.CreateGroupAsync("Okta Group", first))["id"]!.GetValue<string>();

        using var patch = await SendAsync("Okta", HttpMethod.Patch, $"Groups/{group}", $$$"""
            {"schemas":["{{{PatchOp}}}"],"Operations":[
              {"op":"replace","value":{"id":"{{{group}}}","displayName":"Okta Group Renamed"}},
              {"op":"remove","path":"members[value eq \"{{{first}}}\"]"},
              {"op":"add","path":"members","value":[{"value":"{{{second}}}","display":"okta.m2"}]}]}
            """);
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);

        using var get = await SendAsync("Okta", HttpMethod.Get, $"Groups/{group}");
        var read = await JsonAsync(get);
        Assert.Equal("Okta Group Renamed", read["displayName"]!.GetValue<string>());
        Assert.Equal([second], read["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OktaPagesAreInAStableOrder()
    {
        for (var i = 0; i < 5; i++)
        {
            await Host.CreateUserAsync($"okta.page{i}");
        }

        var first = new List<string>();
        var second = new List<string>();
        foreach (var into in new[] { first, second })
        {
            foreach (var start in new[] { 1, 3, 5 })
            {
                using var page = await SendAsync("Okta", HttpMethod.Get, $"Users?startIndex={start}&count=2");
                into.AddRange((await JsonAsync(page))["Resources"]!.AsArray().Select(r => r!["userName"]!.GetValue<string>()));
            }
        }

        Assert.Equal(5, first.Distinct().Count());
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task JumpCloudsTestConnectionCreatesAndDeletesATestUserAndGroupThenAdoptsAGroupByDisplayName()
    {
        using var user = await SendAsync("JumpCloud", HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"jc-test-connection@example.com","name":{"givenName":"Test","familyName":"Connection"},"active":true}""");
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        using var group = await SendAsync("JumpCloud", HttpMethod.Post, "Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"jc-test-connection-group"}""");
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        using var deleteUser = await SendAsync("JumpCloud", HttpMethod.Delete, $"Users/{(await JsonAsync(user))["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, deleteUser.StatusCode);
        using var deleteGroup = await SendAsync("JumpCloud", HttpMethod.Delete, $"Groups/{(await JsonAsync(group))["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, deleteGroup.StatusCode);

        var existing = await Host.CreateGroupAsync("Engineering");
        using var adopt = await SendAsync("JumpCloud", HttpMethod.Get, "Groups?filter=displayName%20eq%20%22Engineering%22");
        Assert.Equal(existing["id"]!.GetValue<string>(), (await JsonAsync(adopt))["Resources"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task GoogleSendsApplicationJsonWithItsUserAgentAndIsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "Users")
        {
            Content = new StringContent($$"""{"schemas":["{{UserSchema}}"],"userName":"g.user@example.com","name":{"givenName":"G","familyName":"User"},"active":true}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.UserAgent.ParseAdd("Google-Auto-Provisioning");
        request.Headers.TryAddWithoutValidation("X-Profile", "Google");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType!.MediaType);
    }

    private InMemoryProvisioningLog Log => Host.Services.GetRequiredService<InMemoryProvisioningLog>();

    private Task<HttpResponseMessage> SendAsync(string? profile, HttpMethod method, string path, string? json = null) =>
        Host.SendAsync(method, path, json, r =>
        {
            if (profile is not null)
            {
                r.Headers.TryAddWithoutValidation("X-Profile", profile);
            }
        });

    /// <summary>Selects the profile named in the <c>X-Profile</c> header, as a host would from a tenant or key setting.</summary>
    private sealed class HeaderProfileSelector : IScimCompatibilitySelector
    {
        public ValueTask<ScimCompatibility?> SelectAsync(HttpContext context, string tenant) =>
            ValueTask.FromResult<ScimCompatibility?>(
                context.Request.Headers.TryGetValue("X-Profile", out var name) && ScimProfiles.TryGet(name.ToString(), out var rules) ? rules : null);
    }
}
