using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// The translator and the stores on PostgreSQL: Entra's lookups run in SQL and seek the indexes (PostgreSQL's
/// <c>EXPLAIN</c> on a seeded, analysed table), and comparisons, sorting, <c>co</c>/<c>sw</c> and dates behave as on SQLite.
/// </summary>
public sealed class PostgresQueryTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly ResourceTypeDefinition UserType = SchemaRegistry.CreateDefault().GetResourceType("User");
    private const int Seeded = 2000;

    /// <summary>Seeds tenant "t" once for the class; the tests that write use tenants of their own.</summary>
    public async Task InitializeAsync()
    {
        await using var context = new ScimDbContext(database.Options);
        if (await context.Users.AnyAsync(u => u.TenantId == "t"))
        {
            return;
        }

        for (var i = 0; i < Seeded; i++)
        {
            var user = new ScimUserEntity();
            EntityDocuments.Fill(user, "t", User($"u{i}", $"User{i:D4}@Example.com", $"user{i:D4}@work.example", "2026-01-01T00:00:00Z"));
            context.Users.Add(user);
        }

        await context.SaveChangesAsync();
        await context.Database.ExecuteSqlRawAsync("ANALYZE");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject User(string id, string userName, string workEmail, string created) => new()
    {
        ["schemas"] = new JsonArray(ScimSchemaUris.User),
        ["id"] = id,
        ["userName"] = userName,
        ["emails"] = new JsonArray(
            new JsonObject { ["type"] = "work", ["value"] = workEmail },
            new JsonObject { ["type"] = "home", ["value"] = "home-" + workEmail }),
        ["meta"] = new JsonObject { ["resourceType"] = "User", ["created"] = created, ["lastModified"] = created, ["version"] = "W/\"1\"" },
    };

    private async Task<string[]> MatchesAsync(string filter, string? sortBy = null, string tenant = "t")
    {
        var result = await new EfScimUserStore(database.Factory).QueryAsync(tenant, new StoreQuery
        {
            ResourceType = UserType,
            Filter = ScimFilter.Parse(filter),
            SortBy = sortBy is null ? null : AttributePath.Parse(sortBy),
        });
        return [.. result.Resources.Select(r => r.Id)];
    }

    private static IQueryable<ScimUserEntity> Users(ScimDbContext context, string filter) =>
        context.Users.Where(u => u.TenantId == "t").Where(ScimLinqTranslator.Translate(ScimFilter.Parse(filter), UserType, EntityDocuments.UserMap));

    [Fact]
    public async Task UserNameEqIsCaseInsensitiveInSqlAndSeeksTheUniqueIndex()
    {
        await using (var context = new ScimDbContext(database.Options))
        {
            var sql = Users(context, "userName eq \"user0042@EXAMPLE.com\"").ToQueryString();
            Assert.Matches("\\.normalized_user_name = @", sql);
            Assert.DoesNotContain("upper(", sql, StringComparison.OrdinalIgnoreCase);
        }

        var plan = await database.ExplainAsync(c => Users(c, "userName eq \"user0042@EXAMPLE.com\""));

        Assert.Contains("Index Scan using " + ScimDbContext.UserNameIndex, plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.Equal(["u42"], await MatchesAsync("userName eq \"user0042@EXAMPLE.com\""));
    }

    [Fact]
    public async Task AWorkEmailLookupRunsInSqlFromTheEmailIndex()
    {
        // The shape EfScimUserStore.QueryAsync gives Entra's work-email lookup: the implied key IN (…), the EXISTS, the page order.
        var plan = await database.ExplainAsync(c =>
        {
            var owners = c.UserEmails.Where(e => e.TenantId == "t" && e.NormalizedValue == "USER0042@WORK.EXAMPLE").Select(e => e.UserKey);
            return c.Users.Where(u => owners.Contains(u.Key))
                .Where(ScimLinqTranslator.Translate(ScimFilter.Parse("emails[type eq \"work\"].value eq \"user0042@work.example\""), UserType, EntityDocuments.UserMap))
                .OrderBy(u => u.Key).Take(100);
        });

        Assert.Contains("IX_scim_user_emails_tenant_id_normalized_value", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on scim_users", plan, StringComparison.Ordinal);
        Assert.Equal(["u42"], await MatchesAsync("emails[type eq \"work\"].value eq \"USER0042@work.example\""));
        Assert.Empty(await MatchesAsync("emails[type eq \"home\"].value eq \"user0042@work.example\""));
    }

    [Fact]
    public async Task SwAndCoTreatLikeWildcardsInTheValueAsPlainCharacters()
    {
        var store = new EfScimUserStore(database.Factory);
        await store.CreateAsync("like", User("w1", "alice_50%@example.com", "a1@x.example", "2026-01-01T00:00:00Z"));
        await store.CreateAsync("like", User("w2", "aliceX50Y@example.com", "a2@x.example", "2026-01-01T00:00:00Z"));

        Assert.Equal(["w1"], await MatchesAsync("userName sw \"ALICE_5\"", tenant: "like"));
        Assert.Equal(["w1"], await MatchesAsync("userName co \"_50%\"", tenant: "like"));
        Assert.Equal(["w1"], await MatchesAsync("userName ew \"50%@EXAMPLE.COM\"", tenant: "like"));
        Assert.Equal(["w2", "w1"], await MatchesAsync("userName sw \"alice\"", sortBy: "userName", tenant: "like"));
    }

    [Fact]
    public async Task StringsCompareAndSortOrdinallyOnTheNormalisedValue()
    {
        var store = new EfScimUserStore(database.Factory);
        foreach (var (id, name) in new[] { ("s1", "zeta"), ("s2", "_under"), ("s3", "Alpha"), ("s4", "beta") })
        {
            await store.CreateAsync("sort", User(id, name, id + "@x.example", "2026-01-01T00:00:00Z"));
        }

        // Ordinal on upper case: ALPHA < BETA < ZETA < _UNDER ('_' is 0x5F, after 'Z'); a linguistic collation would put _under first.
        Assert.Equal(["s3", "s4", "s1", "s2"], await MatchesAsync("userName pr", sortBy: "userName", tenant: "sort"));
        Assert.Equal(["s2"], await MatchesAsync("userName gt \"ZETA\"", tenant: "sort"));
    }

    [Fact]
    public async Task DateTimesCompareAsInstantsWhateverTheOffsetOfTheFilterValue()
    {
        var store = new EfScimUserStore(database.Factory);
        await store.CreateAsync("dates", User("d1", "late", "late@x.example", "2026-06-01T12:00:00+02:00"));

        // 12:00+02:00 is 10:00Z.
        Assert.Equal(["d1"], await MatchesAsync("meta.created eq \"2026-06-01T10:00:00Z\"", tenant: "dates"));
        Assert.Equal(["d1"], await MatchesAsync("meta.created gt \"2026-06-01T11:59:00+02:00\"", tenant: "dates"));
        Assert.Empty(await MatchesAsync("meta.created gt \"2026-06-01T12:00:00+02:00\"", tenant: "dates"));
    }

    [Fact]
    public async Task PagesAreStableAndTheTotalCountsEveryMatch()
    {
        var store = new EfScimUserStore(database.Factory);
        var query = new StoreQuery { ResourceType = UserType, Filter = ScimFilter.Parse("userName sw \"user00\""), SortBy = AttributePath.Parse("userName"), StartIndex = 11, Count = 5 };

        var page = await store.QueryAsync("t", query);

        Assert.Equal(100, page.TotalResults);
        Assert.Equal(["u10", "u11", "u12", "u13", "u14"], page.Resources.Select(r => r.Id));
    }
}
