using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Schema;

/// <summary>Definitions that break RFC 7643 are rejected when they are built, with a message naming the problem.</summary>
public class SchemaValidationTests
{
    private const string Urn = "urn:example:scim:schemas:extension:acme:2.0:User";

    private static string Rejected(params AttributeDefinition[] attributes) =>
        Assert.Throws<ArgumentException>(() => new SchemaDefinition(Urn, "Acme", attributes)).Message;

    [Theory]
    [InlineData("badgeNumber")]
    [InlineData("x")]
    [InlineData("cost-center_2")]
    [InlineData("$ref")]
    public void ValidAttributeNamesAreAccepted(string name)
    {
        Assert.True(AttributeDefinition.IsValidName(name));
        Assert.Equal(name, new AttributeDefinition(name, AttributeType.Reference).Name);
    }

    [Theory]
    [InlineData("2fa")]
    [InlineData("_hidden")]
    [InlineData("cost center")]
    [InlineData("name.givenName")]
    [InlineData("urn:acme:badge")]
    [InlineData("$reference")]
    [InlineData("émail")]
    public void InvalidAttributeNamesAreRejectedWithTheRuleInTheMessage(string name)
    {
        Assert.False(AttributeDefinition.IsValidName(name));
        var error = Assert.Throws<ArgumentException>(() => new AttributeDefinition(name, AttributeType.String));
        Assert.Equal(
            $"'{name}' is not a valid attribute name: a name starts with a letter and continues with letters, digits, '-' or '_' (RFC 7643 §2.1), or is '$ref'. (Parameter 'name')",
            error.Message);
    }

    [Fact]
    public void AnUndefinedTypeIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttributeDefinition("badge", (AttributeType)42));
    }

    [Fact]
    public void DuplicateTopLevelNamesAreRejectedCaseInsensitively()
    {
        Assert.Equal(
            $"Schema '{Urn}' defines attribute 'BadgeNumber' twice (attribute names are case-insensitive). (Parameter 'attributes')",
            Rejected(new("badgeNumber", AttributeType.String), new("BadgeNumber", AttributeType.Integer)));
    }

    [Fact]
    public void DuplicateSubAttributeNamesAreRejectedWithTheirPath()
    {
        var message = Rejected(new AttributeDefinition("badge", AttributeType.Complex) { SubAttributes = [new("code", AttributeType.String), new("CODE", AttributeType.String)] });

        Assert.Equal($"Schema '{Urn}' defines attribute 'badge.CODE' twice (attribute names are case-insensitive). (Parameter 'attributes')", message);
    }

    [Fact]
    public void SubAttributesOnASimpleAttributeAreRejected()
    {
        var message = Rejected(new AttributeDefinition("badge", AttributeType.String) { SubAttributes = [new("code", AttributeType.String)] });

        Assert.Equal($"Schema '{Urn}' gives sub-attributes to 'badge', which has type 'string'; only complex attributes have sub-attributes. (Parameter 'attributes')", message);
    }

    [Fact]
    public void AComplexAttributeInsideAComplexAttributeIsRejected()
    {
        var message = Rejected(new AttributeDefinition("badge", AttributeType.Complex)
        {
            SubAttributes = [new("issuer", AttributeType.Complex) { SubAttributes = [new("name", AttributeType.String)] }],
        });

        Assert.Equal(
            $"Schema '{Urn}' defines 'badge.issuer' as a complex sub-attribute of 'badge'; a complex attribute must not contain complex sub-attributes (RFC 7643 §2.3.8). (Parameter 'attributes')",
            message);
    }

    [Fact]
    public void AComplexAttributeWithoutSubAttributesIsRejected()
    {
        Assert.Equal(
            $"Schema '{Urn}' defines complex attribute 'badge' without sub-attributes; a complex attribute needs at least one. (Parameter 'attributes')",
            Rejected(new AttributeDefinition("badge", AttributeType.Complex)));
    }

    [Fact]
    public void ReferenceTypesOnANonReferenceAttributeAreRejected()
    {
        Assert.Equal(
            $"Schema '{Urn}' gives referenceTypes to 'homePage', which has type 'string'; referenceTypes apply only to reference attributes. (Parameter 'attributes')",
            Rejected(new AttributeDefinition("homePage", AttributeType.String) { ReferenceTypes = ["external"] }));
    }

    [Fact]
    public void RefIsOnlyAReferenceSubAttribute()
    {
        Assert.Contains("'$ref' is only a sub-attribute of a complex attribute", Rejected(new AttributeDefinition("$ref", AttributeType.Reference)), StringComparison.Ordinal);
        Assert.Contains(
            "defines 'owner.$ref' with type 'string'; '$ref' must have type 'reference'.",
            Rejected(new AttributeDefinition("owner", AttributeType.Complex) { SubAttributes = [new("$ref", AttributeType.String)] }),
            StringComparison.Ordinal);
    }

    [Fact]
    public void ANullAttributeIsRejected()
    {
        Assert.Equal($"Schema '{Urn}' has a null attribute at position 1. (Parameter 'attributes')", Rejected(new("badge", AttributeType.String), null!));
    }

    [Theory]
    [InlineData("acme-user")]
    [InlineData("urn:acme:user:")]
    [InlineData("urn:acme: user")]
    public void ASchemaIdThatIsNotAnAbsoluteUriIsRejected(string id)
    {
        var error = Assert.Throws<ArgumentException>(() => new SchemaDefinition(id, "Acme", []));

        Assert.StartsWith($"Schema id '{id}' is not a valid schema URI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefinitionsCopyTheirListsSoLaterChangesCannotBypassTheRules()
    {
        var attributes = new List<AttributeDefinition> { new("badge", AttributeType.String) };
        var subAttributes = new List<AttributeDefinition> { new("code", AttributeType.String) };
        var complex = new AttributeDefinition("card", AttributeType.Complex) { SubAttributes = subAttributes };
        attributes.Add(complex);
        var schema = new SchemaDefinition(Urn, "Acme", attributes);

        attributes.Add(new("badge", AttributeType.String));
        subAttributes.Add(new("nested", AttributeType.Complex));

        Assert.Equal(2, schema.Attributes.Count);
        Assert.Single(complex.SubAttributes);
    }

    [Fact]
    public void ResourceTypeDefinitionRejectsItsCoreSchemaAsAnExtension()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new ResourceTypeDefinition("User", "/Users", BuiltInSchemas.User, [new SchemaExtension(BuiltInSchemas.User, false)]));

        Assert.StartsWith($"Resource type 'User' lists its core schema '{ScimSchemaUris.User}' as an extension", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResourceTypeDefinitionRejectsTheSameExtensionTwice()
    {
        var error = Assert.Throws<ArgumentException>(() => new ResourceTypeDefinition("User", "/Users", BuiltInSchemas.User,
            [new SchemaExtension(BuiltInSchemas.EnterpriseUser, false), new SchemaExtension(BuiltInSchemas.EnterpriseUser, true)]));

        Assert.StartsWith($"Resource type 'User' lists extension '{ScimSchemaUris.EnterpriseUser}' twice.", error.Message, StringComparison.Ordinal);
    }
}
