using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Analysis;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimUserStore"/> on EF Core (<see cref="ScimDbContext"/>). Filters, sorting, paging and the total
/// run in SQL; <c>userName</c> uniqueness is a unique index on the normalised name per tenant; replaces and deletes
/// are optimistic on the version column. Each call uses its own short-lived context.
/// </summary>
/// <param name="contextFactory">Creates the contexts.</param>
public sealed class EfScimUserStore(IDbContextFactory<ScimDbContext> contextFactory) : EfScimStoreBase(contextFactory), IScimUserStore
{
    /// <inheritdoc />
    public async ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(document);
        var user = new ScimUserEntity();
        EntityDocuments.Fill(user, tenantId, document);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            if (SqliteWriteGate.ForBatchedWrites(context) is { } gate)
            {
                return await gate.CommitAsync(new UserCreate(context, user), context, cancellationToken).ConfigureAwait(false);
            }

            using (await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false))
            {
                return await SaveOneAsync(context, user, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A user create in SQLite's group commit (<see cref="SqliteWriteGate.CommitAsync"/>): concurrent creates share one
    /// transaction and one sync to disk, each under its own savepoint, so a create whose userName is taken (even by
    /// another create of the same batch) gets its conflict and the others are still written. The rows are inserted with
    /// statements written from the EF Core model (<see cref="SqliteEntityInsert"/>), without the change tracker.
    /// </summary>
    private sealed class UserCreate : SqliteBatchedWrite
    {
        private readonly ScimUserEntity _user;
        private readonly SqliteEntityInsert _users;
        private readonly SqliteEntityInsert _emails;
        private readonly SqliteEntityInsert _phoneNumbers;
        private readonly StoreResult _created;

        public UserCreate(DbContext context, ScimUserEntity user)
        {
            _user = user;
            _users = SqliteEntityInsert.For<ScimUserEntity>(context);
            _emails = SqliteEntityInsert.For<ScimUserEmailEntity>(context);
            _phoneNumbers = SqliteEntityInsert.For<ScimUserPhoneNumberEntity>(context);

            // The answer is the document as stored; read it now, before the write turn, not while holding it.
            _created = Created(user);
        }

        public override StoreResult Execute(SqliteBatch batch)
        {
            _user.Key = _users.Insert(batch, _user);
            foreach (var email in _user.Emails)
            {
                email.UserKey = _user.Key;
                email.Key = _emails.Insert(batch, email);
            }

            foreach (var phone in _user.PhoneNumbers)
            {
                phone.UserKey = _user.Key;
                phone.Key = _phoneNumbers.Insert(batch, phone);
            }

            return _created;
        }

        public override StoreResult? Classify(Microsoft.Data.Sqlite.SqliteException exception) =>
            IsUniqueViolation(exception, out var userName) ? StoreResult.Conflict(userName ? "userName" : "id") : null;
    }

    private static async Task<StoreResult> SaveOneAsync(ScimDbContext context, ScimUserEntity user, CancellationToken cancellationToken)
    {
        context.Users.Add(user);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e, out var userName))
        {
            return StoreResult.Conflict(userName ? "userName" : "id");
        }

        return Created(user);
    }

    private static StoreResult Created(ScimUserEntity user) =>
        StoreResult.Success(new StoredResource(user.Id, user.Version, EntityDocuments.Element(user.Document)));

    /// <summary>The user name of a query that is exactly <c>userName eq "…"</c> on its first page, unsorted; otherwise <see langword="null"/>.</summary>
    private static string? UserNameLookup(StoreQuery query) =>
        query is { SortBy: null, StartIndex: <= 1, Count: >= 1, After: null } ? ScimFilterAnalysis.UserNameEquality(query.Filter) : null;

    private static readonly PerModelQuery<Func<ScimDbContext, string, string, IAsyncEnumerable<ResourceRow>>> UsersByUserNameQuery = new(() =>
        EF.CompileAsyncQuery((ScimDbContext context, string tenantId, string normalizedUserName) =>
            context.Users.AsNoTracking()
                .Where(u => u.TenantId == tenantId && u.NormalizedUserName == normalizedUserName)
                .Select(u => new ResourceRow(u.Id, u.Version, u.Document))));

    private static readonly PerModelQuery<Func<ScimDbContext, string, string, CancellationToken, Task<ResourceRow?>>> UserByIdQuery = new(() =>
        EF.CompileAsyncQuery((ScimDbContext context, string tenantId, string id, CancellationToken cancellationToken) =>
            context.Users.AsNoTracking()
                .Where(u => u.TenantId == tenantId && u.Id == id)
                .Select(u => new ResourceRow(u.Id, u.Version, u.Document))
                .FirstOrDefault()));

    private static IAsyncEnumerable<ResourceRow> UsersByUserName(ScimDbContext context, string tenantId, string normalizedUserName) =>
        UsersByUserNameQuery.For(context)(context, tenantId, normalizedUserName);

    private static Task<ResourceRow?> UserById(ScimDbContext context, string tenantId, string id, CancellationToken cancellationToken) =>
        UserByIdQuery.For(context)(context, tenantId, id, cancellationToken);

    private SqliteUserReader? _sqliteReader;
    private volatile bool _sqliteReaderKnown;

    /// <summary>
    /// The prepared-statement reader of the hot user reads when the database is a SQLite file the contexts open by
    /// connection string (see <see cref="SqliteUserReader"/>); <see langword="null"/> otherwise (PostgreSQL among them).
    /// Decided once, on a context of the (migrated) database.
    /// </summary>
    private async ValueTask<SqliteUserReader?> SqliteReaderAsync(CancellationToken cancellationToken)
    {
        if (_sqliteReaderKnown)
        {
            return _sqliteReader;
        }

        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            // Two first calls may both decide; they decide the same, and a reader holds no connection until it reads.
            _sqliteReader = SqliteUserReader.TryCreate(context, ContextFactory);
            _sqliteReaderKnown = true;
        }

        return _sqliteReader;
    }

    /// <inheritdoc />
    public async ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        if (await SqliteReaderAsync(cancellationToken).ConfigureAwait(false) is { } reader)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return reader.ById(tenantId, id);
        }

        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var row = await UserById(context, tenantId, id, cancellationToken).ConfigureAwait(false);
            return row is null ? null : new StoredResource(row.Id, row.Version, EntityDocuments.Element(row.Document));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlySet<string>> FindExistingAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            return await FindExistingAsync(ids, chunk => context.Users.AsNoTracking().Where(u => u.TenantId == tenantId && chunk.Contains(u.Id)).Select(u => u.Id), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = EntityDocuments.RequiredString(document, "id");
        for (var attempt = 1; ; attempt++)
        {
            var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                var user = await context.Users
                    .Include(u => u.Emails)
                    .Include(u => u.PhoneNumbers)
                    .AsSplitQuery()
                    .FirstOrDefaultAsync(u => u.TenantId == tenantId && u.Id == id, cancellationToken).ConfigureAwait(false);
                if (user is null)
                {
                    return StoreResult.NotFound;
                }

                if (expectedVersion is not null && !string.Equals(user.Version, expectedVersion, StringComparison.Ordinal))
                {
                    return StoreResult.VersionMismatch;
                }

                EntityDocuments.Fill(user, tenantId, document);
                using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(new StoredResource(user.Id, user.Version, EntityDocuments.Element(user.Document)));
                }
                catch (DbUpdateConcurrencyException) when (expectedVersion is not null)
                {
                    return StoreResult.VersionMismatch;
                }
                catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
                {
                    // Lost a race to another writer and the caller did not ask for a version: read again and retry.
                }
                catch (DbUpdateException e) when (IsUniqueViolation(e, out var userName))
                {
                    return StoreResult.Conflict(userName ? "userName" : "id");
                }
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var users = context.Users.Where(u => u.TenantId == tenantId && u.Id == id);
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var deleted = expectedVersion is null
                ? await users.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false)
                : await users.Where(u => u.Version == expectedVersion).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                return StoreResult.Success(null);
            }

            return await users.AnyAsync(cancellationToken).ConfigureAwait(false) ? StoreResult.VersionMismatch : StoreResult.NotFound;
        }
    }

    /// <inheritdoc />
    /// <remarks>Keyset paging seeks on the surrogate primary key (creation order).</remarks>
    public bool SupportsKeysetPaging => true;

    /// <inheritdoc />
    public async ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (UserNameLookup(query) is { } lookup && await SqliteReaderAsync(cancellationToken).ConfigureAwait(false) is { } reader)
        {
            // The same match query as below, on a statement prepared once (no context, no connection open/close, no parse).
            cancellationToken.ThrowIfCancellationRequested();
            var users = reader.ByUserName(tenantId, ScimAttributeMap.Normalize(lookup)!);
            return new StoreQueryResult(users, users.Count);
        }

        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            if (UserNameLookup(query) is { } userName)
            {
                // Entra ID's match query, asked before every create: a precompiled query on the unique index. A
                // tenant's user names are unique, so it finds 0 or 1 users and that is the total. (No Take: the unique
                // index already bounds it, and a Take without OrderBy is EF Core warning 10102 on every Test Connection.)
                var found = new List<StoredResource>(1);
                await foreach (var row in UsersByUserName(context, tenantId, ScimAttributeMap.Normalize(userName)!).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    found.Add(new StoredResource(row.Id, row.Version, EntityDocuments.Element(row.Document)));
                }

                return new StoreQueryResult(found, found.Count);
            }

            var users = context.Users.AsNoTracking();
            if (query.Filter is not null && ScimFilterAnalysis.RequiredEmail(query.Filter) is { } email)
            {
                // Every match has this email: start from the email index. The email rows carry the tenant, so the
                // tenant condition is implied, and leaving it out keeps SQLite from scanning the tenant's users instead.
                var normalized = ScimAttributeMap.Normalize(email);
                var owners = context.UserEmails.Where(e => e.TenantId == tenantId && e.NormalizedValue == normalized).Select(e => e.UserKey);
                users = users.Where(u => owners.Contains(u.Key));
            }
            else
            {
                users = users.Where(u => u.TenantId == tenantId);
            }

            if (query.Filter is not null)
            {
                users = users.Where(ScimLinqTranslator.Translate(query.Filter, query.ResourceType, EntityDocuments.UserMap));
            }

            if (query.Keyset)
            {
                var (page, count, nextAfter) = await KeysetPageAsync(
                    users, (q, after) => q.Where(u => u.Key > after), q => q.OrderBy(u => u.Key), u => new KeyedResourceRow(u.Key, u.Id, u.Version, u.Document), query, cancellationToken).ConfigureAwait(false);
                return new StoreQueryResult([.. page.Select(r => new StoredResource(r.Id, r.Version, EntityDocuments.Element(r.Document)))], count) { NextAfter = nextAfter };
            }

            var ordered = query.SortBy is null
                ? users.OrderBy(u => u.Key)
                : ScimLinqTranslator.ApplySort(users, query.SortBy, query.Descending, query.ResourceType, EntityDocuments.UserMap).ThenBy(u => u.Key);
            var (rows, total) = await PageAsync(users, ordered, u => new ResourceRow(u.Id, u.Version, u.Document), query, cancellationToken).ConfigureAwait(false);
            return new StoreQueryResult([.. rows.Select(r => new StoredResource(r.Id, r.Version, EntityDocuments.Element(r.Document)))], total);
        }
    }
}
