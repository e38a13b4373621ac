using System.Text.Json.Nodes;

namespace Jostle.Scim.Tests.Resources;

/// <summary>Runs Cases/resources/sorting.jsonl: resources + sortBy/sortOrder → ids in order, or error.</summary>
public class SortingCaseTests
{
    private const string File = "sorting.jsonl";

    public static TheoryData<string> Cases => CaseFile.Names(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SortingCase(string name)
    {
        var c = CaseFile.Find(File, name);
        var engine = TestResourceTypes.Engine((string)c["type"]!);
        var sortBy = (string)c["sortBy"]!;
        var sortOrder = (string?)c["sortOrder"];

        if (c["error"] is JsonObject error)
        {
            var exception = Assert.Throws<ScimException>(() => engine.CreateComparer(sortBy, sortOrder));
            Assert.Equal((int)error["status"]!, exception.Status);
            Assert.Equal((string)error["scimType"]!, ScimException.ToKeyword(exception.ScimType!.Value));
            return;
        }

        var comparer = engine.CreateComparer(sortBy, sortOrder);
        var resources = c["resources"]!.AsArray().Select(n => n!.AsObject()).ToList();
        var expected = c["expected"]!.AsArray().Select(n => (string)n!).ToList();

        // Every starting order must give the same result: the comparer alone decides.
        foreach (var start in new[] { resources, Enumerable.Reverse(resources).ToList() })
        {
            var sorted = start.Order(comparer).Select(r => (string)r["id"]!).ToList();
            Assert.Equal(expected, sorted);
        }
    }
}
