using System.Text.Json;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Filtering;

/// <summary>Runs Cases/filters.eval.txt: each filter is parsed, compiled for User and run over Cases/eval-users.json.</summary>
public class FilterEvaluationCaseTests
{
    private static readonly ResourceTypeDefinition User = SchemaRegistry.CreateDefault().GetResourceType("User");

    private static readonly Lazy<JsonElement[]> Users = new(() =>
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cases", "eval-users.json"));
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => e.Clone())];
    });

    public static TheoryData<int, string, string> Cases => EvalCases.Load("filters.eval.txt");

    [Fact]
    public void TheCaseFileHasEnoughCasesOverTwelveUsers()
    {
        Assert.True(Cases.Count >= 110, $"only {Cases.Count} cases");
        Assert.Equal(12, Users.Value.Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FilterSelectsTheExpectedUsers(int line, string filterText, string expected)
    {
        Assert.True(ScimFilter.TryParse(filterText, out var filter, out var parseError), $"line {line}: {parseError?.Message}");

        if (expected.StartsWith('!'))
        {
            Assert.False(ScimFilter.TryCompile(filter, User, out _, out var error), $"line {line}: compiled, expected an error");
            Assert.Equal(expected[1..], error.Message);
            Assert.Null(error.Position);
            return;
        }

        Assert.True(ScimFilter.TryCompile(filter, User, out var compiled, out var compileError), $"line {line}: {compileError?.Message}");
        var matched = Users.Value.Where(compiled.Matches).Select(u => u.GetProperty("id").GetString());
        Assert.Equal(expected, string.Join(",", matched));
    }
}
