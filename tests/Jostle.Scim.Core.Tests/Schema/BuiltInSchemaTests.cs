using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Schema;

/// <summary>The built-in schemas carry the characteristics RFC 7643 §3.1, §4 and §8.7.1 give them.</summary>
public class BuiltInSchemaTests
{
    private static AttributeDefinition Attribute(SchemaDefinition schema, string path)
    {
        var parts = path.Split('.');
        var attribute = schema.FindAttribute(parts[0]) ?? throw new Xunit.Sdk.XunitException($"{schema.Name} has no attribute '{parts[0]}'.");
        return parts.Length == 1
            ? attribute
            : attribute.FindSubAttribute(parts[1]) ?? throw new Xunit.Sdk.XunitException($"{schema.Name}.{parts[0]} has no sub-attribute '{parts[1]}'.");
    }

    private static void AssertCharacteristics(
        AttributeDefinition attribute,
        AttributeType type,
        bool multiValued = false,
        bool required = false,
        bool caseExact = false,
        Mutability mutability = Mutability.ReadWrite,
        Returned returned = Returned.Default,
        Uniqueness uniqueness = Uniqueness.None)
    {
        Assert.Equal(
            (type, multiValued, required, caseExact, mutability, returned, uniqueness),
            (attribute.Type, attribute.MultiValued, attribute.Required, attribute.CaseExact, attribute.Mutability, attribute.Returned, attribute.Uniqueness));
        Assert.False(string.IsNullOrWhiteSpace(attribute.Description), $"'{attribute.Name}' has no description.");
    }

    [Fact]
    public void UserNameIsARequiredServerUniqueCaseInsensitiveString()
    {
        AssertCharacteristics(Attribute(BuiltInSchemas.User, "userName"), AttributeType.String, required: true, uniqueness: Uniqueness.Server);
    }

    [Fact]
    public void EmailValueIsACaseInsensitiveStringAndEmailTypeKeepsTheRfcCanonicalValues()
    {
        AssertCharacteristics(Attribute(BuiltInSchemas.User, "emails"), AttributeType.Complex, multiValued: true);
        AssertCharacteristics(Attribute(BuiltInSchemas.User, "emails.value"), AttributeType.String);
        Assert.Equal(["work", "home", "other"], Attribute(BuiltInSchemas.User, "emails.type").CanonicalValues);
        AssertCharacteristics(Attribute(BuiltInSchemas.User, "emails.primary"), AttributeType.Boolean);
    }

    [Fact]
    public void PhoneNumberTypesKeepTheRfcCanonicalValuesSoJostleTypesAreOrdinaryValues()
    {
        Assert.Equal(["work", "home", "mobile", "fax", "pager", "other"], Attribute(BuiltInSchemas.User, "phoneNumbers.type").CanonicalValues);
        Assert.Equal(["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"], Attribute(BuiltInSchemas.User, "ims.type").CanonicalValues);
        Assert.Equal(["photo", "thumbnail"], Attribute(BuiltInSchemas.User, "photos.type").CanonicalValues);
        Assert.Equal(["work", "home", "other"], Attribute(BuiltInSchemas.User, "addresses.type").CanonicalValues);
    }

    [Fact]
    public void PasswordIsWriteOnlyAndNeverReturned()
    {
        AssertCharacteristics(Attribute(BuiltInSchemas.User, "password"), AttributeType.String, mutability: Mutability.WriteOnly, returned: Returned.Never);
    }

    [Fact]
    public void GroupsAndEverySubAttributeAreReadOnly()
    {
        var groups = Attribute(BuiltInSchemas.User, "groups");
        AssertCharacteristics(groups, AttributeType.Complex, multiValued: true, mutability: Mutability.ReadOnly);
        Assert.Equal(["value", "$ref", "display", "type"], groups.SubAttributes.Select(a => a.Name));
        Assert.All(groups.SubAttributes, a => Assert.Equal(Mutability.ReadOnly, a.Mutability));
        Assert.Equal(["User", "Group"], Attribute(BuiltInSchemas.User, "groups.$ref").ReferenceTypes);
        Assert.Equal(["direct", "indirect"], Attribute(BuiltInSchemas.User, "groups.type").CanonicalValues);
    }

