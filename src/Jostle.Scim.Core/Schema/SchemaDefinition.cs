namespace Jostle.Scim.Schema;

/// <summary>A SCIM schema: an id (a URN), a name and its attributes (RFC 7643 §7).</summary>
/// <remarks>
/// The constructor checks the definition and throws an <see cref="ArgumentException"/> that names the schema and
/// the attribute path when it breaks a rule of RFC 7643: attribute names are unique (case-insensitively) among
/// their siblings; only <c>complex</c> attributes have sub-attributes, and they have at least one; a sub-attribute
/// is never itself <c>complex</c> (§2.3.8); <c>referenceTypes</c> appear only on <c>reference</c> attributes;
/// <c>$ref</c> is only a <c>reference</c> sub-attribute.
/// </remarks>
public sealed class SchemaDefinition
{
    /// <summary>Creates a schema definition.</summary>
    /// <param name="id">The schema URN, e.g. <c>urn:ietf:params:scim:schemas:core:2.0:User</c>.</param>
    /// <param name="name">The schema's human-readable name, e.g. <c>User</c>.</param>
    /// <param name="attributes">The schema's top-level attributes; the list is copied.</param>
    /// <exception cref="ArgumentException">The id is not an absolute URI, or an attribute breaks a rule of RFC 7643.</exception>
    public SchemaDefinition(string id, string name, IReadOnlyList<AttributeDefinition> attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(attributes);
        SchemaValidation.ValidateSchemaId(id);
        AttributeDefinition[] copy = [.. attributes];
        SchemaValidation.ValidateAttributes(id, copy);
        Id = id;
        Name = name ?? "";
        Attributes = copy;
    }

    /// <summary>The schema URN (matching is case-insensitive).</summary>
    public string Id { get; }

    /// <summary>The schema's human-readable name.</summary>
    public string Name { get; }

    /// <summary>A human-readable description.</summary>
    public string Description { get; init; } = "";

    /// <summary>The schema's top-level attributes.</summary>
    public IReadOnlyList<AttributeDefinition> Attributes { get; }

    /// <summary>Finds a top-level attribute by name, case-insensitively.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The attribute, or <see langword="null"/> when the schema has none by that name.</returns>
    public AttributeDefinition? FindAttribute(string name)
    {
        // Indexed, not foreach: a foreach over the IReadOnlyList boxes its enumerator on every lookup.
        var list = Attributes;
        for (var i = 0; i < list.Count; i++)
        {
            var attribute = list[i];
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
