using System.Collections.Concurrent;
using System.Data.Common;
using Jostle.Scim.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// <c>MigrateScimDatabaseAsync</c> on both providers: a new database gets every migration of its provider's set, a second
/// run changes nothing, and two processes starting on one new PostgreSQL database at once both succeed.
/// </summary>
public sealed class MigrationTests
{
    private sealed class CommandRecorder : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Commands { get; } = new();

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Commands.Enqueue(command.CommandText);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private static ServiceProvider Host(Action<DbContextOptionsBuilder> provider, CommandRecorder recorder)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddJostleScim().AddEntityFrameworkStores(o =>
        {
            provider(o);
            o.AddInterceptors(recorder);
        });
        return services.BuildServiceProvider();
    }

    private static async Task<(string[] Applied, string[] Known)> MigrationsAsync(IServiceProvider services)
    {
        await using var context = await services.GetRequiredService<IDbContextFactory<ScimDbContext>>().CreateDbContextAsync();
        await using var migrations = ScimMigrations.ForProvider(context);
        return ([.. await migrations.Database.GetAppliedMigrationsAsync()], [.. migrations.Database.GetMigrations()]);
    }

    // EF Core's own CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (and its lock table) runs on every call.
    private static bool IsSchemaChange(string sql) =>
        !sql.Contains("__EFMigrations", StringComparison.Ordinal) && (sql.Contains("CREATE TABLE", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("CREATE INDEX", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("CREATE UNIQUE INDEX", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("ALTER TABLE", StringComparison.OrdinalIgnoreCase)
        || sql.Contains("DROP ", StringComparison.OrdinalIgnoreCase));

    private static async Task AssertMigratesOnceAsync(Action<DbContextOptionsBuilder> provider, string expectedSetNamespace)
    {
        var first = new CommandRecorder();
        await using (var services = Host(provider, first))
        {
            await services.MigrateScimDatabaseAsync();
            var (applied, known) = await MigrationsAsync(services);

            Assert.NotEmpty(known);
            Assert.Contains(known, id => id.EndsWith("_InitialCreate", StringComparison.Ordinal));
            Assert.Equal(known, applied);
            Assert.Contains(first.Commands, sql => sql.Contains("CREATE TABLE", StringComparison.OrdinalIgnoreCase) && sql.Contains("scim_users", StringComparison.Ordinal));
            Assert.Contains(first.Commands, sql => sql.Contains(ScimDbContext.UserNameIndex, StringComparison.Ordinal));
        }

        Assert.All(typeof(ScimMigrations).Assembly.GetTypes().Where(t => t.Namespace == expectedSetNamespace && t.IsSubclassOf(typeof(Microsoft.EntityFrameworkCore.Migrations.Migration))),
            t => Assert.False(t.IsPublic));

        var second = new CommandRecorder();
        await using (var services = Host(provider, second))
        {
            await services.MigrateScimDatabaseAsync();
            var (applied, known) = await MigrationsAsync(services);

            Assert.Equal(known, applied);
            Assert.DoesNotContain(second.Commands, IsSchemaChange);
            Assert.Null(await services.GetRequiredService<Jostle.Scim.Stores.IScimUserStore>().GetAsync("t", "nobody"));
        }
    }

    [Fact]
    public async Task ANewSqliteDatabaseGetsEveryMigrationAndASecondRunChangesNothing()
    {
        using var file = new SqliteDatabase();

        await AssertMigratesOnceAsync(o => o.UseSqlite(file.ConnectionString), "Jostle.Scim.EntityFrameworkCore.Migrations.Sqlite");
    }

    [Fact]
    public async Task ANewPostgresDatabaseIsCreatedGetsEveryMigrationAndASecondRunChangesNothing()
    {
        var server = await PostgresServer.GetAsync();
        var name = PostgresServer.NewDatabaseName("mig");
        try
        {
            await AssertMigratesOnceAsync(o => o.UseNpgsql(server.ConnectionStringFor(name)), "Jostle.Scim.EntityFrameworkCore.Migrations.Postgres");
        }
        finally
        {
            await server.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task TwoProcessesStartingOnOneNewPostgresDatabaseAtOnceBothSucceedAndApplyEachMigrationOnce()
    {
        var server = await PostgresServer.GetAsync();
        var name = PostgresServer.NewDatabaseName("race");
        var recorders = new[] { new CommandRecorder(), new CommandRecorder() };
        var hosts = recorders.Select(r => Host(o => o.UseNpgsql(server.ConnectionStringFor(name)), r)).ToArray();
        try
        {
            await Task.WhenAll(hosts.Select(h => Task.Run(() => h.MigrateScimDatabaseAsync())));
            var (applied, known) = await MigrationsAsync(hosts[0]);

            Assert.Equal(known, applied);
            Assert.Equal(1, recorders.Count(r => r.Commands.Any(sql => sql.Contains("CREATE TABLE scim_users", StringComparison.OrdinalIgnoreCase))));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            await server.DropDatabaseAsync(name);
        }
    }
    [Fact]
    public async Task OnSqliteGroupsThatAlreadyShareADisplayNameSurviveTheUniqueIndexAndOnlyTheOldestHoldsTheName()
    {
        using var file = new SqliteDatabase();

        await AssertDuplicateDisplayNamesAreGrandfatheredAsync(o => o.UseSqlite(file.ConnectionString));
    }

    [Fact]
    public async Task OnPostgresGroupsThatAlreadyShareADisplayNameSurviveTheUniqueIndexAndOnlyTheOldestHoldsTheName()
    {
        var server = await PostgresServer.GetAsync();
        var name = PostgresServer.NewDatabaseName("dup");
        try
        {
            await AssertDuplicateDisplayNamesAreGrandfatheredAsync(o => o.UseNpgsql(server.ConnectionStringFor(name)));
        }
        finally
        {
            await server.DropDatabaseAsync(name);
        }
    }

    /// <summary>
    /// A database from before migration UniqueGroupDisplayNames holding two groups of one name (in different case) and a
    /// third of that name in another tenant: the migration keeps all three, gives the name's slot to the oldest of each
    /// tenant, and from then on a new group or a rename cannot take the name, while the younger duplicate can still be
    /// changed without a rename.
    /// </summary>
    private static async Task AssertDuplicateDisplayNamesAreGrandfatheredAsync(Action<DbContextOptionsBuilder> provider)
    {
        await using var services = Host(provider, new CommandRecorder());
        await using (var context = await services.GetRequiredService<IDbContextFactory<ScimDbContext>>().CreateDbContextAsync())
        await using (var migrations = ScimMigrations.ForProvider(context))
        {
            var known = migrations.Database.GetMigrations().ToList();
            var index = known.FindIndex(id => id.EndsWith("_UniqueGroupDisplayNames", StringComparison.Ordinal));
            Assert.True(index > 0, "the migration UniqueGroupDisplayNames is missing");
            await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(migrations).MigrateAsync(known[index - 1]);
            foreach (var (tenant, id, displayName) in new[] { ("t1", "g1", "Sales"), ("t1", "g2", "SALES"), ("t2", "g3", "sales") })
            {
                var document = TestGroup(id, displayName).ToJsonString();
                var normalized = displayName.ToUpperInvariant();
                await migrations.Database.ExecuteSqlAsync($"INSERT INTO scim_groups (tenant_id, id, display_name, normalized_display_name, version, document) VALUES ({tenant}, {id}, {displayName}, {normalized}, {"W/\"1\""}, {document})");
            }
        }

        await services.MigrateScimDatabaseAsync();

        await using (var context = await services.GetRequiredService<IDbContextFactory<ScimDbContext>>().CreateDbContextAsync())
        {
            var slots = await context.Groups.OrderBy(g => g.Key).Select(g => new { g.Id, g.UniqueDisplayName }).ToListAsync();
            Assert.Equal(["g1:SALES", "g2:", "g3:SALES"], slots.Select(s => $"{s.Id}:{s.UniqueDisplayName}"));
        }

        var groups = services.GetRequiredService<Jostle.Scim.Stores.IScimGroupStore>();
        var clash = await groups.CreateAsync("t1", TestGroup("g4", "Sales"));
        Assert.Equal(Jostle.Scim.Stores.StoreStatus.UniquenessConflict, clash.Status);
        Assert.Equal("displayName", clash.ConflictingAttribute);
        var keep = await groups.ReplaceAsync("t1", TestGroup("g2", "SALES", externalId: "ext-2"), null);
        Assert.Equal(Jostle.Scim.Stores.StoreStatus.Ok, keep.Status);
        var renamed = await groups.ReplaceAsync("t1", TestGroup("g2", "Sales Team"), null);
        Assert.Equal(Jostle.Scim.Stores.StoreStatus.Ok, renamed.Status);
        var back = await groups.ReplaceAsync("t1", TestGroup("g2", "sales"), null);
        Assert.Equal(Jostle.Scim.Stores.StoreStatus.UniquenessConflict, back.Status);
        Assert.Equal(Jostle.Scim.Stores.StoreStatus.Ok, (await groups.CreateAsync("t2", TestGroup("g5", "Sales Team"))).Status);
    }

    private static System.Text.Json.Nodes.JsonObject TestGroup(string id, string displayName, string? externalId = null)
    {
        var group = new System.Text.Json.Nodes.JsonObject
        {
            ["schemas"] = new System.Text.Json.Nodes.JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["id"] = id,
            ["displayName"] = displayName,
            ["meta"] = new System.Text.Json.Nodes.JsonObject { ["resourceType"] = "Group", ["version"] = $"W/\"{id}-{displayName}\"" },
        };
        if (externalId is not null)
        {
            group["externalId"] = externalId;
        }

        return group;
    }
}
