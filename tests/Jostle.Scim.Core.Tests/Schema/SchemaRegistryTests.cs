using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Schema;

public class SchemaRegistryTests
{
    private const string AcmeUser = "urn:example:scim:schemas:extension:acme:2.0:User";

    private static SchemaDefinition AcmeSchema(params AttributeDefinition[] attributes) =>
        new(AcmeUser, "AcmeUser", attributes.Length == 0 ? [new("badgeNumber", AttributeType.String)] : attributes);

    [Fact]
    public void DefaultRegistryHasUserWithBothExtensionsAndGroup()
    {
        var registry = SchemaRegistry.CreateDefault();

        var user = registry.GetResourceType("User");
        Assert.Equal("/Users", user.Endpoint);
        Assert.Equal([ScimSchemaUris.EnterpriseUser, ScimSchemaUris.JostleUser], user.Extensions.Select(e => e.Schema.Id));
        Assert.Equal("/Groups", registry.GetResourceType("group").Endpoint);
        Assert.Equal([ScimSchemaUris.User, ScimSchemaUris.Group, ScimSchemaUris.EnterpriseUser, ScimSchemaUris.JostleUser], registry.Schemas.Select(s => s.Id));
    }

    [Fact]
    public void AHostExtensionSchemaResolvesQualifiedAndUnqualified()
    {
        var registry = SchemaRegistry.CreateDefault().AddSchemaExtension("User", AcmeSchema());
        var user = registry.GetResourceType("User");

        Assert.True(user.TryResolve(AcmeUser, "BADGENUMBER", out var schema, out var attribute));
        Assert.Equal(AcmeUser, schema.Id);
        Assert.Equal("badgeNumber", attribute.Name);
        Assert.True(user.TryResolve(null, "badgeNumber", out schema, out _));
        Assert.Equal(AcmeUser, schema.Id);
        Assert.Equal([ScimSchemaUris.EnterpriseUser, ScimSchemaUris.JostleUser, AcmeUser], user.Extensions.Select(e => e.Schema.Id));
    }

    [Fact]
    public void AHostAttributeAddedToTheJostleExtensionResolvesWithoutChangingTheBuiltInSchema()
    {
        var registry = SchemaRegistry.CreateDefault()
            .AddAttributes(ScimSchemaUris.JostleUser, new AttributeDefinition("favouriteColour", AttributeType.String) { Description = "The user's favourite colour." });
        var user = registry.GetResourceType("User");

        Assert.True(user.TryResolve("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:JOSTLE:2.0:USER", "favouriteColour", out var schema, out var attribute));
        Assert.Equal(ScimSchemaUris.JostleUser, schema.Id);
        Assert.Equal("The user's favourite colour.", attribute.Description);
        Assert.True(user.TryResolve(ScimSchemaUris.JostleUser, "alternateEmail1Label", out _, out _));
        Assert.Null(BuiltInSchemas.JostleUser.FindAttribute("favouriteColour"));
        Assert.False(SchemaRegistry.CreateDefault().GetResourceType("User").TryResolve(null, "favouriteColour", out _, out _));
        Assert.Same(schema, registry.Schemas.Single(s => s.Id == ScimSchemaUris.JostleUser));
    }

    [Fact]
    public void AddedAttributesAreCheckedAgainstTheSchemaRules()
    {
        var registry = SchemaRegistry.CreateDefault();

        var duplicate = Assert.Throws<InvalidOperationException>(() => registry.AddAttributes(ScimSchemaUris.JostleUser, new AttributeDefinition("PRONOUNS", AttributeType.String)));
        Assert.Equal($"Schema '{ScimSchemaUris.JostleUser}' already has an attribute named 'PRONOUNS' (attribute names are case-insensitive).", duplicate.Message);

        var twiceInOneCall = Assert.Throws<InvalidOperationException>(() => registry.AddAttributes(ScimSchemaUris.JostleUser, new AttributeDefinition("team", AttributeType.String), new AttributeDefinition("Team", AttributeType.String)));
        Assert.Contains("'Team'", twiceInOneCall.Message, StringComparison.Ordinal);

        var invalid = Assert.Throws<ArgumentException>(() => registry.AddAttributes(ScimSchemaUris.JostleUser, new AttributeDefinition("team", AttributeType.String) { ReferenceTypes = ["Group"] }));
        Assert.Contains("referenceTypes apply only to reference attributes", invalid.Message, StringComparison.Ordinal);

        var common = Assert.Throws<ArgumentException>(() => registry.AddAttributes(ScimSchemaUris.JostleUser, new AttributeDefinition("externalId", AttributeType.String)));
        Assert.StartsWith($"Schema '{ScimSchemaUris.JostleUser}' defines attribute 'externalId', which every resource of type 'User' already has (RFC 7643 §3, §3.1)", common.Message, StringComparison.Ordinal);

        var unknown = Assert.Throws<InvalidOperationException>(() => registry.AddAttributes("urn:example:none", new AttributeDefinition("team", AttributeType.String)));
        Assert.Equal("No schema with id 'urn:example:none' is registered; call AddSchema first.", unknown.Message);

        // Nothing from the failed calls was kept.
        Assert.Null(registry.GetResourceType("User").Extensions.Single(e => e.Schema.Id == ScimSchemaUris.JostleUser).Schema.FindAttribute("team"));
    }

