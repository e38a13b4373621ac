using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Resources;

/// <summary>
/// Orders stored resource documents by a <c>sortBy</c> attribute (RFC 7644 §3.4.2.3), schema-aware: strings ordinal or
/// ignoring case as <c>caseExact</c> says, numbers numerically, <c>dateTime</c> chronologically, booleans
/// <c>false</c> before <c>true</c>. A multi-valued attribute sorts by its primary value, else its first. A resource
/// without a value sorts last when ascending and first when descending. Equal keys are ordered by <c>id</c> (ordinal,
/// ascending) so that paging is stable. Obtain one from <see cref="ScimResourceEngine.CreateComparer"/>. It orders
/// mutable documents (<see cref="JsonObject"/>) and stored, immutable ones (<see cref="JsonElement"/>) alike.
/// </summary>
public sealed class ResourceComparer : IComparer<JsonObject>, IComparer<JsonElement>
{
    private readonly string? _extensionUri;
    private readonly AttributeDefinition _attribute;
    private readonly AttributeDefinition? _subAttribute;
    private readonly AttributeDefinition _keyAttribute;

    private ResourceComparer(string? extensionUri, AttributeDefinition attribute, AttributeDefinition? subAttribute, bool descending)
    {
        _extensionUri = extensionUri;
        _attribute = attribute;
        _subAttribute = subAttribute;
        _keyAttribute = subAttribute ?? attribute;
        Descending = descending;
    }

    /// <summary>Whether the order is descending.</summary>
    public bool Descending { get; }

    /// <summary>The attribute the resources are sorted by, in canonical form.</summary>
    public string SortBy => (_extensionUri is null ? "" : _extensionUri + ":") + _attribute.Name + (_subAttribute is null ? "" : "." + _subAttribute.Name);

    /// <inheritdoc />
    public int Compare(JsonObject? x, JsonObject? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? 1 : -1;
        }

