using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Resources;

internal static class JsonHelpers
{
    /// <summary>Gets a property by name: the exact spelling first (stored documents use the schema's), then case-insensitively.</summary>
    public static JsonNode? Get(JsonObject? obj, string name)
    {
        if (obj is null)
        {
            return null;
        }

        if (obj.TryGetPropertyValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, candidate) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return null;
    }

    public static bool IsString(JsonNode node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.TryGetValue(out string? s))
        {
            value = s;
            return true;
        }

        value = "";
        return false;
    }
}
