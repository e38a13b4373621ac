using System.Text.Json.Nodes;

namespace Jostle.Scim;

/// <summary>Case-insensitive member lookup in JSON objects (SCIM attribute names are case-insensitive).</summary>
internal static class JsonMemberLookup
{
    public static JsonNode? Get(JsonObject obj, string name) => Get(obj, name, out _);

    public static JsonNode? Get(JsonObject obj, string name, out bool found)
    {
        if (obj.TryGetPropertyValue(name, out var exact))
        {
            found = true;
            return exact;
        }

        var index = IndexIgnoringCase(obj, name);
        found = index >= 0;
        return found ? obj.GetAt(index).Value : null;
    }

    public static string? Find(JsonObject obj, string name)
    {
        if (obj.ContainsKey(name))
        {
            return name;
        }

        var index = IndexIgnoringCase(obj, name);
        return index < 0 ? null : obj.GetAt(index).Key;
    }

    /// <summary>The first member named <paramref name="name"/> ignoring case, by index: a foreach over a JsonObject boxes its enumerator.</summary>
    private static int IndexIgnoringCase(JsonObject obj, string name)
    {
        for (var i = 0; i < obj.Count; i++)
        {
            if (string.Equals(obj.GetAt(i).Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
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
