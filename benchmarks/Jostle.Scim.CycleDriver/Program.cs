using System.Globalization;
using System.Text.Json.Nodes;
using Jostle.Scim.CycleDriver;

// Entra-style load driver: see DriverOptions.Usage and benchmarks/cycle/run-cycle.sh.
DriverOptions options;
try
{
    options = DriverOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(DriverOptions.Usage);
    return 2;
}

using var caller = new ScimCaller(options);
var runner = new Runner(options, caller);
if (!await runner.TestConnectionAsync())
{
    return 1;
}

if (options.Mode == DriverMode.Soak)
{
    var soak = new SoakRunner(options, caller);
    var ok = await soak.RunAsync();
    var soakLine = soak.Result.ToJsonString();
    Console.WriteLine(soakLine);
    if (options.Out is not null)
    {
        await File.AppendAllTextAsync(options.Out, soakLine + Environment.NewLine);
    }

    return ok ? 0 : 1;
}

var started = DateTimeOffset.UtcNow;
var cpuBefore = Environment.CpuUsage.TotalTime;
switch (options.Mode)
{
    case DriverMode.Cycle:
        await runner.RunCycleAsync();
        break;
    case DriverMode.Seed:
        await runner.RunSeedAsync();
        break;
    default:
        await runner.RunLookupAsync();
        break;
}

var report = Report.Build(options, runner, started);
report["driver_cpu_seconds"] = Math.Round((Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds, 2);
var line = report.ToJsonString();
Console.WriteLine(line);
if (options.Out is not null)
{
    await File.AppendAllTextAsync(options.Out, line + Environment.NewLine);
}

Console.Error.WriteLine(Report.Summary(report));
return (string)report["status"]! == "OK" ? 0 : 1;

/// <summary>The JSON line (snake_case, milliseconds and seconds) and its human-readable summary.</summary>
internal static class Report
{
    public static JsonObject Build(DriverOptions options, Runner runner, DateTimeOffset started)
    {
        static double Round(double x, int digits = 3) => Math.Round(x, digits);
        var kinds = new JsonArray();
        var operations = 0;
        var failures = 0;
        foreach (var kind in runner.Kinds)
        {
            var s = kind.Summarise();
            operations += s.Count;
            failures += s.Failures.Values.Sum();
            kinds.Add(KindJson(kind.Name, s));
        }

        var result = new JsonObject
        {
            ["label"] = options.Label ?? options.Mode.ToString().ToLowerInvariant(),
            ["mode"] = options.Mode.ToString().ToLowerInvariant(),
            ["status"] = "OK",
            ["base_url"] = options.BaseUrl.ToString(),
            ["started_utc"] = started.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["users"] = options.Users,
            ["concurrency"] = options.Concurrency,
        };
        if (options.Mode == DriverMode.Cycle)
        {
            result["groups"] = options.Groups;
            result["members_per_group"] = options.Members;
            result["member_batch"] = options.MemberBatch;
            result["member_order"] = options.MembersGrouped ? "grouped" : "spread";
        }

        if (options.Mode == DriverMode.Lookup)
        {
            result["requests"] = options.Requests;
        }

        result["wall_seconds"] = Round(runner.WallSeconds);
        result["operations"] = operations;
        result["ops_per_sec"] = Round(runner.WallSeconds > 0 ? operations / runner.WallSeconds : 0, 1);
        result["phases_seconds"] = new JsonObject(runner.Phases.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Round(p.Value))));
        result["failures"] = failures;
        result["kinds"] = kinds;
        if (runner.Verify is { } verify)
        {
            var s = verify.Summarise();
            failures += s.Failures.Values.Sum();
            result["verify"] = KindJson(verify.Name, s);
        }

        result["status"] = failures == 0 ? "OK" : "FAILED";
        return result;
    }

    private static JsonObject KindJson(string name, OperationStats.Summary s) => new()
    {
        ["kind"] = name,
        ["count"] = s.Count,
        ["failures"] = new JsonObject(s.Failures.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value))),
        ["p50_ms"] = Math.Round(s.P50Ms, 2),
        ["p99_ms"] = Math.Round(s.P99Ms, 2),
        ["mean_ms"] = Math.Round(s.MeanMs, 2),
        ["max_ms"] = Math.Round(s.MaxMs, 2),
    };

    public static string Summary(JsonObject r)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{r["label"]}: {r["status"]} — {r["operations"]} requests in {r["wall_seconds"]} s ({r["ops_per_sec"]} req/s), concurrency {r["concurrency"]}");
        var phases = (JsonObject)r["phases_seconds"]!;
        if (phases.Count > 1)
        {
            text.Append(" [").Append(string.Join(", ", phases.Select(p => $"{p.Key} {p.Value} s"))).Append(']');
        }

        text.AppendLine();
        var rows = ((JsonArray)r["kinds"]!).Select(k => (JsonObject)k!).ToList();
        if (r["verify"] is JsonObject verify)
        {
            rows.Add(verify);
        }

        foreach (var k in rows)
        {
            var failed = (JsonObject)k["failures"]!;
            var failures = failed.Count == 0 ? "no failures" : "FAILURES " + string.Join(", ", failed.Select(f => $"{f.Key}×{f.Value}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {k["kind"],-22} {k["count"],7}  p50 {k["p50_ms"],7} ms  p99 {k["p99_ms"],7} ms  max {k["max_ms"],8} ms  {failures}");
        }

        return text.ToString().TrimEnd();
    }
}
