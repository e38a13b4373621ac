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
