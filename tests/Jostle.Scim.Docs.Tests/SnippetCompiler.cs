using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Jostle.Scim.Docs.Tests;

/// <summary>
/// Compiles one snippet the way a reader would: as one complete file of a new ASP.NET Core web project
/// (<c>dotnet new web</c>: nullable on, the Web SDK's implicit global usings), referencing the .NET and ASP.NET Core
/// shared frameworks and every assembly this test project references — all of src/, Jostle.Scim.Testing, xUnit,
/// Microsoft.AspNetCore.Mvc.Testing, Snapshooter and the fake TimeProvider. A snippet with top-level statements is a
/// program; one with only types is a library. Errors and warnings both fail it.
/// </summary>
public static class SnippetCompiler
{
    /// <summary>The Web SDK's implicit usings (Microsoft.NET.Sdk.Web with ImplicitUsings enabled).</summary>
    public static readonly IReadOnlyList<string> ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json",
        "System.Threading", "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    // What the .NET SDK suppresses in every project (NoWarn 1701;1702): assembly-version unification notes about the
    // referenced packages, not about the snippet.
    private static readonly Dictionary<string, ReportDiagnostic> SdkDefaultNoWarn = new()
    {
        ["CS1701"] = ReportDiagnostic.Suppress,
        ["CS1702"] = ReportDiagnostic.Suppress,
    };

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly SyntaxTree GlobalUsings = CSharpSyntaxTree.ParseText(
        string.Concat(ImplicitUsings.Select(ns => $"global using global::{ns};\n")), ParseOptions, "GlobalUsings.g.cs");

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(LoadReferences);

    /// <summary>The compiler's errors and warnings for a snippet, each as <c>file:line: id: message</c>.</summary>
    /// <param name="snippet">The snippet; reported lines are lines of its markdown file.</param>
    public static IReadOnlyList<string> Diagnose(MarkdownSnippet snippet)
    {
        var tree = CSharpSyntaxTree.ParseText(snippet.Code, ParseOptions, snippet.Id);
        var isProgram = tree.GetCompilationUnitRoot().Members.Any(member => member is GlobalStatementSyntax);
        var options = new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions(SdkDefaultNoWarn);
        var compilation = CSharpCompilation.Create("Snippet", [GlobalUsings, tree], References.Value, options);

        return compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => Format(snippet, d))
            .ToList();
    }

    private static string Format(MarkdownSnippet snippet, Diagnostic diagnostic)
    {
        var where = diagnostic.Location.IsInSource && diagnostic.Location.SourceTree != GlobalUsings
            ? $"{snippet.File}:{snippet.Line + 1 + diagnostic.Location.GetLineSpan().StartLinePosition.Line}"
            : snippet.Id;
        return $"{where}: {diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Id}: {diagnostic.GetMessage()}";
    }

    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        // The trusted platform assemblies are the shared frameworks plus this test's dependencies (deps.json); the
        // output folder adds anything copied beside the test. One reference per assembly name, the first found wins.
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        var local = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Order(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var references = new List<MetadataReference>();
        foreach (var path in platform.Concat(local).Where(p => p.Length > 0 && File.Exists(p)))
        {
            if (IsManagedAssembly(path) && seen.Add(Path.GetFileNameWithoutExtension(path)))
            {
                references.Add(MetadataReference.CreateFromFile(path));
            }
        }

        return references;
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            _ = AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
