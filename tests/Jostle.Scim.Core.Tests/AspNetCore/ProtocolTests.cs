using System.Text.Json.Nodes;
using Jostle.Scim.Protocol;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class ProtocolTests
{
    private static ScimQueryParameters Query(params (string Name, string Value)[] values) =>
        ScimQueryParameters.FromQuery(name => values.FirstOrDefault(v => v.Name == name).Value, maxResults: 50);

    [Theory]
    [InlineData("application/scim+json", true)]
    [InlineData("application/scim+json; charset=utf-8", true)]
    [InlineData("Application/JSON", true)]
    [InlineData("text/plain", false)]
    [InlineData("application/xml", false)]
    [InlineData(null, false)]
    public void RequestMediaTypesAreScimJsonOrJson(string? contentType, bool accepted) =>
        Assert.Equal(accepted, ScimProtocol.IsAcceptedContentType(contentType));

    [Fact]
    public void CountDefaultsToMaxResultsAndStartIndexToOne()
    {
        var query = Query();
        Assert.Equal(50, query.Count);
        Assert.Equal(1, query.StartIndex);
    }

    [Fact]
    public void HugeCountAndStartIndexDoNotOverflow()
    {
        var query = Query(("count", "99999999999"), ("startIndex", "-99999999999"));
        Assert.Equal(50, query.Count);
        Assert.Equal(1, query.StartIndex);
    }

    [Fact]
    public void SearchRequestListsOfAttributesBecomeCommaSeparated()
    {
        var query = ScimQueryParameters.FromSearchRequest(JsonNode.Parse("""{"attributes":["userName","name.givenName"],"count":"5"}"""), 50);
        Assert.Equal("userName,name.givenName", query.Attributes);
        Assert.Equal(5, query.Count);
    }

    [Fact]
    public void ErrorBodyHasStatusAsAString()
    {
        var body = JsonNode.Parse(ScimProtocol.ErrorBytes(409, ScimErrorType.Uniqueness, "taken"))!;
        Assert.Equal("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"taken"}""", body.ToJsonString());
    }

    [Fact]
    public void BulkOperationsWithoutAMethodAreInvalidSyntax()
    {
        var error = Assert.Throws<ScimException>(() => BulkRequest.Parse(JsonNode.Parse("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"path":"/Users"}]}"""), 10));
        Assert.Equal(ScimErrorType.InvalidSyntax, error.ScimType);
        Assert.Equal("Bulk operation 0 has no \"method\".", error.Detail);
    }

    [Fact]
    public void RepeatedBulkIdsAreInvalidValue()
    {
        const string Op = """{"method":"POST","path":"/Users","bulkId":"x","data":{}}""";
        var error = Assert.Throws<ScimException>(() => BulkRequest.Parse(JsonNode.Parse($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{Op}},{{Op}}]}"""), 10));
        Assert.Equal(ScimErrorType.InvalidValue, error.ScimType);
    }

    [Fact]
    public void BulkIdReferencesAreResolvedAtAnyDepth()
    {
        var data = JsonNode.Parse("""{"members":[{"value":"bulkId:u1"},{"value":"plain"}],"manager":{"value":"bulkId:u2"}}""");
        var resolved = BulkRequest.Resolve(data, new Dictionary<string, string> { ["u1"] = "id-1", ["u2"] = "id-2" })!;
        Assert.Equal("""{"members":[{"value":"id-1"},{"value":"plain"}],"manager":{"value":"id-2"}}""", resolved.ToJsonString());
    }
}
