using Jostle.Scim.Stores;
using Jostle.Scim.Testing;

namespace Jostle.Scim.Tests.Stores;

public sealed class InMemoryStoreContractTests : ScimStoreContractTests
{
    protected override IScimUserStore CreateUserStore() => new InMemoryUserStore();

    protected override IScimGroupStore CreateGroupStore() => new InMemoryGroupStore();

    [Fact]
    public async Task EntraLookupsAmongTwoHundredThousandUsersEvaluateOnlyTheIndexedCandidate()
    {
        var store = new InMemoryUserStore();
        for (var i = 0; i < 200_000; i++)
        {
            await store.CreateAsync(TenantA, UserDocument($"id-{i}", $"user{i}@example.com", externalId: $"ext-{i}"));
        }

        string[] lookups =
        [
            "userName eq \"USER123456@example.com\"",
            "externalId eq \"ext-123456\"",
            "id eq \"id-123456\"",
            "userName eq \"user123456@example.com\" and active eq true",
            "active eq true and externalId eq \"ext-123456\"",
        ];
        foreach (var filter in lookups)
        {
            var found = await store.QueryAsync(TenantA, Query(UserType, filter));

            Assert.Equal("id-123456", Assert.Single(found.Resources).Id);
            Assert.Equal(1, store.LastQueryEvaluations);
        }

        await store.QueryAsync(TenantA, Query(UserType, "userName co \"123456\""));
        Assert.Equal(200_000, store.LastQueryEvaluations);
    }

    [Fact]
    public async Task GroupDisplayNameLookupEvaluatesOnlyTheIndexedCandidate()
    {
        var store = new InMemoryGroupStore();
        for (var i = 0; i < 1_000; i++)
        {
            await store.CreateAsync(TenantA, GroupDocument($"g{i}", $"Group {i}"));
        }

        var found = await store.QueryAsync(TenantA, Query(GroupType, "displayName eq \"group 500\""));

        Assert.Equal("g500", Assert.Single(found.Resources).Id);
        Assert.Equal(1, store.LastQueryEvaluations);
    }

    [Fact]
    public async Task AnOrOfIndexedLookupsFallsBackToAScanAndStillFindsBoth()
    {
        var store = new InMemoryUserStore();
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync(TenantA, UserDocument($"id-{i}", $"user{i}"));
        }

        var found = await store.QueryAsync(TenantA, Query(UserType, "userName eq \"user1\" or userName eq \"user2\""));

        Assert.Equal(2, found.TotalResults);
        Assert.Equal(10, store.LastQueryEvaluations);
    }

    [Fact]
    public async Task AMembershipChangeToALargeGroupKeepsOrderAndReturnsTheGroupWithoutMembers()
    {
        var store = new InMemoryGroupStore();
        await store.CreateAsync(TenantA, GroupDocument("g1", "Big"));
        var members = Enumerable.Range(0, 100_000).Select(i => new GroupMember($"u{i}", "User")).ToArray();
        await store.UpdateMembersAsync(TenantA, "g1", new MembershipUpdate { Added = members, LastModified = DateTimeOffset.UnixEpoch, NewVersion = "W/\"2\"" }, null);

        var result = await store.UpdateMembersAsync(TenantA, "g1", Members("W/\"3\"", added: ["new"]), "W/\"2\"");

        // The result carries the group without members: the update never composed the 100 000-member document.
        Assert.Equal(StoreStatus.Ok, result.Status);
        Assert.False(result.Resource!.Document.TryGetProperty("members", out _));
        var all = MemberIdsOf((await store.GetAsync(TenantA, "g1", includeMembers: true))!.Document);
        Assert.Equal(100_001, all.Length);
        Assert.Equal("new", all[^1]);
    }

    [Fact]
    public async Task ADocumentWithoutAnIdIsRejectedAsAProgrammingError()
    {
        var store = new InMemoryUserStore();
        var document = UserDocument("u1", "a");
        document.Remove("id");

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.CreateAsync(TenantA, document));
    }
}

/// <summary>The store contract with <c>UniqueGroupDisplayNames</c> off: the in-memory group store then keeps duplicate display names.</summary>
public sealed class InMemoryStoreWithoutUniqueDisplayNamesContractTests : ScimStoreContractTests
{
    protected override bool GroupDisplayNamesAreUnique => false;

    protected override IScimUserStore CreateUserStore() => new InMemoryUserStore();

    protected override IScimGroupStore CreateGroupStore() =>
        new InMemoryGroupStore(Microsoft.Extensions.Options.Options.Create(new Jostle.Scim.AspNetCore.JostleScimOptions { UniqueGroupDisplayNames = false }));
}
