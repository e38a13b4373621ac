using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore.Migrations;

/// <summary>
/// Applies the migration set of the configured provider. Each provider has its own set (Migrations/Sqlite,
/// Migrations/Postgres), keyed to a context type of its own that shares <see cref="ScimDbContext"/>'s model and
/// options; the stores and the host only ever see <see cref="ScimDbContext"/>.
/// </summary>
internal static class ScimMigrations
{
    /// <summary>The session-level advisory lock key that serialises migrations of one PostgreSQL database ("JostleSc").</summary>
    internal const long PostgresLockKey = 0x4A6F_7374_6C65_5363;

    /// <summary>
    /// Migration UniqueGroupDisplayNames: gives the oldest group (lowest key) of each tenant and normalised display name
    /// its slot in the unique index; later groups of the same name keep NULL until renamed. One statement for SQLite and
    /// PostgreSQL.
    /// </summary>
    internal const string BackfillUniqueDisplayNames = """
        UPDATE scim_groups SET unique_display_name = normalized_display_name
        WHERE normalized_display_name IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM scim_groups AS older
            WHERE older.tenant_id = scim_groups.tenant_id
              AND older.normalized_display_name = scim_groups.normalized_display_name
              AND older."key" < scim_groups."key");
        """;

    /// <summary>Brings the database of <paramref name="context"/> up to date and, on SQLite, switches it to write-ahead logging.</summary>
    public static async Task MigrateAsync(ScimDbContext context, CancellationToken cancellationToken)
    {
        var migrations = ForProvider(context);
        await using (migrations.ConfigureAwait(false))
        {
            if (migrations is PostgresScimDbContext)
            {
                await MigratePostgresAsync(migrations, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // EF Core takes its own lock (the __EFMigrationsLock table) around SQLite migrations.
                await migrations.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);

                // WAL lets readers run beside the one writer; the mode is kept in the file. In-memory databases stay in "memory" mode.
                await migrations.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The migrations context for the provider <paramref name="context"/> is configured with, on the same options.</summary>
    internal static ScimDbContext ForProvider(ScimDbContext context)
    {
        if (context.GetService<IDbContextOptions>() is not DbContextOptions<ScimDbContext> options)
        {
            throw new InvalidOperationException("The SCIM database context was not created with DbContextOptions<ScimDbContext>.");
        }

        // The migration context is a new instance, which would resolve its logger factory from the application's
        // services; those may already be disposed when the first write is the provisioning log's last flush at
        // shutdown. So it takes the logger factory the pooled context already holds and no application services.
        var loggerFactory = context.GetService<ILoggerFactory>();
        options = (DbContextOptions<ScimDbContext>)new DbContextOptionsBuilder<ScimDbContext>(options)
            .UseApplicationServiceProvider(null)
            .UseLoggerFactory(loggerFactory)
            .Options;
        if (context.Database.IsSqlite())
        {
            return new SqliteScimDbContext(options);
        }

        if (context.Database.IsNpgsql())
        {
            return new PostgresScimDbContext(options);
        }

        throw new NotSupportedException(
            $"The SCIM database has migrations for SQLite (UseSqlite) and PostgreSQL (UseNpgsql), not for the provider '{context.Database.ProviderName}'.");
    }

    /// <summary>
    /// Creates the database if it is missing (a concurrent creator winning is fine), then migrates while holding a
    /// session advisory lock, so that two processes starting on one new database do not both create its tables.
    /// </summary>
    private static async Task MigratePostgresAsync(ScimDbContext context, CancellationToken cancellationToken)
    {
        var creator = context.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbException e) when (e.SqlState is "42P04" or "23505")
            {
                // duplicate_database, or the unique index on pg_database: another process created it first.
            }
        }

        var database = context.Database;
        await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await database.ExecuteSqlAsync($"SELECT pg_advisory_lock({PostgresLockKey})", cancellationToken).ConfigureAwait(false);
            try
            {
                await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({PostgresLockKey})", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>The SQLite migration set's context: <see cref="ScimDbContext"/>'s model, on SQLite.</summary>
/// <param name="options">The options of the <see cref="ScimDbContext"/> it stands for.</param>
internal sealed class SqliteScimDbContext(DbContextOptions<ScimDbContext> options) : ScimDbContext(options);

/// <summary>The PostgreSQL migration set's context: <see cref="ScimDbContext"/>'s model, on PostgreSQL.</summary>
/// <param name="options">The options of the <see cref="ScimDbContext"/> it stands for.</param>
internal sealed class PostgresScimDbContext(DbContextOptions<ScimDbContext> options) : ScimDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite model (no database is opened).</summary>
internal sealed class SqliteScimDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SqliteScimDbContext>
{
    public SqliteScimDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ScimDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model (no database is opened).</summary>
internal sealed class PostgresScimDbContextDesignTimeFactory : IDesignTimeDbContextFactory<PostgresScimDbContext>
{
    public PostgresScimDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ScimDbContext>().UseNpgsql("Host=localhost;Database=jostle_scim_design_time").Options);
}