    [Fact]
    public void ProfileUrlAndPhotoValuesAreExternalReferences()
    {
        AssertCharacteristics(Attribute(BuiltInSchemas.User, "profileUrl"), AttributeType.Reference);
        Assert.Equal(["external"], Attribute(BuiltInSchemas.User, "profileUrl").ReferenceTypes);
        Assert.Equal(["external"], Attribute(BuiltInSchemas.User, "photos.value").ReferenceTypes);
    }

    [Fact]
    public void X509CertificateValuesAreCaseExactBinary()
    {
        AssertCharacteristics(Attribute(BuiltInSchemas.User, "x509Certificates.value"), AttributeType.Binary, caseExact: true);
    }

    [Fact]
    public void UserHasEveryAttributeOfRfc7643Section41InOrderAndNoCommonAttributes()
    {
        Assert.Equal(
            ["userName", "name", "displayName", "nickName", "profileUrl", "title", "userType", "preferredLanguage", "locale", "timezone", "active", "password",
             "emails", "phoneNumbers", "ims", "photos", "addresses", "groups", "entitlements", "roles", "x509Certificates"],
            BuiltInSchemas.User.Attributes.Select(a => a.Name));
        Assert.Equal(
            ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"],
            Attribute(BuiltInSchemas.User, "name").SubAttributes.Select(a => a.Name));
        Assert.Equal(
            ["formatted", "streetAddress", "locality", "region", "postalCode", "country", "type", "primary"],
            Attribute(BuiltInSchemas.User, "addresses").SubAttributes.Select(a => a.Name));
        foreach (var multi in new[] { "emails", "phoneNumbers", "ims", "photos", "entitlements", "roles", "x509Certificates" })
        {
            Assert.Equal(["value", "display", "type", "primary"], Attribute(BuiltInSchemas.User, multi).SubAttributes.Select(a => a.Name));
        }

        foreach (var schema in new[] { BuiltInSchemas.User, BuiltInSchemas.Group, BuiltInSchemas.EnterpriseUser, BuiltInSchemas.JostleUser })
        {
            Assert.All(["id", "externalId", "meta", "schemas"], name => Assert.Null(schema.FindAttribute(name)));
        }
    }

    [Fact]
    public void GroupDisplayNameIsRequiredAndMemberSubAttributesAreImmutable()
    {
        AssertCharacteristics(Attribute(BuiltInSchemas.Group, "displayName"), AttributeType.String, required: true);
        AssertCharacteristics(Attribute(BuiltInSchemas.Group, "members"), AttributeType.Complex, multiValued: true);
        AssertCharacteristics(Attribute(BuiltInSchemas.Group, "members.value"), AttributeType.String, caseExact: true, mutability: Mutability.Immutable);
        AssertCharacteristics(Attribute(BuiltInSchemas.Group, "members.$ref"), AttributeType.Reference, mutability: Mutability.Immutable);
        AssertCharacteristics(Attribute(BuiltInSchemas.Group, "members.type"), AttributeType.String, mutability: Mutability.Immutable);
        AssertCharacteristics(Attribute(BuiltInSchemas.Group, "members.display"), AttributeType.String, mutability: Mutability.Immutable);
        Assert.Equal(["User", "Group"], Attribute(BuiltInSchemas.Group, "members.$ref").ReferenceTypes);
        Assert.Equal(["User", "Group"], Attribute(BuiltInSchemas.Group, "members.type").CanonicalValues);
    }