    [Fact]
    public void ACoreSchemaCannotBeAttachedAsAnExtension()
    {
        var registry = SchemaRegistry.CreateDefault();

        var error = Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("User", ScimSchemaUris.Group));

        Assert.Equal($"Schema '{ScimSchemaUris.Group}' cannot extend resource type 'User': it is the core schema of resource type 'Group'. An extension needs its own URN.", error.Message);
    }

    [Fact]
    public void AnExtensionSchemaCannotBecomeACoreSchema()
    {
        var registry = SchemaRegistry.CreateDefault();

        var error = Assert.Throws<InvalidOperationException>(() => registry.AddResourceType("Manager", "/Managers", ScimSchemaUris.EnterpriseUser));

        Assert.StartsWith($"Schema '{ScimSchemaUris.EnterpriseUser}' cannot be the core schema of resource type 'Manager': it is an extension of resource type 'User'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExtensionWithTheUrnOfARegisteredSchemaIsRejectedAndNothingIsAdded()
    {
        var registry = SchemaRegistry.CreateDefault();
        var impostor = new SchemaDefinition(ScimSchemaUris.User.ToUpperInvariant(), "Impostor", [new("badge", AttributeType.String)]);

        var error = Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("Group", impostor));

        Assert.Equal($"Schema '{impostor.Id}' cannot extend resource type 'Group': it is the core schema of resource type 'User'. An extension needs its own URN.", error.Message);
        Assert.Empty(registry.GetResourceType("Group").Extensions);
    }

    [Fact]
    public void AddingASchemaExtensionToAMissingResourceTypeLeavesTheSchemaUnregistered()
    {
        var registry = SchemaRegistry.CreateDefault();

        var error = Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("Device", AcmeSchema()));

        Assert.Equal("No resource type named 'Device' is registered; call AddResourceType first.", error.Message);
        Assert.False(registry.TryGetSchema(AcmeUser, out _));
    }

    [Fact]
    public void TheSameSchemaIdCannotBeRegisteredTwice()
    {
        var registry = SchemaRegistry.CreateDefault().AddSchema(AcmeSchema());

        var error = Assert.Throws<InvalidOperationException>(() => registry.AddSchema(new SchemaDefinition(AcmeUser.ToUpperInvariant(), "Again", [new("x", AttributeType.String)])));

        Assert.Equal($"A schema with id '{AcmeUser.ToUpperInvariant()}' is already registered (schema ids are compared case-insensitively).", error.Message);
    }

    [Fact]
    public void AnExtensionCannotBeAttachedTwice()
    {
        var registry = SchemaRegistry.CreateDefault();

        var error = Assert.Throws<InvalidOperationException>(() => registry.AddSchemaExtension("user", ScimSchemaUris.JostleUser, required: true));

        Assert.Equal($"Resource type 'User' already has extension '{ScimSchemaUris.JostleUser}'.", error.Message);
    }

    [Fact]
    public void AnExtensionThatRedefinesACommonAttributeIsRejected()
    {
        var registry = SchemaRegistry.CreateDefault();

        var error = Assert.Throws<ArgumentException>(() => registry.AddSchemaExtension("User", AcmeSchema(new AttributeDefinition("ID", AttributeType.String))));

        Assert.StartsWith($"Schema '{AcmeUser}' defines attribute 'ID', which every resource of type 'User' already has", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResourceTypesNeedARelativeEndpointOfTheirOwn()
    {
        var registry = SchemaRegistry.CreateDefault().AddSchema(new SchemaDefinition("urn:example:scim:schemas:core:2.0:Device", "Device", [new("serial", AttributeType.String)]));

        var relative = Assert.Throws<ArgumentException>(() => registry.AddResourceType("Device", "Devices", "urn:example:scim:schemas:core:2.0:Device"));
        Assert.StartsWith("The endpoint of resource type 'Device' is 'Devices'; it must be relative to the base URL and start with '/'", relative.Message, StringComparison.Ordinal);

        var clash = Assert.Throws<InvalidOperationException>(() => registry.AddResourceType("Device", "/users", "urn:example:scim:schemas:core:2.0:Device"));
        Assert.Equal("Resource type 'Device' uses endpoint '/users', which resource type 'User' already uses.", clash.Message);

        registry.AddResourceType("Device", "/Devices", "urn:example:scim:schemas:core:2.0:Device", "Devices");
        Assert.Equal(["User", "Group", "Device"], registry.ResourceTypes.Select(r => r.Name));
    }

    [Fact]
    public void QualifiedNamesResolveOnlyInTheirSchema()
    {
        var user = SchemaRegistry.CreateDefault().GetResourceType("User");

        Assert.True(user.TryResolve(ScimSchemaUris.EnterpriseUser, "manager", out var schema, out var attribute));
        Assert.Equal((ScimSchemaUris.EnterpriseUser, "manager"), (schema.Id, attribute.Name));
        Assert.True(user.TryResolve(ScimSchemaUris.User, "USERNAME", out schema, out attribute));
        Assert.Equal((ScimSchemaUris.User, "userName"), (schema.Id, attribute.Name));
        Assert.False(user.TryResolve(ScimSchemaUris.User, "employeeNumber", out _, out _));
        Assert.False(user.TryResolve(ScimSchemaUris.EnterpriseUser, "userName", out _, out _));
        Assert.False(user.TryResolve(ScimSchemaUris.Group, "displayName", out _, out _));
        Assert.False(user.TryResolve("urn:example:unknown", "userName", out var none, out var missing));
        Assert.Null(none);
        Assert.Null(missing);
    }

    [Fact]
    public void UnqualifiedNamesResolveInTheCoreSchemaBeforeTheExtensions()
    {
        var user = SchemaRegistry.CreateDefault().GetResourceType("User");

        Assert.True(user.TryResolve(null, "emails", out var schema, out _));
        Assert.Equal(ScimSchemaUris.User, schema.Id);
        Assert.True(user.TryResolve(null, "employeeNumber", out schema, out _));
        Assert.Equal(ScimSchemaUris.EnterpriseUser, schema.Id);
        Assert.True(user.TryResolve(null, "alternateEmail2Label", out schema, out _));
        Assert.Equal(ScimSchemaUris.JostleUser, schema.Id);
        Assert.False(user.TryResolve(null, "nonexistent", out _, out _));
        Assert.False(user.TryResolve(null, "", out _, out _));
    }

    [Fact]
    public void ACoreAttributeWinsOverAnExtensionAttributeOfTheSameName()
    {
        var user = SchemaRegistry.CreateDefault()
            .AddSchemaExtension("User", AcmeSchema(new AttributeDefinition("title", AttributeType.Integer)))
            .GetResourceType("User");

        Assert.True(user.TryResolve(null, "title", out var schema, out var attribute));
        Assert.Equal((ScimSchemaUris.User, AttributeType.String), (schema.Id, attribute.Type));
        Assert.True(user.TryResolve(AcmeUser, "title", out schema, out attribute));
        Assert.Equal((AcmeUser, AttributeType.Integer), (schema.Id, attribute.Type));
    }

    [Fact]
    public void AnUnqualifiedNameInTwoExtensionsIsAmbiguousButResolvesQualified()
    {
        var user = SchemaRegistry.CreateDefault()
            .AddSchemaExtension("User", AcmeSchema(new AttributeDefinition("Department", AttributeType.String)))
            .GetResourceType("User");

        Assert.False(user.TryResolve(null, "department", out var schema, out var attribute));
        Assert.Null(schema);
        Assert.Null(attribute);
        Assert.True(user.TryResolve(AcmeUser, "department", out schema, out _));
        Assert.Equal(AcmeUser, schema.Id);
        Assert.True(user.TryResolve(ScimSchemaUris.EnterpriseUser, "department", out schema, out _));
        Assert.Equal(ScimSchemaUris.EnterpriseUser, schema.Id);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("externalId")]
    [InlineData("META")]
    public void CommonAttributesResolveUnqualifiedOrQualifiedByTheCoreSchemaOnly(string name)
    {
        var group = SchemaRegistry.CreateDefault().GetResourceType("Group");
        var user = SchemaRegistry.CreateDefault().GetResourceType("User");

        Assert.True(group.TryResolve(null, name, out var schema, out var attribute));
        Assert.Same(BuiltInSchemas.Group, schema);
        Assert.Same(CommonAttributes.Find(name), attribute);
        Assert.True(user.TryResolve(ScimSchemaUris.User, name, out schema, out attribute));
        Assert.Equal(ScimSchemaUris.User, schema.Id);
        Assert.Same(CommonAttributes.Find(name), attribute);
        Assert.False(user.TryResolve(ScimSchemaUris.EnterpriseUser, name, out _, out _));
    }

    [Fact]
    public void ResolvedResourceTypesAreCachedUntilTheRegistryChanges()
    {
        var registry = SchemaRegistry.CreateDefault();
        var before = registry.GetResourceType("User");

        Assert.Same(before, registry.GetResourceType("user"));
        registry.AddAttributes(ScimSchemaUris.EnterpriseUser, new AttributeDefinition("building", AttributeType.String));
        var after = registry.GetResourceType("User");

        Assert.NotSame(before, after);
        Assert.False(before.TryResolve(null, "building", out _, out _));
        Assert.True(after.TryResolve(null, "building", out _, out _));
    }

    [Fact]
    public void UnknownResourceTypesAreReported()
    {
        var registry = SchemaRegistry.CreateDefault();

        Assert.False(registry.TryGetResourceType("Device", out _));
        Assert.Equal("No resource type named 'Device' is registered.", Assert.Throws<KeyNotFoundException>(() => registry.GetResourceType("Device")).Message);
    }
}
