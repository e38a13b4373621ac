using System.Diagnostics;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Parsing;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- filter-stages FILE [ITERATIONS]</c>: per filter of the mix, the Stopwatch time and bytes of
/// ScimFilter.Parse, of the full grammar alone (no fast path) and of the tokenizer alone. Quick to read under load.
/// </summary>
internal static class FilterStages
{
    public static int Run(string file, int iterations)
    {
        string[] filters = [.. File.ReadAllLines(file).Where(l => l.Trim().Length > 0 && !l.StartsWith('#'))];
        for (var round = 0; round < 2; round++)
        {
            Console.WriteLine(round == 0 ? "-- warm-up round --" : "-- measured round --");
            var n = round == 0 ? iterations / 4 : iterations;
            double total = 0;
            foreach (var filter in filters)
            {
                var (parse, bytes) = Time(n, () => ScimFilter.Parse(filter));
                var (full, fullBytes) = Time(n, () => FilterParser.TryParseFilterFully(filter, ScimFilterOptions.Default, out _, out _, out _));
                var (tokens, tokenBytes) = Time(n, () => FilterTokenizer.TryTokenize(filter, out _, out _));
                total += parse;
                Console.WriteLine($"parse {parse,7:F0} ns {bytes,5} B | grammar {full,7:F0} ns {fullBytes,5} B | tokens {tokens,6:F0} ns {tokenBytes,4} B | {filter}");
            }

            Console.WriteLine($"mean ScimFilter.Parse: {total / filters.Length:F0} ns/filter = {1e9 / (total / filters.Length):F0} filters/s");
        }

        return 0;
    }

    private static (double Ns, long Bytes) Time(int iterations, Func<object?> work)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < iterations; i++)
        {
            work();
        }

        var elapsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (elapsed.TotalNanoseconds / iterations, (GC.GetAllocatedBytesForCurrentThread() - bytes) / iterations);
    }
}
