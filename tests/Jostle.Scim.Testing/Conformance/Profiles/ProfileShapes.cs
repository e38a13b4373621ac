using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Testing;

/// <summary>What the profile suites share: URNs and the checks every provider's requests rely on.</summary>
internal static class ProfileShapes
{
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /// <summary>A group PATCH answers 204 (the default) or 200 with the group (<c>GroupPatchReturnsContent</c>); both are fine for every provider.</summary>
    public static async Task PatchGroupAsync(ScimConformanceHttp scim, string id, string operationsJson)
    {
        using var response = await scim.SendAsync(HttpMethod.Patch, $"Groups/{id}", ScimConformanceHttp.PatchBody(operationsJson));
        await ScimConformanceHttp.CheckAsync(response, response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.NoContent);
    }

    /// <summary>Asserts that a ListResponse's paging fields are JSON integers with the expected values, and returns its resources.</summary>
    public static JsonArray AssertIntegerPaging(JsonNode list, string request, int startIndex, int? totalResults = null)
    {
        foreach (var field in new[] { "totalResults", "startIndex", "itemsPerPage" })
        {
            Assert.True(list[field] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out _),
                $"{request}: expected \"{field}\" to be a JSON integer, got {list.ToJsonString()}");
        }

        Assert.True((int)list["startIndex"]! == startIndex, $"{request}: expected startIndex {startIndex}, got {list.ToJsonString()}");
        if (totalResults is { } total)
        {
            Assert.True((int)list["totalResults"]! == total, $"{request}: expected totalResults {total}, got {list.ToJsonString()}");
        }

        var resources = list["Resources"] as JsonArray;
        Assert.True(resources is not null, $"{request}: expected a Resources array, got {list.ToJsonString()}");
        Assert.True((int)list["itemsPerPage"]! == resources!.Count, $"{request}: expected itemsPerPage to be the number of Resources ({resources.Count}), got {list.ToJsonString()}");
        return resources;
    }

    /// <summary>The member ids of a group, in order.</summary>
    public static string[] MemberIds(JsonNode group) =>
        group["members"] is JsonArray members ? [.. members.Select(m => (string)m!["value"]!)] : [];

    /// <summary>Asserts a condition about a response, naming the request.</summary>
    public static void Expect(bool condition, string request, string expected, JsonNode? actual) =>
        Assert.True(condition, $"{request}: expected {expected}, got {actual?.ToJsonString() ?? "(no body)"}");
}
