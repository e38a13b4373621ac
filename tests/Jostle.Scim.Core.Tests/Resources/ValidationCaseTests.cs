using System.Text.Json.Nodes;
using Jostle.Scim.Resources;

namespace Jostle.Scim.Tests.Resources;

/// <summary>Runs Cases/resources/validation.jsonl: body (and existing document for a replace) → normalised document or error.</summary>
public class ValidationCaseTests
{
    private const string File = "validation.jsonl";

    public static TheoryData<string> Cases => CaseFile.Names(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ValidationCase(string name)
    {
        var c = CaseFile.Find(File, name);
        var compatibility = c["compat"] is { } compat ? Enum.Parse<ScimCompatibility>((string)compat!) : ScimCompatibility.Default;
        var engine = TestResourceTypes.Engine((string)c["type"]!, compatibility);
        var body = c["body"]!.AsObject();
        var existing = c["existing"]?.AsObject();

        ResourceValidationResult Run() => existing is null ? engine.ValidateForCreate(body) : engine.ValidateForReplace(body, existing);

        if (c["error"] is JsonObject error)
        {
            var exception = Assert.Throws<ScimException>(Run);
            Assert.Equal((int)error["status"]!, exception.Status);
            Assert.Equal((string)error["scimType"]!, ScimException.ToKeyword(exception.ScimType!.Value));
            Assert.Equal((string)error["detail"]!, exception.Detail);
            return;
        }

        var result = Run();
        var expected = c["expected"]!;
        Assert.True(JsonNode.DeepEquals(expected, result.Document), $"expected {expected.ToJsonString()}\n  actual {result.Document.ToJsonString()}");
        Assert.Equal(c["ignored"]!.AsArray().Select(n => (string)n!), result.IgnoredAttributes);
        Assert.Equal(Enum.Parse<ScimCompatibility>((string)c["rules"]!), result.RulesApplied);
    }
}
