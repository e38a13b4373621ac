using Jostle.Scim.Filtering;

namespace Jostle.Scim.Tests.Filtering;

public class FilterCaseTests
{
    public static TheoryData<string, string> ValidFilters => CaseFile.Load("filters.valid.txt");

    public static TheoryData<string, string> InvalidFilters => CaseFile.Load("filters.invalid.txt");

    public static TheoryData<string, string> ValidPaths => CaseFile.Load("paths.valid.txt");

    public static TheoryData<string, string> InvalidPaths => CaseFile.Load("paths.invalid.txt");

    [Theory]
    [MemberData(nameof(ValidFilters))]
    public void ValidFilterPrintsAsItsCanonicalTextWhichParsesToTheSameTree(string input, string canonical)
    {
        var filter = ScimFilter.Parse(input);

        Assert.Equal(canonical, filter.ToString());
        var reparsed = ScimFilter.Parse(canonical);
        Assert.Equal(filter, reparsed);
        Assert.Equal(filter.GetHashCode(), reparsed.GetHashCode());
        Assert.Equal(canonical, reparsed.ToString());
    }

    [Theory]
    [MemberData(nameof(InvalidFilters))]
    public void InvalidFilterIsRejectedWithAnExactMessageAndPosition(string input, string message)
    {
        Assert.False(ScimFilter.TryParse(input, out var filter, out var error));
        Assert.Null(filter);
        Assert.Equal(message, error.Message);
        Assert.StartsWith($"Syntax error at position {error.Position}:", error.Message, StringComparison.Ordinal);

        var exception = Assert.Throws<ScimFilterException>(() => ScimFilter.Parse(input));
        Assert.Equal(message, exception.Message);
        Assert.Equal(error.Position, exception.Position);
    }

    [Theory]
    [MemberData(nameof(ValidPaths))]
    public void ValidPatchPathPrintsAsItsCanonicalTextWhichParsesToTheSamePath(string input, string canonical)
    {
        var path = PatchPath.Parse(input);

        Assert.Equal(canonical, path.ToString());
        var reparsed = PatchPath.Parse(canonical);
        Assert.Equal(path, reparsed);
        Assert.Equal(path.GetHashCode(), reparsed.GetHashCode());
        Assert.Equal(canonical, reparsed.ToString());
    }

    [Theory]
    [MemberData(nameof(InvalidPaths))]
    public void InvalidPatchPathIsRejectedWithAnExactMessageAndPosition(string input, string message)
    {
        Assert.False(PatchPath.TryParse(input, out var path, out var error));
        Assert.Null(path);
        Assert.Equal(message, error.Message);

        var exception = Assert.Throws<ScimFilterException>(() => PatchPath.Parse(input));
        Assert.Equal(message, exception.Message);
    }
}
