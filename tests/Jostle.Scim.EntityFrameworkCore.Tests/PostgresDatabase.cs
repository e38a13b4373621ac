using Jostle.Scim.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// A migrated PostgreSQL database of its own for one test class (an xUnit class fixture), dropped at the end;
/// <see cref="ResetAsync"/> empties its tables so that each test starts from empty stores.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private readonly string _name = PostgresServer.NewDatabaseName("t");
    private PostgresServer? _server;

    public string ConnectionString { get; private set; } = "";

    public DbContextOptions<ScimDbContext> Options { get; private set; } = null!;

    public IDbContextFactory<ScimDbContext> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        ConnectionString = await _server.CreateDatabaseAsync(_name);
        Options = new DbContextOptionsBuilder<ScimDbContext>().UseNpgsql(ConnectionString).Options;
        Factory = new PooledDbContextFactory<ScimDbContext>(Options);
        await EfScimStoreBase.InitializeDatabaseAsync(Factory, CancellationToken.None);
    }

    /// <summary>Empties every table of the model (and restarts the keys), leaving the schema and its migration history.</summary>
    public async Task ResetAsync()
    {
        await using var context = new ScimDbContext(Options);
        var tables = context.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Select(t => $"\"{t}\"");
        var sql = "TRUNCATE " + string.Join(", ", tables) + " RESTART IDENTITY CASCADE";
        await context.Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>The rows of <c>EXPLAIN</c> for a query, as PostgreSQL prints them.</summary>
    public async Task<string> ExplainAsync<T>(Func<ScimDbContext, IQueryable<T>> query)
    {
        await using var context = new ScimDbContext(Options);
        await using var command = query(context).CreateDbCommand();
        command.CommandText = "EXPLAIN " + command.CommandText;
        await context.Database.OpenConnectionAsync();
        command.Connection = context.Database.GetDbConnection();
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join("\n", plan);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(_name);
        }
    }

    /// <summary>The migrations this database has applied, and those the provider's migration set holds.</summary>
    internal async Task<(string[] Applied, string[] Known)> MigrationsAsync()
    {
        await using var context = new ScimDbContext(Options);
        await using var migrations = ScimMigrations.ForProvider(context);
        return ([.. await migrations.Database.GetAppliedMigrationsAsync()], [.. migrations.Database.GetMigrations()]);
    }
}
