using System.Diagnostics;

namespace Jostle.Scim.CycleDriver;

/// <summary>
/// Latencies and outcomes of one kind of operation (say, "user POST"), safe to record from several workers.
/// A failure is counted under its HTTP status ("409"), or "timeout", "error" or a short reason.
/// </summary>
internal sealed class OperationStats(string name)
{
    private readonly Lock gate = new();
    private readonly List<long> ticks = [];
    private readonly SortedDictionary<string, int> failures = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public void Record(long elapsedTicks, string? failure = null)
    {
        lock (gate)
        {
            ticks.Add(elapsedTicks);
            if (failure is not null)
            {
                failures[failure] = failures.GetValueOrDefault(failure) + 1;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return ticks.Count;
            }
        }
    }

    public int FailureCount
    {
        get
        {
            lock (gate)
            {
                return failures.Values.Sum();
            }
        }
    }

    public Summary Summarise()
    {
        lock (gate)
        {
            var ms = ticks.Select(t => t * 1000.0 / Stopwatch.Frequency).ToArray();
            Array.Sort(ms);
            return new Summary(
                ms.Length,
                new SortedDictionary<string, int>(failures, StringComparer.Ordinal),
                Percentile(ms, 50),
                Percentile(ms, 99),
                ms.Length == 0 ? 0 : ms.Average(),
                ms.Length == 0 ? 0 : ms[^1]);
        }
    }

    /// <summary>Nearest-rank percentile of an ascending array (0 for an empty one): the smallest value with at least p % of the values at or below it.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    internal sealed record Summary(int Count, SortedDictionary<string, int> Failures, double P50Ms, double P99Ms, double MeanMs, double MaxMs);
}
