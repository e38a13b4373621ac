using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>A fresh SQLite database file in the temp folder, deleted on dispose.</summary>
public sealed class SqliteDatabase : ITestDatabase
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"jostle-scim-ef-{Guid.NewGuid():N}.db");

    public SqliteDatabase()
    {
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = true }.ToString();
        Options = new DbContextOptionsBuilder<ScimDbContext>().UseSqlite(ConnectionString).Options;
        Factory = new PooledDbContextFactory<ScimDbContext>(Options);
    }

    public string ConnectionString { get; }

    public DbContextOptions<ScimDbContext> Options { get; }

    public IDbContextFactory<ScimDbContext> Factory { get; }

    public void Configure(DbContextOptionsBuilder options) => options.UseSqlite(ConnectionString);

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(_path + suffix);
            }
            catch (IOException)
            {
                // A file still open elsewhere is left for the OS temp cleaner.
            }
        }
    }
}
