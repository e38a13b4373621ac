using System.Diagnostics;
using System.Globalization;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- mapped-loop [SECONDS] [CASES]</c>: the cases of <see cref="MappedVsDocumentBenchmarks"/>
/// (seeded the same way, in <c>JOSTLE_MAPBENCH_DIR</c>) in a plain loop, for a profiler to attach to (perf record -p)
/// and to print wall time and allocated bytes per call: each case runs for SECONDS (default 5) after a 3 s warm-up,
/// the cases taking turns in rounds of 200 calls so that they see the same machine load. CASES is a comma-separated
/// list (default MappedHit,DocumentHit,MappedMiss,DocumentMiss).
/// </summary>
internal static class MappedLoop
{
    public static int Run(double seconds, string cases)
    {
        var bench = new MappedVsDocumentBenchmarks { Users = 100_000 };
        bench.Setup();
        var all = new Dictionary<string, Func<Task<int>>>(StringComparer.OrdinalIgnoreCase)
        {
            ["MappedHit"] = bench.MappedHit,
            ["DocumentHit"] = bench.DocumentHit,
            ["MappedMiss"] = bench.MappedMiss,
            ["DocumentMiss"] = bench.DocumentMiss,
        };
        var chosen = cases.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => (Name: c, Call: all[c])).ToList();
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 3)
        {
            foreach (var (_, call) in chosen)
            {
                for (var i = 0; i < 50; i++)
                {
                    call().GetAwaiter().GetResult();
                }
            }
        }

        var elapsed = new double[chosen.Count];
        var bytes = new long[chosen.Count];
        var calls = new long[chosen.Count];
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds * chosen.Count)
        {
            for (var c = 0; c < chosen.Count; c++)
            {
                var allocated = GC.GetTotalAllocatedBytes(precise: false);
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < 200; i++)
                {
                    chosen[c].Call().GetAwaiter().GetResult();
                }

                elapsed[c] += watch.Elapsed.TotalMicroseconds;
                bytes[c] += GC.GetTotalAllocatedBytes(precise: false) - allocated;
                calls[c] += 200;
            }
        }

        for (var c = 0; c < chosen.Count; c++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chosen[c].Name,-13} {elapsed[c] / calls[c],9:F1} us/call {bytes[c] / calls[c],9:N0} B/call  ({calls[c]} calls)"));
        }

        bench.Cleanup();
        return 0;
    }
}
