using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Resources;

/// <summary>
/// A precomputed projection plan for one resource type and one pair of <c>attributes</c> /
/// <c>excludedAttributes</c> parameters (RFC 7644 §3.4.2.5, §3.9), applying the <c>returned</c> characteristic
/// (RFC 7643 §2.4): <c>always</c> is always written, <c>never</c> never, <c>request</c> only when named in
/// <c>attributes</c>, <c>default</c> unless excluded or unless <c>attributes</c> names others. <c>schemas</c> is always
/// written. Obtain one from <see cref="ScimResourceEngine.GetProjection"/>; it is immutable and thread-safe.
/// </summary>
public sealed class ResourceProjection
{
    private readonly Dictionary<string, AttributePlan> _core;
    private readonly Dictionary<string, Dictionary<string, AttributePlan>> _extensions;

    private ResourceProjection(Dictionary<string, AttributePlan> core, Dictionary<string, Dictionary<string, AttributePlan>> extensions)
    {
        _core = core;
        _extensions = extensions;
    }

    /// <summary>Writes the projected resource as a JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="resource">A stored (normalised) resource document.</param>
    public void WriteTo(Utf8JsonWriter writer, JsonObject resource)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(resource);
        writer.WriteStartObject();
        foreach (var (key, value) in resource)
        {
            if (value is null)
            {
                continue;
            }

            if (string.Equals(key, "schemas", StringComparison.OrdinalIgnoreCase))
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }
            else if (_core.TryGetValue(key, out var plan))
            {
                WriteAttribute(writer, key, value, plan);
            }
            else if (_extensions.TryGetValue(key, out var extensionPlan) && value is JsonObject extension && HasAny(extension, extensionPlan))
            {
                writer.WritePropertyName(key);
                writer.WriteStartObject();
                foreach (var (name, inner) in extension)
                {
                    if (inner is not null && extensionPlan.TryGetValue(name, out var innerPlan))
                    {
                        WriteAttribute(writer, name, inner, innerPlan);
                    }
                }

                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes the projected resource straight from a stored document's <see cref="JsonElement"/>: the same bytes as
    /// <see cref="WriteTo(Utf8JsonWriter, JsonObject)"/> of <c>JsonObject.Create(resource)</c>, without building the node tree.
    /// </summary>
    internal void WriteTo(Utf8JsonWriter writer, JsonElement resource)
    {
        writer.WriteStartObject();
        foreach (var property in resource.EnumerateObject())
        {
            var key = property.Name;
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (string.Equals(key, "schemas", StringComparison.OrdinalIgnoreCase))
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }
            else if (_core.TryGetValue(key, out var plan))
            {
                WriteAttribute(writer, key, value, plan);
            }
            else if (_extensions.TryGetValue(key, out var extensionPlan) && value.ValueKind == JsonValueKind.Object && HasAny(value, extensionPlan))
            {
                writer.WritePropertyName(key);
                writer.WriteStartObject();
                foreach (var inner in value.EnumerateObject())
                {
                    if (inner.Value.ValueKind != JsonValueKind.Null && extensionPlan.TryGetValue(inner.Name, out var innerPlan))
                    {
                        WriteAttribute(writer, inner.Name, inner.Value, innerPlan);
                    }
                }

                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }

    private static bool HasAny(JsonElement obj, Dictionary<string, AttributePlan> plans)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Null && plans.TryGetValue(property.Name, out var plan)
                && (plan.SubAttributes is null || HasAnySub(property.Value, plan.SubAttributes)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasAnySub(JsonElement value, HashSet<string> subs)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Null && HasAnySub(item, subs))
                {
                    return true;
                }
            }

            return false;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Null && subs.Contains(property.Name))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void WriteAttribute(Utf8JsonWriter writer, string name, JsonElement value, AttributePlan plan)
    {
        if (plan.SubAttributes is null)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
            return;
        }

        var subs = plan.SubAttributes;
        if (!HasAnySub(value, subs))
        {
            return;
        }

