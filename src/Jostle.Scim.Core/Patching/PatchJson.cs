using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Patching;

/// <summary>The two JSON node operations every PATCH operation uses: SCIM presence, and detaching children to re-parent them.</summary>
internal static class PatchJson
{
    /// <summary>Whether a value counts as present: not missing, not null, not an empty array or object.</summary>
    public static bool IsPresent(JsonNode? node) => node switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        _ => node.GetValueKind() != JsonValueKind.Null,
    };

    /// <summary>Empties a JSON array, returning its former children free to be re-parented.</summary>
    public static List<JsonNode?> Detach(JsonArray array)
    {
        var items = array.ToList();
        array.Clear();
        return items;
    }

    /// <summary>Empties a JSON object, returning its former members free to be re-parented.</summary>
    public static List<KeyValuePair<string, JsonNode?>> Detach(JsonObject obj)
    {
        var items = obj.ToList();
        obj.Clear();
        return items;
    }
}
