using System.Diagnostics;
using Jostle.Scim.CycleDriver;

namespace Jostle.Scim.Tests.Benchmarks;

// The cycle driver's aggregation (benchmarks/Jostle.Scim.CycleDriver/OperationStats.cs, compiled in by link): the
// figures in docs/benchmarks.md are only as good as these percentiles.
public class CycleDriverStatsTests
{
    [Theory]
    [InlineData(50, 50)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(1, 1)]
    [InlineData(0.5, 1)]
    public void PercentileIsTheNearestRankOfTheSortedValues(double p, double expected)
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
        Assert.Equal(expected, OperationStats.Percentile(sorted, p));
    }

    [Fact]
    public void PercentileOfFewValuesRoundsTheRankUpAndOfNoneIsZero()
    {
        Assert.Equal(3.0, OperationStats.Percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50));
        Assert.Equal(5.0, OperationStats.Percentile([1.0, 2.0, 3.0, 4.0, 5.0], 99));
        Assert.Equal(7.0, OperationStats.Percentile([7.0], 99));
        Assert.Equal(0.0, OperationStats.Percentile([], 50));
    }

    [Fact]
    public void SummaryCountsEveryCallAndGroupsFailuresByReason()
    {
        var stats = new OperationStats("group PATCH members");
        var oneMs = Stopwatch.Frequency / 1000;
        stats.Record(3 * oneMs);
        stats.Record(1 * oneMs, "412");
        stats.Record(2 * oneMs, "412");
        stats.Record(10 * oneMs, "timeout");

        var summary = stats.Summarise();

        Assert.Equal(4, summary.Count);
        Assert.Equal(new Dictionary<string, int> { ["412"] = 2, ["timeout"] = 1 }, summary.Failures);
        Assert.Equal(2.0, summary.P50Ms, 3);
        Assert.Equal(10.0, summary.P99Ms, 3);
        Assert.Equal(4.0, summary.MeanMs, 3);
        Assert.Equal(10.0, summary.MaxMs, 3);
        Assert.Equal(3, stats.FailureCount);
    }
}
