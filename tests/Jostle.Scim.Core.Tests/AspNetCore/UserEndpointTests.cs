using System.Net;
using System.Text.Json.Nodes;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class UserEndpointTests : ScimHostTestBase
{
    [Fact]
    public async Task PostUserAnswers201WithLocationETagAndScimMediaType()
    {
        using var response = await Client.PostAsync("Users", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bjensen","active":"True"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/scim+json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var body = await JsonAsync(response);
        var id = body["id"]!.GetValue<string>();
        Assert.Equal($"http://localhost/scim/v2/Users/{id}", response.Headers.Location!.ToString());
        Assert.Equal(body["meta"]!["version"]!.GetValue<string>(), response.Headers.ETag!.ToString());
        Assert.True(body["active"]!.GetValue<bool>());
        Assert.Equal("User", body["meta"]!["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResponseBodiesUseJsonEscapingOnlyNotHtmlSafeEscapes()
    {
        using var response = await Client.PostAsync("Users", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"o'brien+<x>"}"""));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"version\":\"W/\\\"", text);
        Assert.Contains("\"userName\":\"o'brien+<x>\"", text);
        Assert.DoesNotContain("\\u0022", text);
    }

    [Fact]
    public async Task PostAcceptsApplicationJson()
    {
        using var response = await Client.PostAsync("Users", new StringContent("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"plain"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task PostWithAnotherMediaTypeIs415()
    {
        using var response = await Client.PostAsync("Users", new StringContent("userName=x", System.Text.Encoding.UTF8, "text/plain"));
        await AssertErrorAsync(response, 415, null);
    }

    [Fact]
    public async Task PostWithBadJsonIs400InvalidSyntax()
    {
        using var response = await Client.PostAsync("Users", Body("""{"userName": """));
        await AssertErrorAsync(response, 400, "invalidSyntax");
    }

    [Fact]
    public async Task PostWithAnArrayBodyIs400InvalidSyntax()
    {
        using var response = await Client.PostAsync("Users", Body("[]"));
        await AssertErrorAsync(response, 400, "invalidSyntax");
    }

    [Fact]
    public async Task PostWithoutUserNameIs400InvalidValue()
    {
        using var response = await Client.PostAsync("Users", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"displayName":"x"}"""));
        await AssertErrorAsync(response, 400, "invalidValue");
    }

    [Fact]
    public async Task DuplicateUserNameIs409Uniqueness()
    {
        await Host.CreateUserAsync("dup");
        using var response = await Client.PostAsync("Users", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"DUP"}"""));
        await AssertErrorAsync(response, 409, "uniqueness");
    }

    [Fact]
    public async Task GetUserReturnsTheResourceWithETag()
    {
        var user = await Host.CreateUserAsync("alice");
        using var response = await Client.GetAsync($"Users/{user["id"]}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("alice", body["userName"]!.GetValue<string>());
        Assert.Equal(user["meta"]!["version"]!.GetValue<string>(), response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task GetUnknownUserIs404ScimError()
    {
        using var response = await Client.GetAsync("Users/does-not-exist");
        await AssertErrorAsync(response, 404, null);
    }

    [Fact]
    public async Task GetHonoursAttributes()
    {
        var user = await Host.CreateUserAsync("attr");
        using var response = await Client.GetAsync($"Users/{user["id"]}?attributes=userName");
        var body = await JsonAsync(response);
        Assert.Equal("attr", body["userName"]!.GetValue<string>());
        Assert.NotNull(body["id"]);
        Assert.Null(body["name"]);
        Assert.Null(body["active"]);
    }

    [Fact]
    public async Task GetHonoursExcludedAttributes()
    {
        var user = await Host.CreateUserAsync("excl");
        using var response = await Client.GetAsync($"Users/{user["id"]}?excludedAttributes=name");
        var body = await JsonAsync(response);
        Assert.Null(body["name"]);
        Assert.NotNull(body["userName"]);
    }

    [Fact]
    public async Task IfNoneMatchWithTheCurrentVersionIs304()
    {
        var user = await Host.CreateUserAsync("cached");
        using var response = await Host.SendAsync(HttpMethod.Get, $"Users/{user["id"]}", configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", user["meta"]!["version"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task IfNoneMatchWithAnOldVersionReturnsTheResource()
    {
        var user = await Host.CreateUserAsync("cached2");
        using var response = await Host.SendAsync(HttpMethod.Get, $"Users/{user["id"]}", configure: r => r.Headers.TryAddWithoutValidation("If-None-Match", "W/\"old\""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PutReplacesTheUserAndChangesTheVersion()
    {
        var user = await Host.CreateUserAsync("put");
        using var response = await Client.PutAsync($"Users/{user["id"]}", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"put","displayName":"Put Me"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("Put Me", body["displayName"]!.GetValue<string>());
        Assert.Null(body["name"]);
        Assert.NotEqual(user["meta"]!["version"]!.GetValue<string>(), response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task PutWithStaleIfMatchIs412AndChangesNothing()
    {
        var user = await Host.CreateUserAsync("stale");
        using var response = await Host.SendAsync(HttpMethod.Put, $"Users/{user["id"]}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"stale","displayName":"Changed"}""",
            r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"not-the-version\""));
        await AssertErrorAsync(response, 412, null);
        using var get = await Client.GetAsync($"Users/{user["id"]}");
        Assert.Null((await JsonAsync(get))["displayName"]);
    }

    [Fact]
    public async Task PutWithMatchingIfMatchSucceeds()
    {
        var user = await Host.CreateUserAsync("fresh");
        using var response = await Host.SendAsync(HttpMethod.Put, $"Users/{user["id"]}", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"fresh","displayName":"Ok"}""",
            r => r.Headers.TryAddWithoutValidation("If-Match", user["meta"]!["version"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PutUnknownUserIs404()
    {
        using var response = await Client.PutAsync("Users/nope", Body("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}"""));
        await AssertErrorAsync(response, 404, null);
    }

    [Fact]
    public async Task PatchUserAnswers200WithTheResourceHonouringAttributes()
    {
        var user = await Host.CreateUserAsync("patchme");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Users/{user["id"]}?attributes=active",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.False(body["active"]!.GetValue<bool>());
        Assert.Null(body["userName"]);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task PatchWithStaleIfMatchIs412AndChangesNothing()
    {
        var user = await Host.CreateUserAsync("patchstale");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Users/{user["id"]}",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""",
            r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"x\""));
        await AssertErrorAsync(response, 412, null);
        using var get = await Client.GetAsync($"Users/{user["id"]}");
        Assert.True((await JsonAsync(get))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PatchWithABadPathIs400InvalidPath()
    {
        var user = await Host.CreateUserAsync("badpath");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Users/{user["id"]}",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq","value":"x"}]}""");
        await AssertErrorAsync(response, 400, "invalidPath");
    }

    [Fact]
    public async Task PatchWithoutPatchOpSchemaIs400InvalidSyntax()
    {
        var user = await Host.CreateUserAsync("noschema");
        using var response = await Host.SendAsync(HttpMethod.Patch, $"Users/{user["id"]}", """{"Operations":[{"op":"replace","path":"active","value":false}]}""");
        await AssertErrorAsync(response, 400, "invalidSyntax");
    }

    [Fact]
    public async Task PatchUnknownUserIs404()
    {
        using var response = await Host.SendAsync(HttpMethod.Patch, "Users/nope", """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""");
        await AssertErrorAsync(response, 404, null);
    }

    [Fact]
    public async Task DeleteAnswers204AndThenGetIs404()
    {
        var user = await Host.CreateUserAsync("gone");
        using var delete = await Client.DeleteAsync($"Users/{user["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var get = await Client.GetAsync($"Users/{user["id"]}");
        await AssertErrorAsync(get, 404, null);
    }

    [Fact]
    public async Task DeleteWithStaleIfMatchIs412AndKeepsTheUser()
    {
        var user = await Host.CreateUserAsync("keep");
        using var delete = await Host.SendAsync(HttpMethod.Delete, $"Users/{user["id"]}", configure: r => r.Headers.TryAddWithoutValidation("If-Match", "W/\"x\""));
        await AssertErrorAsync(delete, 412, null);
        using var get = await Client.GetAsync($"Users/{user["id"]}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task DeleteUnknownUserIs404()
    {
        using var delete = await Client.DeleteAsync("Users/nope");
        await AssertErrorAsync(delete, 404, null);
    }

    [Fact]
    public async Task TenantsDoNotSeeEachOthersUsers()
    {
        var user = await Host.CreateUserAsync("tenanta");
        using var other = Host.ClientFor("tenant-b");
        using var get = await other.GetAsync($"Users/{user["id"]}");
        await AssertErrorAsync(get, 404, null);
        using var list = await other.GetAsync("Users");
        Assert.Equal(0, (await JsonAsync(list))["totalResults"]!.GetValue<int>());
    }
}