        writer.WritePropertyName(name);
        if (value.ValueKind == JsonValueKind.Array)
        {
            writer.WriteStartArray();
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && HasAnySub(item, subs))
                {
                    WriteFiltered(writer, item, subs);
                }
            }

            writer.WriteEndArray();
        }
        else
        {
            WriteFiltered(writer, value, subs);
        }
    }

    private static void WriteFiltered(Utf8JsonWriter writer, JsonElement value, HashSet<string> subs)
    {
        writer.WriteStartObject();
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Null && subs.Contains(property.Name))
            {
                writer.WritePropertyName(property.Name);
                property.Value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Returns the projected resource as a new JSON object.</summary>
    /// <param name="resource">A stored (normalised) resource document.</param>
    /// <returns>The projection; <paramref name="resource"/> is not changed.</returns>
    public JsonObject Apply(JsonObject resource) => JsonNode.Parse(ToUtf8(resource))!.AsObject();

    /// <summary>Returns the projected resource as compact JSON text.</summary>
    /// <param name="resource">A stored (normalised) resource document.</param>
    /// <returns>The JSON text.</returns>
    public string ToJsonString(JsonObject resource) => Encoding.UTF8.GetString(ToUtf8(resource));

    private ReadOnlySpan<byte> ToUtf8(JsonObject resource)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer, resource);
        }

        return buffer.WrittenSpan;
    }

    private static bool HasAny(JsonObject obj, Dictionary<string, AttributePlan> plans)
    {
        foreach (var (name, value) in obj)
        {
            if (value is not null && plans.TryGetValue(name, out var plan) && (plan.SubAttributes is null || HasAnySub(value, plan.SubAttributes)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasAnySub(JsonNode value, HashSet<string> subs)
    {
        if (value is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is not null && HasAnySub(item, subs))
                {
                    return true;
                }
            }

            return false;
        }

        if (value is JsonObject obj)
        {
            foreach (var (name, inner) in obj)
            {
                if (inner is not null && subs.Contains(name))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void WriteAttribute(Utf8JsonWriter writer, string name, JsonNode value, AttributePlan plan)
    {
        if (plan.SubAttributes is null)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
            return;
        }

        var subs = plan.SubAttributes;
        if (!HasAnySub(value, subs))
        {
            return;
        }

        writer.WritePropertyName(name);
        if (value is JsonArray array)
        {
            writer.WriteStartArray();
            foreach (var item in array)
            {
                if (item is JsonObject element && HasAnySub(element, subs))
                {
                    WriteFiltered(writer, element, subs);
                }
            }

            writer.WriteEndArray();
        }
        else
        {
            WriteFiltered(writer, (JsonObject)value, subs);
        }
    }

    private static void WriteFiltered(Utf8JsonWriter writer, JsonObject value, HashSet<string> subs)
    {
        writer.WriteStartObject();
        foreach (var (name, inner) in value)
        {
            if (inner is not null && subs.Contains(name))
            {
                writer.WritePropertyName(name);
                inner.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Builds the plan for a resource type and the raw parameter values.</summary>
    internal static ResourceProjection Create(ResourceTypeDefinition resourceType, string? attributes, string? excludedAttributes)
    {
        var requested = Selection.Parse(resourceType, attributes, "attributes");
        var excluded = Selection.Parse(resourceType, excludedAttributes, "excludedAttributes");
        var core = new Dictionary<string, AttributePlan>(StringComparer.OrdinalIgnoreCase);
        foreach (var attribute in CommonAttributes.All.Concat(resourceType.Schema.Attributes))
        {
            if (Plan(resourceType.Schema, attribute, requested, excluded) is { } plan)
            {
                core[attribute.Name] = plan;
            }
        }

        var extensions = new Dictionary<string, Dictionary<string, AttributePlan>>(StringComparer.OrdinalIgnoreCase);
        foreach (var extension in resourceType.Extensions)
        {
            var plans = new Dictionary<string, AttributePlan>(StringComparer.OrdinalIgnoreCase);
            foreach (var attribute in extension.Schema.Attributes)
            {
                if (Plan(extension.Schema, attribute, requested, excluded) is { } plan)
                {
                    plans[attribute.Name] = plan;
                }
            }

            if (plans.Count > 0)
            {
                extensions[extension.Schema.Id] = plans;
            }
        }

        return new ResourceProjection(core, extensions);
    }

    private static AttributePlan? Plan(SchemaDefinition schema, AttributeDefinition attribute, Selection requested, Selection excluded)
    {
        if (attribute.Returned == Returned.Never)
        {
            return null;
        }

        var always = attribute.Returned == Returned.Always;
        var wholeNamed = requested.NamesWhole(schema, attribute);
        var namedSubs = requested.NamedSubAttributes(schema, attribute);
        var selected = requested.IsEmpty
            ? attribute.Returned == Returned.Default
            : wholeNamed || namedSubs is not null;
        var wholeExcluded = excluded.NamesWhole(schema, attribute);
        var included = always || (selected && !wholeExcluded);

        if (attribute.Type != AttributeType.Complex || attribute.SubAttributes.Count == 0)
        {
            return included ? AttributePlan.Whole : null;
        }

        var excludedSubs = excluded.NamedSubAttributes(schema, attribute);
        var subs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var sub in attribute.SubAttributes)
        {
            bool take;
            if (sub.Returned == Returned.Never)
            {
                take = false;
            }
            else if (sub.Returned == Returned.Always)
            {
                take = true;
            }
            else if (!included)
            {
                take = false;
            }
            else if (!requested.IsEmpty && !wholeNamed && !always)
            {
                take = namedSubs?.Contains(sub.Name) == true;
            }
            else
            {
                take = sub.Returned == Returned.Default || namedSubs?.Contains(sub.Name) == true;
            }

            if (take && sub.Returned != Returned.Always && excludedSubs?.Contains(sub.Name) == true)
            {
                take = false;
            }

            if (take)
            {
                subs.Add(sub.Name);
            }
        }

        if (subs.Count == 0)
        {
            return null;
        }

        return subs.Count == attribute.SubAttributes.Count ? AttributePlan.Whole : new AttributePlan(subs);
    }

    /// <summary>What to write of one attribute: all of it (<see cref="SubAttributes"/> null) or the named sub-attributes.</summary>
    private sealed record AttributePlan(HashSet<string>? SubAttributes)
    {
        public static AttributePlan Whole { get; } = new((HashSet<string>?)null);
    }

    /// <summary>The attributes named by one parameter, resolved against the resource type; unknown names are dropped.</summary>
    private sealed class Selection
    {
        private readonly HashSet<SchemaDefinition> _wholeSchemas = [];
        private readonly HashSet<(SchemaDefinition, AttributeDefinition)> _whole = [];
        private readonly Dictionary<(SchemaDefinition, AttributeDefinition), HashSet<string>> _subs = [];

        public bool IsEmpty { get; private set; } = true;

        public bool NamesWhole(SchemaDefinition schema, AttributeDefinition attribute) =>
            _wholeSchemas.Contains(schema) || _whole.Contains((schema, attribute));

        public HashSet<string>? NamedSubAttributes(SchemaDefinition schema, AttributeDefinition attribute) =>
            _subs.GetValueOrDefault((schema, attribute));

        public static Selection Parse(ResourceTypeDefinition resourceType, string? text, string parameter)
        {
            var selection = new Selection();
            if (string.IsNullOrWhiteSpace(text))
            {
                return selection;
            }

            foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                selection.IsEmpty = false;
                if (resourceType.FindSchema(raw) is { } wholeSchema)
                {
                    selection._wholeSchemas.Add(wholeSchema);
                    continue;
                }

                if (!AttributePath.TryParse(raw, out var path, out var error))
                {
                    throw new ScimException(ScimErrorType.InvalidPath, $"'{raw}' in {parameter} is not a valid attribute path: {error.Message}");
                }

                if (!resourceType.TryResolve(path.SchemaUri, path.Name, out var schema, out var attribute))
                {
                    continue;
                }

                if (path.SubAttribute is null)
                {
                    selection._whole.Add((schema, attribute));
                    continue;
                }

                if (attribute.FindSubAttribute(path.SubAttribute) is not { } sub)
                {
                    continue;
                }

                if (!selection._subs.TryGetValue((schema, attribute), out var subs))
                {
                    subs = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    selection._subs[(schema, attribute)] = subs;
                }

                subs.Add(sub.Name);
            }

            return selection;
        }
    }
}
