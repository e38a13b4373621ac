using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.Data.Sqlite;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// SQLite writes concurrent user creates, group member changes and log records in shared transactions (group commit);
/// every write must still get its own outcome and its own rows, also when others of its batch fail (a userName already
/// in use, a missing group, a stale version), and the rows must be what EF Core's SaveChanges writes.
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

    [Fact]
    public async Task ParallelMemberPatchesEachGetTheirOwnOutcomeAndOnlyTheSuccessfulOnesAreWritten()
    {
        var users = new EfScimUserStore(_database.Factory);
        var groups = new EfScimGroupStore(_database.Factory);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(StoreStatus.Ok, (await users.CreateAsync("t", User($"u{i}", $"user{i}"))).Status);
        }

        Assert.Equal(StoreStatus.Ok, (await groups.CreateAsync("t", Group("g0", "G0"))).Status);
        Assert.Equal(StoreStatus.Ok, (await groups.CreateAsync("t", Group("g1", "G1"))).Status);

        // At once: 30 single-member adds spread over two groups, 5 to a group that does not exist, 5 with a stale
        // version, so the batches mix successes and failures.
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var update = new MembershipUpdate
            {
                Added = [new GroupMember($"u{i}", "User")],
                LastModified = DateTimeOffset.UtcNow,
                NewVersion = $"W/\"v{i}\"",
            };
            var result = i switch
            {
                < 30 => await groups.UpdateMembersAsync("t", $"g{i % 2}", update, null),
                < 35 => await groups.UpdateMembersAsync("t", "missing", update, null),
                _ => await groups.UpdateMembersAsync("t", "g0", update, "W/\"stale\""),
            };
            return (i, result);
        })));

        foreach (var (i, result) in results)
        {
            Assert.Equal(i switch { < 30 => StoreStatus.Ok, < 35 => StoreStatus.NotFound, _ => StoreStatus.VersionMismatch }, result.Status);
            if (i < 30)
            {
                Assert.Equal($"W/\"v{i}\"", result.Resource!.Version);
                Assert.Equal($"W/\"v{i}\"", result.Resource.Document.GetProperty("meta").GetProperty("version").GetString());
            }
        }

        for (var g = 0; g < 2; g++)
        {
            var group = await groups.GetAsync("t", $"g{g}");
            var members = group!.Document.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("value").GetString()).Order().ToList();
            Assert.Equal(Enumerable.Range(0, 30).Where(i => i % 2 == g).Select(i => $"u{i}").Order(), members);
            Assert.All(group.Document.GetProperty("members").EnumerateArray(), m => Assert.Equal("User", m.GetProperty("type").GetString()));

            // The last write to the group won the version, in its column and in meta alike.
            Assert.Equal(group.Version, group.Document.GetProperty("meta").GetProperty("version").GetString());
        }
    }

    [Fact]
    public async Task MemberRemovalsInTheGroupCommitDeleteOnlyTheNamedRows()
    {
        var users = new EfScimUserStore(_database.Factory);
        var groups = new EfScimGroupStore(_database.Factory);
        for (var i = 0; i < 6; i++)
        {
            await users.CreateAsync("t", User($"u{i}", $"user{i}"));
        }

        var group = Group("g", "G");
        group["members"] = new JsonArray([.. Enumerable.Range(0, 6).Select(i => (JsonNode)new JsonObject { ["value"] = $"u{i}", ["type"] = "User" })]);
        await groups.CreateAsync("t", group);

        var removed = await groups.UpdateMembersAsync("t", "g", new MembershipUpdate { Removed = ["u1", "u3", "nobody"], LastModified = DateTimeOffset.UtcNow, NewVersion = "W/\"r\"" }, null);
        Assert.Equal(StoreStatus.Ok, removed.Status);
        Assert.Equal(["u0", "u2", "u4", "u5"], Members(await groups.GetAsync("t", "g")));

        var cleared = await groups.UpdateMembersAsync("t", "g", new MembershipUpdate { RemoveAll = true, Added = [new GroupMember("u1")], LastModified = DateTimeOffset.UtcNow, NewVersion = "W/\"c\"" }, "W/\"r\"");
        Assert.Equal(StoreStatus.Ok, cleared.Status);
        Assert.Equal(["u1"], Members(await groups.GetAsync("t", "g")));
    }

    [Fact]
    public async Task AUserCreatedInTheGroupCommitHasTheRowsSaveChangesWrites()
    {
        // The group commit inserts without the change tracker, from statements written from the model; every column
        // must hold what SaveChanges stores (text formats of dates and booleans included), or filters would differ.
        var document = JsonNode.Parse("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "id":"ID","userName":"NAME@example.com","externalId":"ext","displayName":"Jo Doe","active":false,
             "name":{"givenName":"Jo","familyName":"Doe"},"nickName":"jo","title":"Boss","userType":"Employee",
             "emails":[{"value":"Jo@Example.com","type":"work","primary":true},{"value":"jo@home.example","type":"home"}],
             "phoneNumbers":[{"value":"+1 555","type":"mobile","primary":false}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"7","costCenter":"cc","organization":"o","division":"d","department":"dep","manager":{"value":"m1"}},
             "meta":{"resourceType":"User","created":"2026-11-29T10:00:00.1234567Z","lastModified":"2026-11-30T11:12:13Z","version":"W/\"1\""}}
            """)!.AsObject();
        var store = new EfScimUserStore(_database.Factory);
        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync("t", document)).Status);

        // The same document through SaveChanges, in another tenant.
        var entity = new ScimUserEntity();
        EntityDocuments.Fill(entity, "t2", document);
        await using (var context = await _database.Factory.CreateDbContextAsync())
        {
            context.Users.Add(entity);
            await context.SaveChangesAsync();
        }

        foreach (var (table, owner) in new[] { ("scim_users", "key"), ("scim_user_emails", "user_key"), ("scim_user_phone_numbers", "user_key") })
        {
            var rows = await RowsAsync($"SELECT * FROM {table} ORDER BY tenant_id, key");
            Assert.Equal(table == "scim_user_emails" ? 4 : 2, rows.Count);
            var half = rows.Count / 2;
            for (var i = 0; i < half; i++)
            {
                var (grouped, saved) = (rows[i], rows[half + i]);
                Assert.Equal("t", grouped["tenant_id"]);
                foreach (var column in grouped.Keys.Where(c => c is not "key" and not "user_key" and not "tenant_id"))
                {
                    Assert.True(Equals(grouped[column], saved[column]), $"{table}.{column}: {grouped[column]} vs {saved[column]}");
                }
            }
        }

        // And the rows answer the filters that read those columns.
        var registry = SchemaRegistry.CreateDefault();
        foreach (var filter in new[] { "meta.created gt \"2026-11-29T10:00:00Z\"", "active eq false", "emails[type eq \"work\"].value eq \"jo@example.com\"", "phoneNumbers.value eq \"+1 555\"", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"m1\"" })
        {
            var found = await store.QueryAsync("t", new StoreQuery { ResourceType = registry.GetResourceType("User"), Filter = ScimFilter.Parse(filter), Count = 10 });
            Assert.True(found.TotalResults == 1, filter);
        }
    }

    public void Dispose() => _database.Dispose();

    private async Task<List<Dictionary<string, object?>>> RowsAsync(string sql)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var c = 0; c < reader.FieldCount; c++)
            {
                row[reader.GetName(c)] = reader.IsDBNull(c) ? null : reader.GetValue(c);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static List<string?> Members(StoredResource? group) =>
        group!.Document.TryGetProperty("members", out var members) ? [.. members.EnumerateArray().Select(m => m.GetProperty("value").GetString()).Order()] : [];

    private static JsonObject Group(string id, string displayName) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemaUris.Group),
        ["id"] = id,
        ["displayName"] = displayName,
        ["meta"] = new JsonObject { ["resourceType"] = "Group", ["created"] = "2026-11-29T10:00:00Z", ["lastModified"] = "2026-11-29T10:00:00Z", ["version"] = "W/\"1\"" },
    };

    private static JsonObject User(string id, string userName) => TestDocuments.User(id, userName, userName + "@example.com");
}
