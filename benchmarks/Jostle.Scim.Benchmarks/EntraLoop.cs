using System.Diagnostics;
using System.Text.Json.Nodes;
using Jostle.Scim.Patching;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- entra-loop [SECONDS]</c>: the same operation as <see cref="EntraPatchBenchmarks"/> in a
/// plain timed loop shaped like benchmarks/peer/patch-peer.js (warm-up, then batches of 1000 for at least SECONDS),
/// printing wall and CPU time per operation as one JSON line. run-patch-bench.sh runs it right after the peer so both
/// see about the same machine load; CPU time is the steadier figure on a loaded machine. PART=parse or PART=apply
/// times one half (the request parsed once for apply).
/// </summary>
internal static class EntraLoop
{
    public static int Run(double seconds)
    {
        var userType = SchemaRegistry.CreateDefault().GetResourceType("User");
        var user = (JsonObject)JsonNode.Parse(PatchBenchmarks.EntraUser)!;
        var parsed = PatchRequest.Parse(PatchBenchmarks.EntraUserPatch);
        var part = Environment.GetEnvironmentVariable("PART");
        JsonObject Once() => part == "parse" ? (PatchRequest.Parse(PatchBenchmarks.EntraUserPatch) is { } ? user : user)
            : part == "apply" ? PatchApplier.Apply(user, parsed, userType).Resource
            : PatchApplier.Apply(user, PatchRequest.Parse(PatchBenchmarks.EntraUserPatch), userType).Resource;

        if (part is null && (string?)Once()["emails"]![0]!["value"] != "bjs@work.example")
        {
            throw new InvalidOperationException("unexpected result");
        }

        // Warm up for a fixed time, not a fixed count: on a loaded machine the background JIT is starved, and until it
        // has promoted the hot methods past tier 0 and Dynamic PGO's instrumented tier, an operation costs 3-5 times more.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 2)
        {
            for (var i = 0; i < 1000; i++)
            {
                Once();
            }
        }

        Thread.Sleep(200);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long n = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1000; i++)
            {
                Once();
            }

            n += 1000;
        }

        watch.Stop();
        process.Refresh();
        var cpuUs = (process.TotalProcessorTime - cpu).TotalMicroseconds / n;
        var wallUs = watch.Elapsed.TotalMicroseconds / n;
        Console.WriteLine(FormattableString.Invariant($"{{\"engine\":\"Jostle.Scim.Core (loop)\",\"ops\":{n},\"seconds\":{watch.Elapsed.TotalSeconds:F3},\"ops_per_sec\":{n / watch.Elapsed.TotalSeconds:F0},\"us_per_op\":{wallUs:F3},\"cpu_us_per_op\":{cpuUs:F3}}}"));
        return 0;
    }
}
