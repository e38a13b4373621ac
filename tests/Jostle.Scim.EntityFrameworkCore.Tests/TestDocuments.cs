using System.Text.Json.Nodes;
using Jostle.Scim.Schema;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>Stored-form User documents (with meta) for tests that call the EF stores directly.</summary>
internal static class TestDocuments
{
    public static JsonObject User(string id, string userName, string? workEmail = null)
    {
        var user = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.User),
            ["id"] = id,
            ["userName"] = userName,
            ["active"] = true,
            ["meta"] = new JsonObject
            {
                ["resourceType"] = "User",
                ["created"] = "2026-11-29T10:00:00Z",
                ["lastModified"] = "2026-11-29T10:00:00Z",
                ["version"] = "W/\"1\"",
                ["location"] = "https://example.com/scim/v2/Users/" + id,
            },
        };
        if (workEmail is not null)
        {
            user["emails"] = new JsonArray(new JsonObject { ["value"] = workEmail, ["type"] = "work", ["primary"] = true });
        }

        return user;
    }
}
