using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.CycleDriver;

/// <summary>
/// <b>soak</b>: steady mixed Entra traffic for <c>--duration</c> seconds against a fixed population of <c>--users</c> slots
/// (each slot holds one user, <c>P-slot-generation@example.com</c>) and <c>--groups</c> groups. Each operation picks a free
/// slot at random and does one of (weights out of 100): 45 lookup (<c>GET /Users?filter=userName eq</c>, one result),
/// 25 update (<c>PATCH /Users/{id}</c> replacing title and active), 15 membership (<c>PATCH /Groups/{id}</c> add the user,
/// then remove it), 15 churn (<c>DELETE /Users/{id}</c>, then lookup of the next generation's userName — empty — and
/// <c>POST /Users</c>). Creates and deletes balance, so the data set stays the same size. Paced at <c>--rate</c> operations
/// per second (0: as fast as <c>--concurrency</c> workers go).
/// Every <c>--interval</c> seconds one JSON line goes to <c>--samples</c> (and stdout): requests, p50/p99/max latency and
/// outcomes by status in that interval. A slot whose write failed (a 5xx during an outage, a timeout) looks its user up
/// again before it writes, so the run survives outages. At the end, every acknowledged state is checked (not timed):
/// each slot's user answers <c>GET /Users/{id}</c> with its userName and each acknowledged delete answers 404.
/// </summary>
internal sealed class SoakRunner(DriverOptions options, ScimCaller caller)
{
    private readonly Lock gate = new();
    private readonly List<long> intervalTicks = [];
    private readonly SortedDictionary<string, int> intervalOutcomes = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, int> totalOutcomes = new(StringComparer.Ordinal);
    private readonly List<string> deletedIds = [];
    private long totalRequests;

    private sealed class Slot
    {
        public int Generation;
        public string? Id;

        /// <summary>False after a write whose outcome is unknown (5xx, timeout): look the userName up before writing.</summary>
        public bool Known = true;
        public int Busy;
    }

    /// <summary>The final JSON line: totals, outcomes, and the verification of acknowledged writes.</summary>
    public JsonObject Result { get; } = new();

