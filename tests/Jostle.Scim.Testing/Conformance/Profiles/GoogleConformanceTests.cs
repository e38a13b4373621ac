using System.Net;
using System.Text.Json;
using static Jostle.Scim.Testing.ProfileShapes;

namespace Jostle.Scim.Testing;

/// <summary>
/// Google Workspace's request shapes against your app with the Google profile selected (<c>ScimProfiles.Google</c>):
/// every body is sent as <c>Content-Type: application/json</c> (not <c>application/scim+json</c>) with the user agent
/// <c>Google-Auto-Provisioning</c>; the answers must still be <c>application/scim+json</c>.
/// </summary>
/// <remarks>Return from <see cref="ScimConformanceSuite.CreateClientAsync"/> a client of a new, empty tenant whose
/// requests run under the Google profile.</remarks>
public abstract class GoogleConformanceTests : ScimConformanceSuite
{
    private const string UserAgent = "Google-Auto-Provisioning";

    private ScimConformanceHttp Google
    {
        get
        {
            Scim.MediaType = "application/json";
            Scim.UserAgent = UserAgent;
            return Scim;
        }
    }

    /// <summary>A user is created read updated deactivated and deleted with application JSON.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AUserIsCreatedReadUpdatedDeactivatedAndDeletedWithApplicationJson()
    {
        var created = (await Google.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"g.user@example.com","name":{"givenName":"G","familyName":"User"},"emails":[{"value":"g.user@example.com","type":"work","primary":true}],"active":true}"""))!;
        var id = (string)created["id"]!;

        var found = (await Google.GetAsync("Users?" + Filter("userName eq \"g.user@example.com\"")))!;
        Expect((string?)found["Resources"]?[0]?["id"] == id, "GET /Users?filter=userName eq \"g.user@example.com\"", $"the created user {id}", found);
        var put = (await Google.PutAsync($"Users/{id}", $$"""{"schemas":["{{UserSchema}}"],"userName":"g.user@example.com","name":{"givenName":"Gee","familyName":"User"},"active":true}"""))!;
        Expect((string?)put["name"]?["givenName"] == "Gee", $"PUT /Users/{id} (application/json)", "name.givenName Gee", put);
        var off = (await Google.PatchAsync($"Users/{id}", """[{"op":"replace","path":"active","value":false}]"""))!;
        Expect(off["active"]?.GetValueKind() == JsonValueKind.False, $"PATCH /Users/{id} (application/json)", "\"active\": false", off);
        await Google.DeleteAsync($"Users/{id}");
        await Google.ErrorAsync(404, null, HttpMethod.Get, $"Users/{id}");
    }

    /// <summary>Groups and their members are written with application JSON.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GroupsAndTheirMembersAreWrittenWithApplicationJson()
    {
        var first = (string)(await Google.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"g.m1@example.com","active":true}"""))!["id"]!;
        var second = (string)(await Google.PostAsync("Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"g.m2@example.com","active":true}"""))!["id"]!;
        var group = (await Google.PostAsync("Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"Google Group","members":[{"value":"{{first}}"}]}"""))!;
        var id = (string)group["id"]!;

        await PatchGroupAsync(Google, id, $$"""[{"op":"add","path":"members","value":[{"value":"{{second}}"}]},{"op":"remove","path":"members[value eq \"{{first}}\"]"}]""");

        var read = (await Google.GetAsync($"Groups/{id}"))!;
        Expect(MemberIds(read).SequenceEqual([second]), $"GET /Groups/{id} after a member PATCH sent as application/json", $"member {second} only", read);
    }

    /// <summary>An unsupported media type is refused while application JSON is not.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AnUnsupportedMediaTypeIsRefusedWhileApplicationJsonIsNot()
    {
        using var json = await Google.SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"g.media@example.com"}""");
        await ScimConformanceHttp.CheckAsync(json, HttpStatusCode.Created);

        Scim.MediaType = "text/plain";
        using var text = await Scim.SendAsync(HttpMethod.Post, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"g.text@example.com"}""");
        Assert.True(text.StatusCode == HttpStatusCode.UnsupportedMediaType,
            $"{ScimConformanceHttp.Describe(text)} sent as text/plain answered {(int)text.StatusCode}, expected 415");
    }
}
