using System.Text.Json;
using static Jostle.Scim.Testing.ProfileShapes;

namespace Jostle.Scim.Testing;

/// <summary>
/// OneLogin's request shapes against your app with the OneLogin profile selected (<c>ScimProfiles.OneLogin</c>): bodies
/// from an admin-written template carry the SCIM 1.1 core URN <c>urn:scim:schemas:core:1.0</c> in a SCIM 2 request,
/// <c>"id": null</c> on create, booleans as strings and a non-standard <c>manager.managerId</c>, which the profile reads as
/// the enterprise extension's <c>manager.value</c>.
/// </summary>
/// <remarks>Return from <see cref="ScimConformanceSuite.CreateClientAsync"/> a client of a new, empty tenant whose
/// requests run under the OneLogin profile.</remarks>
public abstract class OneLoginConformanceTests : ScimConformanceSuite
{
    private static string Template(string userName, string active, string? managerId = null, string id = "null") => $$"""
        {"schemas":["urn:scim:schemas:core:1.0"],"id":{{id}},"userName":"{{userName}}","active":"{{active}}",
         "name":{"givenName":"One","familyName":"Login"},"emails":[{"value":"{{userName}}","type":"work","primary":"true"}]
         {{(managerId is null ? "" : $$""","manager":{"managerId":"{{managerId}}"}""")}}}
        """;

    /// <summary>A template with the SCIM 11 URN a null id and string booleans creates a SCIM 2 user.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ATemplateWithTheScim11UrnANullIdAndStringBooleansCreatesAScim2User()
    {
        var created = (await Scim.PostAsync("Users", Template("ol.create@example.com", "true")))!;

        const string Request = "POST /Users (OneLogin template)";
        Expect(created["id"] is System.Text.Json.Nodes.JsonValue v && v.GetValueKind() == JsonValueKind.String && ((string?)v)!.Length > 0, Request, "a server-assigned id", created);
        Expect(created["schemas"]!.AsArray().Any(s => (string?)s == UserSchema) && !created["schemas"]!.AsArray().Any(s => (string?)s == "urn:scim:schemas:core:1.0"),
            Request, $"schemas naming {UserSchema}, not the SCIM 1.1 URN", created);
        Expect(created["active"]?.GetValueKind() == JsonValueKind.True, Request, "\"active\": true (a boolean, from \"true\")", created);
        Expect(created["emails"]?[0]?["primary"]?.GetValueKind() == JsonValueKind.True, Request, "emails[0].primary true (a boolean, from \"true\")", created);
        var read = (await Scim.GetAsync($"Users/{created["id"]}"))!;
        Expect((string?)read["userName"] == "ol.create@example.com", $"GET /Users/{created["id"]}", "the created user", read);
    }

    /// <summary>Manager id is the enterprise manager.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ManagerIdIsTheEnterpriseManager()
    {
        var manager = (string)(await Scim.PostAsync("Users", Template("ol.boss@example.com", "true")))!["id"]!;

        var created = (await Scim.PostAsync("Users", Template("ol.report@example.com", "true", managerId: manager)))!;

        Expect((string?)created[Enterprise]?["manager"]?["value"] == manager, "POST /Users (OneLogin template with manager.managerId)",
            $"{Enterprise}:manager.value {manager}", created);
        var read = (await Scim.GetAsync($"Users/{created["id"]}"))!;
        Expect((string?)read[Enterprise]?["manager"]?["value"] == manager, $"GET /Users/{created["id"]}", $"the enterprise manager {manager}", read);
    }

    /// <summary>An update from the template is a put that carries the id and deactivates with a string.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AnUpdateFromTheTemplateIsAPutThatCarriesTheIdAndDeactivatesWithAString()
    {
        var id = (string)(await Scim.PostAsync("Users", Template("ol.update@example.com", "true")))!["id"]!;

        var updated = (await Scim.PutAsync($"Users/{id}", Template("ol.update@example.com", "false", id: $"\"{id}\"")))!;

        Expect(updated["active"]?.GetValueKind() == JsonValueKind.False, $"PUT /Users/{id} (OneLogin template, \"active\": \"false\")", "\"active\": false", updated);
        var list = (await Scim.GetAsync("Users?" + Filter("userName eq \"ol.update@example.com\"")))!;
        Expect(list["Resources"]?[0]?["active"]?.GetValueKind() == JsonValueKind.False, "GET /Users?filter=userName eq \"ol.update@example.com\"", "the user, inactive", list);
    }
}
