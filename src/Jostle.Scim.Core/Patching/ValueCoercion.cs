using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Patching;

/// <summary>
/// Checks an operation's value against the attribute's type (<c>invalidValue</c> when it does not fit) and returns a new
/// node to store: canonical sub-attribute names, read-only and null sub-attributes left out, and the
/// <see cref="PatchCompatibilityRules"/> conversions applied.
/// </summary>
internal static class ValueCoercion
{
    /// <summary>
    /// The value to store for <paramref name="attribute"/>; a multi-valued attribute's value is always an array (a single
    /// value is wrapped) unless <paramref name="element"/> asks for one element.
    /// </summary>
    public static JsonNode Coerce(PatchSession session, AttributeDefinition attribute, JsonNode? value, PatchAttributeName name, bool element = false)
    {
        if (attribute.MultiValued && !element)
        {
            var result = new JsonArray();
            foreach (var item in value is JsonArray array ? array : [value?.DeepClone()])
            {
                result.Add(Coerce(session, attribute, item, name, element: true));
            }

            return result;
        }

        if (value is null || value.GetValueKind() == JsonValueKind.Null)
        {
            throw session.Fail(ScimErrorType.InvalidValue, $"{name} cannot be null.");
        }

        switch (attribute.Type)
        {
            case AttributeType.Complex:
                if (PatchCompatibilityRules.ManagerFromString(session, attribute, value) is { } manager)
                {
                    return manager;
                }

                if (value is not JsonObject obj)
                {
                    throw session.Fail(ScimErrorType.InvalidValue, $"{name} is complex and needs a JSON object, not {Describe(value)}.");
                }

                var complex = new JsonObject();
                foreach (var (key, item) in obj)
                {
                    var sub = attribute.FindSubAttribute(key) ?? throw session.Fail(ScimErrorType.InvalidValue, $"{name} has no sub-attribute {key}.");
                    if (item is not null && item.GetValueKind() != JsonValueKind.Null && sub.Mutability != Mutability.ReadOnly)
                    {
                        complex[sub.Name] = Coerce(session, sub, item, $"{name}.{sub.Name}");
                    }
                }

                return complex;
            case AttributeType.Boolean:
                if (value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                {
                    return value.DeepClone();
                }

                return PatchCompatibilityRules.BooleanFromString(session, value)
                    ?? throw session.Fail(ScimErrorType.InvalidValue, $"{name} is boolean, not {Describe(value)}.");
            case AttributeType.Integer:
                return value is JsonValue n && n.GetValueKind() == JsonValueKind.Number && n.TryGetValue<long>(out _)
                    ? value.DeepClone()
                    : throw session.Fail(ScimErrorType.InvalidValue, $"{name} is an integer, not {Describe(value)}.");
            case AttributeType.Decimal:
                return value.GetValueKind() == JsonValueKind.Number
                    ? value.DeepClone()
                    : throw session.Fail(ScimErrorType.InvalidValue, $"{name} is a decimal number, not {Describe(value)}.");
            case AttributeType.DateTime:
                return value is JsonValue d && d.TryGetValue<string>(out var date)
                    && DateTimeOffset.TryParse(date, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _)
                    ? value.DeepClone()
                    : throw session.Fail(ScimErrorType.InvalidValue, $"{name} is a dateTime, not {Describe(value)}.");
            default:
                return value.GetValueKind() == JsonValueKind.String
                    ? value.DeepClone()
                    : throw session.Fail(ScimErrorType.InvalidValue, $"{name} is a string, not {Describe(value)}.");
        }
    }

    private static string Describe(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => "a string (" + value.ToJsonString() + ")",
        JsonValueKind.Number => "a number (" + value.ToJsonString() + ")",
        JsonValueKind.True or JsonValueKind.False => "a boolean (" + value.ToJsonString() + ")",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