        var hasX = TryKey(KeyOf(x), out var kx);
        var hasY = TryKey(KeyOf(y), out var ky);
        return Order(hasX, kx, hasY, ky, IdOf(x), IdOf(y));
    }

    /// <summary>Compares two stored resource documents (JSON objects) the same way as two <see cref="JsonObject"/> documents.</summary>
    /// <param name="x">The first document.</param>
    /// <param name="y">The second document.</param>
    /// <returns>Negative, zero or positive as <paramref name="x"/> sorts before, with or after <paramref name="y"/>.</returns>
    public int Compare(JsonElement x, JsonElement y)
    {
        var hasX = TryKey(KeyOf(x), out var kx);
        var hasY = TryKey(KeyOf(y), out var ky);
        return Order(hasX, kx, hasY, ky, IdOf(x), IdOf(y));
    }

    private int Order(bool hasX, object kx, bool hasY, object ky, string? idX, string? idY)
    {
        var order = CompareKeys(hasX, kx, hasY, ky);
        if (Descending)
        {
            order = -order;
        }

        return order != 0 ? order : string.CompareOrdinal(idX, idY);
    }

    internal static ResourceComparer Create(ResourceTypeDefinition resourceType, string sortBy, string? sortOrder)
    {
        ArgumentNullException.ThrowIfNull(sortBy);
        bool descending;
        if (string.IsNullOrEmpty(sortOrder) || string.Equals(sortOrder, "ascending", StringComparison.OrdinalIgnoreCase))
        {
            descending = false;
        }
        else if (string.Equals(sortOrder, "descending", StringComparison.OrdinalIgnoreCase))
        {
            descending = true;
        }
        else
        {
            throw new ScimException(ScimErrorType.InvalidValue, $"sortOrder must be 'ascending' or 'descending', not '{sortOrder}'.");
        }

        if (!AttributePath.TryParse(sortBy.Trim(), out var path, out var error))
        {
            throw new ScimException(ScimErrorType.InvalidPath, $"sortBy '{sortBy}' is not a valid attribute path: {error.Message}");
        }

        if (!resourceType.TryResolve(path.SchemaUri, path.Name, out var schema, out var attribute))
        {
            throw new ScimException(ScimErrorType.InvalidValue, $"sortBy names '{path}', which is not an attribute of {resourceType.Name} resources.");
        }

        AttributeDefinition? sub = null;
        if (path.SubAttribute is not null)
        {
            sub = attribute.FindSubAttribute(path.SubAttribute)
                ?? throw new ScimException(ScimErrorType.InvalidValue, $"sortBy names '{path}', which is not an attribute of {resourceType.Name} resources.");
        }
        else if (attribute.Type == AttributeType.Complex)
        {
            // A multi-valued complex attribute sorts by the "value" of its primary (or first) element (RFC 7644 §3.4.2.3).
            sub = attribute.MultiValued ? attribute.FindSubAttribute("value") : null;
            if (sub is null)
            {
                throw new ScimException(ScimErrorType.InvalidValue, $"sortBy '{path}' is a complex attribute; name one of its sub-attributes, e.g. '{path}.{attribute.SubAttributes.FirstOrDefault()?.Name ?? "value"}'.");
            }
        }

        if (sub?.Type == AttributeType.Complex || sub?.Type == AttributeType.Binary || attribute.Type == AttributeType.Binary)
        {
            throw new ScimException(ScimErrorType.InvalidValue, $"sortBy '{path}' cannot be sorted on: its values have no order.");
        }

        var extensionUri = ReferenceEquals(schema, resourceType.Schema) ? null : schema.Id;
        return new ResourceComparer(extensionUri, attribute, sub, descending);
    }

    private static string? IdOf(JsonObject resource) =>
        JsonHelpers.Get(resource, "id") is { } id && JsonHelpers.IsString(id, out var text) ? text : null;

    private int CompareKeys(bool hasX, object kx, bool hasY, object ky)
    {
        if (!hasX || !hasY)
        {
            // Missing values sort last when ascending; the caller's reversal puts them first when descending.
            return hasX == hasY ? 0 : hasX ? -1 : 1;
        }

        return (kx, ky) switch
        {
            (string a, string b) => _keyAttribute.CaseExact ? string.CompareOrdinal(a, b) : StringComparer.OrdinalIgnoreCase.Compare(a, b),
            (decimal a, decimal b) => a.CompareTo(b),
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (bool a, bool b) => a.CompareTo(b),
            _ => 0,
        };
    }

    private bool TryKey(JsonNode? node, out object key)
    {
        key = "";
        if (node is not JsonValue value)
        {
            return false;
        }

        switch (_keyAttribute.Type)
        {
            case AttributeType.Boolean when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                key = value.GetValueKind() == JsonValueKind.True;
                return true;
            case AttributeType.Integer or AttributeType.Decimal when JsonHelpers.TryGetDecimal(value, out var number):
                key = number;
                return true;
            case AttributeType.DateTime when JsonHelpers.IsString(value, out var text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant):
                key = instant;
                return true;
            case AttributeType.String or AttributeType.Reference when JsonHelpers.IsString(value, out var text):
                key = text;
                return true;
            default:
                return false;
        }
    }

    private JsonNode? KeyOf(JsonObject resource)
    {
        var container = _extensionUri is null ? resource : JsonHelpers.Get(resource, _extensionUri) as JsonObject;
        var value = JsonHelpers.Get(container, _attribute.Name);
        if (value is JsonArray array)
        {
            value = PrimaryOrFirst(array);
        }

        if (_subAttribute is not null)
        {
            value = JsonHelpers.Get(value as JsonObject, _subAttribute.Name);
        }

        return value;
    }

    private static string? IdOf(JsonElement resource) =>
        Property(resource, "id") is { ValueKind: JsonValueKind.String } id ? id.GetString() : null;

    private bool TryKey(JsonElement? element, out object key)
    {
        key = "";
        if (element is not { } value)
        {
            return false;
        }

        switch (_keyAttribute.Type)
        {
            case AttributeType.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                key = value.ValueKind == JsonValueKind.True;
                return true;
            case AttributeType.Integer or AttributeType.Decimal when value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number):
                key = number;
                return true;
            case AttributeType.DateTime when value.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant):
                key = instant;
                return true;
            case AttributeType.String or AttributeType.Reference when value.ValueKind == JsonValueKind.String:
                key = value.GetString()!;
                return true;
            default:
                return false;
        }
    }

    private JsonElement? KeyOf(JsonElement resource)
    {
        var container = _extensionUri is null ? resource : Property(resource, _extensionUri);
        var value = Property(container, _attribute.Name);
        if (value is { ValueKind: JsonValueKind.Array } array)
        {
            value = PrimaryOrFirst(array);
        }

        return _subAttribute is null ? value : Property(value, _subAttribute.Name);
    }

    /// <summary>A property of a JSON object, matched case-insensitively as SCIM attribute names are.</summary>
    private static JsonElement? Property(JsonElement? element, string name)
    {
        if (element is not { ValueKind: JsonValueKind.Object } obj)
        {
            return null;
        }

        if (obj.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static JsonElement? PrimaryOrFirst(JsonElement array)
    {
        JsonElement? first = null;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            first ??= item;
            if (Property(item, "primary") is { ValueKind: JsonValueKind.True })
            {
                return item;
            }
        }

        return first;
    }

    private static JsonNode? PrimaryOrFirst(JsonArray array)
    {
        JsonNode? first = null;
        foreach (var item in array)
        {
            if (item is null)
            {
                continue;
            }

            first ??= item;
            if (item is JsonObject element && JsonHelpers.Get(element, "primary") is JsonValue primary && primary.GetValueKind() == JsonValueKind.True)
            {
                return item;
            }
        }

        return first;
    }
}
