using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Jostle.Scim.CycleDriver;

/// <summary>
/// The three modes. <b>cycle</b> is what Entra ID does on an initial provisioning cycle: for each user,
/// <c>GET /Users?filter=userName eq</c> (must be empty), then <c>POST /Users</c>; then for each group
/// <c>GET /Groups?filter=displayName eq …&amp;excludedAttributes=members</c>, then <c>POST /Groups</c> (empty); then the
/// memberships as <c>PATCH /Groups/{id}</c> adding <c>--member-batch</c> members each. Every phase runs on
/// <c>--concurrency</c> workers. Afterwards (not timed) each group is read back and its members counted.
/// <b>seed</b> only POSTs users; <b>lookup</b> runs random <c>userName eq</c> queries against a seeded server.
/// </summary>
internal sealed class Runner(DriverOptions options, ScimCaller caller)
{
    public List<OperationStats> Kinds { get; } = [];
    public Dictionary<string, double> Phases { get; } = new(StringComparer.Ordinal);
    public double WallSeconds { get; private set; }
    public OperationStats? Verify { get; private set; }

    /// <summary>Runs <paramref name="body"/> for 0..count-1 on <paramref name="workers"/> workers, in index order.</summary>
    public static async Task ForEachAsync(int count, int workers, Func<int, int, Task> body)
    {
        var next = -1;
        async Task Worker(int worker)
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                await body(i, worker).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(workers, Math.Max(1, count))).Select(w => Task.Run(() => Worker(w)))).ConfigureAwait(false);
    }

    private OperationStats Kind(string name)
    {
        var stats = new OperationStats(name);
        Kinds.Add(stats);
        return stats;
    }

    private async Task<double> PhaseAsync(string name, Func<Task> phase)
    {
        var watch = Stopwatch.StartNew();
        await phase().ConfigureAwait(false);
        Phases[name] = watch.Elapsed.TotalSeconds;
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Entra's "Test Connection": a filter on a random userName must answer 200 with an empty list. Not timed.</summary>
    public async Task<bool> TestConnectionAsync()
    {
        var probe = new OperationStats("test connection");
        using var document = await caller.CallAsync(probe, HttpMethod.Get,
            ScimCaller.FilterQuery("Users", "userName", Guid.NewGuid().ToString()), null, HttpStatusCode.OK, inspect: ScimCaller.TotalResults(0)).ConfigureAwait(false);
        if (document is null)
        {
            Console.Error.WriteLine($"test connection failed: {string.Join(", ", probe.Summarise().Failures.Select(f => $"{f.Key}×{f.Value}"))}");
        }

        return document is not null;
    }

    public async Task RunCycleAsync()
    {
        var query = Kind("user GET filter");
        var create = Kind("user POST");
        var groupQuery = Kind("group GET filter");
        var groupCreate = Kind("group POST");
        var patch = Kind("group PATCH members");
        var userIds = new string?[options.Users];
        var groupIds = new string?[options.Groups];
        var total = Stopwatch.StartNew();

        // Users: query by userName (nothing there yet), then create. A user whose index is not a multiple of 50 reports
        // to the head of its block of 50 (created ~50 requests earlier, so its id is almost always known by then).
        await PhaseAsync("users", () => ForEachAsync(options.Users, options.Concurrency, async (i, _) =>
        {
            var userName = options.UserName(i);
            using var found = await caller.CallAsync(query, HttpMethod.Get, ScimCaller.FilterQuery("Users", "userName", userName),
                null, HttpStatusCode.OK, inspect: ScimCaller.TotalResults(0)).ConfigureAwait(false);
            if (found is null)
            {
                return;
            }

            var manager = i % 50 == 0 ? null : Volatile.Read(ref userIds[i - (i % 50)]);
            using var created = await caller.CallAsync(create, HttpMethod.Post, "Users", EntraBodies.User(userName, i, manager),
                HttpStatusCode.Created, inspect: ScimCaller.HasId).ConfigureAwait(false);
            Volatile.Write(ref userIds[i], created?.RootElement.GetProperty("id").GetString());
        })).ConfigureAwait(false);

        await PhaseAsync("groups", () => ForEachAsync(options.Groups, options.Concurrency, async (g, _) =>
        {
            using var found = await caller.CallAsync(groupQuery, HttpMethod.Get,
                ScimCaller.FilterQuery("Groups", "displayName", EntraBodies.GroupName(options.Prefix, g), "excludedAttributes=members"),
                null, HttpStatusCode.OK, inspect: ScimCaller.TotalResults(0)).ConfigureAwait(false);
            if (found is null)
            {
                return;
            }

            using var created = await caller.CallAsync(groupCreate, HttpMethod.Post, "Groups", EntraBodies.Group(options.Prefix, g),
                HttpStatusCode.Created, inspect: ScimCaller.HasId).ConfigureAwait(false);
            groupIds[g] = created?.RootElement.GetProperty("id").GetString();
        })).ConfigureAwait(false);

        // Memberships: group g gets users g*M .. g*M+M-1 (mod N), B per PATCH. "spread" takes batch k of every group before
        // batch k+1 of any, so with G >= workers one group's PATCHes do not overlap; "grouped" sends one group's batches
        // back to back, so several are in flight together — concurrent additions to one group must then lose nothing.
        var batchesPerGroup = (options.Members + options.MemberBatch - 1) / options.MemberBatch;
        var expected = new int[options.Groups];
        await PhaseAsync("memberships", () => ForEachAsync(options.Groups * batchesPerGroup, options.Concurrency, async (b, _) =>
        {
            var (g, k) = options.MembersGrouped ? (b / batchesPerGroup, b % batchesPerGroup) : (b % options.Groups, b / options.Groups);
            var first = k * options.MemberBatch;
            var count = Math.Min(options.MemberBatch, options.Members - first);
            var members = Enumerable.Range(first, count).Select(k => userIds[(int)(((long)g * options.Members + k) % options.Users)])
                .OfType<string>().ToArray();
            if (groupIds[g] is not { } groupId || members.Length < count)
            {
                patch.Record(0, "missing-id");
                return;
            }

            using var done = await caller.CallAsync(patch, HttpMethod.Patch, "Groups/" + groupId, EntraBodies.AddMembers(members),
                HttpStatusCode.NoContent, HttpStatusCode.OK).ConfigureAwait(false);
            if (done is not null)
            {
                Interlocked.Add(ref expected[g], members.Length);
            }
        })).ConfigureAwait(false);
        WallSeconds = total.Elapsed.TotalSeconds;

        if (options.Verify)
        {
            var verify = Verify = new OperationStats("group GET (verify)");
            await ForEachAsync(options.Groups, options.Concurrency, async (g, _) =>
            {
                if (groupIds[g] is not { } groupId)
                {
                    return;
                }

                using var group = await caller.CallAsync(verify, HttpMethod.Get, "Groups/" + groupId + "?attributes=members", null,
                    HttpStatusCode.OK, inspect: d => CountMembers(d) == expected[g] ? null : "members-lost").ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
    }

    private static int CountMembers(JsonDocument? group) =>
        group is not null && group.RootElement.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array
            ? members.GetArrayLength()
            : 0;

    public async Task RunSeedAsync()
    {
        var create = Kind("user POST");
        var total = Stopwatch.StartNew();
        await PhaseAsync("seed", () => ForEachAsync(options.Users, options.Concurrency, async (k, _) =>
        {
            var i = options.Start + k;
            using var created = await caller.CallAsync(create, HttpMethod.Post, "Users", EntraBodies.User(options.UserName(i), i, null),
                HttpStatusCode.Created, inspect: ScimCaller.HasId).ConfigureAwait(false);
        })).ConfigureAwait(false);
        WallSeconds = total.Elapsed.TotalSeconds;
    }

    /// <summary>SplitMix64's finaliser: a fixed, well-spread hash (HashCode is seeded per process).</summary>
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }

    public async Task RunLookupAsync()
    {
        var warm = new OperationStats("warm-up");
        var lookup = Kind("user GET filter");
        async Task Load(OperationStats stats, int count, int seed)
        {
            await ForEachAsync(count, options.Concurrency, async (k, _) =>
            {
                // A fixed pseudo-random sequence per request index: every server is asked for the same users.
                var i = (int)(Mix((ulong)seed << 32 | (uint)k) % (ulong)options.Users);
                using var found = await caller.CallAsync(stats, HttpMethod.Get, ScimCaller.FilterQuery("Users", "userName", options.UserName(i)),
                    null, HttpStatusCode.OK, inspect: ScimCaller.TotalResults(1)).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }

        await Load(warm, options.Warmup, 1).ConfigureAwait(false);
        if (warm.FailureCount > 0)
        {
            Console.Error.WriteLine($"warm-up: {warm.FailureCount} of {warm.Count} lookups failed ({string.Join(", ", warm.Summarise().Failures.Select(f => $"{f.Key}×{f.Value}"))})");
        }

        var total = Stopwatch.StartNew();
        await PhaseAsync("lookup", () => Load(lookup, options.Requests, 2)).ConfigureAwait(false);
        WallSeconds = total.Elapsed.TotalSeconds;
    }
}
