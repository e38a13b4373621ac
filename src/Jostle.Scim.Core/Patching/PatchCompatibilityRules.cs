using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Compilation.Element;
using Jostle.Scim.Schema;
using static Jostle.Scim.Patching.PatchJson;

namespace Jostle.Scim.Patching;

/// <summary>
/// The named client normalisations a PATCH may need (mostly Microsoft Entra ID's request shapes), one method per rule
/// of <see cref="ScimCompatibility"/>: each checks that its rule is on and records in the session when it fires.
/// </summary>
internal static class PatchCompatibilityRules
{
    /// <summary>
    /// <see cref="ScimCompatibility.PathlessDottedKeys"/>: a key of a path-less value such as <c>"name.givenName"</c> or a
    /// URN-qualified attribute, read as a path.
    /// </summary>
    public static PatchPath DottedKeyPath(PatchSession session, string key)
    {
        if (!session.Allowed(ScimCompatibility.PathlessDottedKeys))
        {
            throw session.Fail(ScimErrorType.InvalidPath, $"\"{key}\" is not an attribute name: without a path the value holds attributes by name (the PathlessDottedKeys rule is off).");
        }

        if (!PatchPath.TryParse(key, out var keyPath, out var error))
        {
            throw session.Fail(ScimErrorType.InvalidPath, $"\"{key}\": {error.Message}");
        }

        session.Fire(ScimCompatibility.PathlessDottedKeys);
        return keyPath;
    }

    /// <summary><see cref="ScimCompatibility.ManagerAsString"/>: <c>"manager": "id"</c> read as <c>{"value": "id"}</c>; <see langword="null"/> when it does not apply.</summary>
    public static JsonObject? ManagerFromString(PatchSession session, AttributeDefinition attribute, JsonNode value)
    {
        if (value is JsonValue idValue && idValue.TryGetValue<string>(out var id) && IsManager(attribute) && session.Allowed(ScimCompatibility.ManagerAsString))
        {
            session.Fire(ScimCompatibility.ManagerAsString);
            return new JsonObject { ["value"] = id };
        }

        return null;
    }

    /// <summary><see cref="ScimCompatibility.StringBooleans"/>: <c>"True"</c> / <c>"False"</c> read as booleans; <see langword="null"/> when it does not apply.</summary>
    public static JsonValue? BooleanFromString(PatchSession session, JsonNode value)
    {
        if (value is JsonValue text && text.TryGetValue<string>(out var s) && session.Allowed(ScimCompatibility.StringBooleans)
            && (string.Equals(s, "true", StringComparison.OrdinalIgnoreCase) || string.Equals(s, "false", StringComparison.OrdinalIgnoreCase)))
        {
            session.Fire(ScimCompatibility.StringBooleans);
            return JsonValue.Create(string.Equals(s, "true", StringComparison.OrdinalIgnoreCase));
        }

        return null;
    }

    /// <summary>
    /// <see cref="ScimCompatibility.CreateMissingValuePathElement"/>: when an <c>add</c> or <c>replace</c> value path selects no
    /// element, the element its filter describes, to be created; <see langword="null"/> when the rule is off or the filter
    /// describes no single element. The caller fires the rule once the element is added.
    /// </summary>
    public static JsonObject? MissingElementTemplate(PatchSession session, ElementFilter filter) =>
        session.Allowed(ScimCompatibility.CreateMissingValuePathElement) ? filter.TemplateElement() : null;

    /// <summary>
    /// <see cref="ScimCompatibility.RemoveMembersByValue"/>: Entra ID's <c>{"op":"Remove","path":"members","value":[{"value":"id"}]}</c>:
    /// the values to remove.
    /// </summary>
    public static List<JsonObject> SelectionsToRemove(PatchSession session, AttributeDefinition attribute, JsonNode value)
    {
        if (!session.Allowed(ScimCompatibility.RemoveMembersByValue))
        {
            throw session.Fail(ScimErrorType.InvalidValue, $"remove takes no value; to remove some values of {attribute.Name} select them with a filter, e.g. {attribute.Name}[value eq \"…\"] (the RemoveMembersByValue rule is off).");
        }

        session.Fire(ScimCompatibility.RemoveMembersByValue);
        var selections = Detach((JsonArray)ValueCoercion.Coerce(session, attribute, value, attribute.Name)).Cast<JsonObject>().ToList();
        if (selections.Count == 0)
        {
            throw session.Fail(ScimErrorType.InvalidValue, $"the value lists no {attribute.Name} to remove.");
        }

        return selections;
    }

    private static bool IsManager(AttributeDefinition attribute) =>
        string.Equals(attribute.Name, "manager", StringComparison.OrdinalIgnoreCase) && !attribute.MultiValued && attribute.FindSubAttribute("value") is not null;
}
