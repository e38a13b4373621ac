using System.Text.Json.Nodes;
using Jostle.Scim.Schema;
using static Jostle.Scim.Patching.PatchJson;

namespace Jostle.Scim.Patching;

/// <summary>
/// <c>add</c> and <c>replace</c> (RFC 7644 §3.5.2.1, §3.5.2.3) at a resolved target: a single-valued attribute is set (a
/// complex one merged sub-attribute by sub-attribute), a multi-valued one appended to (<c>add</c>) or replaced, and the
/// values a filter selects changed in place. Immutable values may only be set once.
/// </summary>
internal static class AddReplaceOperation
{
    public static void Apply(PatchSession session, PatchOperationType op, PatchTarget target, JsonNode? value)
    {
        var attribute = target.Attribute;
        var container = AttributeContainers.Get(session, target.Schema, true)!;
        if (target.Filter is not null)
        {
            ApplyToSelected(session, op, target, container, value);
        }
        else if (target.Sub is { } sub)
        {
            if (attribute.MultiValued)
            {
                throw session.Fail(ScimErrorType.InvalidPath, $"{attribute.Name}.{sub.Name} does not say which {attribute.Name} value to change; select it with a filter, e.g. {attribute.Name}[type eq \"work\"].{sub.Name}.");
            }

            var parent = JsonMemberLookup.Get(container, attribute.Name) as JsonObject;
            if (parent is null)
            {
                parent = [];
                JsonMemberLookup.Set(container, attribute.Name, parent);
            }

            SetMember(session, parent, sub, ValueCoercion.Coerce(session, sub, value, new(attribute.Name, sub.Name)), new(attribute.Name, sub.Name));
        }
        else if (attribute.MultiValued)
        {
            var items = Detach((JsonArray)ValueCoercion.Coerce(session, attribute, value, attribute.Name));
            if (op == PatchOperationType.Add)
            {
                MultiValuedElements.Append(session, container, attribute, items);
            }
            else
            {
                if (items.Count(MultiValuedElements.IsPrimary) > 1)
                {
                    throw session.Fail(ScimErrorType.InvalidValue, $"at most one {attribute.Name} value may be primary.");
                }

                if (items.Count == 0)
                {
                    JsonMemberLookup.Remove(container, attribute.Name);
                }
                else
                {
                    JsonMemberLookup.Set(container, attribute.Name, new JsonArray([.. items]));
                }
            }
        }
        else
        {
            SetMember(session, container, attribute, ValueCoercion.Coerce(session, attribute, value, attribute.Name), attribute.Name);
        }
    }

    /// <summary>A value path (<c>emails[type eq "work"]</c>, optionally <c>.sub</c>): changes the matching values, or creates the one the filter describes.</summary>
    private static void ApplyToSelected(PatchSession session, PatchOperationType op, PatchTarget target, JsonObject container, JsonNode? value)
    {
        var attribute = target.Attribute;
        var array = JsonMemberLookup.Get(container, attribute.Name) as JsonArray;
        var matches = new List<JsonObject>();
        if (array is not null)
        {
            var filter = target.Filter!;
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonObject candidate && filter.Matches(candidate))
                {
                    matches.Add(candidate);
                }
            }
        }

        if (matches.Count == 0)
        {
            AddMissingElement(session, target, container, value);
            return;
        }

        for (var index = 0; index < matches.Count; index++)
        {
            var element = matches[index];
            if (target.Sub is { } sub)
            {
                SetMember(session, element, sub, ValueCoercion.Coerce(session, sub, value, new(attribute.Name, sub.Name)), new(attribute.Name, sub.Name));
            }
            else
            {
                var incoming = (JsonObject)ValueCoercion.Coerce(session, attribute, value, attribute.Name, element: true);
                if (op == PatchOperationType.Replace)
                {
                    foreach (var sub2 in attribute.SubAttributes.Where(a => a.Mutability == Mutability.Immutable))
                    {
                        var before = JsonMemberLookup.Get(element, sub2.Name);
                        if (IsPresent(before) && !JsonNode.DeepEquals(before, JsonMemberLookup.Get(incoming, sub2.Name)))
                        {
                            throw session.Fail(ScimErrorType.Mutability, $"{attribute.Name}.{sub2.Name} is immutable.");
                        }
                    }

                    array![array.IndexOf(element)] = incoming;
                    matches[index] = incoming;
                }
                else
                {
                    foreach (var (key, item) in Detach(incoming))
                    {
                        SetMember(session, element, attribute.FindSubAttribute(key)!, item!, new(attribute.Name, key));
                    }
                }
            }
        }

        MultiValuedElements.EnforceSinglePrimary(array!, matches);
    }

    /// <summary>No value matches the filter: <c>noTarget</c>, or under <see cref="ScimCompatibility.CreateMissingValuePathElement"/> the element is created.</summary>
    private static void AddMissingElement(PatchSession session, PatchTarget target, JsonObject container, JsonNode? value)
    {
        var attribute = target.Attribute;
        var template = PatchCompatibilityRules.MissingElementTemplate(session, target.Filter!);
        if (template is null)
        {
            throw session.Fail(ScimErrorType.NoTarget, $"no value of {attribute.Name} matches the filter [{target.FilterText}].");
        }

        var addition = target.Sub is { } s
            ? new JsonObject { [s.Name] = ValueCoercion.Coerce(session, s, value, new(attribute.Name, s.Name)) }
            : (JsonObject)ValueCoercion.Coerce(session, attribute, value, attribute.Name, element: true);
        foreach (var (key, item) in Detach(addition))
        {
            template[key] = item;
        }

        session.Fire(ScimCompatibility.CreateMissingValuePathElement);
        MultiValuedElements.Append(session, container, attribute, [template]);
    }

    /// <summary>Sets an attribute; a complex value is merged into the current one sub-attribute by sub-attribute; an immutable value may only be set once.</summary>
    private static void SetMember(PatchSession session, JsonObject parent, AttributeDefinition attribute, JsonNode value, PatchAttributeName name)
    {
        var existing = JsonMemberLookup.Get(parent, attribute.Name);
        if (attribute is { Type: AttributeType.Complex, MultiValued: false } && existing is JsonObject current && value is JsonObject incoming)
        {
            foreach (var (key, item) in Detach(incoming))
            {
                SetMember(session, current, attribute.FindSubAttribute(key)!, item!, $"{name}.{key}");
            }

            return;
        }

        if (attribute.Mutability == Mutability.Immutable && IsPresent(existing) && !JsonNode.DeepEquals(existing, value))
        {
            throw session.Fail(ScimErrorType.Mutability, $"{name} is immutable and already has a value.");
        }

        JsonMemberLookup.Set(parent, attribute.Name, value);
    }
}
