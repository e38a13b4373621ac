namespace Jostle.Scim.Docs.Tests;

/// <summary>One fenced C# block of a markdown file: where it starts and its text.</summary>
/// <param name="File">The markdown file, relative to the repository root, with forward slashes.</param>
/// <param name="Line">The one-based line of the opening fence.</param>
/// <param name="Code">The block's lines, without the fences and without the fence's indentation.</param>
public sealed record MarkdownSnippet(string File, int Line, string Code)
{
    /// <summary>How a test case names the snippet: <c>docs/events.md:7</c>.</summary>
    public string Id => $"{File}:{Line}";
}

/// <summary>
/// Finds the documentation's C# snippets: every block fenced with <c>```csharp</c>, <c>```cs</c> or <c>```c#</c>
/// (any case, backticks or tildes, indented or not) in README.md and in every markdown file under docs/. Blocks with
/// another or no language tag (<c>```text</c>, <c>```sh</c>, <c>```json</c>) are not C# and are not compiled.
/// </summary>
public static class MarkdownSnippets
{
    private static readonly HashSet<string> CSharpTags = new(StringComparer.OrdinalIgnoreCase) { "csharp", "cs", "c#" };

    /// <summary>The repository root: the nearest folder above the test's output that holds Jostle.Scim.Core.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The documentation files, relative to the root: README.md, then docs/**/*.md in ordinal order.</summary>
    public static IReadOnlyList<string> DocumentationFiles()
    {
        var files = new List<string>();
        if (File.Exists(Path.Combine(RepositoryRoot, "README.md")))
        {
            files.Add("README.md");
        }

        var docs = Path.Combine(RepositoryRoot, "docs");
        if (Directory.Exists(docs))
        {
            files.AddRange(Directory.EnumerateFiles(docs, "*.md", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/'))
                .Order(StringComparer.Ordinal));
        }

        return files;
    }

    /// <summary>Every C# snippet of every documentation file.</summary>
    public static IReadOnlyList<MarkdownSnippet> All() =>
        DocumentationFiles()
            .SelectMany(file => Extract(file, File.ReadAllText(Path.Combine(RepositoryRoot, file))))
            .ToList();

    /// <summary>The C# blocks of one markdown text.</summary>
    /// <param name="file">The name the snippets carry.</param>
    /// <param name="markdown">The markdown text.</param>
    public static IEnumerable<MarkdownSnippet> Extract(string file, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!TryReadFence(lines[i], out var indent, out var fence, out var info))
            {
                continue;
            }

            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !IsClosingFence(lines[i], fence); i++)
            {
                body.Add(Unindent(lines[i], indent));
            }

            var language = info.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            if (CSharpTags.Contains(language))
            {
                yield return new MarkdownSnippet(file, start + 1, string.Join('\n', body));
            }
        }
    }

    private static bool TryReadFence(string line, out int indent, out string fence, out string info)
    {
        var text = line.TrimStart(' ');
        indent = line.Length - text.Length;
        var marker = text.Length > 0 ? text[0] : '\0';
        var length = marker is '`' or '~' ? text.TakeWhile(c => c == marker).Count() : 0;
        fence = length >= 3 ? new string(marker, length) : "";
        info = length >= 3 ? text[length..].Trim() : "";
        return length >= 3;
    }

    private static bool IsClosingFence(string line, string fence)
    {
        var text = line.Trim();
        return text.Length >= fence.Length && text.All(c => c == fence[0]);
    }

    private static string Unindent(string line, int indent)
    {
        var spaces = line.TakeWhile(c => c == ' ').Count();
        return line[Math.Min(spaces, indent)..];
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jostle.Scim.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Jostle.Scim.Core.sln above {AppContext.BaseDirectory}.");
    }
}
