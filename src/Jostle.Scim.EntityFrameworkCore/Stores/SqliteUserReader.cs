using System.Collections.Concurrent;
using System.Text.Json;
using Jostle.Scim.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// The two hot reads of a user on SQLite (by normalised <c>userName</c>, Entra ID's match query; and by <c>id</c>) on
/// prepared statements that stay prepared. Through EF Core, every read opened a connection (EF Core's SQLite set-up
/// included), parsed and planned the SQL again (Microsoft.Data.Sqlite prepares per command) and closed it again; here a
/// few connections stay open, each with the two statements prepared once, and a read binds, steps and resets.
/// <para>
/// Freshness: the connections run in autocommit, so each read is its own read transaction, which SQLite starts on the
/// latest commit (WAL mode) and ends when the statement is reset (the data reader is disposed before the connection
/// goes back); an open idle connection holds no snapshot. The statements filter on the tenant as EF Core's query did.
/// Connections are opened through a context of the store's factory, so connection interceptors still run. Used only
/// when the context owns its connection (a connection string, not a connection object the application shares) and the
/// columns read need no value conversion; otherwise the store stays on EF Core.
/// </para>
/// </summary>
internal sealed class SqliteUserReader
{
    private readonly IDbContextFactory<ScimDbContext> _contextFactory;
    private readonly string _byUserNameSql;
    private readonly string _byIdSql;
    private readonly ConcurrentBag<Lease> _idle = [];
    private readonly int _maxIdle = Math.Max(4, Environment.ProcessorCount * 2);
    private int _idleCount;

    private SqliteUserReader(IDbContextFactory<ScimDbContext> contextFactory, string byUserNameSql, string byIdSql)
    {
        _contextFactory = contextFactory;
        _byUserNameSql = byUserNameSql;
        _byIdSql = byIdSql;
    }

    /// <summary>The reader for <paramref name="context"/>'s database, or <see langword="null"/> when the store must stay on EF Core.</summary>
    public static SqliteUserReader? TryCreate(ScimDbContext context, IDbContextFactory<ScimDbContext> contextFactory)
    {
        if (!context.Database.IsSqlite())
        {
            return null;
        }

        var relational = RelationalOptionsExtension.Extract(context.GetService<IDbContextOptions>());
        if (relational.Connection is not null || string.IsNullOrEmpty(relational.ConnectionString))
        {
            // The application's own connection object: every context shares it, so it cannot be held by one reader.
            return null;
        }

        var entity = context.Model.FindEntityType(typeof(ScimUserEntity));
        if (entity?.GetTableName() is not { } tableName)
        {
            return null;
        }

        var table = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
        var sql = context.GetService<ISqlGenerationHelper>();
        string? Column(string name)
        {
            var property = entity.FindProperty(name);
            if (property is null || property.ClrType != typeof(string) || property.GetValueConverter() is not null
                || property.GetTypeMapping().Converter is not null || property.GetColumnName(table) is not { } column)
            {
                return null;
            }

            return sql.DelimitIdentifier(column);
        }

        var id = Column(nameof(ScimUserEntity.Id));
        var version = Column(nameof(ScimUserEntity.Version));
        var document = Column(nameof(ScimUserEntity.Document));
        var tenant = Column(nameof(ScimUserEntity.TenantId));
        var userName = Column(nameof(ScimUserEntity.NormalizedUserName));
        if (id is null || version is null || document is null || tenant is null || userName is null)
        {
            return null;
        }

        var select = $"SELECT {id}, {version}, {document} FROM {sql.DelimitIdentifier(tableName, entity.GetSchema())} WHERE {tenant} = $tenant AND ";
        return new SqliteUserReader(contextFactory, select + $"{userName} = $value", select + $"{id} = $value LIMIT 1");
    }

    /// <summary>The tenant's users whose normalised <c>userName</c> is <paramref name="normalizedUserName"/> (0 or 1: the index is unique).</summary>
    public List<StoredResource> ByUserName(string tenantId, string normalizedUserName) => Read(byUserName: true, tenantId, normalizedUserName);

    /// <summary>The tenant's user with this <c>id</c>, or <see langword="null"/>.</summary>
    public StoredResource? ById(string tenantId, string id) => Read(byUserName: false, tenantId, id) is [var found] ? found : null;

    private List<StoredResource> Read(bool byUserName, string tenantId, string value)
    {
        var lease = Rent();
        var found = new List<StoredResource>(1);
        try
        {
            var command = byUserName ? lease.ByUserName : lease.ById;
            command.Parameters[0].Value = tenantId;
            command.Parameters[1].Value = value;
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    // The document column holds UTF-8 text: parsed from its bytes, without a UTF-16 string between.
                    found.Add(new StoredResource(reader.GetString(0), reader.GetString(1), JsonSerializer.Deserialize<JsonElement>(reader.GetFieldValue<byte[]>(2))));
                }
            }
        }
        catch
        {
            // A connection that failed mid-read is not trusted again.
            lease.Dispose();
            throw;
        }

        Return(lease);
        return found;
    }

    private Lease Rent()
    {
        if (_idle.TryTake(out var lease))
        {
            Interlocked.Decrement(ref _idleCount);
            return lease;
        }

        return Lease.Open(_contextFactory, _byUserNameSql, _byIdSql);
    }

    private void Return(Lease lease)
    {
        if (Interlocked.Increment(ref _idleCount) <= _maxIdle)
        {
            _idle.Add(lease);
            return;
        }

        Interlocked.Decrement(ref _idleCount);
        lease.Dispose();
    }

    /// <summary>An open connection (through a context of the store's factory) and its two prepared statements.</summary>
    private sealed class Lease : IDisposable
    {
        private readonly ScimDbContext _context;

        private Lease(ScimDbContext context, SqliteCommand byUserName, SqliteCommand byId)
        {
            _context = context;
            ByUserName = byUserName;
            ById = byId;
        }

        public SqliteCommand ByUserName { get; }

        public SqliteCommand ById { get; }

        public static Lease Open(IDbContextFactory<ScimDbContext> contextFactory, string byUserNameSql, string byIdSql)
        {
            var context = contextFactory.CreateDbContext();
            try
            {
                context.Database.OpenConnection();
                var connection = (SqliteConnection)context.Database.GetDbConnection();
                return new Lease(context, Prepare(connection, byUserNameSql), Prepare(connection, byIdSql));
            }
            catch
            {
                context.Dispose();
                throw;
            }
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add(new SqliteParameter("$tenant", SqliteType.Text));
            command.Parameters.Add(new SqliteParameter("$value", SqliteType.Text));
            command.Prepare();
            return command;
        }

        public void Dispose()
        {
            ByUserName.Dispose();
            ById.Dispose();
            try
            {
                _context.Database.CloseConnection();
            }
            finally
            {
                _context.Dispose();
            }
        }
    }
}
