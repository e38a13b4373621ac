using BenchmarkDotNet.Attributes;
using Jostle.Scim.Filtering;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// Parse throughput over the fixed, realistic mix in <c>benchmarks/filter-mix.txt</c> — the same file the peer
/// benchmark (<c>benchmarks/peer/filter-parse-peer.js</c>) parses, so <c>benchmarks/run-filter-bench.sh</c> can
/// print the ratio. One operation is one filter.
/// </summary>
[MemoryDiagnoser]
public class FilterMixBenchmarks
{
    /// <summary>The number of filters in the mix; <see cref="Setup"/> checks the file agrees.</summary>
    public const int MixSize = 20;

    private string[] _filters = [];

    /// <summary>Reads the mix and checks that every filter parses.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var file = FindMix();
        _filters = [.. File.ReadAllLines(file).Where(l => l.Trim().Length > 0 && !l.StartsWith('#'))];
        if (_filters.Length != MixSize)
        {
            throw new InvalidOperationException($"{file} has {_filters.Length} filters; set {nameof(MixSize)} to that number.");
        }

        foreach (var filter in _filters)
        {
            if (!ScimFilter.TryParse(filter, out _, out var error))
            {
                throw new InvalidOperationException($"The mix filter '{filter}' does not parse: {error.Message}");
            }
        }
    }

    /// <summary>Parses every filter of the mix once.</summary>
    /// <returns>The last AST, so the work cannot be optimised away.</returns>
    [Benchmark(OperationsPerInvoke = MixSize)]
    public FilterExpression? ParseMix()
    {
        FilterExpression? last = null;
        foreach (var filter in _filters)
        {
            last = ScimFilter.Parse(filter);
        }

        return last;
    }

    // BenchmarkDotNet runs the benchmark in a child process from its own folder: the script passes the file's path in
    // JOSTLE_FILTER_MIX; otherwise look beside the binaries, then up from the working directory.
    private static string FindMix()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("JOSTLE_FILTER_MIX");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "filter-mix.txt"), Path.Combine(dir.FullName, "benchmarks", "filter-mix.txt") })
                {
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        throw new FileNotFoundException("Cannot find benchmarks/filter-mix.txt; set JOSTLE_FILTER_MIX to its path.");
    }
}
