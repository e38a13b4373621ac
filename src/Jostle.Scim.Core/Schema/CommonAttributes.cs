namespace Jostle.Scim.Schema;

/// <summary>
/// The attributes that every resource has whatever its schema (RFC 7643 §3.1):
/// <c>id</c>, <c>externalId</c> and <c>meta</c>.
/// </summary>
public static class CommonAttributes
{
    /// <summary><c>id</c>: the service provider's unique, case-exact, read-only identifier.</summary>
    public static AttributeDefinition Id { get; } = new("id", AttributeType.String)
    {
        Description = "A unique identifier for a SCIM resource as defined by the service provider.",
        CaseExact = true,
        Mutability = Mutability.ReadOnly,
        Returned = Returned.Always,
        Uniqueness = Uniqueness.Server,
    };

    /// <summary><c>externalId</c>: the provisioning client's identifier, case-exact.</summary>
    public static AttributeDefinition ExternalId { get; } = new("externalId", AttributeType.String)
    {
        Description = "A String that is an identifier for the resource as defined by the provisioning client.",
        CaseExact = true,
    };

    /// <summary><c>meta</c>: resource metadata maintained by the service provider.</summary>
    public static AttributeDefinition Meta { get; } = new("meta", AttributeType.Complex)
    {
        Description = "A complex attribute containing resource metadata.",
        Mutability = Mutability.ReadOnly,
        SubAttributes =
        [
            new("resourceType", AttributeType.String) { Description = "The name of the resource type of the resource.", CaseExact = true, Mutability = Mutability.ReadOnly, Returned = Returned.Always },
            new("created", AttributeType.DateTime) { Description = "The DateTime that the resource was added to the service provider.", Mutability = Mutability.ReadOnly },
            new("lastModified", AttributeType.DateTime) { Description = "The most recent DateTime that the details of this resource were updated at the service provider.", Mutability = Mutability.ReadOnly },
            new("location", AttributeType.Reference) { Description = "The URI of the resource being returned.", CaseExact = true, Mutability = Mutability.ReadOnly, ReferenceTypes = ["uri"] },
            new("version", AttributeType.String) { Description = "The version of the resource being returned.", CaseExact = true, Mutability = Mutability.ReadOnly },
        ],
    };

    /// <summary>All common attributes, in document order.</summary>
    public static IReadOnlyList<AttributeDefinition> All { get; } = [Id, ExternalId, Meta];

    /// <summary>Finds a common attribute by name, case-insensitively.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns>The attribute, or <see langword="null"/>.</returns>
    public static AttributeDefinition? Find(string name)
    {
        // Indexed, not foreach: a foreach over the IReadOnlyList boxes its enumerator on every lookup.
        var list = All;
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
}
