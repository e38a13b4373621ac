using System.Reflection;
using System.Runtime.CompilerServices;
using PublicApiGenerator;
using Xunit;

namespace Jostle.Scim.Tests.Shared;

/// <summary>
/// Pins a library's public API to a committed file (<c>PublicApi/NAME.approved.txt</c> beside the calling test), so every
/// change to it shows in review. Extension methods in <c>Microsoft.*</c> namespaces (<c>AddJostleScim</c> and the like)
/// are included. To accept a deliberate change: copy the received file over the approved one, or run the tests with
/// <c>JOSTLE_ACCEPT_API=1</c>, then commit the approved file.
/// </summary>
internal static class PublicApiApproval
{
    private const string AcceptVariable = "JOSTLE_ACCEPT_API";

    /// <summary>Fails unless <paramref name="assembly"/>'s public API equals the approved file <paramref name="name"/>.</summary>
    /// <param name="assembly">The library.</param>
    /// <param name="name">The approved file's name without <c>.approved.txt</c>, e.g. <c>Jostle.Scim.Core</c>.</param>
    /// <param name="testProject">The calling test project's folder under <c>tests/</c>, used when the build mapped source paths away.</param>
    /// <param name="callerFile">Filled in by the compiler: the calling test's source file.</param>
    public static void AssertApproved(Assembly assembly, string name, string testProject, [CallerFilePath] string callerFile = "")
    {
        var options = new ApiGeneratorOptions { IncludeAssemblyAttributes = false, AllowNamespacePrefixes = ["Microsoft"] };
        var actual = Normalise(assembly.GeneratePublicApi(options));

        var directory = Path.Combine(SourceDirectory(callerFile, testProject), "PublicApi");
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

    // The calling test's folder in the source tree, so the approved file is read from (and the received file written to)
    // the checkout rather than the build output. CI builds map source paths to "/_/", so fall back to finding the
    // repository root above the test assembly.
    private static string SourceDirectory(string callerFile, string testProject)
    {
        var fromCaller = Path.GetDirectoryName(callerFile);
        if (fromCaller is not null && Directory.Exists(fromCaller))
        {
            return fromCaller;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jostle.Scim.Core.sln")))
            {
                return Path.Combine(dir.FullName, "tests", testProject);
            }
        }

        throw new InvalidOperationException($"Cannot find the test project's source folder (caller path '{callerFile}').");
    }
}
