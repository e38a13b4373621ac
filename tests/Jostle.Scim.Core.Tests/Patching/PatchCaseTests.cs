using System.Text.Json.Nodes;
using Jostle.Scim.Patching;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Patching;

/// <summary>
/// Runs the PATCH cases of <c>Cases/patch/*.jsonl</c>: one JSON object per line with the resource before, the
/// operations, the rules switched off, and either the resource after (compared without <c>meta</c>) or the error.
/// </summary>
public sealed class PatchCaseTests
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in PatchCases.All().Select(c => (string)c["name"]!))
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void TheCaseFilesHoldAtLeast110UniquelyNamedCases()
    {
        var names = PatchCases.All().Select(c => (string)c["name"]!).ToList();
        Assert.True(names.Count >= 110, $"only {names.Count} cases");
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PatchCaseBehavesAsRecorded(string name)
    {
        var @case = PatchCases.All().Single(c => (string)c["name"]! == name);
        var outcome = PatchCases.Run(@case, Registry);
        var expectedError = @case["error"] as JsonObject;
        if (expectedError is not null)
        {
            var error = Assert.IsType<ScimException>(outcome.Error);
            Assert.Equal((int?)expectedError["status"] ?? 400, error.Status);
            Assert.Equal((string)expectedError["scimType"]!, ScimException.ToKeyword(error.ScimType!.Value));
            Assert.Contains((string)expectedError["detail"]!, error.Detail, StringComparison.Ordinal);
            return;
        }

        Assert.Null(outcome.Error);
        var result = outcome.Result!;
        var expected = PatchCases.WithoutMeta((JsonObject)@case["after"]!);
        var actual = PatchCases.WithoutMeta(result.Resource);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\n  actual {actual.ToJsonString()}");

        var fired = ((JsonArray?)@case["fired"] ?? []).Select(n => Enum.Parse<ScimCompatibility>((string)n!)).Aggregate(ScimCompatibility.None, (a, b) => a | b);
        Assert.Equal(fired, result.RulesFired);
        if (@case["changed"] is JsonValue changed)
        {
            Assert.Equal((bool)changed, result.Changed);
        }

        if (@case["membership"] is JsonObject membership)
        {
            var delta = Assert.IsType<MembershipDelta>(result.Membership);
            Assert.Equal((bool?)membership["removeAll"] ?? false, delta.RemoveAll);
            Assert.Equal(((JsonArray?)membership["added"] ?? []).Select(n => (string)n!), delta.Added.Select(m => (string)m["value"]!));
            Assert.Equal(((JsonArray?)membership["removed"] ?? []).Select(n => (string)n!).Order(), delta.Removed.Order());
        }
    }
}

/// <summary>Loads and runs the PATCH case files (shared by the tests and the differential export).</summary>
public static class PatchCases
{
    private static readonly Lazy<IReadOnlyList<JsonObject>> Loaded = new(Load);

    public static IReadOnlyList<JsonObject> All() => Loaded.Value;

    public static (PatchResult? Result, Exception? Error) Run(JsonObject @case, SchemaRegistry registry)
    {
        var resourceType = registry.GetResourceType((string?)@case["type"] ?? "User");
        var compatibility = ((JsonArray?)@case["rulesOff"] ?? []).Select(n => Enum.Parse<ScimCompatibility>((string)n!))
            .Aggregate(ScimCompatibility.All, (all, off) => all & ~off);
        var body = @case["body"]?.DeepClone() ?? new JsonObject
        {
            ["schemas"] = new JsonArray(PatchRequest.PatchOpSchema),
            ["Operations"] = @case["ops"]!.DeepClone(),
        };
        var before = (JsonObject)@case["before"]!;
        var snapshot = before.ToJsonString();
        try
        {
            var request = PatchRequest.Parse(body, compatibility);
            var options = new PatchOptions { Compatibility = compatibility, MembershipDelta = (bool?)@case["delta"] ?? false };
            return (PatchApplier.Apply(before, request, resourceType, options), null);
        }
        catch (ScimException e)
        {
            return (null, e);
        }
        finally
        {
            // Atomicity: the caller's document is never modified, whatever happened.
            if (before.ToJsonString() != snapshot)
            {
                throw new InvalidOperationException($"Case {@case["name"]} modified its input document.");
            }
        }
    }

    public static JsonObject WithoutMeta(JsonObject resource)
    {
        var copy = (JsonObject)resource.DeepClone();
        copy.Remove("meta");
        return copy;
    }

    private static IReadOnlyList<JsonObject> Load()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Cases", "patch");
        var cases = new List<JsonObject>();
        foreach (var file in Directory.GetFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length > 0 && !line.StartsWith("//", StringComparison.Ordinal))
                {
                    cases.Add((JsonObject)JsonNode.Parse(line)!);
                }
            }
        }

        return cases;
    }
}
