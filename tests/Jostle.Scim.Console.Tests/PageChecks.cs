using System.Text.Json;
using Microsoft.Playwright;

namespace Jostle.Scim.Console.Tests;

/// <summary>
/// Every page a browser test visits goes through <see cref="CheckAsync"/>: a full-page screenshot kept as test output
/// (artifacts/console-screenshots/NAME.png at the repository root) and an axe-core run (the vendored axe/axe.min.js)
/// that fails on serious or critical violations. The results of each page are appended to axe-results.txt beside them.
/// </summary>
public static class PageChecks
{
    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js")));
    private static readonly object Gate = new();

    static PageChecks()
    {
        // One run's results: the file starts empty in every test process.
        ScreenshotDirectory = FindScreenshotDirectory();
        Directory.CreateDirectory(ScreenshotDirectory);
        File.Delete(Path.Combine(ScreenshotDirectory, "axe-results.txt"));
    }

    public static string ScreenshotDirectory { get; }

    /// <summary>Screenshots the page and runs axe-core on it; returns the violations of every impact.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> CheckAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Content = AxeSource.Value });
        var json = await page.EvaluateAsync<string>(
            "async () => JSON.stringify((await axe.run(document, { resultTypes: ['violations'] })).violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })))");
        var violations = JsonSerializer.Deserialize<List<AxeViolation>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var summary = violations.Count == 0
            ? "none"
            : string.Join(", ", violations.GroupBy(v => v.Impact ?? "unknown").Select(g => $"{g.Key}: {g.Count()} ({string.Join(" ", g.Select(v => v.Id))})"));
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(ScreenshotDirectory, "axe-results.txt"), $"{name} ({page.Url}): {summary}{Environment.NewLine}");
        }

        var serious = violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"axe-core found serious or critical violations on {name}: "
            + string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes)}")));
        return violations;
    }

    private static string FindScreenshotDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Jostle.Scim.Core.sln")))
            {
                return Path.Combine(directory.FullName, "artifacts", "console-screenshots");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "console-screenshots");
    }
}

public sealed record AxeViolation(string Id, string? Impact, string Help, IReadOnlyList<string> Nodes);
