namespace Jostle.Scim.Schema;

/// <summary>The schemas the library ships: RFC 7643 User, Group, Enterprise User, and the Jostle User extension.</summary>
public static partial class BuiltInSchemas
{
    // PLACEHOLDER — the schema work fills these in completely to RFC 7643 §4 and §8.7.1.

    /// <summary>The core User schema (RFC 7643 §4.1).</summary>
    public static SchemaDefinition User { get; } = new(ScimSchemaUris.User, "User",
    [
        new("userName", AttributeType.String) { Required = true, Uniqueness = Uniqueness.Server },
        new("displayName", AttributeType.String),
        new("active", AttributeType.Boolean),
        new("name", AttributeType.Complex) { SubAttributes = [new("givenName", AttributeType.String), new("familyName", AttributeType.String), new("formatted", AttributeType.String)] },
        new("emails", AttributeType.Complex) { MultiValued = true, SubAttributes = [new("value", AttributeType.String), new("type", AttributeType.String) { CanonicalValues = ["work", "home", "other"] }, new("primary", AttributeType.Boolean)] },
    ]);

    /// <summary>The core Group schema (RFC 7643 §4.2).</summary>
    public static SchemaDefinition Group { get; } = new(ScimSchemaUris.Group, "Group",
    [
        new("displayName", AttributeType.String) { Required = true },
        new("members", AttributeType.Complex) { MultiValued = true, SubAttributes = [new("value", AttributeType.String) { CaseExact = true, Mutability = Mutability.Immutable }, new("type", AttributeType.String) { Mutability = Mutability.Immutable }] },
    ]);

    /// <summary>The Enterprise User extension (RFC 7643 §4.3).</summary>
    public static SchemaDefinition EnterpriseUser { get; } = new(ScimSchemaUris.EnterpriseUser, "EnterpriseUser",
    [
        new("employeeNumber", AttributeType.String),
        new("department", AttributeType.String),
        new("manager", AttributeType.Complex) { SubAttributes = [new("value", AttributeType.String), new("displayName", AttributeType.String) { Mutability = Mutability.ReadOnly }] },
    ]);

    /// <summary>The Jostle User extension.</summary>
    public static SchemaDefinition JostleUser { get; } = new(ScimSchemaUris.JostleUser, "JostleUser",
    [
        new("alternateEmail1Label", AttributeType.String),
        new("alternateEmail2Label", AttributeType.String),
    ]);
}
