using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.Stores;
using Microsoft.Extensions.DependencyInjection;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>
/// A write that loses a race with another request: without If-Match the client asked for no version check, so the
/// service redoes the read-modify-write; with If-Match the answer is 412. The stores below let "another writer" in
/// between the service's read and its write, deterministically.
/// </summary>
public sealed class LostRaceTests
{
    private const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static Task<ScimTestHost> StartAsync(RacingUserStore users, RacingGroupStore groups) =>
        ScimTestHost.StartAsync(scim: _ => { }, services: s => s
            .AddSingleton<IScimUserStore>(users)
            .AddSingleton<IScimGroupStore>(groups));

    [Fact]
    public async Task APatchWithoutIfMatchThatLosesARaceIsRedoneOnTheOtherWritersResult()
    {
        var users = new RacingUserStore { Interferences = 2 };
        await using var host = await StartAsync(users, new RacingGroupStore());
        var id = (await host.CreateUserAsync("racer"))["id"]!.GetValue<string>();

        using var response = await host.SendAsync(HttpMethod.Patch, $"Users/{id}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"nickName","value":"Speedy"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, users.Interferences);
        var stored = await JsonAsync(await host.Client.GetAsync($"Users/{id}"));
        Assert.Equal("Speedy", stored["nickName"]!.GetValue<string>());
        Assert.Equal("set by writer 2", stored["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task APutWithoutIfMatchThatLosesARaceIsRedone()
    {
        var users = new RacingUserStore { Interferences = 1 };
        await using var host = await StartAsync(users, new RacingGroupStore());
        var id = (await host.CreateUserAsync("putter"))["id"]!.GetValue<string>();

        using var response = await host.SendAsync(HttpMethod.Put, $"Users/{id}",
            """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"putter","displayName":"Put Ter"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Put Ter", (await JsonAsync(response))["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task APatchWithIfMatchThatLosesARaceIs412AndIsNotRetried()
    {
        var users = new RacingUserStore();
        await using var host = await StartAsync(users, new RacingGroupStore());
        var created = await host.CreateUserAsync("careful");
        var id = created["id"]!.GetValue<string>();
        var etag = created["meta"]!["version"]!.GetValue<string>();
        users.Interferences = 5;

        using var response = await host.SendAsync(HttpMethod.Patch, $"Users/{id}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"nickName","value":"Careful"}]}""",
            request => request.Headers.TryAddWithoutValidation("If-Match", etag));

        await AssertErrorAsync(response, 412, null);
        Assert.Equal(4, users.Interferences);
        var stored = await JsonAsync(await host.Client.GetAsync($"Users/{id}"));
        Assert.Null(stored["nickName"]);
    }

    [Fact]
    public async Task AWriteThatKeepsLosingGivesUpWith412RatherThanLoopingForever()
    {
        var users = new RacingUserStore { Interferences = int.MaxValue };
        await using var host = await StartAsync(users, new RacingGroupStore());
        var id = (await host.CreateUserAsync("unlucky"))["id"]!.GetValue<string>();

        using var response = await host.SendAsync(HttpMethod.Patch, $"Users/{id}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"nickName","value":"Never"}]}""");

        var error = await AssertErrorAsync(response, 412, null);
        Assert.Contains("changed by another request", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMemberOnlyPatchWithoutIfMatchLandsEvenWhenAnotherWriterChangesTheGroupEveryTime()
    {
        var groups = new RacingGroupStore { Interferences = int.MaxValue };
        await using var host = await StartAsync(new RacingUserStore(), groups);
        var member = (await host.CreateUserAsync("joiner"))["id"]!.GetValue<string>();
        var group = (await host.CreateGroupAsync("Busy"))["id"]!.GetValue<string>();

        using var response = await host.SendAsync(HttpMethod.Patch, $"Groups/{group}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{member}}"}]}]}""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var stored = await JsonAsync(await host.Client.GetAsync($"Groups/{group}"));
        Assert.Equal(member, Assert.Single(stored["members"]!.AsArray())!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConcurrentMemberPatchesToOneGroupAllSucceedAndAllMembersLand()
    {
        await using var host = await ScimTestHost.StartAsync();
        var members = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            members.Add((await host.CreateUserAsync("crowd" + i))["id"]!.GetValue<string>());
        }

        var group = (await host.CreateGroupAsync("Crowd"))["id"]!.GetValue<string>();
        var statuses = await Task.WhenAll(members.Select(async member =>
        {
            using var response = await host.SendAsync(HttpMethod.Patch, $"Groups/{group}",
                $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{member}}"}]}]}""");
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.NoContent, status));
        var stored = await JsonAsync(await host.Client.GetAsync($"Groups/{group}"));
        Assert.Equal(members.Order(), stored["members"]!.AsArray().Select(m => m!["value"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task AGroupCreateOrRenameThatRacesPastTheDisplayNameLookupIs409UniquenessFromTheStore()
    {
        var groups = new RacingGroupStore();
        await using var host = await StartAsync(new RacingUserStore(), groups);
        await host.CreateGroupAsync("Racers");
        var other = (await host.CreateGroupAsync("Walkers"))["id"]!.GetValue<string>();
        groups.HideFromLookups = true;

        using var create = await host.SendAsync(HttpMethod.Post, "Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"RACERS"}""");
        using var rename = await host.SendAsync(HttpMethod.Patch, $"Groups/{other}",
            $$"""{"schemas":["{{PatchOp}}"],"Operations":[{"op":"replace","path":"displayName","value":"racers"}]}""");

        foreach (var response in new[] { create, rename })
        {
            var error = await AssertErrorAsync(response, 409, "uniqueness");
            Assert.Contains("displayName", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        groups.HideFromLookups = false;
        Assert.Equal("Walkers", (await JsonAsync(await host.Client.GetAsync($"Groups/{other}")))["displayName"]!.GetValue<string>());
        Assert.Equal(2, (await JsonAsync(await host.Client.GetAsync("Groups")))["totalResults"]!.GetValue<int>());
    }

    /// <summary>Before each of the next <see cref="Interferences"/> replaces, another writer changes the user's title.</summary>
    private sealed class RacingUserStore : IScimUserStore
    {
        private readonly InMemoryUserStore _inner = new();
        private int _writers;

        public int Interferences { get; set; }

        public async ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default)
        {
            if (Interferences > 0)
            {
                Interferences--;
                var current = (await _inner.GetAsync(tenantId, document["id"]!.GetValue<string>(), cancellationToken))!;
                var other = JsonNode.Parse(current.Document.GetRawText())!.AsObject();
                var writer = Interlocked.Increment(ref _writers);
                other["title"] = "set by writer " + writer;
                other["meta"]!["version"] = $"W/\"other-{writer}\"";
                Assert.Equal(StoreStatus.Ok, (await _inner.ReplaceAsync(tenantId, other, current.Version, cancellationToken)).Status);
            }

            return await _inner.ReplaceAsync(tenantId, document, expectedVersion, cancellationToken);
        }

        public ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default) => _inner.CreateAsync(tenantId, document, cancellationToken);

        public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) => _inner.GetAsync(tenantId, id, cancellationToken);

        public ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default) => _inner.DeleteAsync(tenantId, id, expectedVersion, cancellationToken);

        public ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(tenantId, query, cancellationToken);
    }

    /// <summary>Before each of the next <see cref="Interferences"/> member updates, another writer renames the group's version.</summary>
    private sealed class RacingGroupStore : IScimGroupStore
    {
        private readonly InMemoryGroupStore _inner = new();
        private int _writers;

        public int Interferences { get; set; }

        public async ValueTask<StoreResult> UpdateMembersAsync(string tenantId, string groupId, MembershipUpdate update, string? expectedVersion, CancellationToken cancellationToken = default)
        {
            if (Interferences > 0)
            {
                Interferences--;
                var writer = Interlocked.Increment(ref _writers);
                var other = new MembershipUpdate { LastModified = update.LastModified, NewVersion = $"W/\"other-{writer}\"" };
                Assert.Equal(StoreStatus.Ok, (await _inner.UpdateMembersAsync(tenantId, groupId, other, null, cancellationToken)).Status);
            }

            return await _inner.UpdateMembersAsync(tenantId, groupId, update, expectedVersion, cancellationToken);
        }

        public ValueTask<StoredResource?> GetAsync(string tenantId, string id, bool includeMembers, CancellationToken cancellationToken = default) => _inner.GetAsync(tenantId, id, includeMembers, cancellationToken);

        public ValueTask RemoveMemberEverywhereAsync(string tenantId, string memberId, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken = default) => _inner.RemoveMemberEverywhereAsync(tenantId, memberId, newVersion, lastModified, cancellationToken);

        public ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default) => _inner.CreateAsync(tenantId, document, cancellationToken);

        public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) => _inner.GetAsync(tenantId, id, cancellationToken);

        public ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default) => _inner.ReplaceAsync(tenantId, document, expectedVersion, cancellationToken);

        public ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default) => _inner.DeleteAsync(tenantId, id, expectedVersion, cancellationToken);

        public ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default) =>
            HideFromLookups ? ValueTask.FromResult(new StoreQueryResult([], 0)) : _inner.QueryAsync(tenantId, query, cancellationToken);

        /// <summary>Queries find nothing: the service's display name lookup runs before the other writer's group is visible.</summary>
        public bool HideFromLookups { get; set; }
    }
}
