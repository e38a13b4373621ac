using System.Runtime;

namespace Jostle.Scim.LoadHost;

/// <summary>What the garbage collector has done so far, as one JSON object (see <c>GET /_diag/gc</c>).</summary>
internal static class GcReport
{
    public static IResult Get()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var gen2 = GC.GetGCMemoryInfo(GCKind.Background);
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return Results.Json(new
        {
            server_gc = GCSettings.IsServerGC,
            latency_mode = GCSettings.LatencyMode.ToString(),
            heap_mb = info.HeapSizeBytes / 1048576.0,
            committed_mb = info.TotalCommittedBytes / 1048576.0,
            working_set_mb = process.WorkingSet64 / 1048576.0,
            allocated_mb = GC.GetTotalAllocatedBytes() / 1048576.0,
            gen0 = GC.CollectionCount(0),
            gen1 = GC.CollectionCount(1),
            gen2 = GC.CollectionCount(2),
            pause_total_ms = GC.GetTotalPauseDuration().TotalMilliseconds,
            pause_percent = info.PauseTimePercentage,
            last_gc_pauses_ms = info.PauseDurations.ToArray().Select(d => d.TotalMilliseconds).Where(d => d > 0),
            last_gc_generation = info.Generation,
            last_background_gc_index = gen2.Index,
            last_blocking_gen2_index = blocking.Index,
            last_blocking_gen2_pauses_ms = blocking.PauseDurations.ToArray().Select(d => d.TotalMilliseconds).Where(d => d > 0),
            thread_pool_threads = ThreadPool.ThreadCount,
            thread_pool_pending = ThreadPool.PendingWorkItemCount,
        });
    }
}
