using System.Text.Json.Nodes;
using Jostle.Scim.Patching;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Patching;

/// <summary>
/// <see cref="PatchRequest.Parse(string, ScimCompatibility)"/> reads the body without building a JsonNode tree; these
/// tests hold it to the same results and errors as <see cref="PatchRequest.Parse(JsonNode, ScimCompatibility)"/>.
/// </summary>
public sealed class PatchRequestTextTests
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();

    public static TheoryData<string> Bodies()
    {
        var texts = new List<string>();
        foreach (var @case in PatchCases.All())
        {
            var body = @case["body"]?.DeepClone() ?? new JsonObject
            {
                ["schemas"] = new JsonArray(PatchRequest.PatchOpSchema),
                ["Operations"] = @case["ops"]!.DeepClone(),
            };
            texts.Add(body.ToJsonString());
        }

        foreach (var text in new[]
        {
            "null", "[]", "42", "\"text\"", "{}", "{\"schemas\":null}", "{\"schemas\":[1,true,null]}",
            "{\"SCHEMAS\":[\"URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP\"],\"operations\":[{\"OP\":\"ADD\",\"PATH\":\"title\",\"VALUE\":\"x\"}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":{}}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[1]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":null}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"move\"}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":7,\"value\":1}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":null,\"value\":{\"title\":\"t\"}}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":\"emails[type\",\"value\":1}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":\"title\",\"value\":null}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"remove\",\"value\":[1.50,2e3,\"é\\u00e9\"]}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"value\":\"a\",\"Value\":\"b\"}]}",
            "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"path\":\"title\",\"VALUE\":\"a\",\"Value\":\"b\"}]}",
        })
        {
            texts.Add(text);
        }

        var data = new TheoryData<string>();
        foreach (var text in texts.Distinct(StringComparer.Ordinal))
        {
            data.Add(text);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void ParsingTheTextGivesTheSameRequestOrErrorAsParsingTheNode(string text)
    {
        var (fromNode, nodeError) = Try(() => PatchRequest.Parse(JsonNode.Parse(text)));
        var (fromText, textError) = Try(() => PatchRequest.Parse(text));

        Assert.Equal(nodeError?.ScimType, textError?.ScimType);
        Assert.Equal(nodeError?.Detail, textError?.Detail);
        if (fromNode is null)
        {
            Assert.Null(fromText);
            return;
        }

        Assert.NotNull(fromText);
        Assert.Equal(fromNode.RulesFired, fromText.RulesFired);
        Assert.Equal(fromNode.Operations.Count, fromText.Operations.Count);
        for (var i = 0; i < fromNode.Operations.Count; i++)
        {
            var expected = fromNode.Operations[i];
            var actual = fromText.Operations[i];
            Assert.Equal(expected.ToString(), actual.ToString());
            Assert.Equal(expected.Op, actual.Op);
            Assert.Equal(expected.Path, actual.Path);
            Assert.Equal(expected.HasValue, actual.HasValue);
            Assert.True(JsonNode.DeepEquals(expected.Value, actual.Value), $"operation {i + 1}: {expected.Value?.ToJsonString()} vs {actual.Value?.ToJsonString()}");
            Assert.Equal(expected.Value?.GetType(), actual.Value?.GetType());
        }
    }

    [Fact]
    public void InvalidJsonIsAnInvalidSyntaxError()
    {
        var error = Assert.Throws<ScimException>(() => PatchRequest.Parse("{\"schemas\":["));
        Assert.Equal(ScimErrorType.InvalidSyntax, error.ScimType);
        Assert.StartsWith("The PATCH body is not valid JSON: ", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\",\"op\":\"add\",\"path\":\"title\",\"value\":\"a\"}]}")]
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"value\":{\"title\":\"a\",\"title\":\"b\"}}]}")]
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"Replace\",\"o\\u0070\":\"add\",\"path\":\"title\",\"value\":\"a\"}]}")]
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"Add\",\"path\":\"emails\",\"value\":[{\"value\":\"a\",\"type\":\"work\",\"value\":\"b\"}]}]}")]
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":\"title\",\"value\":\"a\"}],\"schemas\":[]}")]
    [InlineData("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"add\",\"path\":\"title\",\"value\":\"a\",\"extra\":{\"x\":1,\"x\":2}}]}")]
    public void ABodyWithADuplicateMemberNameIsAnInvalidSyntaxError(string text)
    {
        var error = Assert.Throws<ScimException>(() => PatchRequest.Parse(text));
        Assert.Equal(ScimErrorType.InvalidSyntax, error.ScimType);
        Assert.Contains("Duplicate", error.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void EveryPatchCaseAppliesTheSameFromTheText()
    {
        foreach (var @case in PatchCases.All())
        {
            var expected = PatchCases.Run(@case, Registry);
            var withText = (JsonObject)@case.DeepClone();
            var body = @case["body"]?.DeepClone() ?? new JsonObject
            {
                ["schemas"] = new JsonArray(PatchRequest.PatchOpSchema),
                ["Operations"] = @case["ops"]!.DeepClone(),
            };
            var resourceType = Registry.GetResourceType((string?)@case["type"] ?? "User");
            var compatibility = ((JsonArray?)@case["rulesOff"] ?? []).Select(n => Enum.Parse<ScimCompatibility>((string)n!))
                .Aggregate(ScimCompatibility.All, (all, off) => all & ~off);
            var options = new PatchOptions { Compatibility = compatibility, MembershipDelta = (bool?)@case["delta"] ?? false };
            var (result, error) = Try(() => PatchApplier.Apply((JsonObject)@case["before"]!, PatchRequest.Parse(body.ToJsonString(), compatibility), resourceType, options));
            var name = (string)withText["name"]!;
            Assert.True((expected.Error as ScimException)?.Detail == error?.Detail, $"{name}: {expected.Error?.Message} vs {error?.Message}");
            Assert.True(JsonNode.DeepEquals(expected.Result?.Resource, result?.Resource), $"{name}: results differ");
            Assert.Equal(expected.Result?.Changed, result?.Changed);
            Assert.Equal(expected.Result?.RulesFired, result?.RulesFired);
        }
    }

    private static (T? Value, ScimException? Error) Try<T>(Func<T> parse)
        where T : class
    {
        try
        {
            return (parse(), null);
        }
        catch (ScimException e)
        {
            return (null, e);
        }
    }
}
