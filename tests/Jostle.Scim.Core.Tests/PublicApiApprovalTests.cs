using System.Runtime.CompilerServices;
using Jostle.Scim.Filtering;
using PublicApiGenerator;

namespace Jostle.Scim.Tests;

/// <summary>
/// Pins the library's public API to a committed file, so every change to it shows in review.
/// To accept a deliberate change: copy <c>PublicApi/Jostle.Scim.Core.received.txt</c> over the approved file,
/// or run the tests with <c>JOSTLE_ACCEPT_API=1</c>, then commit the approved file.
/// </summary>
public class PublicApiApprovalTests
{
    private const string AcceptVariable = "JOSTLE_ACCEPT_API";

    [Fact]
    public void PublicApiMatchesTheApprovedFile() => AssertApproved(typeof(ScimFilter).Assembly, "Jostle.Scim.Core");

    /// <summary>The conformance kit (<c>Jostle.Scim.Testing</c>) is a published package too: its suites, factories and helpers are API.</summary>
    [Fact]
    public void TheTestingPackagesPublicApiMatchesTheApprovedFile() => AssertApproved(typeof(Jostle.Scim.Testing.ScimConformanceSuite).Assembly, "Jostle.Scim.Testing");

    private static void AssertApproved(System.Reflection.Assembly assembly, string name)
    {
        var options = new ApiGeneratorOptions { IncludeAssemblyAttributes = false, AllowNamespacePrefixes = ["Microsoft"] };
        var actual = Normalise(assembly.GeneratePublicApi(options));

        var directory = Path.Combine(SourceDirectory(), "PublicApi");
        var approvedPath = Path.Combine(directory, $"{name}.approved.txt");
        var receivedPath = Path.Combine(directory, $"{name}.received.txt");
        var approved = File.Exists(approvedPath) ? Normalise(File.ReadAllText(approvedPath)) : null;

        if (actual == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(directory);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(approvedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.Fail(
            $"The public API of {name} differs from {approvedPath}." + Environment.NewLine +
            $"The generated API was written to {receivedPath}; compare the two files." + Environment.NewLine +
            $"If the change is intended, copy the received file over the approved one, or run the tests with {AcceptVariable}=1 " +
            "to overwrite it, then commit the approved file.");
    }

    private static string Normalise(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";

    // This test's folder in the source tree, so the approved file is read from (and the received file written to)
    // the checkout rather than the build output. CI builds map source paths to "/_/", so fall back to finding the
    // repository root above the test assembly.
    private static string SourceDirectory([CallerFilePath] string thisFile = "")
    {
        var fromCaller = Path.GetDirectoryName(thisFile);
        if (fromCaller is not null && Directory.Exists(fromCaller))
        {
            return fromCaller;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jostle.Scim.Core.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "Jostle.Scim.Core.Tests");
            }
        }

        throw new InvalidOperationException($"Cannot find the test project's source folder (caller path '{thisFile}').");
    }
}
