using System.Text.Json.Nodes;

namespace Jostle.Scim.Schema;

/// <summary>
/// Renders schema definitions and resource types as the discovery documents of RFC 7643: the resources served by
/// <c>/Schemas</c> (§7) and <c>/ResourceTypes</c> (§6), with characteristics spelled as the RFC spells them
/// (<c>readWrite</c>, <c>always</c>, <c>server</c>, <c>dateTime</c>, …).
/// </summary>
/// <remarks>
/// Following the representation of RFC 7643 §8.7.1, <c>caseExact</c> is written only for the types where case can
/// matter (<c>string</c>, <c>reference</c>, <c>binary</c>), <c>uniqueness</c> is left out for <c>boolean</c> and
/// <c>complex</c> attributes unless it differs from the default <c>none</c>, <c>canonicalValues</c> only when there are some, <c>referenceTypes</c> only for <c>reference</c> attributes and
/// <c>subAttributes</c> only for <c>complex</c> attributes. Each call builds a new, independent tree.
/// </remarks>
public static class SchemaDocuments
{
    /// <summary>Builds the <c>/Schemas</c> resource of a schema (RFC 7643 §7).</summary>
    /// <param name="schema">The schema.</param>
    /// <param name="location">The URI of the document, e.g. <c>https://example.com/scim/v2/Schemas/urn:…:User</c>;
    /// when <see langword="null"/>, <c>meta.location</c> is left out.</param>
    /// <returns>A JSON object with <c>schemas</c>, <c>id</c>, <c>name</c>, <c>description</c>, <c>attributes</c> and <c>meta</c>.</returns>
    public static JsonObject ToSchemaDocument(SchemaDefinition schema, string? location = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var attributes = new JsonArray();
        foreach (var attribute in schema.Attributes)
        {
            attributes.Add(ToAttributeDocument(attribute));
        }

        return new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Schema),
            ["id"] = schema.Id,
            ["name"] = schema.Name,
            ["description"] = schema.Description,
            ["attributes"] = attributes,
            ["meta"] = Meta("Schema", location),
        };
    }

    /// <summary>Builds the <c>/ResourceTypes</c> resource of a resource type (RFC 7643 §6).</summary>
    /// <param name="resourceType">The resource type.</param>
    /// <param name="location">The URI of the document, e.g. <c>https://example.com/scim/v2/ResourceTypes/User</c>;
    /// when <see langword="null"/>, <c>meta.location</c> is left out.</param>
    /// <returns>A JSON object with <c>schemas</c>, <c>id</c>, <c>name</c>, <c>endpoint</c>, <c>description</c>,
    /// <c>schema</c>, <c>schemaExtensions</c> (when there are any) and <c>meta</c>.</returns>
    public static JsonObject ToResourceTypeDocument(ResourceTypeDefinition resourceType, string? location = null)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        var document = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.ResourceType),
            ["id"] = resourceType.Name,
            ["name"] = resourceType.Name,
            ["endpoint"] = resourceType.Endpoint,
            ["description"] = resourceType.Description,
            ["schema"] = resourceType.Schema.Id,
        };

        if (resourceType.Extensions.Count > 0)
        {
            var extensions = new JsonArray();
            foreach (var extension in resourceType.Extensions)
            {
                extensions.Add(new JsonObject
                {
                    ["schema"] = extension.Schema.Id,
                    ["required"] = extension.Required,
                });
            }

            document["schemaExtensions"] = extensions;
        }

        document["meta"] = Meta("ResourceType", location);
        return document;
    }

    /// <summary>Builds the definition of one attribute as it appears in a schema's <c>attributes</c> (RFC 7643 §7).</summary>
    /// <param name="attribute">The attribute.</param>
    /// <returns>A JSON object with the attribute's name and characteristics, and its sub-attributes when complex.</returns>
    public static JsonObject ToAttributeDocument(AttributeDefinition attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var document = new JsonObject
        {
            ["name"] = attribute.Name,
            ["type"] = ToRfc(attribute.Type),
        };

        if (attribute.Type == AttributeType.Reference)
        {
            document["referenceTypes"] = Strings(attribute.ReferenceTypes);
        }

        document["multiValued"] = attribute.MultiValued;
        document["description"] = attribute.Description;
        document["required"] = attribute.Required;
        if (attribute.Type is AttributeType.String or AttributeType.Reference or AttributeType.Binary)
        {
            document["caseExact"] = attribute.CaseExact;
        }

        if (attribute.CanonicalValues.Count > 0)
        {
            document["canonicalValues"] = Strings(attribute.CanonicalValues);
        }

        document["mutability"] = ToRfc(attribute.Mutability);
        document["returned"] = ToRfc(attribute.Returned);
        if (attribute.Type is not (AttributeType.Boolean or AttributeType.Complex) || attribute.Uniqueness != Uniqueness.None)
        {
            document["uniqueness"] = ToRfc(attribute.Uniqueness);
        }

        if (attribute.Type == AttributeType.Complex)
        {
            var subAttributes = new JsonArray();
            foreach (var sub in attribute.SubAttributes)
            {
                subAttributes.Add(ToAttributeDocument(sub));
            }

            document["subAttributes"] = subAttributes;
        }

        return document;
    }

    /// <summary>The RFC 7643 spelling of a data type, e.g. <c>dateTime</c>.</summary>
    /// <param name="type">The data type.</param>
    /// <returns>The keyword used in the <c>type</c> characteristic.</returns>
    public static string ToRfc(AttributeType type) => SchemaValidation.ToRfc(type);

    /// <summary>The RFC 7643 spelling of a mutability, e.g. <c>readWrite</c>.</summary>
    /// <param name="mutability">The mutability.</param>
    /// <returns>The keyword used in the <c>mutability</c> characteristic.</returns>
    public static string ToRfc(Mutability mutability) => mutability switch
    {
        Mutability.ReadWrite => "readWrite",
        Mutability.ReadOnly => "readOnly",
        Mutability.Immutable => "immutable",
        Mutability.WriteOnly => "writeOnly",
        _ => throw new ArgumentOutOfRangeException(nameof(mutability), mutability, null),
    };

    /// <summary>The RFC 7643 spelling of a returned characteristic, e.g. <c>always</c>.</summary>
    /// <param name="returned">The returned characteristic.</param>
    /// <returns>The keyword used in the <c>returned</c> characteristic.</returns>
    public static string ToRfc(Returned returned) => returned switch
    {
        Returned.Default => "default",
        Returned.Always => "always",
        Returned.Never => "never",
        Returned.Request => "request",
        _ => throw new ArgumentOutOfRangeException(nameof(returned), returned, null),
    };

    /// <summary>The RFC 7643 spelling of a uniqueness, e.g. <c>server</c>.</summary>
    /// <param name="uniqueness">The uniqueness.</param>
    /// <returns>The keyword used in the <c>uniqueness</c> characteristic.</returns>
    public static string ToRfc(Uniqueness uniqueness) => uniqueness switch
    {
        Uniqueness.None => "none",
        Uniqueness.Server => "server",
        Uniqueness.Global => "global",
        _ => throw new ArgumentOutOfRangeException(nameof(uniqueness), uniqueness, null),
    };

    private static JsonObject Meta(string resourceType, string? location)
    {
        var meta = new JsonObject { ["resourceType"] = resourceType };
        if (location is not null)
        {
            meta["location"] = location;
        }

        return meta;
    }

    private static JsonArray Strings(IReadOnlyList<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }
}
