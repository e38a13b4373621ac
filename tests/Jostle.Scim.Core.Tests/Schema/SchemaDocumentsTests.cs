using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Schema;

/// <summary>
/// The generated discovery documents against the representations of RFC 7643 §8.6 and §8.7.1. The expected
/// fragments are written by hand from the RFC; descriptions are compared with runs of spaces collapsed (the RFC
/// puts two spaces after a full stop), and deliberate departures from §8.7.1 are marked where they occur.
/// </summary>
public partial class SchemaDocumentsTests
{
    private static readonly JsonObject UserDocument = SchemaDocuments.ToSchemaDocument(
        BuiltInSchemas.User, "https://example.com/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");

    private static JsonNode Attribute(JsonObject schemaDocument, string name) =>
        schemaDocument["attributes"]!.AsArray().Single(a => (string?)a!["name"] == name)!;

    private static void AssertSameJson(string expected, JsonNode actual) =>
        Assert.Equal(Canonical(JsonNode.Parse(expected)), Canonical(actual));

    /// <summary>Object keys sorted, descriptions with collapsed spaces, indented for a readable diff.</summary>
    private static string Canonical(JsonNode? node) => Normalise(node)?.ToJsonString(new() { WriteIndented = true }) ?? "null";

    private static JsonNode? Normalise(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(
            p.Key,
            p.Key == "description" ? JsonValue.Create(Spaces().Replace((string)p.Value!, " ")) : Normalise(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Normalise)]),
        _ => node?.DeepClone(),
    };

    [GeneratedRegex(" {2,}")]
    private static partial Regex Spaces();

    [Fact]
    public void UserSchemaDocumentHasTheSchemaEnvelopeOfRfc7643Section7()
    {
        Assert.Equal(["urn:ietf:params:scim:schemas:core:2.0:Schema"], UserDocument["schemas"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:User", (string?)UserDocument["id"]);
        Assert.Equal("User", (string?)UserDocument["name"]);
        Assert.Equal("User Account", (string?)UserDocument["description"]);
        AssertSameJson("""
            { "resourceType" : "Schema", "location" : "https://example.com/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User" }
            """, UserDocument["meta"]!);
        Assert.Equal(BuiltInSchemas.User.Attributes.Count, UserDocument["attributes"]!.AsArray().Count);
    }

    [Fact]
    public void UserNameMatchesRfc7643Section871()
    {
        AssertSameJson("""
            {
              "name" : "userName",
              "type" : "string",
              "multiValued" : false,
              "description" : "Unique identifier for the User, typically used by the user to directly authenticate to the service provider.  Each User MUST include a non-empty userName value.  This identifier MUST be unique across the service provider's entire set of Users.  REQUIRED.",
              "required" : true,
              "caseExact" : false,
              "mutability" : "readWrite",
              "returned" : "default",
              "uniqueness" : "server"
            }
            """, Attribute(UserDocument, "userName"));
    }

    [Fact]
    public void ProfileUrlMatchesRfc7643Section871()
    {
        AssertSameJson("""
            {
              "name" : "profileUrl",
              "type" : "reference",
              "referenceTypes" : ["external"],
              "multiValued" : false,
              "description" : "A fully qualified URL pointing to a page representing the User's online profile.",
              "required" : false,
              "caseExact" : false,
              "mutability" : "readWrite",
              "returned" : "default",
              "uniqueness" : "none"
            }
            """, Attribute(UserDocument, "profileUrl"));
    }

    [Fact]
    public void ActiveMatchesRfc7643Section871()
    {
        AssertSameJson("""
            {
              "name" : "active",
              "type" : "boolean",
              "multiValued" : false,
              "description" : "A Boolean value indicating the User's administrative status.",
              "required" : false,
              "mutability" : "readWrite",
              "returned" : "default"
            }
            """, Attribute(UserDocument, "active"));
    }

    [Fact]
    public void PasswordMatchesRfc7643Section871()
    {
        AssertSameJson("""
            {
              "name" : "password",
              "type" : "string",
              "multiValued" : false,
              "description" : "The User's cleartext password.  This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password.",
              "required" : false,
              "caseExact" : false,
              "mutability" : "writeOnly",
              "returned" : "never",
              "uniqueness" : "none"
            }
            """, Attribute(UserDocument, "password"));
    }

    [Fact]
    public void EmailsMatchRfc7643Section871()
    {
        // §8.7.1 also gives the emails attribute itself "uniqueness" : "none"; the generator leaves uniqueness out
        // of complex attributes when it is the default, as §8.7.1 does for phoneNumbers, groups and the rest.
        AssertSameJson("""
            {
              "name" : "emails",
              "type" : "complex",
              "multiValued" : true,
              "description" : "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'.  Canonical type values of 'work', 'home', and 'other'.",
              "required" : false,
              "subAttributes" : [
                {
                  "name" : "value",
                  "type" : "string",
                  "multiValued" : false,
                  "description" : "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'.  Canonical type values of 'work', 'home', and 'other'.",
                  "required" : false,
                  "caseExact" : false,
                  "mutability" : "readWrite",
                  "returned" : "default",
                  "uniqueness" : "none"
                },
                {
                  "name" : "display",
                  "type" : "string",
                  "multiValued" : false,
                  "description" : "A human-readable name, primarily used for display purposes.  READ-ONLY.",
                  "required" : false,
                  "caseExact" : false,
                  "mutability" : "readWrite",
                  "returned" : "default",
                  "uniqueness" : "none"
                },
                {
                  "name" : "type",
                  "type" : "string",
                  "multiValued" : false,
                  "description" : "A label indicating the attribute's function, e.g., 'work' or 'home'.",
                  "required" : false,
                  "caseExact" : false,
                  "canonicalValues" : [ "work", "home", "other" ],
                  "mutability" : "readWrite",
                  "returned" : "default",
                  "uniqueness" : "none"
                },
                {
                  "name" : "primary",
                  "type" : "boolean",
                  "multiValued" : false,
                  "description" : "A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred mailing address or primary email address.  The primary attribute value 'true' MUST appear no more than once.",
                  "required" : false,
                  "mutability" : "readWrite",
                  "returned" : "default"
                }
              ],
              "mutability" : "readWrite",
              "returned" : "default"
            }
            """, Attribute(UserDocument, "emails"));
    }

    [Fact]
    public void GroupsMatchRfc7643Section871ExceptThatGroupIdsAreCaseExact()
    {
        // Deliberate: §8.7.1 says groups.value is caseExact false; it holds a Group 'id', case-exact by §3.1.
        AssertSameJson("""
            {
              "name" : "groups",
              "type" : "complex",
              "multiValued" : true,
              "description" : "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.",
              "required" : false,
              "subAttributes" : [
                {
                  "name" : "value",
                  "type" : "string",
                  "multiValued" : false,
                  "description" : "The identifier of the User's group.",
                  "required" : false,
                  "caseExact" : true,
                  "mutability" : "readOnly",
                  "returned" : "default",
                  "uniqueness" : "none"
                },
                {
                  "name" : "$ref",
                  "type" : "reference",
                  "referenceTypes" : [ "User", "Group" ],
                  "multiValued" : false,
                  "description" : "The URI of the corresponding 'Group' resource to which the user belongs.",
                  "required" : false,
                  "caseExact" : false,
                  "mutability" : "readOnly",
                  "returned" : "default",
                  "uniqueness" : "none"
                },
                {
                  "name" : "display",
                  "type" : "string",
                  "multiValued" : false,
                  "description" : "A human-readable name, primarily used for display purposes.  READ-ONLY.",
                  "required" : false,
                  "caseExact" : false,
                  "mutability" : "readOnly",
                  "returned" : "default",
                  "uniqueness" : "none"
                },
                {
                  "name" : "type",
                  "type" : "string",
                  "multiValued" : false,
                  "description" : "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
                  "required" : false,
                  "caseExact" : false,
                  "canonicalValues" : [ "direct", "indirect" ],
                  "mutability" : "readOnly",
                  "returned" : "default",
                  "uniqueness" : "none"
                }
              ],
              "mutability" : "readOnly",
              "returned" : "default"
            }
            """, Attribute(UserDocument, "groups"));
    }

    [Fact]
    public void EnterpriseUserAttributesMatchRfc7643Section871ExceptThatManagerIdsAreCaseExact()
    {
        var document = SchemaDocuments.ToSchemaDocument(BuiltInSchemas.EnterpriseUser);

        Assert.Equal("EnterpriseUser", (string?)document["name"]);
        Assert.Equal("Enterprise User", (string?)document["description"]);
        AssertSameJson("""{ "resourceType" : "Schema" }""", document["meta"]!);
        AssertSameJson("""
            {
              "name" : "employeeNumber",
              "type" : "string",
              "multiValued" : false,
              "description" : "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.",
              "required" : false,
              "caseExact" : false,
              "mutability" : "readWrite",
              "returned" : "default",
              "uniqueness" : "none"
            }
            """, Attribute(document, "employeeNumber"));
        // Deliberate: §8.7.1 says manager.value is caseExact false; it holds a User 'id', case-exact by §3.1.
        AssertSameJson("""
            {
              "name" : "manager",
              "type" : "complex",
              "multiValued" : false,
              "description" : "The User's manager.  A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
              "required" : false,
              "subAttributes" : [
                {
                  "name" : "value",
                  "type" : "string",
                  "multiValued" : false,
                  "description" : "The id of the SCIM resource representing the User's manager.  REQUIRED.",
                  "required" : false,
                  "caseExact" : true,
                  "mutability" : "readWrite",
                  "returned" : "default",
                  "uniqueness" : "none"
                },
                {
                  "name" : "$ref",
                  "type" : "reference",
                  "referenceTypes" : [ "User" ],
                  "multiValued" : false,
                  "description" : "The URI of the SCIM resource representing the User's manager.  REQUIRED.",
                  "required" : false,
                  "caseExact" : false,
                  "mutability" : "readWrite",
                  "returned" : "default",
                  "uniqueness" : "none"
                },
                {
                  "name" : "displayName",
                  "type" : "string",
                  "multiValued" : false,
                  "description" : "The displayName of the User's manager.  OPTIONAL and READ-ONLY.",
                  "required" : false,
                  "caseExact" : false,
                  "mutability" : "readOnly",
                  "returned" : "default",
                  "uniqueness" : "none"
                }
              ],
              "mutability" : "readWrite",
              "returned" : "default"
            }
            """, Attribute(document, "manager"));
    }

    [Fact]
    public void CharacteristicsAreSpelledAsInRfc7643()
    {
        var schema = new SchemaDefinition("urn:example:spelling", "Spelling",
        [
            new("when", AttributeType.DateTime) { Mutability = Mutability.Immutable, Returned = Returned.Request, Uniqueness = Uniqueness.Global },
            new("count", AttributeType.Integer) { Mutability = Mutability.ReadOnly, Returned = Returned.Always },
            new("ratio", AttributeType.Decimal) { Mutability = Mutability.WriteOnly, Returned = Returned.Never },
            new("blob", AttributeType.Binary) { CaseExact = true },
            new("link", AttributeType.Reference) { ReferenceTypes = ["uri"] },
        ]);

        var attributes = SchemaDocuments.ToSchemaDocument(schema)["attributes"]!.AsArray();

        Assert.Equal(
            ["dateTime/immutable/request/global", "integer/readOnly/always/none", "decimal/writeOnly/never/none", "binary/readWrite/default/none", "reference/readWrite/default/none"],
            attributes.Select(a => $"{a!["type"]}/{a["mutability"]}/{a["returned"]}/{a["uniqueness"]}"));
        Assert.Null(attributes[0]!["caseExact"]);
        Assert.True((bool)attributes[3]!["caseExact"]!);
        Assert.Null(attributes[0]!["referenceTypes"]);
        Assert.Equal(["uri"], attributes[4]!["referenceTypes"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public void AComplexAttributeThatIsUniqueSaysSo()
    {
        var attribute = new AttributeDefinition("badge", AttributeType.Complex)
        {
            Uniqueness = Uniqueness.Server,
            SubAttributes = [new("code", AttributeType.String)],
        };

        Assert.Equal("server", (string?)SchemaDocuments.ToAttributeDocument(attribute)["uniqueness"]);
    }

    [Fact]
    public void GroupResourceTypeMatchesRfc7643Section86()
    {
        var group = SchemaRegistry.CreateDefault().GetResourceType("Group");

        AssertSameJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
              "id": "Group",
              "name": "Group",
              "endpoint": "/Groups",
              "description": "Group",
              "schema": "urn:ietf:params:scim:schemas:core:2.0:Group",
              "meta": {
                "location": "https://example.com/v2/ResourceTypes/Group",
                "resourceType": "ResourceType"
              }
            }
            """, SchemaDocuments.ToResourceTypeDocument(group, "https://example.com/v2/ResourceTypes/Group"));
    }

    [Fact]
    public void UserResourceTypeListsBothExtensionsAsOptional()
    {
        var user = SchemaRegistry.CreateDefault().GetResourceType("User");

        AssertSameJson("""
            {
              "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
              "id": "User",
              "name": "User",
              "endpoint": "/Users",
              "description": "User Account",
              "schema": "urn:ietf:params:scim:schemas:core:2.0:User",
              "schemaExtensions": [
                { "schema": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "required": false },
                { "schema": "urn:ietf:params:scim:schemas:extension:jostle:2.0:User", "required": false }
              ],
              "meta": { "resourceType": "ResourceType" }
            }
            """, SchemaDocuments.ToResourceTypeDocument(user));
    }

    [Fact]
    public void ARequiredHostExtensionIsAdvertisedAsRequired()
    {
        var registry = SchemaRegistry.CreateDefault()
            .AddSchemaExtension("Group", new SchemaDefinition("urn:example:scim:schemas:extension:acme:2.0:Group", "AcmeGroup", [new("costCode", AttributeType.String)]), required: true);

        var document = SchemaDocuments.ToResourceTypeDocument(registry.GetResourceType("Group"));

        AssertSameJson("""[{ "schema": "urn:example:scim:schemas:extension:acme:2.0:Group", "required": true }]""", document["schemaExtensions"]!);
    }

    [Fact]
    public void EachCallBuildsAnIndependentDocument()
    {
        var first = SchemaDocuments.ToSchemaDocument(BuiltInSchemas.Group);
        first["name"] = "changed";

        Assert.Equal("Group", (string?)SchemaDocuments.ToSchemaDocument(BuiltInSchemas.Group)["name"]);
    }
}
