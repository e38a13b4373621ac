using Jostle.Scim.Keys;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimApiKeyStore"/> on the <see cref="ScimDbContext"/> (table <c>scim_api_keys</c>): keys survive a
/// restart and are shared by every process on the database. Only the hash of a key is stored. The store caches nothing;
/// on SQLite it offers <see cref="IScimApiKeyRevision"/> (a counter row that triggers bump with every change to a key,
/// in the change's own transaction), so <see cref="ScimApiKeyManager"/> can keep verified keys in memory and still refuse
/// a key revoked by any process on the next request. On PostgreSQL every request reads its key.
/// </summary>
public sealed class EfScimApiKeyStore : EfScimStoreBase, IScimApiKeyStore, IScimApiKeyRevision, IDisposable
{
    // 0: not known yet; 1: SQLite file (reader set); 2: no revision on this database.
    private int _revisionState;
    private SqliteKeyRevision? _revision;

    /// <summary>Creates the store.</summary>
    /// <param name="contextFactory">Creates the short-lived contexts each call uses.</param>
    public EfScimApiKeyStore(IDbContextFactory<ScimDbContext> contextFactory)
        : base(contextFactory)
    {
    }

    /// <inheritdoc/>
    public async Task<bool> CreateAsync(ScimApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            context.ApiKeys.Add(new ScimApiKeyEntity
            {
                KeyId = key.KeyId,
                TenantId = key.TenantId,
                Actor = key.Actor,
                Description = key.Description,
                SecretHash = key.SecretHash,
                CreatedAt = key.CreatedAt.UtcDateTime,
                LastUsedAt = key.LastUsedAt?.UtcDateTime,
                RevokedAt = key.RevokedAt?.UtcDateTime,
                Hint = key.Hint,
                ExpiresAt = key.ExpiresAt?.UtcDateTime,
                FirstUsedAt = key.FirstUsedAt?.UtcDateTime,
            });
            try
            {
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DbUpdateException exception) when (IsUniqueViolation(exception, out _))
            {
                return false;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<ScimApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entity = await KeyById(context, keyId, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : ToKey(entity);
        }
    }

    // Every authenticated request looks its key up: a precompiled query skips LINQ translation on that path.
    private static readonly PerModelQuery<Func<ScimDbContext, string, CancellationToken, Task<ScimApiKeyEntity?>>> KeyByIdQuery = new(() =>
        EF.CompileAsyncQuery((ScimDbContext context, string keyId, CancellationToken cancellationToken) =>
            context.ApiKeys.AsNoTracking().FirstOrDefault(k => k.KeyId == keyId)));

    private static Task<ScimApiKeyEntity?> KeyById(ScimDbContext context, string keyId, CancellationToken cancellationToken) =>
        KeyByIdQuery.For(context)(context, keyId, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimApiKey>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var query = context.ApiKeys.AsNoTracking();
            if (tenantId is not null)
            {
                query = query.Where(k => k.TenantId == tenantId);
            }

            var entities = await query.OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(ToKey)];
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var at = revokedAt.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            // Only an active key is updated, so a second revocation keeps the first time.
            var updated = await context.ApiKeys
                .Where(k => k.KeyId == keyId && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, at), cancellationToken)
                .ConfigureAwait(false);
            return updated > 0
                || await context.ApiKeys.AnyAsync(k => k.KeyId == keyId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task TouchAsync(string keyId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        var at = lastUsedAt.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);

            // One UPDATE; an older time never overwrites a newer one written by another process.
            await context.ApiKeys
                .Where(k => k.KeyId == keyId && (k.LastUsedAt == null || k.LastUsedAt < at))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at), cancellationToken)
                .ConfigureAwait(false);

            // The first use is set once: the earliest writer wins.
            await context.ApiKeys
                .Where(k => k.KeyId == keyId && k.FirstUsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.FirstUsedAt, at), cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// On a SQLite file: the value of the <c>scim_api_key_revision</c> row, read on a connection of its own (a few
    /// microseconds). Elsewhere (PostgreSQL, an in-memory SQLite database) <see langword="null"/>: nothing is cached.
    /// </remarks>
    public async ValueTask<long?> GetRevisionAsync(CancellationToken cancellationToken = default)
    {
        if (_revisionState == 0)
        {
            await StartRevisionAsync(cancellationToken).ConfigureAwait(false);
        }

        return _revision?.Read();
    }

    private async Task StartRevisionAsync(CancellationToken cancellationToken)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false); // also migrates: the table exists after it
        await using (context.ConfigureAwait(false))
        {
            var connectionString = context.Database.IsSqlite() ? context.Database.GetConnectionString() : null;
            var reader = SqliteKeyRevision.CanShare(connectionString) ? new SqliteKeyRevision(connectionString!) : null;
            if (Interlocked.CompareExchange(ref _revision, reader, null) is not null)
            {
                reader?.Dispose(); // another request started it first
            }

            _revisionState = _revision is null ? 2 : 1;
        }
    }

    /// <summary>Closes the connection the key revision is read on, if one was opened.</summary>
    public void Dispose()
    {
        _revisionState = 2;
        Interlocked.Exchange(ref _revision, null)?.Dispose();
    }

    private static ScimApiKey ToKey(ScimApiKeyEntity entity) =>
        new(entity.KeyId, entity.TenantId, entity.Actor, entity.Description, entity.SecretHash, Utc(entity.CreatedAt))
        {
            LastUsedAt = entity.LastUsedAt is { } used ? Utc(used) : null,
            RevokedAt = entity.RevokedAt is { } revoked ? Utc(revoked) : null,
            Hint = entity.Hint,
            ExpiresAt = entity.ExpiresAt is { } expires ? Utc(expires) : null,
            FirstUsedAt = entity.FirstUsedAt is { } first ? Utc(first) : null,
        };

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
