using System.Text.Json.Nodes;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;

namespace Jostle.Scim.Tests.Stores;

/// <summary>The default <see cref="IScimResourceStore.FindExistingAsync"/>, for a host's store that does not implement it.</summary>
public sealed class FindExistingDefaultTests
{
    [Fact]
    public async Task TheDefaultReadsEachDistinctIdOnceAndAnswersThoseThatExist()
    {
        var inner = new InMemoryUserStore();
        await inner.CreateAsync("t", User("u1", "one"));
        await inner.CreateAsync("t", User("u2", "two"));
        var store = new GetOnlyUserStore(inner);

        var found = await ((IScimResourceStore)store).FindExistingAsync("t", ["u2", "nope", "u1", "u2"]);

        Assert.Equal(["u1", "u2"], found.Order(StringComparer.Ordinal));
        Assert.Equal(["u2", "nope", "u1"], store.Reads);
    }

    [Fact]
    public async Task TheDefaultOnAGroupStoreReadsWithoutMembers()
    {
        var inner = new InMemoryGroupStore();
        await inner.CreateAsync("t", new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Group),
            ["id"] = "g1",
            ["displayName"] = "One",
            ["meta"] = new JsonObject { ["resourceType"] = "Group", ["created"] = "2026-01-01T00:00:00Z", ["lastModified"] = "2026-01-01T00:00:00Z", ["version"] = "W/\"1\"" },
        });
        var store = new GroupReadRecorder(inner);

        var found = await ((IScimResourceStore)store).FindExistingAsync("t", ["g1", "g2"]);

        Assert.Equal(["g1"], found);
        Assert.Equal([false, false], store.IncludeMembers);
    }

    private static JsonObject User(string id, string userName) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemaUris.User),
        ["id"] = id,
        ["userName"] = userName,
        ["meta"] = new JsonObject { ["resourceType"] = "User", ["created"] = "2026-01-01T00:00:00Z", ["lastModified"] = "2026-01-01T00:00:00Z", ["version"] = "W/\"1\"" },
    };

    /// <summary>A user store that implements only the required members, recording each read.</summary>
    private sealed class GetOnlyUserStore(InMemoryUserStore inner) : IScimUserStore
    {
        public List<string> Reads { get; } = [];

        public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
        {
            Reads.Add(id);
            return inner.GetAsync(tenantId, id, cancellationToken);
        }

        public ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    /// <summary>A group store that implements only the required members, recording how each read asked for members.</summary>
    private sealed class GroupReadRecorder(InMemoryGroupStore inner) : IScimGroupStore
    {
        public List<bool> IncludeMembers { get; } = [];

        public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) =>
            GetAsync(tenantId, id, includeMembers: true, cancellationToken);

        public ValueTask<StoredResource?> GetAsync(string tenantId, string id, bool includeMembers, CancellationToken cancellationToken = default)
        {
            IncludeMembers.Add(includeMembers);
            return inner.GetAsync(tenantId, id, includeMembers, cancellationToken);
        }

        public ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<StoreResult> UpdateMembersAsync(string tenantId, string groupId, MembershipUpdate update, string? expectedVersion, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask RemoveMemberEverywhereAsync(string tenantId, string memberId, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
