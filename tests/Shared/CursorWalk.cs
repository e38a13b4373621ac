using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.Stores;
using Xunit;

namespace Jostle.Scim.Tests.Shared;

/// <summary>
/// Walks <c>GET /Users?cursor=</c> to the end through the real pipeline while users are deleted (seen and not yet
/// seen) and created between pages, and checks RFC 9865's promise: every user that existed throughout the walk is seen
/// exactly once, no user is seen twice, none is seen after its delete, and nothing that never existed appears. The
/// store is seeded and changed directly (fast); only the walk goes through HTTP.
/// </summary>
internal static class CursorWalk
{
    /// <summary>Concurrent writers, so a store that group-commits concurrent creates (the EF user store) seeds fast.</summary>
    private static readonly ParallelOptions Writers = new() { MaxDegreeOfParallelism = 32 };

    /// <param name="seedAll">Writes the initial users in bulk (a test's faster path into its database); <see langword="null"/> creates them through <paramref name="store"/>.</param>
    public static async Task RunAsync(HttpClient client, IScimUserStore store, string tenant, int users, int pageSize, int churnPerPage, Func<IReadOnlyList<JsonObject>, Task>? seedAll = null)
    {
        var initial = Enumerable.Range(0, users).Select(i => $"walk-{i:000000}").ToList();
        if (seedAll is not null)
        {
            await seedAll([.. initial.Select(User)]);
        }
        else
        {
            await Parallel.ForEachAsync(initial, Writers, async (id, ct) =>
                Assert.Equal(StoreStatus.Ok, (await store.CreateAsync(tenant, User(id), ct)).Status));
        }

        var initialSet = initial.ToHashSet(StringComparer.Ordinal);
        var random = new Random(7);
        var alive = new List<string>(initial);
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        var created = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cursor = "";
        var pages = 0;
        while (true)
        {
            using var response = await client.GetAsync($"Users?cursor={Uri.EscapeDataString(cursor)}&count={pageSize}&attributes=userName");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"page {pages}: {(int)response.StatusCode} {text}");
            var body = JsonNode.Parse(text)!.AsObject();
            pages++;
                foreach (var resource in body["Resources"]!.AsArray())
            {
                var id = resource!["id"]!.GetValue<string>();
                Assert.False(deleted.Contains(id), $"{id} was seen after it was deleted");
                Assert.True(initialSet.Contains(id) || created.Contains(id), $"{id} never existed");
                Assert.True(seen.Add(id), $"{id} was seen twice");
            }

            if (body["nextCursor"]?.GetValue<string>() is not { } next)
            {
                break;
            }

            cursor = next;
            var victims = new List<string>();
            var newcomers = new List<string>();
            for (var i = 0; i < churnPerPage && alive.Count > 0; i++)
            {
                // Any live user: often one not yet seen, sometimes one already seen (or one created during the walk).
                var at = random.Next(alive.Count);
                victims.Add(alive[at]);
                alive[at] = alive[^1];
                alive.RemoveAt(alive.Count - 1);
                newcomers.Add($"new-{pages:0000}-{i:000}");
            }

            await Parallel.ForEachAsync(victims, Writers, async (id, ct) =>
                Assert.Equal(StoreStatus.Ok, (await store.DeleteAsync(tenant, id, null, ct)).Status));
            await Parallel.ForEachAsync(newcomers, Writers, async (id, ct) =>
                Assert.Equal(StoreStatus.Ok, (await store.CreateAsync(tenant, User(id), ct)).Status));
            deleted.UnionWith(victims);
            created.UnionWith(newcomers);
            alive.AddRange(newcomers);
        }

        var survivors = initial.Where(id => !deleted.Contains(id)).ToList();
        var missed = survivors.Where(id => !seen.Contains(id)).Take(5).ToList();
        Assert.True(missed.Count == 0, $"{survivors.Count(id => !seen.Contains(id))} users that existed throughout were not seen, e.g. {string.Join(", ", missed)}");
        Assert.True(pages >= users / pageSize, $"the walk took {pages} pages");
        Assert.True(deleted.Count(id => initialSet.Contains(id)) > 0 && created.Count > 0, "the walk changed nothing");
    }

    private static JsonObject User(string id) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
        ["id"] = id,
        ["userName"] = id + "@example.com",
        ["active"] = true,
        ["meta"] = new JsonObject
        {
            ["resourceType"] = "User",
            ["created"] = "2026-01-01T00:00:00Z",
            ["lastModified"] = "2026-01-01T00:00:00Z",
            ["version"] = "W/\"1\"",
        },
    };
}