    private string UserName(int slot, int generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{options.Prefix}-{slot}-{generation}@example.com");

    public async Task<bool> RunAsync()
    {
        var slots = Enumerable.Range(0, options.Users).Select(_ => new Slot { Known = false }).ToArray();
        var groups = new string?[options.Groups];
        var setup = new OperationStats("setup");

        // Set-up (not in the intervals): find or create each slot's first user and each group, so a rerun reuses them.
        await Runner.ForEachAsync(options.Users, options.Concurrency, async (i, _) => await EnsureUserAsync(slots[i], i, setup)).ConfigureAwait(false);
        await Runner.ForEachAsync(options.Groups, options.Concurrency, async (g, _) =>
        {
            var name = EntraBodies.GroupName(options.Prefix, g);
            using var found = await caller.CallAsync(setup, HttpMethod.Get, ScimCaller.FilterQuery("Groups", "displayName", name, "excludedAttributes=members"),
                null, HttpStatusCode.OK, inspect: _ => null).ConfigureAwait(false);
            var existing = found?.RootElement.TryGetProperty("Resources", out var r) == true && r.GetArrayLength() > 0 ? r[0].GetProperty("id").GetString() : null;
            if (existing is null)
            {
                using var created = await caller.CallAsync(setup, HttpMethod.Post, "Groups", EntraBodies.Group(options.Prefix, g), HttpStatusCode.Created,
                    inspect: ScimCaller.HasId).ConfigureAwait(false);
                existing = created?.RootElement.GetProperty("id").GetString();
            }

            groups[g] = existing;
        }).ConfigureAwait(false);
        var setupSummary = setup.Summarise();
        Console.Error.WriteLine($"soak set-up: {setupSummary.Count} requests, failures: {setupSummary.Failures.Values.Sum()}");

        var started = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var operations = -1L;
        using var sampler = new CancellationTokenSource();
        var sampling = SampleAsync(started, sampler.Token);

        async Task Worker(int worker)
        {
            var random = new Random(worker * 7919 + 17);
            while (true)
            {
                var n = Interlocked.Increment(ref operations);
                if (options.Rate > 0)
                {
                    var due = TimeSpan.FromSeconds(n / (double)options.Rate);
                    var wait = due - started.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait).ConfigureAwait(false);
                    }
                }

                if (started.Elapsed >= duration)
                {
                    return;
                }

                var i = random.Next(options.Users);
                var slot = slots[i];
                if (Interlocked.CompareExchange(ref slot.Busy, 1, 0) != 0)
                {
                    continue;
                }

                try
                {
                    await OperateAsync(slot, i, groups, random).ConfigureAwait(false);
                }
                finally
                {
                    Volatile.Write(ref slot.Busy, 0);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(() => Worker(w)))).ConfigureAwait(false);
        var wall = started.Elapsed.TotalSeconds;
        await sampler.CancelAsync().ConfigureAwait(false);
        await sampling.ConfigureAwait(false);
        await FlushIntervalAsync(started.Elapsed.TotalSeconds).ConfigureAwait(false);

        // Verification of everything acknowledged.
        var verify = new OperationStats("verify");
        var missing = 0;
        var wrong = 0;
        var resurrected = 0;
        await Runner.ForEachAsync(options.Users, options.Concurrency, async (i, _) =>
        {
            var slot = slots[i];
            if (!slot.Known)
            {
                await EnsureUserAsync(slot, i, verify).ConfigureAwait(false);
            }

            if (slot.Id is null)
            {
                Interlocked.Increment(ref missing);
                return;
            }

            var expectedName = UserName(i, slot.Generation);
            using var user = await caller.CallAsync(verify, HttpMethod.Get, "Users/" + slot.Id, null, HttpStatusCode.OK,
                inspect: d => d?.RootElement.GetProperty("userName").GetString() == expectedName ? null : "wrong-user").ConfigureAwait(false);
            if (user is null)
            {
                Interlocked.Increment(ref wrong);
            }
        }).ConfigureAwait(false);
        string[] deleted;
        lock (gate)
        {
            deleted = [.. deletedIds];
        }

        await Runner.ForEachAsync(deleted.Length, options.Concurrency, async (k, _) =>
        {
            using var gone = await caller.CallAsync(verify, HttpMethod.Get, "Users/" + deleted[k], null, HttpStatusCode.NotFound).ConfigureAwait(false);
            if (gone is null)
            {
                Interlocked.Increment(ref resurrected);
            }
        }).ConfigureAwait(false);

        lock (gate)
        {
            Result["label"] = options.Label ?? "soak";
            Result["mode"] = "soak";
            Result["base_url"] = options.BaseUrl.ToString();
            Result["users"] = options.Users;
            Result["groups"] = options.Groups;
            Result["concurrency"] = options.Concurrency;
            Result["rate"] = options.Rate;
            Result["wall_seconds"] = Math.Round(wall, 1);
            Result["requests"] = totalRequests;
            Result["outcomes"] = new JsonObject(totalOutcomes.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)o.Value)));
            Result["server_errors"] = totalOutcomes.Where(o => o.Key.StartsWith('5')).Sum(o => o.Value);
            Result["acknowledged_users"] = slots.Count(s => s.Id is not null);
            Result["acknowledged_deletes"] = deleted.Length;
            Result["verify_unknown_slots"] = missing;
            Result["verify_lost_or_wrong"] = wrong;
            Result["verify_deleted_but_present"] = resurrected;
            Result["status"] = wrong == 0 && resurrected == 0 ? "OK" : "FAILED";
        }

        return wrong == 0 && resurrected == 0;
    }

    /// <summary>Finds the slot's current user by userName, or creates it; the slot is known afterwards when that worked.</summary>
    private async Task EnsureUserAsync(Slot slot, int i, OperationStats? stats)
    {
        var userName = UserName(i, slot.Generation);
        using var found = await CallAsync(stats, HttpMethod.Get, ScimCaller.FilterQuery("Users", "userName", userName), null, HttpStatusCode.OK,
            inspect: _ => null).ConfigureAwait(false);
        if (found is null)
        {
            return;
        }

        if (found.RootElement.TryGetProperty("Resources", out var resources) && resources.GetArrayLength() > 0)
        {
            slot.Id = resources[0].GetProperty("id").GetString();
            slot.Known = true;
            return;
        }

        using var created = await CallAsync(stats, HttpMethod.Post, "Users", EntraBodies.User(userName, i, null), HttpStatusCode.Created,
            inspect: ScimCaller.HasId).ConfigureAwait(false);
        slot.Id = created?.RootElement.GetProperty("id").GetString();
        slot.Known = created is not null;
    }

    private async Task OperateAsync(Slot slot, int i, string?[] groups, Random random)
    {
        if (!slot.Known || slot.Id is null)
        {
            await EnsureUserAsync(slot, i, null).ConfigureAwait(false);
            return;
        }

        var pick = random.Next(100);
        if (pick < 45)
        {
            using var _ = await CallAsync(null, HttpMethod.Get, ScimCaller.FilterQuery("Users", "userName", UserName(i, slot.Generation)), null,
                HttpStatusCode.OK, inspect: ScimCaller.TotalResults(1)).ConfigureAwait(false);
        }
        else if (pick < 70)
        {
            using var done = await CallAsync(null, HttpMethod.Patch, "Users/" + slot.Id,
                EntraBodies.ReplaceUser("Title " + random.Next(1000).ToString(CultureInfo.InvariantCulture), random.Next(4) != 0),
                HttpStatusCode.NoContent, HttpStatusCode.OK).ConfigureAwait(false);
            slot.Known = done is not null;
        }
        else if (pick < 85)
        {
            if (groups.Length == 0 || groups[random.Next(groups.Length)] is not { } group)
            {
                return;
            }

            using var added = await CallAsync(null, HttpMethod.Patch, "Groups/" + group, EntraBodies.AddMembers([slot.Id]),
                HttpStatusCode.NoContent, HttpStatusCode.OK).ConfigureAwait(false);
            using var removed = await CallAsync(null, HttpMethod.Patch, "Groups/" + group, EntraBodies.RemoveMember(slot.Id),
                HttpStatusCode.NoContent, HttpStatusCode.OK).ConfigureAwait(false);
        }
        else
        {
            using var deleted = await CallAsync(null, HttpMethod.Delete, "Users/" + slot.Id, null, HttpStatusCode.NoContent).ConfigureAwait(false);
            if (deleted is null)
            {
                slot.Known = false;
                return;
            }

            lock (gate)
            {
                deletedIds.Add(slot.Id);
            }

            slot.Generation++;
            slot.Id = null;
            await EnsureUserAsync(slot, i, null).ConfigureAwait(false);
        }
    }

    /// <summary>One request, recorded in the current interval (and in <paramref name="stats"/> for the set-up and verification).</summary>
    private async Task<JsonDocument?> CallAsync(OperationStats? stats, HttpMethod method, string relative, byte[]? body, HttpStatusCode expected,
        HttpStatusCode? alsoExpected = null, Func<JsonDocument?, string?>? inspect = null)
    {
        var own = new OperationStats("one");
        var document = await caller.CallAsync(own, method, relative, body, expected, alsoExpected, inspect ?? (_ => null)).ConfigureAwait(false);
        var s = own.Summarise();
        var outcome = s.Failures.Keys.FirstOrDefault() ?? ((int)expected).ToString(CultureInfo.InvariantCulture);
        if (stats is not null)
        {
            stats.Record((long)(s.MaxMs * Stopwatch.Frequency / 1000), s.Failures.Keys.FirstOrDefault());
            return document;
        }

        lock (gate)
        {
            intervalTicks.Add((long)(s.MaxMs * Stopwatch.Frequency / 1000));
            intervalOutcomes[outcome] = intervalOutcomes.GetValueOrDefault(outcome) + 1;
        }

        return document;
    }

    private async Task SampleAsync(Stopwatch started, CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.IntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false))
            {
                await FlushIntervalAsync(started.Elapsed.TotalSeconds).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task FlushIntervalAsync(double elapsedSeconds)
    {
        double[] ms;
        SortedDictionary<string, int> outcomes;
        lock (gate)
        {
            ms = intervalTicks.Select(t => t * 1000.0 / Stopwatch.Frequency).ToArray();
            outcomes = new SortedDictionary<string, int>(intervalOutcomes, StringComparer.Ordinal);
            intervalTicks.Clear();
            intervalOutcomes.Clear();
            totalRequests += ms.Length;
            foreach (var (key, count) in outcomes)
            {
                totalOutcomes[key] = totalOutcomes.GetValueOrDefault(key) + count;
            }
        }

        if (ms.Length == 0)
        {
            return;
        }

        Array.Sort(ms);
        var line = new JsonObject
        {
            ["utc"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["t"] = Math.Round(elapsedSeconds, 1),
            ["requests"] = ms.Length,
            ["p50_ms"] = Math.Round(OperationStats.Percentile(ms, 50), 2),
            ["p99_ms"] = Math.Round(OperationStats.Percentile(ms, 99), 2),
            ["max_ms"] = Math.Round(ms[^1], 2),
            ["server_errors"] = outcomes.Where(o => o.Key.StartsWith('5')).Sum(o => o.Value),
            ["outcomes"] = new JsonObject(outcomes.Select(o => KeyValuePair.Create(o.Key, (JsonNode?)o.Value))),
        }.ToJsonString();
        Console.WriteLine(line);
        if (options.Samples is not null)
        {
            await File.AppendAllTextAsync(options.Samples, line + Environment.NewLine).ConfigureAwait(false);
        }
    }
}
