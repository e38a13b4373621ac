using System.Text.Json.Nodes;

namespace Jostle.Scim.Tests.Resources;

/// <summary>Runs Cases/resources/projection.jsonl: stored resource + attributes/excludedAttributes → output (order included) or error.</summary>
public class ProjectionCaseTests
{
    private const string File = "projection.jsonl";

    public static TheoryData<string> Cases => CaseFile.Names(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ProjectionCase(string name)
    {
        var c = CaseFile.Find(File, name);
        var engine = TestResourceTypes.Engine((string)c["type"]!);
        var attributes = (string?)c["attributes"];
        var excluded = (string?)c["excludedAttributes"];
        var resource = c["resource"]!.AsObject();

        if (c["error"] is JsonObject error)
        {
            var exception = Assert.Throws<ScimException>(() => engine.GetProjection(attributes, excluded));
            Assert.Equal((int)error["status"]!, exception.Status);
            Assert.Equal((string)error["scimType"]!, ScimException.ToKeyword(exception.ScimType!.Value));
            return;
        }

        var before = resource.ToJsonString();
        var projected = engine.GetProjection(attributes, excluded).Apply(resource);

        Assert.Equal(c["expected"]!.ToJsonString(), projected.ToJsonString());
        Assert.Equal(before, resource.ToJsonString());
    }
}
