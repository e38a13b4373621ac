using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace Jostle.Scim.Console.Tests;

/// <summary>
/// Pins the public API of Jostle.Scim.Console to a committed file, so every change to it shows in review.
/// To accept a deliberate change, run the tests with <c>JOSTLE_ACCEPT_API=1</c> (or copy the received file over the
/// approved one) and commit the approved file.
/// </summary>
public class PublicApiApprovalTests
{
    private const string AcceptVariable = "JOSTLE_ACCEPT_API";

    [Fact]
    public void PublicApiMatchesTheApprovedFile()
    {
        var actual = Normalise(typeof(Jostle.Scim.AdminConsole.ScimConsoleOptions).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false, AllowNamespacePrefixes = ["Microsoft"] }));
        var directory = Path.Combine(SourceDirectory(), "PublicApi");
        var approvedPath = Path.Combine(directory, "Jostle.Scim.Console.approved.txt");
        var receivedPath = Path.Combine(directory, "Jostle.Scim.Console.received.txt");
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
        Assert.Fail($"The public API of Jostle.Scim.Console differs from {approvedPath}; the generated API is in {receivedPath}. " +
            $"If the change is intended, run the tests with {AcceptVariable}=1 and commit the approved file.");
    }

    private static string Normalise(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";

    private static string SourceDirectory([CallerFilePath] string thisFile = "")
    {
        var fromCaller = Path.GetDirectoryName(thisFile);
        if (fromCaller is not null && Directory.Exists(fromCaller))
        {
            return fromCaller;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Jostle.Scim.Console.Tests");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Cannot find the test project's source folder.");
    }
}
