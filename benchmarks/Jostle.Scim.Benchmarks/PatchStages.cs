using System.Diagnostics;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Patching;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- patch-stages [ITERATIONS]</c>: a Stopwatch breakdown of the Entra user PATCH
/// (<see cref="PatchBenchmarks.EntraUserPatch"/>) by stage — JSON parse of the body, PatchRequest.Parse, path
/// parsing, the resource's deep clone, Apply — with wall and CPU time per operation and bytes allocated per operation.
/// Quick to read under load; the figures worth quoting come from BenchmarkDotNet (run-patch-bench.sh).
/// </summary>
internal static class PatchStages
{
    public static int Run(int iterations)
    {
        Console.WriteLine("-- warm-up round --");
        Round(iterations / 4);
        Console.WriteLine("-- measured round --");
        Round(iterations);
        return 0;
    }

    private static void Round(int iterations)
    {
        var registry = SchemaRegistry.CreateDefault();
        var userType = registry.GetResourceType("User");
        var user = (JsonObject)JsonNode.Parse(PatchBenchmarks.EntraUser)!;
        var body = JsonNode.Parse(PatchBenchmarks.EntraUserPatch)!;
        var request = PatchRequest.Parse(PatchBenchmarks.EntraUserPatch);
        string[] paths = [.. request.Operations.Select(o => o.PathText!)];

        Stage("JSON parse of the body", iterations, () => JsonNode.Parse(PatchBenchmarks.EntraUserPatch));
        Stage("JsonElement.Parse", iterations, () => System.Text.Json.JsonElement.Parse(PatchBenchmarks.EntraUserPatch));
        Stage("JsonElement.Parse, no duplicate names", iterations, () => System.Text.Json.JsonElement.Parse(PatchBenchmarks.EntraUserPatch, new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false }));
        Stage("JsonDocument.Parse + Dispose", iterations, () =>
        {
            using var d = System.Text.Json.JsonDocument.Parse(PatchBenchmarks.EntraUserPatch);
            return d.RootElement.ValueKind;
        });
        Stage("Utf8JsonReader pass (incl. transcoding)", iterations, () =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(PatchBenchmarks.EntraUserPatch);
            var reader = new System.Text.Json.Utf8JsonReader(bytes);
            var n = 0;
            while (reader.Read())
            {
                n++;
            }

            return n;
        });
        Stage("JsonNode.Parse + touch every op", iterations, () =>
        {
            var node = JsonNode.Parse(PatchBenchmarks.EntraUserPatch)!;
            var n = 0;
            foreach (var op in node["Operations"]!.AsArray())
            {
                n += op!.AsObject().Count;
            }

            return n;
        });
        var noDuplicates = new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false };
        Stage("  JsonElement.Parse + op/path/value look-ups x6", iterations, () =>
        {
            var root = System.Text.Json.JsonElement.Parse(PatchBenchmarks.EntraUserPatch, noDuplicates);
            var n = 0;
            foreach (var op in root.GetProperty("Operations"u8).EnumerateArray())
            {
                n += op.GetProperty("op"u8).ValueEquals("Replace"u8) ? 1 : 0;
                n += op.GetProperty("path"u8).GetString()!.Length;
                n += op.TryGetProperty("value"u8, out var v) && JsonValue.Create(v) is not null ? 1 : 0;
            }

            return n;
        });
        Stage("PatchRequest.Parse(string)", iterations, () => PatchRequest.Parse(PatchBenchmarks.EntraUserPatch));
        Stage("PatchRequest.Parse(JsonNode) (6 ops)", iterations, () => PatchRequest.Parse(body));
        Stage("PatchPath.Parse x6", iterations, () =>
        {
            object? last = null;
            foreach (var p in paths)
            {
                last = PatchPath.Parse(p);
            }

            return last;
        });
        Stage("resource DeepClone", iterations, () => user.DeepClone());
        Stage("Apply (parsed request)", iterations, () => PatchApplier.Apply(user, request, userType));
        foreach (var operation in request.Operations)
        {
            var single = PatchRequest.Parse(new JsonObject
            {
                ["schemas"] = new JsonArray(PatchRequest.PatchOpSchema),
                ["Operations"] = new JsonArray(body["Operations"]![operation.Index - 1]!.DeepClone()),
            });
            Stage($"  Apply op {operation.Index} ({operation.PathText})", iterations, () => PatchApplier.Apply(user, single, userType));
        }

        Stage("parse + apply (the benchmark)", iterations, () => PatchApplier.Apply(user, PatchRequest.Parse(PatchBenchmarks.EntraUserPatch), userType));
    }

    private static void Stage(string name, int iterations, Func<object?> work)
    {
        for (var i = 0; i < Math.Min(iterations, 2000); i++)
        {
            work();
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            work();
        }

        watch.Stop();
        var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / iterations;
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - bytes) / iterations;
        Console.WriteLine($"{name,-55} wall {watch.Elapsed.TotalMicroseconds / iterations,8:F2} us  cpu {cpuUs,8:F2} us  alloc {allocated,7} B");
    }
}
