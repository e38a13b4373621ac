using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// SQLite writes concurrent user creates in shared transactions (group commit); every create must still get its own
/// outcome and its own rows, also when a batch fails because one of its creates takes a userName already in use.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    [Fact]
    public async Task ParallelCreatesWithSomeTakenUserNamesEachGetTheirOwnOutcomeAndTheirOwnEmailRows()
    {
        var store = new EfScimUserStore(_database.Factory);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(StoreStatus.Ok, (await store.CreateAsync("t", User($"early{i}", $"taken{i}"))).Status);
        }

        // 60 creates at once: 50 new names, 10 that clash with the 5 taken ones.
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
            (i, await store.CreateAsync("t", i < 50 ? User($"u{i}", $"new{i}") : User($"dup{i}", $"taken{i % 5}"))))));

        foreach (var (i, result) in results)
        {
            Assert.Equal(i < 50 ? StoreStatus.Ok : StoreStatus.UniquenessConflict, result.Status);
        }

        var registry = SchemaRegistry.CreateDefault();
        var userType = registry.GetResourceType("User");
        for (var i = 0; i < 50; i++)
        {
            var byEmail = await store.QueryAsync("t", new StoreQuery { ResourceType = userType, Filter = ScimFilter.Parse($"emails.value eq \"new{i}@example.com\""), Count = 10 });
            Assert.Equal($"u{i}", Assert.Single(byEmail.Resources).Id);
        }

        var all = await store.QueryAsync("t", new StoreQuery { ResourceType = userType, Count = 1000 });
        Assert.Equal(55, all.TotalResults);
    }

    public void Dispose() => _database.Dispose();

    private static JsonObject User(string id, string userName) => TestDocuments.User(id, userName, userName + "@example.com");
}
