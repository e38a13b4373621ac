using System.Diagnostics;

namespace Jostle.Scim.Host.Tests;

/// <summary>
/// A checkout that is not a git clone (a downloaded archive) builds the host without a warning, so
/// <c>dotnet run --project src/Jostle.Scim.Host -- keys create … --json</c> prints pure JSON there too: before, SourceLink
/// printed "Source control information is not available" warnings on standard output first.
/// </summary>
public class ArchiveBuildTests
{
    [Fact]
    public async Task TheHostBuildsWithoutWarningsFromACopyWithoutGitMetadata()
    {
        var root = RepositoryRoot();
        var copy = Directory.CreateTempSubdirectory("jostle-archive-");
        try
        {
            foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig", "icon.png", "README.md", "LICENSE" })
            {
                File.Copy(Path.Combine(root, file), Path.Combine(copy.FullName, file));
            }

            foreach (var project in new[] { "Jostle.Scim.Core", "Jostle.Scim.EntityFrameworkCore", "Jostle.Scim.Console", "Jostle.Scim.Host" })
            {
                CopySources(Path.Combine(root, "src", project), Path.Combine(copy.FullName, "src", project));
            }

            Assert.False(Directory.Exists(Path.Combine(copy.FullName, ".git")));
            var (exitCode, output) = await RunAsync(copy.FullName, "build", "src/Jostle.Scim.Host", "-c", "Debug", "-nologo");

            Assert.True(exitCode == 0, output);
            Assert.Contains(" 0 Warning(s)", output, StringComparison.Ordinal);
            Assert.DoesNotContain(": warning ", output, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            copy.Delete(recursive: true);
        }
    }

    private static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            var first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj")
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jostle.Scim.Core.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Jostle.Scim.Core.sln) was not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The CI variable turns on ContinuousIntegrationBuild, which is what asks SourceLink for repository data.
        start.Environment["CI"] = "true";
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
