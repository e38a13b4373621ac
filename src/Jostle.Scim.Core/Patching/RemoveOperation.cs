using System.Text.Json.Nodes;
using Jostle.Scim.Schema;
using static Jostle.Scim.Patching.PatchJson;

namespace Jostle.Scim.Patching;

/// <summary>
/// <c>remove</c> (RFC 7644 §3.5.2.2): an attribute, a sub-attribute (of every value of a multi-valued one), the values a
/// filter selects or a sub-attribute of them, or — under <see cref="ScimCompatibility.RemoveMembersByValue"/> — the
/// values listed in the operation's value. Removing what is not there is no error; removing an immutable value that is
/// there is a <c>mutability</c> error.
/// </summary>
internal static class RemoveOperation
{
    public static void Apply(PatchSession session, PatchTarget target, JsonNode? value)
    {
        var attribute = target.Attribute;
        var container = AttributeContainers.Get(session, target.Schema, false);
        if (container is null)
        {
            return;
        }

        var current = JsonMemberLookup.Get(container, attribute.Name);
        if (target.Filter is not null)
        {
            if (current is not JsonArray array)
            {
                return;
            }

            if (target.Sub is { } selectedSub)
            {
                CheckRemovable(session, selectedSub, $"{attribute.Name}.{selectedSub.Name}", array.Where(target.Filter.Matches).Select(e => JsonMemberLookup.Get((JsonObject)e!, selectedSub.Name)));
                foreach (var element in array.Where(target.Filter.Matches))
                {
                    JsonMemberLookup.Remove((JsonObject)element!, selectedSub.Name);
                }

                return;
            }

            RemoveWhere(container, attribute, array, target.Filter.Matches);
            return;
        }

        if (target.Sub is { } sub)
        {
            var name = $"{attribute.Name}.{sub.Name}";
            if (current is JsonArray all)
            {
                CheckRemovable(session, sub, name, all.OfType<JsonObject>().Select(e => JsonMemberLookup.Get(e, sub.Name)));
                foreach (var element in all.OfType<JsonObject>())
                {
                    JsonMemberLookup.Remove(element, sub.Name);
                }
            }
            else if (current is JsonObject parent)
            {
                CheckRemovable(session, sub, name, [JsonMemberLookup.Get(parent, sub.Name)]);
                JsonMemberLookup.Remove(parent, sub.Name);
                if (parent.Count == 0)
                {
                    JsonMemberLookup.Remove(container, attribute.Name);
                }
            }

            return;
        }

        if (value is not null && attribute.MultiValued && attribute.Type == AttributeType.Complex)
        {
            var selections = PatchCompatibilityRules.SelectionsToRemove(session, attribute, value);
            if (current is JsonArray array)
            {
                var valueSub = attribute.FindSubAttribute("value");
                var comparison = valueSub is { CaseExact: false } ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                RemoveWhere(container, attribute, array, element => selections.Any(selection =>
                    JsonMemberLookup.Get(selection, "value") is JsonValue wanted && wanted.TryGetValue<string>(out var id)
                        ? element is JsonObject e && JsonMemberLookup.Get(e, "value") is JsonValue have && have.TryGetValue<string>(out var actual) && string.Equals(actual, id, comparison)
                        : JsonNode.DeepEquals(element, selection)));
            }

            return;
        }

        CheckRemovable(session, attribute, attribute.Name, [current]);
        JsonMemberLookup.Remove(container, attribute.Name);
    }

    private static void RemoveWhere(JsonObject container, AttributeDefinition attribute, JsonArray array, Func<JsonNode?, bool> predicate)
    {
        for (var i = array.Count - 1; i >= 0; i--)
        {
            if (predicate(array[i]))
            {
                array.RemoveAt(i);
            }
        }

        if (array.Count == 0)
        {
            JsonMemberLookup.Remove(container, attribute.Name);
        }
    }

    private static void CheckRemovable(PatchSession session, AttributeDefinition attribute, string name, IEnumerable<JsonNode?> currentValues)
    {
        if (attribute.Mutability == Mutability.Immutable && currentValues.Any(IsPresent))
        {
            throw session.Fail(ScimErrorType.Mutability, $"{name} is immutable and cannot be removed.");
        }
    }
}
