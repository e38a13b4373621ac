namespace Jostle.Scim.Docs.Tests;

/// <summary>The snippet test's own parts: extraction and compilation fail where they should.</summary>
public sealed class SnippetCompilerTests
{
    [Fact]
    public void OnlyCSharpBlocksAreExtractedWithTheLineOfTheirFence()
    {
        const string markdown = """
            # Title

            ```csharp
            var a = 1;
            ```

            ```text
            not C#
            ```

            - a list item:

              ~~~~C# title="ignored"
              var b = 2;
              ```
              still inside
              ~~~~

            ```json
            {}
            ```

            ```cs
            var c = 3;
            ```
            """;

        var snippets = MarkdownSnippets.Extract("x.md", markdown).ToList();

        Assert.Equal(["x.md:3", "x.md:13", "x.md:23"], snippets.Select(s => s.Id));
        Assert.Equal("var a = 1;", snippets[0].Code);
        Assert.Equal("var b = 2;\n```\nstill inside", snippets[1].Code);
        Assert.Equal("var c = 3;", snippets[2].Code);
    }

    [Fact]
    public void AHostingProgramWithItsUsingsCompiles()
    {
        var snippet = new MarkdownSnippet("x.md", 1, """
            using Jostle.Scim.AspNetCore;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddJostleScim().AddInMemoryStores().AddApiKeys();
            var app = builder.Build();
            app.MapJostleScim("/scim/v2");
            await app.RunAsync();
            """);

        Assert.Empty(SnippetCompiler.Diagnose(snippet));
    }

    [Fact]
    public void AMissingUsingIsReportedOnTheMarkdownLine()
    {
        var snippet = new MarkdownSnippet("docs/x.md", 10, """
            var builder = WebApplication.CreateBuilder(args);
            var manager = builder.Build().Services.GetRequiredService<ScimApiKeyManager>();
            """);

        var diagnostic = Assert.Single(SnippetCompiler.Diagnose(snippet));

        Assert.StartsWith("docs/x.md:12: error CS0246: The type or namespace name 'ScimApiKeyManager' could not be found", diagnostic);
    }

    [Fact]
    public void ATypeTheSnippetNeverDefinesFailsIt()
    {
        var snippet = new MarkdownSnippet("x.md", 1, """
            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddJostleScim().AddUserStore<MyUserStore>();
            """);

        Assert.Contains(SnippetCompiler.Diagnose(snippet), d => d.Contains("CS0246", StringComparison.Ordinal) && d.Contains("MyUserStore", StringComparison.Ordinal));
    }

    [Fact]
    public void AWarningFailsASnippet()
    {
        var snippet = new MarkdownSnippet("x.md", 1, """
            string? name = null;
            Console.WriteLine(name.Length);
            """);

        Assert.Contains(SnippetCompiler.Diagnose(snippet), d => d.Contains("warning CS8602", StringComparison.Ordinal));
    }

    [Fact]
    public void ASnippetOfTypesCompilesAsALibrary()
    {
        var snippet = new MarkdownSnippet("x.md", 1, """
            using Jostle.Scim.Filtering;

            public static class Filters
            {
                public static FilterExpression ByUserName(string userName) => ScimFilter.Parse($"userName eq \"{userName}\"");
            }
            """);

        Assert.Empty(SnippetCompiler.Diagnose(snippet));
    }
}
