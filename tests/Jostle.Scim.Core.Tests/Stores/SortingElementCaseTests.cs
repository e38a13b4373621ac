using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Tests.Resources;

namespace Jostle.Scim.Tests.Stores;

/// <summary>Runs Cases/resources/sorting.jsonl over stored (JsonElement) documents: the order must be the JsonObject order.</summary>
public class SortingElementCaseTests
{
    private const string File = "sorting.jsonl";

    public static TheoryData<string> Cases => [.. CaseFile.Load(File).Where(c => c["error"] is null).Select(c => (string)c["name"]!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void StoredDocumentsSortLikeMutableOnes(string name)
    {
        var c = CaseFile.Find(File, name);
        var comparer = TestResourceTypes.Engine((string)c["type"]!).CreateComparer((string)c["sortBy"]!, (string?)c["sortOrder"]);
        var resources = c["resources"]!.AsArray().Select(n => JsonSerializer.SerializeToElement(n!.AsObject())).ToList();
        var expected = c["expected"]!.AsArray().Select(n => (string)n!).ToList();

        foreach (var start in new[] { resources, Enumerable.Reverse(resources).ToList() })
        {
            var sorted = start.Order<JsonElement>(comparer).Select(r => r.GetProperty("id").GetString()!).ToList();
            Assert.Equal(expected, sorted);
        }
    }
}
