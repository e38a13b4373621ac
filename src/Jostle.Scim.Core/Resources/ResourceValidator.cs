using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Resources;

/// <summary>Checks a create or replace body against a resource type's schemas and builds the normalised document.</summary>
internal sealed partial class ResourceValidator
{
    private readonly ResourceTypeDefinition _resourceType;
    private readonly ScimCompatibility _compatibility;

    public ResourceValidator(ResourceTypeDefinition resourceType, ScimCompatibility compatibility)
    {
        _resourceType = resourceType;
        _compatibility = compatibility;
    }

    public ResourceValidationResult Validate(JsonObject body, JsonObject? existing)
    {
        ArgumentNullException.ThrowIfNull(body);
        var run = new Run(this);
        var values = new Dictionary<SchemaDefinition, Dictionary<AttributeDefinition, JsonNode>>();
        var core = _resourceType.Schema;

        var sawSchemas = false;
        foreach (var (key, value) in body)
        {
            if (string.Equals(key, "schemas", StringComparison.OrdinalIgnoreCase))
            {
                run.ReadSchemas(value);
                sawSchemas = true;
                continue;
            }

            if (existing is null && value is null && string.Equals(key, "id", StringComparison.OrdinalIgnoreCase)
                && (_compatibility & ScimCompatibility.Scim11CoreSchema) != 0)
            {
                // OneLogin's template sends "id": null on create; there is nothing to ignore.
                run.Fire(ScimCompatibility.Scim11CoreSchema);
                continue;
            }

            if (OneLoginManager(key, value) is { } manager)
            {
                // OneLogin's template: core "manager": {"managerId": "…"} is the enterprise manager's value.
                run.Fire(ScimCompatibility.Scim11CoreSchema);
                run.Accept(values, manager.Schema, "manager", manager.Value, key);
                continue;
            }

            if (FindExtension(key) is { } extension)
            {
                if (value is null)
                {
                    continue;
                }

                if (value is not JsonObject extensionObject)
                {
                    throw Invalid($"Extension '{extension.Id}' must be a JSON object of its attributes.");
                }

                foreach (var (innerName, inner) in extensionObject)
                {
                    run.Accept(values, extension, innerName, inner, extension.Id + ":" + innerName);
                }

                continue;
            }

            if (key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) && FindQualified(key) is { } qualified)
            {
                // An attribute named with its schema URN at the top level, e.g. "urn:…:enterprise:2.0:User:department".
                run.Accept(values, qualified.Schema, qualified.Name, value, key);
                continue;
            }

            run.Accept(values, core, key, value, key);
        }

