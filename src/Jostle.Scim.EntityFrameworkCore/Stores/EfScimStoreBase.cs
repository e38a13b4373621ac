using System.Data.Common;
using System.Linq.Expressions;
using Jostle.Scim.Stores;
using Jostle.Scim.EntityFrameworkCore.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>What the two EF Core stores share: the context factory and the one-time creation of the database.</summary>
public abstract class EfScimStoreBase
{
    // One gate for the whole process: two stores on one new database must not both create its tables.
    private static readonly SemaphoreSlim InitializationGate = new(1, 1);
    private volatile bool _initialized;

    /// <summary>Creates the store.</summary>
    /// <param name="contextFactory">Creates the short-lived contexts each call uses.</param>
    private protected EfScimStoreBase(IDbContextFactory<ScimDbContext> contextFactory)
    {
        ArgumentNullException.ThrowIfNull(contextFactory);
        ContextFactory = contextFactory;
    }

    /// <summary>Creates the short-lived contexts each call uses.</summary>
    private protected IDbContextFactory<ScimDbContext> ContextFactory { get; }

    /// <summary>A context on a database that exists and is up to date (migrated on first use; SQLite in WAL mode).</summary>
    private protected async Task<ScimDbContext> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await ContextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the database if it does not exist and applies the EF Core migrations of the configured provider (SQLite
    /// or PostgreSQL) that it lacks; on a SQLite file, switches it to write-ahead logging. Stores call it on first use; call it at start-up to fail early.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the database is ready.</returns>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await InitializationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await InitializeDatabaseAsync(ContextFactory, cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
        finally
        {
            InitializationGate.Release();
        }
    }

    /// <summary>Applies the provider's pending migrations (creating the database if needed) and, on a SQLite file, switches it to write-ahead logging.</summary>
    internal static async Task InitializeDatabaseAsync(IDbContextFactory<ScimDbContext> contextFactory, CancellationToken cancellationToken)
    {
        var context = await contextFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            await ScimMigrations.MigrateAsync(context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether <paramref name="exception"/> is a violation of the unique index on a tenant's group display names.</summary>
    private protected static bool IsDisplayNameViolation(DbUpdateException exception)
    {
        for (Exception? inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            // SQLite names the column (scim_groups.unique_display_name), PostgreSQL the index: both contain it.
            if (inner.Message.Contains("unique_display_name", StringComparison.OrdinalIgnoreCase))
            {
                return IsUniqueViolation(exception, out _);
            }
        }

        return false;
    }

    /// <summary>Whether a failed save (or statement) broke a unique index or key; <paramref name="userName"/> tells whether it was the user name index.</summary>
    private protected static bool IsUniqueViolation(Exception exception, out bool userName)
    {
        userName = false;
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            var unique = inner switch
            {
                // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
                SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
                DbException db => db.SqlState == "23505",
                _ => false,
            };
            if (unique)
            {
                userName = inner.Message.Contains("normalized_user_name", StringComparison.OrdinalIgnoreCase)
                    || inner.Message.Contains(ScimDbContext.UserNameIndex, StringComparison.OrdinalIgnoreCase);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// One page of a query, in SQL, and the total. A short page that is not empty (or the first page) is the last one,
    /// so it gives the total without a second query: what an Entra lookup (a filter matching 0 or 1 resources) always
    /// gets. <c>count</c> 0 asks only for the total.
    /// </summary>
    private protected static async Task<(List<ResourceRow> Rows, int Total)> PageAsync<TEntity>(
        IQueryable<TEntity> matching,
        IOrderedQueryable<TEntity> ordered,
        Expression<Func<TEntity, ResourceRow>> row,
        StoreQuery query,
        CancellationToken cancellationToken)
    {
        if (query.Count <= 0)
        {
            return ([], await matching.CountAsync(cancellationToken).ConfigureAwait(false));
        }

        var start = Math.Max(query.StartIndex, 1);
        var rows = await ordered.Skip(start - 1).Take(query.Count).Select(row).ToListAsync(cancellationToken).ConfigureAwait(false);
        var total = rows.Count < query.Count && (rows.Count > 0 || start == 1)
            ? start - 1 + rows.Count
            : await matching.CountAsync(cancellationToken).ConfigureAwait(false);
        return (rows, total);
    }

    /// <summary>
    /// One keyset page (RFC 9865 cursors) and the total: the rows after the position <see cref="StoreQuery.After"/> in
    /// surrogate key (creation) order, found by a seek on the primary key (<c>WHERE key &gt; @after ORDER BY key
    /// LIMIT count + 1</c>), so a late page costs what the first costs. The extra row only tells whether another page
    /// follows. A first page that holds every match gives the total without a second query.
    /// </summary>
    private protected static async Task<(List<ResourceRow> Rows, int Total, string? NextAfter)> KeysetPageAsync<TEntity>(
        IQueryable<TEntity> matching,
        Func<IQueryable<TEntity>, long, IQueryable<TEntity>> seekAfter,
        Func<IQueryable<TEntity>, IQueryable<TEntity>> orderByKey,
        Expression<Func<TEntity, KeyedResourceRow>> row,
        StoreQuery query,
        CancellationToken cancellationToken)
    {
        if (query.Count <= 0)
        {
            return ([], await matching.CountAsync(cancellationToken).ConfigureAwait(false), null);
        }

        long? after = query.After is null
            ? null
            : long.TryParse(query.After, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var key)
                ? key
                : throw new ScimException(ScimErrorType.InvalidCursor, "The cursor does not name a position in this store; start again with cursor= (empty).");
        var page = orderByKey(after is { } position ? seekAfter(matching, position) : matching);
        var rows = await page.Take(query.Count + 1).Select(row).ToListAsync(cancellationToken).ConfigureAwait(false);
        var more = rows.Count > query.Count;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var total = after is null && !more ? rows.Count : await matching.CountAsync(cancellationToken).ConfigureAwait(false);
        var nextAfter = more ? rows[^1].Key.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return ([.. rows.Select(r => new ResourceRow(r.Id, r.Version, r.Document))], total, nextAfter);
    }

    /// <summary>The ids, of <paramref name="ids"/>, that <paramref name="query"/> finds; asked in chunks so that no statement gets too many values.</summary>
    private protected static async Task<IReadOnlySet<string>> FindExistingAsync(
        IReadOnlyCollection<string> ids,
        Func<string[], IQueryable<string>> query,
        CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(1000))
        {
            found.UnionWith(await query(chunk).ToListAsync(cancellationToken).ConfigureAwait(false));
        }

        return found;
    }

    /// <summary>What a read returns of a user or group row.</summary>
    private protected sealed record ResourceRow(string Id, string Version, string Document);

    /// <summary>What a keyset read returns of a user or group row: the row and its surrogate key (the position).</summary>
    private protected sealed record KeyedResourceRow(long Key, string Id, string Version, string Document);

    /// <summary>How often a write without an expected version retries after losing a race.</summary>
    private protected const int MaxAttempts = 10;
}
