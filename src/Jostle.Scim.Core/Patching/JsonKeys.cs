using System.Text.Json.Nodes;

namespace Jostle.Scim.Patching;

/// <summary>Case-insensitive member lookup in JSON objects (SCIM attribute names are case-insensitive).</summary>
internal static class JsonKeys
{
    public static JsonNode? Get(JsonObject obj, string name) => Get(obj, name, out _);

    public static JsonNode? Get(JsonObject obj, string name, out bool found)
    {
        if (obj.TryGetPropertyValue(name, out var exact))
        {
            found = true;
            return exact;
        }

        var key = Find(obj, name);
        found = key is not null;
        return key is null ? null : obj[key];
    }

    public static string? Find(JsonObject obj, string name)
    {
        if (obj.ContainsKey(name))
        {
            return name;
        }

        foreach (var pair in obj)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Key;
            }
        }

        return null;
    }

    /// <summary>Sets <paramref name="name"/> (spelled as the schema spells it), replacing a member spelled differently.</summary>
    public static void Set(JsonObject obj, string name, JsonNode? value)
    {
        var key = Find(obj, name);
        if (key is not null && !string.Equals(key, name, StringComparison.Ordinal))
        {
            obj.Remove(key);
        }

        obj[name] = value;
    }

    public static bool Remove(JsonObject obj, string name)
    {
        var key = Find(obj, name);
        return key is not null && obj.Remove(key);
    }
}
