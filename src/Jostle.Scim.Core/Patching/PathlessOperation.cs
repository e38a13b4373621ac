using System.Text.Json.Nodes;

namespace Jostle.Scim.Patching;

/// <summary>
/// An operation without a path (RFC 7644 §3.5.2.1, §3.5.2.3): its value is an object of attributes by name, extension
/// objects by schema URN and, under <see cref="ScimCompatibility.PathlessDottedKeys"/>, Entra's dotted and URN-qualified
/// keys. Each attribute is applied as if it had been the path.
/// </summary>
internal static class PathlessOperation
{
    public static void Apply(PatchSession session, PatchOperationType op, JsonNode? value)
    {
        if (value is not JsonObject attributes)
        {
            throw session.Fail(ScimErrorType.InvalidValue, "without a path, the value must be a JSON object of attributes.");
        }

        var resourceType = session.ResourceType;
        foreach (var (key, item) in attributes)
        {
            if (string.Equals(key, "schemas", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var extension = resourceType.Extensions.FirstOrDefault(e => string.Equals(e.Schema.Id, key, StringComparison.OrdinalIgnoreCase));
            if (extension is not null)
            {
                if (item is not JsonObject inner)
                {
                    throw session.Fail(ScimErrorType.InvalidValue, $"{key} must be a JSON object of the extension's attributes.");
                }

                foreach (var (innerKey, innerValue) in inner)
                {
                    var attribute = extension.Schema.FindAttribute(innerKey) ?? throw session.Fail(ScimErrorType.InvalidPath, $"{extension.Schema.Id} has no attribute {innerKey}.");
                    session.ApplyNamed(op, new PatchTarget(extension.Schema, attribute, null, null, null), innerValue);
                }

                continue;
            }

            if (key.Contains('.') || key.Contains(':'))
            {
                session.ApplyNamed(op, PatchTargets.Resolve(session, PatchCompatibilityRules.DottedKeyPath(session, key)), item);
                continue;
            }

            if (!resourceType.TryResolve(null, key, out var schema, out var found))
            {
                throw session.Fail(ScimErrorType.InvalidPath, $"{resourceType.Name} has no attribute {key}.");
            }

            session.ApplyNamed(op, new PatchTarget(schema, found, null, null, null), item);
        }
    }
}