    [Fact]
    public void EnterpriseManagerDisplayNameIsReadOnlyAndManagerRefPointsAtUsers()
    {
        Assert.Equal(
            ["employeeNumber", "costCenter", "organization", "division", "department", "manager"],
            BuiltInSchemas.EnterpriseUser.Attributes.Select(a => a.Name));
        AssertCharacteristics(Attribute(BuiltInSchemas.EnterpriseUser, "manager"), AttributeType.Complex);
        AssertCharacteristics(Attribute(BuiltInSchemas.EnterpriseUser, "manager.value"), AttributeType.String, caseExact: true);
        AssertCharacteristics(Attribute(BuiltInSchemas.EnterpriseUser, "manager.$ref"), AttributeType.Reference);
        Assert.Equal(["User"], Attribute(BuiltInSchemas.EnterpriseUser, "manager.$ref").ReferenceTypes);
        AssertCharacteristics(Attribute(BuiltInSchemas.EnterpriseUser, "manager.displayName"), AttributeType.String, mutability: Mutability.ReadOnly);
    }

    [Fact]
    public void JostleExtensionHasTheEntraMappingFieldsAsSimpleReadWriteAttributes()
    {
        Assert.Equal(ScimSchemaUris.JostleUser, BuiltInSchemas.JostleUser.Id);
        Assert.Equal(
            ["alternateEmail1Label", "alternateEmail2Label", "pronouns", "birthDate", "joinDate", "customBadge", "filterCategory", "profile", "locations", "loginType"],
            BuiltInSchemas.JostleUser.Attributes.Select(a => a.Name));
        Assert.All(BuiltInSchemas.JostleUser.Attributes, a =>
        {
            Assert.Equal(AttributeType.String, a.Type);
            Assert.Equal(Mutability.ReadWrite, a.Mutability);
            Assert.False(a.Required);
        });
        Assert.True(Attribute(BuiltInSchemas.JostleUser, "locations").MultiValued);
        Assert.Contains("YYYY-MM-DD", Attribute(BuiltInSchemas.JostleUser, "birthDate").Description, StringComparison.Ordinal);
    }

    [Fact]
    public void IdIsCaseExactReadOnlyAlwaysReturnedAndServerUnique()
    {
        AssertCharacteristics(CommonAttributes.Id, AttributeType.String, caseExact: true, mutability: Mutability.ReadOnly, returned: Returned.Always, uniqueness: Uniqueness.Server);
    }

    [Fact]
    public void ExternalIdIsACaseExactReadWriteString()
    {
        AssertCharacteristics(CommonAttributes.ExternalId, AttributeType.String, caseExact: true);
    }

    [Fact]
    public void MetaAndAllItsSubAttributesAreReadOnly()
    {
        AssertCharacteristics(CommonAttributes.Meta, AttributeType.Complex, mutability: Mutability.ReadOnly);
        Assert.Equal(["resourceType", "created", "lastModified", "location", "version"], CommonAttributes.Meta.SubAttributes.Select(a => a.Name));
        Assert.All(CommonAttributes.Meta.SubAttributes, a => Assert.Equal(Mutability.ReadOnly, a.Mutability));
        Assert.Equal(AttributeType.DateTime, CommonAttributes.Meta.FindSubAttribute("created")!.Type);
        Assert.Equal(AttributeType.DateTime, CommonAttributes.Meta.FindSubAttribute("lastModified")!.Type);
        Assert.True(CommonAttributes.Meta.FindSubAttribute("version")!.CaseExact);
    }

    [Fact]
    public void CommonAttributesPassTheSchemaRules()
    {
        var schema = new SchemaDefinition("urn:example:common", "Common", CommonAttributes.All);

        Assert.Equal(3, schema.Attributes.Count);
    }

    [Fact]
    public void EveryDescriptionIsFilledIn()
    {
        var all = new[] { BuiltInSchemas.User, BuiltInSchemas.Group, BuiltInSchemas.EnterpriseUser, BuiltInSchemas.JostleUser }
            .SelectMany(s => s.Attributes)
            .SelectMany(a => a.SubAttributes.Prepend(a));

        Assert.All(all, a => Assert.False(string.IsNullOrWhiteSpace(a.Description), $"'{a.Name}' has no description."));
    }
}
