namespace Jostle.Scim.Schema;

/// <summary>A SCIM schema: an id (a URN), a name and its attributes (RFC 7643 §7).</summary>
public sealed class SchemaDefinition
{
    /// <summary>Creates a schema definition.</summary>
    /// <param name="id">The schema URN, e.g. <c>urn:ietf:params:scim:schemas:core:2.0:User</c>.</param>
    /// <param name="name">The schema's human-readable name, e.g. <c>User</c>.</param>
    /// <param name="attributes">The schema's top-level attributes.</param>
    public SchemaDefinition(string id, string name, IReadOnlyList<AttributeDefinition> attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(attributes);
        Id = id;
        Name = name ?? "";
        Attributes = attributes;
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
        foreach (var attribute in Attributes)
        {
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
