using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- mapped-stages [SECONDS]</c>: where a mapped-store <c>userName eq</c> hit spends its time,
/// stage by stage, on the database of <see cref="MappedVsDocumentBenchmarks"/> (seeded the same way, in
/// <c>JOSTLE_MAPBENCH_DIR</c>): a DI scope and a fresh context (as the store leases one when the host has no
/// context factory) up to its first query's services; the LINQ query the store builds, on one reused context; the
/// same query compiled once (<c>EF.CompileAsyncQuery</c>); and the store's whole <c>QueryAsync</c>. The stages take
/// turns in rounds of 200 calls; prints µs and allocated bytes per call.
/// </summary>
internal static class MappedStages
{
    private static readonly Func<BenchIntranetContext, string, string, IAsyncEnumerable<BenchPerson>> Compiled =
        EF.CompileAsyncQuery((BenchIntranetContext c, string tenant, string login) => c.People.AsNoTracking().Where(p => p.TenantId == tenant && p.LoginNormalized == login));

    public static int Run(double seconds)
    {
        var bench = new MappedVsDocumentBenchmarks { Users = 100_000 };
        bench.Setup();
        var services = bench.MappedServices;
        var login = "USER50000@EXAMPLE.COM";
        using var reusedScope = services.CreateScope();
        var reused = reusedScope.ServiceProvider.GetRequiredService<BenchIntranetContext>();
        var stages = new (string Name, Func<Task> Call)[]
        {
            ("scope+context", async () =>
            {
                await using var scope = services.CreateAsyncScope();
                var context = scope.ServiceProvider.GetRequiredService<BenchIntranetContext>();
                _ = context.Set<BenchPerson>().EntityType;
            }),
            ("linq query", async () =>
            {
                var tenant = new Box("bench");
                var value = new Box(login);
                var rows = await reused.People.AsNoTracking().Where(p => p.TenantId == tenant.Value).Where(p => p.LoginNormalized == value.Value).OrderBy(p => p.Id).Skip(0).Take(100).ToListAsync();
                if (rows.Count != 1) throw new InvalidOperationException();
            }),
            ("compiled query", async () =>
            {
                var n = 0;
                await foreach (var _ in Compiled(reused, "bench", login)) n++;
                if (n != 1) throw new InvalidOperationException();
            }),
            ("store QueryAsync", async () => await bench.MappedHit()),
        };
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 3)
        {
            foreach (var (_, call) in stages) for (var i = 0; i < 50; i++) call().GetAwaiter().GetResult();
        }

        var elapsed = new double[stages.Length];
        var bytes = new long[stages.Length];
        long rounds = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds * stages.Length)
        {
            for (var s = 0; s < stages.Length; s++)
            {
                var allocated = GC.GetTotalAllocatedBytes(false);
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < 200; i++) stages[s].Call().GetAwaiter().GetResult();
                elapsed[s] += watch.Elapsed.TotalMicroseconds;
                bytes[s] += GC.GetTotalAllocatedBytes(false) - allocated;
            }

            rounds += 200;
        }

        for (var s = 0; s < stages.Length; s++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{stages[s].Name,-17} {elapsed[s] / rounds,9:F1} us/call {bytes[s] / rounds,9:N0} B/call"));
        }

        bench.Cleanup();
        return 0;
    }

    private sealed class Box(string value)
    {
        public string Value { get; } = value;
    }
}
