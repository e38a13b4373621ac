using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Schema;

public class SchemaRegistryTests
{
    [Fact]
    public void DefaultRegistryHasUserWithBothExtensionsAndGroup()
    {
        var registry = SchemaRegistry.CreateDefault();

        var user = registry.GetResourceType("User");
        Assert.Equal("/Users", user.Endpoint);
        Assert.Equal([ScimSchemaUris.EnterpriseUser, ScimSchemaUris.JostleUser], user.Extensions.Select(e => e.Schema.Id));
        Assert.Equal("/Groups", registry.GetResourceType("group").Endpoint);
    }
}
