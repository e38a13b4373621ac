namespace Jostle.Scim.Schema;

/// <summary>The structural rules of RFC 7643 that every schema definition must keep.</summary>
internal static class SchemaValidation
{
    /// <summary>The attribute names that RFC 7643 §3 and §3.1 reserve on every resource.</summary>
    public static IReadOnlyList<string> ReservedResourceAttributeNames { get; } = ["schemas", "id", "externalId", "meta"];

    public static void ValidateSchemaId(string id)
    {
        if (!Uri.TryCreate(id, UriKind.Absolute, out _) || id.Any(char.IsWhiteSpace) || id.EndsWith(':'))
        {
            throw new ArgumentException(
                $"Schema id '{id}' is not a valid schema URI: it must be an absolute URI such as 'urn:example:params:scim:schemas:extension:acme:2.0:User', without spaces or a trailing ':'.",
                nameof(id));
        }
    }

    public static void ValidateAttributes(string schemaId, IReadOnlyList<AttributeDefinition> attributes)
    {
        ValidateSiblings(schemaId, parent: null, attributes);
    }

    private static void ValidateSiblings(string schemaId, AttributeDefinition? parent, IReadOnlyList<AttributeDefinition> siblings)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < siblings.Count; i++)
        {
            var attribute = siblings[i];
            if (attribute is null)
            {
                var owner = parent is null ? "" : $" in the sub-attributes of '{parent.Name}'";
                throw Fail(schemaId, $"has a null attribute at position {i}{owner}.");
            }

            var path = parent is null ? attribute.Name : $"{parent.Name}.{attribute.Name}";
            if (!seen.Add(attribute.Name))
            {
                throw Fail(schemaId, $"defines attribute '{path}' twice (attribute names are case-insensitive).");
            }

            Validate(schemaId, parent, attribute, path);
        }
    }

    private static void Validate(string schemaId, AttributeDefinition? parent, AttributeDefinition attribute, string path)
    {
        if (attribute.Name == AttributeDefinition.RefName)
        {
            if (parent is null)
            {
                throw Fail(schemaId, $"defines '$ref' as a top-level attribute; '$ref' is only a sub-attribute of a complex attribute (RFC 7643 §2.4).");
            }

            if (attribute.Type != AttributeType.Reference)
            {
                throw Fail(schemaId, $"defines '{path}' with type '{ToRfc(attribute.Type)}'; '$ref' must have type 'reference'.");
            }
        }

        if (attribute.Type == AttributeType.Complex)
        {
            if (parent is not null)
            {
                throw Fail(schemaId, $"defines '{path}' as a complex sub-attribute of '{parent.Name}'; a complex attribute must not contain complex sub-attributes (RFC 7643 §2.3.8).");
            }

            if (attribute.SubAttributes.Count == 0)
            {
                throw Fail(schemaId, $"defines complex attribute '{path}' without sub-attributes; a complex attribute needs at least one.");
            }

            ValidateSiblings(schemaId, attribute, attribute.SubAttributes);
        }
        else if (attribute.SubAttributes.Count > 0)
        {
            throw Fail(schemaId, $"gives sub-attributes to '{path}', which has type '{ToRfc(attribute.Type)}'; only complex attributes have sub-attributes.");
        }

        if (attribute.ReferenceTypes.Count > 0 && attribute.Type != AttributeType.Reference)
        {
            throw Fail(schemaId, $"gives referenceTypes to '{path}', which has type '{ToRfc(attribute.Type)}'; referenceTypes apply only to reference attributes.");
        }

        if (attribute.ReferenceTypes.Any(string.IsNullOrWhiteSpace))
        {
            throw Fail(schemaId, $"gives '{path}' an empty reference type.");
        }

        if (attribute.CanonicalValues.Any(v => v is null))
        {
            throw Fail(schemaId, $"gives '{path}' a null canonical value.");
        }
    }

    private static ArgumentException Fail(string schemaId, string problem) =>
        new($"Schema '{schemaId}' {problem}", "attributes");

    /// <summary>The RFC 7643 spelling of a type (<c>dateTime</c>, <c>reference</c>, …).</summary>
    public static string ToRfc(AttributeType type) => type switch
    {
        AttributeType.String => "string",
        AttributeType.Boolean => "boolean",
        AttributeType.Decimal => "decimal",
        AttributeType.Integer => "integer",
        AttributeType.DateTime => "dateTime",
        AttributeType.Binary => "binary",
        AttributeType.Reference => "reference",
        AttributeType.Complex => "complex",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
