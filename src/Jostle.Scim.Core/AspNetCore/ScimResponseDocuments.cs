using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Service;

namespace Jostle.Scim.AspNetCore;

/// <summary>
/// What a response adds to a stored document: each group member's <c>$ref</c> (RFC 7643 §4.2), made from the request's
/// base URL so it is right behind any host name. The members' <c>type</c> is resolved and stored when they are added.
/// <c>display</c> is not returned: stores keep members as (value, type), looking up every member's name would cost a read
/// per member on every group read, and a stored copy would go stale on a rename.
/// </summary>
internal static class ScimResponseDocuments
{
    public static JsonObject Complete(ScimResourceKind kind, JsonObject document, Uri baseUrl)
    {
        AddLocation(kind, document, baseUrl);
        if (kind != ScimResourceKind.Group || document["members"] is not JsonArray { Count: > 0 } members)
        {
            return document;
        }

        var root = baseUrl.OriginalString.TrimEnd('/');
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] is not JsonObject member || member["value"] is not JsonValue v || !v.TryGetValue<string>(out var value) || member.ContainsKey("$ref"))
            {
                continue;
            }

            var isGroup = member["type"] is JsonValue t && t.TryGetValue<string>(out var type) && string.Equals(type, "Group", StringComparison.OrdinalIgnoreCase);
            var completed = new JsonObject
            {
                ["value"] = value,
                ["$ref"] = root + (isGroup ? "/Groups/" : "/Users/") + Uri.EscapeDataString(value),
            };
            foreach (var (key, item) in member.ToList())
            {
                if (key != "value")
                {
                    member.Remove(key);
                    completed[key] = item;
                }
            }

            members[i] = completed;
        }

        return document;
    }

    /// <summary>
    /// Whether <see cref="Complete"/> would leave a stored document as it is: an object whose <c>meta</c> has its
    /// <c>location</c> (or that has no <c>meta</c> object or no string <c>id</c>, so none is made), and, for a Group, no
    /// members. <paramref name="location"/> is then <c>meta.location</c> when it is a string.
    /// </summary>
    public static bool IsComplete(ScimResourceKind kind, JsonElement document, out string? location)
    {
        location = null;
        if (document.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (kind == ScimResourceKind.Group && document.TryGetProperty("members", out var members)
            && members.ValueKind == JsonValueKind.Array && members.GetArrayLength() > 0)
        {
            return false;
        }

        if (!document.TryGetProperty("meta", out var meta) || meta.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        if (meta.TryGetProperty("location", out var stored))
        {
            location = stored.ValueKind == JsonValueKind.String ? stored.GetString() : null;
            return true;
        }

        return !(document.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String);
    }

    /// <summary>
    /// A store that composes documents from its own columns (the entity-mapped store) keeps no <c>meta.location</c>:
    /// it is made here from the request's base URL and the id, as <c>StampCreated</c> makes it.
    /// </summary>
    private static void AddLocation(ScimResourceKind kind, JsonObject document, Uri baseUrl)
    {
        if (document["meta"] is not JsonObject meta || meta.ContainsKey("location") || document["id"] is not JsonValue v || !v.TryGetValue<string>(out var id))
        {
            return;
        }

        meta["location"] = baseUrl.OriginalString.TrimEnd('/') + (kind == ScimResourceKind.Group ? "/Groups/" : "/Users/") + Uri.EscapeDataString(id);
    }
}
