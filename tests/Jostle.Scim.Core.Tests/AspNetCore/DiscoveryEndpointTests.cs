using System.Net;
using System.Text.Json.Nodes;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class DiscoveryEndpointTests : ScimHostTestBase
{
    protected override Task<ScimTestHost> StartHostAsync() => ScimTestHost.StartAsync(o =>
    {
        o.MaxResults = 50;
        o.MaxBulkOperations = 7;
        o.MaxBulkPayloadSize = 4096;
    });

    [Fact]
    public async Task ServiceProviderConfigAdvertisesWhatIsSupportedAndTheConfiguredLimits()
    {
        using var response = await Client.GetAsync("ServiceProviderConfig");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", body["schemas"]![0]!.GetValue<string>());
        Assert.True(body["patch"]!["supported"]!.GetValue<bool>());
        Assert.True(body["bulk"]!["supported"]!.GetValue<bool>());
        Assert.Equal(7, body["bulk"]!["maxOperations"]!.GetValue<int>());
        Assert.Equal(4096, body["bulk"]!["maxPayloadSize"]!.GetValue<int>());
        Assert.True(body["filter"]!["supported"]!.GetValue<bool>());
        Assert.Equal(50, body["filter"]!["maxResults"]!.GetValue<int>());
        Assert.False(body["changePassword"]!["supported"]!.GetValue<bool>());
        Assert.True(body["sort"]!["supported"]!.GetValue<bool>());
        Assert.True(body["etag"]!["supported"]!.GetValue<bool>());
        Assert.Equal("oauthbearertoken", body["authenticationSchemes"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("http://localhost/scim/v2/ServiceProviderConfig", body["meta"]!["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResourceTypesListsUserAndGroup()
    {
        using var response = await Client.GetAsync("ResourceTypes");
        var body = await JsonAsync(response);
        Assert.Equal(2, body["totalResults"]!.GetValue<int>());
        var names = body["Resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).Order();
        Assert.Equal(["Group", "User"], names);
    }

    [Fact]
    public async Task ResourceTypeByNameHasEndpointSchemaAndLocation()
    {
        using var response = await Client.GetAsync("ResourceTypes/User");
        var body = await JsonAsync(response);
        Assert.Equal("/Users", body["endpoint"]!.GetValue<string>());
        Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:User", body["schema"]!.GetValue<string>());
        Assert.Equal("http://localhost/scim/v2/ResourceTypes/User", body["meta"]!["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownResourceTypeIs404()
    {
        using var response = await Client.GetAsync("ResourceTypes/Printer");
        await AssertErrorAsync(response, 404, null);
    }

    [Fact]
    public async Task SchemasListsTheRegisteredSchemas()
    {
        using var response = await Client.GetAsync("Schemas");
        var body = await JsonAsync(response);
        var ids = body["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:User", ids);
        Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:Group", ids);
        Assert.Contains("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", ids);
        Assert.Equal(ids.Count, body["totalResults"]!.GetValue<int>());
    }

    [Fact]
    public async Task SchemaByIdReturnsItsAttributes()
    {
        using var response = await Client.GetAsync("Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
        var body = await JsonAsync(response);
        Assert.Contains(body["attributes"]!.AsArray(), a => a!["name"]!.GetValue<string>() == "userName");
    }

    [Fact]
    public async Task UnknownSchemaIs404()
    {
        using var response = await Client.GetAsync("Schemas/urn:nope");
        await AssertErrorAsync(response, 404, null);
    }

    [Theory]
    [InlineData("POST", "ServiceProviderConfig")]
    [InlineData("PUT", "ResourceTypes")]
    [InlineData("PATCH", "Schemas")]
    [InlineData("DELETE", "ResourceTypes/User")]
    [InlineData("POST", "Schemas/urn:ietf:params:scim:schemas:core:2.0:User")]
    public async Task WritesToDiscoveryEndpointsAre405(string method, string path)
    {
        using var response = await Host.SendAsync(new HttpMethod(method), path, method == "DELETE" ? null : "{}");
        await AssertErrorAsync(response, 405, null);
    }
}

public sealed class SchemaExtensionHostingTests
{
    [Fact]
    public async Task AnExtensionAddedOnTheBuilderIsAdvertisedAndAccepted()
    {
        var extension = new Jostle.Scim.Schema.SchemaDefinition("urn:example:params:scim:schemas:extension:acme:2.0:User", "AcmeUser",
            [new Jostle.Scim.Schema.AttributeDefinition("badge", Jostle.Scim.Schema.AttributeType.String)]);
        await using var host = await ScimTestHost.StartAsync(scim: b => b.AddInMemoryStores().AddSchemaExtension(extension));
        using var type = await host.Client.GetAsync("ResourceTypes/User");
        var typeBody = await JsonAsync(type);
        Assert.Contains(typeBody["schemaExtensions"]!.AsArray(), e => e!["schema"]!.GetValue<string>() == extension.Id);
        using var created = await host.Client.PostAsync("Users", Body($$$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{{extension.Id}}}"],"userName":"ext","{{{extension.Id}}}":{"badge":"gold"}}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonAsync(created);
        Assert.Equal("gold", body[extension.Id]!["badge"]!.GetValue<string>());
    }
}
