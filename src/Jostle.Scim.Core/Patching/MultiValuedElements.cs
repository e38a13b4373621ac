using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Patching;

/// <summary>
/// The values of a multi-valued attribute: appending without duplicates (members: by <c>value</c>) and keeping at most
/// one value <c>primary</c> (RFC 7643 §2.4).
/// </summary>
internal static class MultiValuedElements
{
    /// <summary>Appends values to a multi-valued attribute, skipping values already present (members: by <c>value</c>).</summary>
    public static void Append(PatchSession session, JsonObject container, AttributeDefinition attribute, IReadOnlyList<JsonNode?> items)
    {
        var array = JsonMemberLookup.Get(container, attribute.Name) as JsonArray;
        if (array is null)
        {
            array = [];
            JsonMemberLookup.Set(container, attribute.Name, array);
        }

        var byValue = ReferenceEquals(attribute, session.Members);
        HashSet<string>? ids = byValue ? new(array.OfType<JsonObject>().Select(e => JsonMemberLookup.Get(e, "value") is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").Where(s => s.Length > 0), StringComparer.Ordinal) : null;
        var added = new List<JsonNode>();
        foreach (var item in items)
        {
            if (item is null)
            {
                continue;
            }

            var duplicate = ids is not null && item is JsonObject member && JsonMemberLookup.Get(member, "value") is JsonValue idNode && idNode.TryGetValue<string>(out var id)
                ? !ids.Add(id)
                : array.Any(existing => JsonNode.DeepEquals(existing, item));
            if (!duplicate)
            {
                array.Add(item);
                added.Add(item);
            }
        }

        if (array.Count == 0)
        {
            JsonMemberLookup.Remove(container, attribute.Name);
            return;
        }

        if (added.Count(IsPrimary) > 1)
        {
            throw session.Fail(ScimErrorType.InvalidValue, $"at most one {attribute.Name} value may be primary.");
        }

        EnforceSinglePrimary(array, added);
    }

    /// <summary>When one of <paramref name="touched"/> is now primary, clears the flag on every other value (RFC 7643 §2.4).</summary>
    public static void EnforceSinglePrimary<T>(JsonArray array, List<T> touched)
        where T : JsonNode
    {
        T? primary = null;
        for (var i = touched.Count - 1; i >= 0 && primary is null; i--)
        {
            if (IsPrimary(touched[i]))
            {
                primary = touched[i];
            }
        }

        if (primary is null)
        {
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var element = array[i];
            if (!ReferenceEquals(element, primary) && IsPrimary(element) && element is JsonObject obj)
            {
                JsonMemberLookup.Set(obj, JsonMemberLookup.Find(obj, "primary")!, false);
            }
        }
    }

    /// <summary>Whether an element has <c>"primary": true</c>.</summary>
    public static bool IsPrimary(JsonNode? element) =>
        element is JsonObject obj && JsonMemberLookup.Get(obj, "primary") is JsonValue v && v.GetValueKind() == JsonValueKind.True;
}
