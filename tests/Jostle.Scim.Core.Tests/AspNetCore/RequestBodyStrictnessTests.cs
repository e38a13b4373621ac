using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Provisioning;
using Microsoft.Extensions.DependencyInjection;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>Bodies that are not what they claim (bad bytes, missing or foreign schemas, unknown attributes) are refused or traced, never a 500 or a silent 201.</summary>
public sealed class RequestBodyStrictnessTests : ScimHostTestBase
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    [Fact]
    public async Task ABodyWithInvalidUtf8BytesIs400InvalidSyntaxAndCreatesNothing()
    {
        var bytes = Encoding.UTF8.GetBytes($$"""{"schemas":["{{UserSchema}}"],"userName":"bad-XX"}""");
        var at = Array.IndexOf(bytes, (byte)'X');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/scim+json");

        using var response = await Client.PostAsync("Users", content);

        var error = await AssertErrorAsync(response, 400, "invalidSyntax");
        Assert.Contains("UTF-8", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNoUsersAsync();
    }

    [Theory]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"lone\ud800"}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","name":{"givenName":"\udc00 low"}}""")]
    [InlineData("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x","\ud83d":"key"}""")]
    public async Task ALoneSurrogateEscapeIs400InvalidSyntaxAndCreatesNothing(string json)
    {
        using var response = await Client.PostAsync("Users", Body(json));

        var error = await AssertErrorAsync(response, 400, "invalidSyntax");
        Assert.Contains("not valid Unicode", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNoUsersAsync();
    }

    [Fact]
    public async Task AnEscapedSurrogatePairAndAnEscapedBackslashBeforeUAreFine()
    {
        using var response = await Client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"smile\ud83d\ude00","displayName":"C:\\users"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await JsonAsync(response);
        Assert.Equal("smile\U0001F600", user["userName"]!.GetValue<string>());
        Assert.Equal("C:\\users", user["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task ALoneSurrogateInAPatchIs400InvalidSyntax()
    {
        var user = await Host.CreateUserAsync("patched");
        using var response = await Client.PatchAsync($"Users/{user["id"]}", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"\ud800"}]}"""));

        await AssertErrorAsync(response, 400, "invalidSyntax");
    }

    // Found by fuzzing (benchmarks/fuzz, target http): a member named twice in one object was accepted by the body
    // reader and threw ArgumentException wherever the JsonObject was first enumerated, a 500.
    [Theory]
    [InlineData("POST", "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","userName":"b"}""", "userName")]
    [InlineData("POST", "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","name":{"givenName":"x","givenName":"y"}}""", "givenName")]
    [InlineData("POST", "Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"schemas":[],"displayName":"g"}""", "schemas")]
    [InlineData("POST", "Users/.search", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"a","filter":"b"}""", "filter")]
    [InlineData("POST", "Bulk", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","method":"PUT","path":"/Users"}]}""", "method")]
    public async Task AMemberNamedTwiceInOneObjectIs400InvalidSyntaxNamingIt(string method, string path, string json, string name)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Body(json) };
        using var response = await Client.SendAsync(request);

        var error = await AssertErrorAsync(response, 400, "invalidSyntax");
        Assert.Contains("not valid JSON", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(name, error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNoUsersAsync();
    }

    [Fact]
    public async Task AMemberNamedTwiceInAPatchIs400AndChangesNothing()
    {
        var user = await Host.CreateUserAsync("twice");
        using var response = await Client.PatchAsync($"Users/{user["id"]}", Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"a","value":"b"}]}"""));

        await AssertErrorAsync(response, 400, "invalidSyntax");
        using var read = await Client.GetAsync($"Users/{user["id"]}");
        Assert.Null((await JsonAsync(read))["displayName"]);
    }

    [Fact]
    public async Task PostUserWithoutSchemasIs400NamingTheMissingSchema()
    {
        using var response = await Client.PostAsync("Users", Body("""{"userName":"noschemas"}"""));

        var error = await AssertErrorAsync(response, 400, "invalidSyntax");
        Assert.Equal("""The body has no 'schemas'; a User must carry "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"] (RFC 7643 §3).""", error["detail"]!.GetValue<string>());
        await AssertNoUsersAsync();
    }

    [Fact]
    public async Task PostUserWithAnUnknownSchemaUrnIs400NamingIt()
    {
        using var response = await Client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}","urn:example:made:up"],"userName":"unknown"}"""));

        var error = await AssertErrorAsync(response, 400, "invalidSyntax");
        Assert.StartsWith("'schemas' names 'urn:example:made:up', which is not a schema of User resources; expected 'urn:ietf:params:scim:schemas:core:2.0:User' and optionally ", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNoUsersAsync();
    }

    [Fact]
    public async Task PostUserWithTheGroupSchemaIs400()
    {
        using var response = await Client.PostAsync("Users", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"userName":"group-shaped","displayName":"G"}"""));

        var error = await AssertErrorAsync(response, 400, "invalidSyntax");
        Assert.Contains("'urn:ietf:params:scim:schemas:core:2.0:Group', which is not a schema of User resources", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNoUsersAsync();
    }

    [Fact]
    public async Task PostUserWithOnlyAnExtensionSchemaIs400AskingForTheCoreSchema()
    {
        using var response = await Client.PostAsync("Users", Body("""{"schemas":["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"userName":"ext-only"}"""));

        var error = await AssertErrorAsync(response, 400, "invalidSyntax");
        Assert.Equal("'schemas' must include 'urn:ietf:params:scim:schemas:core:2.0:User', the core schema of User resources.", error["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutUserWithoutSchemasIs400AndChangesNothing()
    {
        var user = await Host.CreateUserAsync("kept");
        using var response = await Client.PutAsync($"Users/{user["id"]}", Body("""{"userName":"changed"}"""));

        await AssertErrorAsync(response, 400, "invalidSyntax");
        using var get = await Client.GetAsync($"Users/{user["id"]}");
        Assert.Equal("kept", (await JsonAsync(get))["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheOmittedSchemasRuleLetsAHostAcceptABodyWithoutSchemas()
    {
        await using var host = await ScimTestHost.StartAsync(o => o.Compatibility = ScimCompatibility.Default | ScimCompatibility.OmittedSchemas);

        using var response = await host.Client.PostAsync("Users", Body("""{"userName":"tolerated"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(UserSchema, (await JsonAsync(response))["schemas"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownAttributesAreDroppedAndNamedInTheProvisioningLogRecord()
    {
        await using var host = await ScimTestHost.StartAsync(scim: b => b.AddInMemoryStores().AddProvisioningLog());

        using var response = await host.Client.PostAsync("Users", Body($$$"""{"schemas":["{{{UserSchema}}}"],"userName":"extra","favouriteColour":"teal","name":{"givenName":"A","middle":"B"}}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await JsonAsync(response);
        Assert.Null(user["favouriteColour"]);
        var log = host.Services.GetRequiredService<InMemoryProvisioningLog>();
        var entry = Assert.Single((await log.QueryAsync(new ProvisioningLogQuery { Tenant = "tenant-a" })).Entries);
        Assert.Equal("Ignored attributes no schema defines: favouriteColour, name.middle.", entry.Detail);
        Assert.True(entry.CompatibilityRules.HasFlag(ScimCompatibility.IgnoreUnknownAttributes));
        Assert.DoesNotContain("teal", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutTheIgnoreRuleAnUnknownAttributeIs400NamingItAndCreatesNothing()
    {
        await using var host = await ScimTestHost.StartAsync(o => o.Compatibility = ScimCompatibility.Default & ~ScimCompatibility.IgnoreUnknownAttributes);

        using var response = await host.Client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"extra","favouriteColour":"teal"}"""));

        var error = await AssertErrorAsync(response, 400, "invalidSyntax");
        Assert.Equal("User resources have no attribute 'favouriteColour'; check the name against /Schemas.", error["detail"]!.GetValue<string>());
        using var list = await host.Client.GetAsync("Users");
        Assert.Equal(0, (await JsonAsync(list))["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeletingAUserGivesItsGroupsANewVersionSoAConditionalGetIsNot304()
    {
        var user = await Host.CreateUserAsync("leaver");
        var other = await Host.CreateUserAsync("stayer");
        var group = await Host.CreateGroupAsync("Team", user["id"]!.GetValue<string>(), other["id"]!.GetValue<string>());
        var untouched = await Host.CreateGroupAsync("Elsewhere", other["id"]!.GetValue<string>());
        var etag = group["meta"]!["version"]!.GetValue<string>();
        var created = group["meta"]!["lastModified"]!.GetValue<string>();
        await Task.Delay(20);

        using var delete = await Client.DeleteAsync($"Users/{user["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        using var get = await Host.SendAsync(HttpMethod.Get, $"Groups/{group["id"]}", configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", etag));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var read = await JsonAsync(get);
        Assert.NotEqual(etag, read["meta"]!["version"]!.GetValue<string>());
        Assert.Equal(read["meta"]!["version"]!.GetValue<string>(), get.Headers.ETag!.ToString());
        Assert.NotEqual(created, read["meta"]!["lastModified"]!.GetValue<string>());
        Assert.Equal([other["id"]!.GetValue<string>()], read["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()));

        var untouchedTag = untouched["meta"]!["version"]!.GetValue<string>();
        using var unchanged = await Host.SendAsync(HttpMethod.Get, $"Groups/{untouched["id"]}", configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", untouchedTag));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
    }

    private async Task AssertNoUsersAsync()
    {
        using var list = await Client.GetAsync("Users");
        Assert.Equal(0, (await JsonAsync(list))["totalResults"]!.GetValue<int>());
    }
}
