using Jostle.Scim.OAuth;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimOAuthStore"/> on the <see cref="ScimDbContext"/> (tables <c>scim_oauth_*</c>): clients, secret
/// hashes, federated credentials, signing keys and used assertion ids survive a restart and are shared by every process on
/// the database. Nothing is cached, so a revocation by any process is seen on the next request.
/// </summary>
public sealed class EfScimOAuthStore : EfScimStoreBase, IScimOAuthStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="contextFactory">Creates the short-lived contexts each call uses.</param>
    public EfScimOAuthStore(IDbContextFactory<ScimDbContext> contextFactory)
        : base(contextFactory)
    {
    }

    /// <inheritdoc/>
    public Task<bool> CreateClientAsync(ScimOAuthClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return AddAsync(c => c.OAuthClients.Add(new ScimOAuthClientEntity
        {
            ClientId = client.ClientId,
            TenantId = client.TenantId,
            Actor = client.Actor,
            Description = client.Description,
            CreatedAt = client.CreatedAt.UtcDateTime,
            RevokedAt = client.RevokedAt?.UtcDateTime,
        }), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ScimOAuthClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entity = await context.OAuthClients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : ToClient(entity);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimOAuthClient>> ListClientsAsync(string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var query = context.OAuthClients.AsNoTracking();
            if (tenantId is not null)
            {
                query = query.Where(c => c.TenantId == tenantId);
            }

            var entities = await query.OrderBy(c => c.CreatedAt).ThenBy(c => c.ClientId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(ToClient)];
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeClientAsync(string clientId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var at = revokedAt.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var updated = await context.OAuthClients.Where(c => c.ClientId == clientId && c.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, at), cancellationToken).ConfigureAwait(false);
            return updated > 0 || await context.OAuthClients.AnyAsync(c => c.ClientId == clientId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task<bool> AddSecretAsync(ScimOAuthClientSecret secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return AddAsync(c => c.OAuthClientSecrets.Add(new ScimOAuthClientSecretEntity
        {
            SecretId = secret.SecretId,
            ClientId = secret.ClientId,
            Description = secret.Description,
            SecretHash = secret.SecretHash,
            CreatedAt = secret.CreatedAt.UtcDateTime,
            ExpiresAt = secret.ExpiresAt.UtcDateTime,
            RevokedAt = secret.RevokedAt?.UtcDateTime,
        }), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ScimOAuthClientSecret?> FindSecretAsync(string secretId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entity = await context.OAuthClientSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.SecretId == secretId, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : ToSecret(entity);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimOAuthClientSecret>> ListSecretsAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entities = await context.OAuthClientSecrets.AsNoTracking().Where(s => s.ClientId == clientId)
                .OrderBy(s => s.CreatedAt).ThenBy(s => s.SecretId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(ToSecret)];
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeSecretAsync(string secretId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretId);
        var at = revokedAt.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var updated = await context.OAuthClientSecrets.Where(s => s.SecretId == secretId && s.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.RevokedAt, at), cancellationToken).ConfigureAwait(false);
            return updated > 0 || await context.OAuthClientSecrets.AnyAsync(s => s.SecretId == secretId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task TouchSecretAsync(string secretId, DateTimeOffset usedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretId);
        var at = usedAt.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            await context.OAuthClientSecrets.Where(s => s.SecretId == secretId && (s.LastUsedAt == null || s.LastUsedAt < at))
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LastUsedAt, at), cancellationToken).ConfigureAwait(false);
            await context.OAuthClientSecrets.Where(s => s.SecretId == secretId && s.FirstUsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FirstUsedAt, at), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task<bool> AddFederatedCredentialAsync(ScimFederatedCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return AddAsync(c => c.OAuthFederatedCredentials.Add(new ScimFederatedCredentialEntity
        {
            CredentialId = credential.CredentialId,
            ClientId = credential.ClientId,
            Issuer = credential.Issuer,
            Subject = credential.Subject,
            Audience = credential.Audience,
            KeySource = credential.KeySource,
            CreatedAt = credential.CreatedAt.UtcDateTime,
            RevokedAt = credential.RevokedAt?.UtcDateTime,
        }), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<ScimFederatedCredential?> FindFederatedCredentialAsync(string credentialId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentialId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entity = await context.OAuthFederatedCredentials.AsNoTracking().FirstOrDefaultAsync(c => c.CredentialId == credentialId, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : ToCredential(entity);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimFederatedCredential>> FindFederatedCredentialsAsync(string issuer, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(subject);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entities = await context.OAuthFederatedCredentials.AsNoTracking().Where(c => c.Issuer == issuer && c.Subject == subject)
                .OrderBy(c => c.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(ToCredential)];
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimFederatedCredential>> ListFederatedCredentialsAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entities = await context.OAuthFederatedCredentials.AsNoTracking().Where(c => c.ClientId == clientId)
                .OrderBy(c => c.CreatedAt).ThenBy(c => c.CredentialId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(ToCredential)];
        }
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeFederatedCredentialAsync(string credentialId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentialId);
        var at = revokedAt.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var updated = await context.OAuthFederatedCredentials.Where(c => c.CredentialId == credentialId && c.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, at), cancellationToken).ConfigureAwait(false);
            return updated > 0 || await context.OAuthFederatedCredentials.AnyAsync(c => c.CredentialId == credentialId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task AddSigningKeyAsync(ScimOAuthSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await AddAsync(c => c.OAuthSigningKeys.Add(new ScimOAuthSigningKeyEntity
        {
            KeyId = key.KeyId,
            Algorithm = key.Algorithm,
            PrivateKey = key.PrivateKey,
            CreatedAt = key.CreatedAt.UtcDateTime,
        }), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimOAuthSigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entities = await context.OAuthSigningKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(k => new ScimOAuthSigningKey { KeyId = k.KeyId, Algorithm = k.Algorithm, PrivateKey = k.PrivateKey, CreatedAt = Utc(k.CreatedAt) })];
        }
    }

    /// <inheritdoc/>
    public async Task DeleteSigningKeysAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default)
    {
        var before = createdBefore.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            await context.OAuthSigningKeys.Where(k => k.CreatedAt < before).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> TryRecordAssertionAsync(string issuer, string tokenId, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(tokenId);
        var current = now.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            await context.OAuthUsedAssertions.Where(a => a.ExpiresAt < current).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);

            // The primary key (issuer, jti) makes the insert the atomic test: a second process inserting the same id fails.
            context.OAuthUsedAssertions.Add(new ScimOAuthUsedAssertionEntity { Issuer = issuer, TokenId = tokenId, ExpiresAt = expiresAt.UtcDateTime });
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

    private async Task<bool> AddAsync(Action<ScimDbContext> add, CancellationToken cancellationToken)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            add(context);
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

    private static ScimOAuthClient ToClient(ScimOAuthClientEntity e) => new()
    {
        ClientId = e.ClientId,
        TenantId = e.TenantId,
        Actor = e.Actor,
        Description = e.Description,
        CreatedAt = Utc(e.CreatedAt),
        RevokedAt = e.RevokedAt is { } revoked ? Utc(revoked) : null,
    };

    private static ScimOAuthClientSecret ToSecret(ScimOAuthClientSecretEntity e) => new()
    {
        SecretId = e.SecretId,
        ClientId = e.ClientId,
        Description = e.Description,
        SecretHash = e.SecretHash,
        CreatedAt = Utc(e.CreatedAt),
        ExpiresAt = Utc(e.ExpiresAt),
        RevokedAt = e.RevokedAt is { } revoked ? Utc(revoked) : null,
        FirstUsedAt = e.FirstUsedAt is { } first ? Utc(first) : null,
        LastUsedAt = e.LastUsedAt is { } last ? Utc(last) : null,
    };

    private static ScimFederatedCredential ToCredential(ScimFederatedCredentialEntity e) => new()
    {
        CredentialId = e.CredentialId,
        ClientId = e.ClientId,
        Issuer = e.Issuer,
        Subject = e.Subject,
        Audience = e.Audience,
        KeySource = e.KeySource,
        CreatedAt = Utc(e.CreatedAt),
        RevokedAt = e.RevokedAt is { } revoked ? Utc(revoked) : null,
    };

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
