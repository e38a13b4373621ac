using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// Entra ID's match query (<c>userName eq "…"</c>, first page, unsorted) runs as a precompiled query; every other
/// shape goes through the LINQ translator. Both must answer the same.
/// </summary>
public sealed class UserNameLookupTests : IDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly ResourceTypeDefinition _users = SchemaRegistry.CreateDefault().ResourceTypes.First(r => r.Name == "User");

    [Theory]
    [InlineData("userName eq \"BJensen@Example.com\"")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"bjensen@example.com\"")]
    [InlineData("USERNAME eq \"bjensen@EXAMPLE.com\"")]
    [InlineData("userName eq \"nobody@example.com\"")]
    public async Task TheMatchQueryFindsWhatTheTranslatedQueryFinds(string filter)
    {
        var store = new EfScimUserStore(_database.Factory);
        await CreateAsync(store, "tenant-a", "u1", "bjensen@example.com");
        await CreateAsync(store, "tenant-a", "u2", "other@example.com");
        await CreateAsync(store, "tenant-b", "u3", "bjensen@example.com");

        var fast = await store.QueryAsync("tenant-a", Query(ScimFilter.Parse(filter)));
        // "and userName pr" changes nothing but the shape, which sends it through the translator.
        var translated = await store.QueryAsync("tenant-a", Query(ScimFilter.Parse($"({filter}) and userName pr")));

        Assert.Equal(translated.TotalResults, fast.TotalResults);
        Assert.Equal(translated.Resources.Select(r => r.Id), fast.Resources.Select(r => r.Id));
        Assert.Equal(filter.Contains("nobody", StringComparison.Ordinal) ? 0 : 1, fast.TotalResults);
        Assert.All(fast.Resources, r => Assert.Equal("u1", r.Id));
    }

    [Fact]
    public async Task AMatchQueryWithCountZeroStillReportsTheTotal()
    {
        var store = new EfScimUserStore(_database.Factory);
        await CreateAsync(store, "tenant-a", "u1", "bjensen@example.com");

        var result = await store.QueryAsync("tenant-a", Query(ScimFilter.Parse("userName eq \"bjensen@example.com\""), count: 0));

        Assert.Equal(1, result.TotalResults);
        Assert.Empty(result.Resources);
    }

    private StoreQuery Query(FilterExpression filter, int count = 100) =>
        new() { ResourceType = _users, Filter = filter, StartIndex = 1, Count = count };

    private static async Task CreateAsync(EfScimUserStore store, string tenant, string id, string userName)
    {
        var document = TestDocuments.User(id, userName);
        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync(tenant, document)).Status);
    }

    public void Dispose() => _database.Dispose();
}
