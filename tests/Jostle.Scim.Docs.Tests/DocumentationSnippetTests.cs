namespace Jostle.Scim.Docs.Tests;

/// <summary>
/// Every C# snippet in README.md and docs/ compiles, so a snippet that stops compiling fails CI. New markdown files
/// under docs/ are picked up without a change here. The convention for authors is in docs/contributing.md.
/// </summary>
public sealed class DocumentationSnippetTests
{
    /// <summary>One case per snippet, named by its file and the line of its opening fence.</summary>
    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in MarkdownSnippets.All())
        {
            data.Add(snippet.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void SnippetCompiles(string id)
    {
        var snippet = Assert.Single(MarkdownSnippets.All(), s => s.Id == id);

        var diagnostics = SnippetCompiler.Diagnose(snippet);

        Assert.True(diagnostics.Count == 0,
            $"{id} does not compile as a complete file:\n{string.Join('\n', diagnostics)}\n--- snippet ---\n{snippet.Code}");
    }

    [Fact]
    public void TheDocumentationHasSnippetsToCompile()
    {
        var snippets = MarkdownSnippets.All();

        Assert.Contains(snippets, s => s.File == "README.md");
        Assert.Contains(snippets, s => s.File.StartsWith("docs/", StringComparison.Ordinal));
    }

    [Fact]
    public void TheReadmeAndTheDocsFolderAreRead()
    {
        var files = MarkdownSnippets.DocumentationFiles();

        Assert.Equal("README.md", files[0]);
        Assert.Contains("docs/contributing.md", files);
    }
}