        run.CheckSchemas(sawSchemas);
        run.CheckIgnored();
        return new ResourceValidationResult(Build(values, existing), run.Ignored, run.Rules);
    }

    private JsonObject Build(Dictionary<SchemaDefinition, Dictionary<AttributeDefinition, JsonNode>> values, JsonObject? existing)
    {
        var document = new JsonObject();
        var schemas = new JsonArray(JsonValue.Create(_resourceType.Schema.Id));
        document["schemas"] = schemas;
        if (existing is not null && JsonHelpers.Get(existing, "id") is { } id)
        {
            document["id"] = id.DeepClone();
        }

        var coreValues = values.GetValueOrDefault(_resourceType.Schema);
        if (coreValues is not null && coreValues.TryGetValue(CommonAttributes.ExternalId, out var externalId))
        {
            document[CommonAttributes.ExternalId.Name] = externalId;
        }

        FillSchema(_resourceType.Schema, coreValues, document, existing, "");
        foreach (var extension in _resourceType.Extensions)
        {
            var schema = extension.Schema;
            var existingExtension = JsonHelpers.Get(existing, schema.Id) as JsonObject;
            var target = new JsonObject();
            FillSchema(schema, values.GetValueOrDefault(schema), target, existingExtension, schema.Id + ":");
            if (target.Count > 0)
            {
                document[schema.Id] = target;
                schemas.Add(JsonValue.Create(schema.Id));
            }
            else if (extension.Required)
            {
                throw Invalid($"The schema extension '{schema.Id}' is required for {_resourceType.Name} resources.");
            }
        }

        if (existing is not null && JsonHelpers.Get(existing, "meta") is { } meta)
        {
            document["meta"] = meta.DeepClone();
        }

        return document;
    }

    /// <summary>Copies a schema's attributes into <paramref name="target"/> in schema order, applying replace rules and required checks.</summary>
    private static void FillSchema(SchemaDefinition schema, Dictionary<AttributeDefinition, JsonNode>? values, JsonObject target, JsonObject? existing, string prefix)
    {
        var hasData = values is { Count: > 0 };
        foreach (var attribute in schema.Attributes)
        {
            JsonNode? value = null;
            values?.TryGetValue(attribute, out value);
            if (existing is not null)
            {
                var old = JsonHelpers.Get(existing, attribute.Name);
                if (attribute.Mutability == Mutability.ReadOnly)
                {
                    value = old?.DeepClone();
                }
                else if (attribute.Mutability == Mutability.Immutable && old is not null)
                {
                    if (value is null)
                    {
                        value = old.DeepClone();
                    }
                    else if (!JsonNode.DeepEquals(old, value))
                    {
                        throw new ScimException(ScimErrorType.Mutability, $"Attribute '{prefix}{attribute.Name}' is immutable; it cannot be changed once set.");
                    }
                }
                else if (attribute is { Type: AttributeType.Complex, MultiValued: false } && old is JsonObject oldComplex)
                {
                    value = KeepImmutableSubAttributes(attribute, oldComplex, value as JsonObject, prefix + attribute.Name);
                }
            }

            if (value is not null)
            {
                target[attribute.Name] = value;
            }
            else if (attribute.Required && attribute.Mutability != Mutability.ReadOnly && (hasData || prefix.Length == 0))
            {
                throw Invalid($"Attribute '{prefix}{attribute.Name}' is required.");
            }
        }
    }

    private static JsonObject? KeepImmutableSubAttributes(AttributeDefinition attribute, JsonObject old, JsonObject? value, string path)
    {
        JsonObject? result = value;
        foreach (var sub in attribute.SubAttributes)
        {
            var oldSub = JsonHelpers.Get(old, sub.Name);
            if (oldSub is null || sub.Mutability is not (Mutability.Immutable or Mutability.ReadOnly))
            {
                continue;
            }

            var newSub = JsonHelpers.Get(result, sub.Name);
            if (newSub is null)
            {
                result ??= [];
                result[sub.Name] = oldSub.DeepClone();
            }
            else if (sub.Mutability == Mutability.Immutable && !JsonNode.DeepEquals(oldSub, newSub))
            {
                throw new ScimException(ScimErrorType.Mutability, $"Attribute '{path}.{sub.Name}' is immutable; it cannot be changed once set.");
            }
        }

        return result is null ? null : Reorder(attribute, result);
    }

    private static JsonObject Reorder(AttributeDefinition attribute, JsonObject value)
    {
        var ordered = new JsonObject();
        foreach (var sub in attribute.SubAttributes)
        {
            if (JsonHelpers.Get(value, sub.Name) is { } node)
            {
                ordered[sub.Name] = node.DeepClone();
            }
        }

        return ordered;
    }

    /// <summary>
    /// Under <see cref="ScimCompatibility.Scim11CoreSchema"/>, OneLogin's top-level <c>"manager": {"managerId": "…"}</c> (which
    /// no core schema defines) as the enterprise extension's <c>manager</c>, <c>{"value": "…"}</c>; else <see langword="null"/>.
    /// </summary>
    private (SchemaDefinition Schema, JsonObject Value)? OneLoginManager(string key, JsonNode? value)
    {
        if ((_compatibility & ScimCompatibility.Scim11CoreSchema) == 0
            || !string.Equals(key, "manager", StringComparison.OrdinalIgnoreCase)
            || _resourceType.Schema.FindAttribute("manager") is not null
            || value is not JsonObject manager
            || JsonHelpers.Get(manager, "managerId") is not { } id
            || !JsonHelpers.IsString(id, out var managerId)
            || FindExtension(ScimSchemaUris.EnterpriseUser) is not { } enterprise)
        {
            return null;
        }

        return (enterprise, new JsonObject { ["value"] = managerId });
    }

    private SchemaDefinition? FindExtension(string key)
    {
        foreach (var extension in _resourceType.Extensions)
        {
            if (string.Equals(extension.Schema.Id, key, StringComparison.OrdinalIgnoreCase))
            {
                return extension.Schema;
            }
        }

        return null;
    }

    private (SchemaDefinition Schema, string Name)? FindQualified(string key)
    {
        if (Match(_resourceType.Schema) is { } core)
        {
            return core;
        }

        foreach (var extension in _resourceType.Extensions)
        {
            if (Match(extension.Schema) is { } found)
            {
                return found;
            }
        }

        return null;

        (SchemaDefinition, string)? Match(SchemaDefinition schema) =>
            key.Length > schema.Id.Length + 1
            && key.StartsWith(schema.Id, StringComparison.OrdinalIgnoreCase)
            && key[schema.Id.Length] == ':'
                ? (schema, key[(schema.Id.Length + 1)..])
                : null;
    }

    /// <summary>The SCIM 1.1 core schema URN that OneLogin's templates put in SCIM 2 requests.</summary>
    internal const string Scim11CoreUrn = "urn:scim:schemas:core:1.0";

    private static ScimException Invalid(string detail) => new(ScimErrorType.InvalidValue, detail);

    private static string Expected(AttributeDefinition attribute) => attribute.Type switch
    {
        AttributeType.String => "a string",
        AttributeType.Boolean => "a boolean",
        AttributeType.Integer => "an integer",
        AttributeType.Decimal => "a decimal number",
        AttributeType.DateTime => "a dateTime (ISO 8601, e.g. \"2024-01-31T12:00:00Z\")",
        AttributeType.Binary => "binary data (a base64 string)",
        AttributeType.Reference => "a reference (a URI string)",
        AttributeType.Complex => "a complex value (a JSON object)",
        _ => attribute.Type.ToString(),
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDateTime();

    internal static bool IsDateTime(string text) =>
        IsoDateTime().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _);

    private static bool IsBase64(string text)
    {
        if (text.Length == 0)
        {
            return true;
        }

        var buffer = text.Length <= 1024 ? stackalloc byte[text.Length] : new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    /// <summary>The state of one validation: what was ignored and which rules fired.</summary>
    private sealed class Run(ResourceValidator owner)
    {
        private readonly HashSet<(SchemaDefinition, AttributeDefinition)> _seen = [];

        public List<string> Ignored { get; } = [];

        private bool _hasCoreSchema;

        public ScimCompatibility Rules { get; private set; }

        public void Fire(ScimCompatibility rule) => Rules |= rule;

        /// <summary>
        /// RFC 7643 §3: <c>schemas</c> lists the core schema of the resource type and only schemas it knows. An unknown
        /// URN (or another type's schema, e.g. the Group schema sent to <c>/Users</c>) is a <c>400 invalidSyntax</c> naming it.
        /// </summary>
        public void ReadSchemas(JsonNode? value)
        {
            if (value is null)
            {
                return;
            }

            if (value is not JsonArray array)
            {
                throw new ScimException(ScimErrorType.InvalidSyntax, "'schemas' must be an array of schema URNs.");
            }

            var type = owner._resourceType;
            foreach (var item in array)
            {
                if (item is null || !JsonHelpers.IsString(item, out var urn))
                {
                    throw new ScimException(ScimErrorType.InvalidSyntax, "'schemas' must be an array of schema URNs.");
                }

                if (string.Equals(urn, type.Schema.Id, StringComparison.OrdinalIgnoreCase))
                {
                    _hasCoreSchema = true;
                }
                else if (string.Equals(urn, Scim11CoreUrn, StringComparison.OrdinalIgnoreCase) && (owner._compatibility & ScimCompatibility.Scim11CoreSchema) != 0)
                {
                    _hasCoreSchema = true;
                    Rules |= ScimCompatibility.Scim11CoreSchema;
                }
                else if (type.FindSchema(urn) is null)
                {
                    throw new ScimException(ScimErrorType.InvalidSyntax,
                        $"'schemas' names '{urn}', which is not a schema of {type.Name} resources; expected '{type.Schema.Id}'"
                        + (type.Extensions.Count == 0 ? "." : $" and optionally {string.Join(", ", type.Extensions.Select(e => "'" + e.Schema.Id + "'"))}."));
                }
            }
        }

        public void CheckSchemas(bool sawSchemas)
        {
            if (_hasCoreSchema)
            {
                return;
            }

            var type = owner._resourceType;
            if (!sawSchemas && (owner._compatibility & ScimCompatibility.OmittedSchemas) != 0)
            {
                Rules |= ScimCompatibility.OmittedSchemas;
                return;
            }

            throw new ScimException(ScimErrorType.InvalidSyntax, sawSchemas
                ? $"'schemas' must include '{type.Schema.Id}', the core schema of {type.Name} resources."
                : $"The body has no 'schemas'; a {type.Name} must carry \"schemas\": [\"{type.Schema.Id}\"] (RFC 7643 §3).");
        }

        /// <summary>Attributes no schema defines are dropped under <see cref="ScimCompatibility.IgnoreUnknownAttributes"/> (and the rule fires, so the log names them), else a <c>400</c>.</summary>
        public void CheckIgnored()
        {
            if (Ignored.Count == 0)
            {
                return;
            }

            if ((owner._compatibility & ScimCompatibility.IgnoreUnknownAttributes) == 0)
            {
                throw new ScimException(ScimErrorType.InvalidSyntax,
                    $"{owner._resourceType.Name} resources have no attribute {string.Join(", ", Ignored.Select(i => "'" + i + "'"))}; check the name against /Schemas.");
            }

            Rules |= ScimCompatibility.IgnoreUnknownAttributes;
        }

        public void Accept(Dictionary<SchemaDefinition, Dictionary<AttributeDefinition, JsonNode>> values, SchemaDefinition schema, string name, JsonNode? value, string reportedPath)
        {
            var isCore = ReferenceEquals(schema, owner._resourceType.Schema);
            var attribute = schema.FindAttribute(name) ?? (isCore ? CommonAttributes.Find(name) : null);
            if (attribute is null)
            {
                Ignored.Add(reportedPath);
                return;
            }

            var path = isCore ? attribute.Name : schema.Id + ":" + attribute.Name;
            if (!values.TryGetValue(schema, out var bucket))
            {
                bucket = [];
                values[schema] = bucket;
            }

            if (!_seen.Add((schema, attribute)))
            {
                throw new ScimException(ScimErrorType.InvalidSyntax, $"Attribute '{path}' appears more than once.");
            }

            if (attribute.Mutability == Mutability.ReadOnly)
            {
                return;
            }

            if (Normalise(attribute, value, path) is { } normalised)
            {
                bucket[attribute] = normalised;
            }
        }

        private JsonNode? Normalise(AttributeDefinition attribute, JsonNode? value, string path)
        {
            if (value is null)
            {
                return null;
            }

            if (!attribute.MultiValued)
            {
                return value is JsonArray
                    ? throw Invalid($"Attribute '{path}' is single-valued; expected {Expected(attribute)}, not an array.")
                    : NormaliseSingle(attribute, value, path);
            }

            if (value is not JsonArray array)
            {
                throw Invalid($"Attribute '{path}' is multi-valued; expected an array, each element {Expected(attribute)}.");
            }

            var result = new JsonArray();
            foreach (var item in array)
            {
                if (item is JsonArray)
                {
                    throw Invalid($"Attribute '{path}' holds a nested array; expected {Expected(attribute)} in each element.");
                }

                if (NormaliseSingle(attribute, item, path) is { } normalised)
                {
                    result.Add(normalised);
                }
            }

            return result.Count == 0 ? null : result;
        }

        private JsonNode? NormaliseSingle(AttributeDefinition attribute, JsonNode? value, string path)
        {
            if (value is null)
            {
                return null;
            }

            if (attribute.Type == AttributeType.Complex)
            {
                return NormaliseComplex(attribute, value, path);
            }

            var kind = value.GetValueKind();
            switch (attribute.Type)
            {
                case AttributeType.String or AttributeType.Reference when kind == JsonValueKind.String:
                case AttributeType.Boolean when kind is JsonValueKind.True or JsonValueKind.False:
                case AttributeType.Decimal when kind == JsonValueKind.Number:
                    return value.DeepClone();
                case AttributeType.Integer when JsonHelpers.IsInteger(value.AsValue()):
                    return value.DeepClone();
                case AttributeType.DateTime when JsonHelpers.IsString(value, out var text) && IsDateTime(text):
                    return value.DeepClone();
                case AttributeType.Binary when JsonHelpers.IsString(value, out var text) && IsBase64(text):
                    return value.DeepClone();
                case AttributeType.Boolean when JsonHelpers.IsString(value, out var text) && (owner._compatibility & ScimCompatibility.StringBooleans) != 0:
                    if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
                    {
                        Rules |= ScimCompatibility.StringBooleans;
                        return JsonValue.Create(true);
                    }

                    if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
                    {
                        Rules |= ScimCompatibility.StringBooleans;
                        return JsonValue.Create(false);
                    }

                    break;
            }

            throw Invalid($"Attribute '{path}' must be {Expected(attribute)}.");
        }

        private JsonObject? NormaliseComplex(AttributeDefinition attribute, JsonNode value, string path)
        {
            if (value is not JsonObject input)
            {
                throw Invalid($"Attribute '{path}' must be {Expected(attribute)}.");
            }

            var found = new Dictionary<AttributeDefinition, JsonNode?>();
            foreach (var (name, inner) in input)
            {
                var sub = attribute.FindSubAttribute(name);
                if (sub is null)
                {
                    Ignored.Add(path + "." + name);
                    continue;
                }

                if (!found.TryAdd(sub, null))
                {
                    throw new ScimException(ScimErrorType.InvalidSyntax, $"Attribute '{path}.{sub.Name}' appears more than once.");
                }

                if (sub.Mutability != Mutability.ReadOnly)
                {
                    found[sub] = Normalise(sub, inner, path + "." + sub.Name);
                }
            }

            var result = new JsonObject();
            foreach (var sub in attribute.SubAttributes)
            {
                if (found.GetValueOrDefault(sub) is { } normalised)
                {
                    result[sub.Name] = normalised;
                }
            }

            if (result.Count == 0)
            {
                return null;
            }

            foreach (var sub in attribute.SubAttributes)
            {
                if (sub.Required && sub.Mutability != Mutability.ReadOnly && !result.ContainsKey(sub.Name))
                {
                    throw Invalid($"Attribute '{path}.{sub.Name}' is required.");
                }
            }

            return result;
        }
    }
}
