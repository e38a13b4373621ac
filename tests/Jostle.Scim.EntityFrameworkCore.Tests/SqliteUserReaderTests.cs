using System.Text.Json.Nodes;
using System.Text.Json;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// On a SQLite file the store answers <c>userName eq</c> and reads by id on connections it keeps open with prepared
/// statements (<see cref="SqliteUserReader"/>). Kept open, they must still see every write the moment it is
/// acknowledged, never another tenant's users, and answer exactly what EF Core's query answers.
/// </summary>
public sealed class SqliteUserReaderTests : IDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly ResourceTypeDefinition _users = SchemaRegistry.CreateDefault().ResourceTypes.First(r => r.Name == "User");

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task ASqliteFileOpenedByConnectionStringGetsTheReaderAndASharedConnectionObjectDoesNot()
    {
        await new EfScimUserStore(_database.Factory).InitializeAsync();
        await using (var context = await _database.Factory.CreateDbContextAsync())
        {
            Assert.NotNull(SqliteUserReader.TryCreate(context, _database.Factory));
        }

        await using var shared = new SqliteConnection(_database.ConnectionString);
        var options = new DbContextOptionsBuilder<ScimDbContext>().UseSqlite(shared).Options;
        var sharedFactory = new PooledDbContextFactory<ScimDbContext>(options);
        await using (var context = await sharedFactory.CreateDbContextAsync())
        {
            Assert.Null(SqliteUserReader.TryCreate(context, sharedFactory));
        }

        // The store on the shared connection still answers, through EF Core.
        var store = new EfScimUserStore(sharedFactory);
        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync("tenant-a", TestDocuments.User("u1", "jo@example.com"))).Status);
        Assert.Equal("u1", Assert.Single((await store.QueryAsync("tenant-a", UserNameEq("jo@example.com"))).Resources).Id);
        Assert.Equal("u1", (await store.GetAsync("tenant-a", "u1"))?.Id);
    }

    [Fact]
    public async Task AWriteIsSeenByTheVeryNextLookupOnAConnectionThatWasAlreadyOpen()
    {
        var store = new EfScimUserStore(_database.Factory);

        // Open the reader's connection (and its prepared statements) before any of the writes below.
        Assert.Empty((await store.QueryAsync("tenant-a", UserNameEq("jo@example.com"))).Resources);
        Assert.Null(await store.GetAsync("tenant-a", "u1"));

        var created = await store.CreateAsync("tenant-a", TestDocuments.User("u1", "jo@example.com"));
        Assert.Equal(StoreStatus.Ok, created.Status);
        var found = Assert.Single((await store.QueryAsync("tenant-a", UserNameEq("JO@example.com"))).Resources);
        Assert.Equal(("u1", created.Resource!.Version), (found.Id, found.Version));
        Assert.Equal("u1", (await store.GetAsync("tenant-a", "u1"))?.Id);

        // A rename: the old name finds nothing, the new one finds the new version and document.
        var renamed = TestDocuments.User("u1", "joanna@example.com");
        renamed["meta"]!["version"] = "W/\"2\"";
        var replaced = await store.ReplaceAsync("tenant-a", renamed, created.Resource.Version);
        Assert.Equal(StoreStatus.Ok, replaced.Status);
        Assert.NotEqual(created.Resource.Version, replaced.Resource!.Version);
        Assert.Empty((await store.QueryAsync("tenant-a", UserNameEq("jo@example.com"))).Resources);
        var after = Assert.Single((await store.QueryAsync("tenant-a", UserNameEq("joanna@example.com"))).Resources);
        Assert.Equal(replaced.Resource.Version, after.Version);
        Assert.Equal("joanna@example.com", after.Document.GetProperty("userName").GetString());
        Assert.Equal(replaced.Resource.Version, (await store.GetAsync("tenant-a", "u1"))?.Version);

        // A delete: gone from both reads at once.
        Assert.Equal(StoreStatus.Ok, (await store.DeleteAsync("tenant-a", "u1", null)).Status);
        var gone = await store.QueryAsync("tenant-a", UserNameEq("joanna@example.com"));
        Assert.Equal((0, 0), (gone.Resources.Count, gone.TotalResults));
        Assert.Null(await store.GetAsync("tenant-a", "u1"));
    }

    [Fact]
    public async Task AWriteByAnotherStoreOnTheSameFileIsSeenByTheNextLookup()
    {
        // Another process (or a second host) writes the file: here another store with its own connections.
        var reader = new EfScimUserStore(_database.Factory);
        // A different connection string (same file) is a different connection pool: none of the reader's connections.
        var otherFactory = new PooledDbContextFactory<ScimDbContext>(new DbContextOptionsBuilder<ScimDbContext>().UseSqlite(_database.ConnectionString + ";Cache=Private").Options);
        var writer = new EfScimUserStore(otherFactory);
        Assert.Empty((await reader.QueryAsync("tenant-a", UserNameEq("jo@example.com"))).Resources);

        Assert.Equal(StoreStatus.Ok, (await writer.CreateAsync("tenant-a", TestDocuments.User("u1", "jo@example.com"))).Status);

        Assert.Equal("u1", Assert.Single((await reader.QueryAsync("tenant-a", UserNameEq("jo@example.com"))).Resources).Id);
        Assert.Equal(StoreStatus.Ok, (await writer.DeleteAsync("tenant-a", "u1", null)).Status);
        Assert.Empty((await reader.QueryAsync("tenant-a", UserNameEq("jo@example.com"))).Resources);
        Assert.Null(await reader.GetAsync("tenant-a", "u1"));
    }

    [Fact]
    public async Task TenantsStayApartThoughTheySharePreparedStatements()
    {
        var store = new EfScimUserStore(_database.Factory);
        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync("tenant-a", TestDocuments.User("a1", "jo@example.com"))).Status);
        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync("tenant-b", TestDocuments.User("b1", "jo@example.com"))).Status);
        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync("tenant-b", TestDocuments.User("b2", "only-b@example.com"))).Status);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("a1", Assert.Single((await store.QueryAsync("tenant-a", UserNameEq("jo@example.com"))).Resources).Id);
            Assert.Equal("b1", Assert.Single((await store.QueryAsync("tenant-b", UserNameEq("jo@example.com"))).Resources).Id);
            Assert.Empty((await store.QueryAsync("tenant-a", UserNameEq("only-b@example.com"))).Resources);
            Assert.Null(await store.GetAsync("tenant-a", "b1"));
            Assert.Null(await store.GetAsync("tenant-b", "a1"));
            Assert.Equal("b2", (await store.GetAsync("tenant-b", "b2"))?.Id);
        }
    }

    [Fact]
    public async Task TheReaderReturnsTheStoredDocumentVersionAndIdExactlyAsEfCoreReadsThem()
    {
        var store = new EfScimUserStore(_database.Factory);
        var document = TestDocuments.User("u1", "jö@example.com", "jö@work.example.com");
        document["displayName"] = "Jö \"quoted\" \u00e9\u4e2d\ud83d\ude00";
        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync("tenant-a", document)).Status);

        var fast = Assert.Single((await store.QueryAsync("tenant-a", UserNameEq("JÖ@example.com"))).Resources);
        // "and userName pr" sends the same lookup through EF Core's translated query.
        var viaEf = Assert.Single((await store.QueryAsync("tenant-a", Query(ScimFilter.Parse("userName eq \"jö@example.com\" and userName pr")))).Resources);
        var byId = await store.GetAsync("tenant-a", "u1");

        Assert.Equal((viaEf.Id, viaEf.Version), (fast.Id, fast.Version));
        Assert.Equal(JsonSerializer.Serialize(viaEf.Document), JsonSerializer.Serialize(fast.Document));
        Assert.Equal(JsonSerializer.Serialize(viaEf.Document), JsonSerializer.Serialize(byId!.Document));
        Assert.Equal("Jö \"quoted\" \u00e9\u4e2d\ud83d\ude00", fast.Document.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task ConcurrentLookupsDuringWritesEachSeeEveryCreateAcknowledgedBeforeThem()
    {
        var store = new EfScimUserStore(_database.Factory);
        var tasks = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var name = $"user-{i}@example.com";
            Assert.Empty((await store.QueryAsync("tenant-a", UserNameEq(name))).Resources);
            Assert.Equal(StoreStatus.Ok, (await store.CreateAsync("tenant-a", TestDocuments.User($"u{i}", name))).Status);
            Assert.Equal($"u{i}", Assert.Single((await store.QueryAsync("tenant-a", UserNameEq(name))).Resources).Id);
            Assert.Equal($"u{i}", (await store.GetAsync("tenant-a", $"u{i}"))?.Id);
        }));
        await Task.WhenAll(tasks);

        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(1, (await store.QueryAsync("tenant-a", UserNameEq($"user-{i}@example.com"))).TotalResults);
        }
    }

    private StoreQuery UserNameEq(string userName) => Query(ScimFilter.Parse($"userName eq \"{userName}\""));

    private StoreQuery Query(FilterExpression filter) => new() { ResourceType = _users, Filter = filter, StartIndex = 1, Count = 100 };
}
