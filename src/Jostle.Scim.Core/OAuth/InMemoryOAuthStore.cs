using System.Collections.Concurrent;

namespace Jostle.Scim.OAuth;

/// <summary>A thread-safe in-memory <see cref="IScimOAuthStore"/> (tests, quick starts); everything is lost when the process ends.</summary>
public sealed class InMemoryOAuthStore : IScimOAuthStore
{
    private readonly ConcurrentDictionary<string, ScimOAuthClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScimOAuthClientSecret> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScimFederatedCredential> _credentials = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScimOAuthSigningKey> _signingKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Issuer, string TokenId), DateTimeOffset> _assertions = new();

    /// <inheritdoc/>
    public Task<bool> CreateClientAsync(ScimOAuthClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Task.FromResult(_clients.TryAdd(client.ClientId, client));
    }

    /// <inheritdoc/>
    public Task<ScimOAuthClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_clients.GetValueOrDefault(clientId));

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimOAuthClient>> ListClientsAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimOAuthClient>>(
        [
            .. _clients.Values
                .Where(c => tenantId is null || string.Equals(c.TenantId, tenantId, StringComparison.Ordinal))
                .OrderBy(c => c.CreatedAt).ThenBy(c => c.ClientId, StringComparer.Ordinal),
        ]);

    /// <inheritdoc/>
    public Task<bool> RevokeClientAsync(string clientId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(Revoke(_clients, clientId, c => c.IsRevoked ? c : c with { RevokedAt = revokedAt }));

    /// <inheritdoc/>
    public Task<bool> AddSecretAsync(ScimOAuthClientSecret secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Task.FromResult(_secrets.TryAdd(secret.SecretId, secret));
    }

    /// <inheritdoc/>
    public Task<ScimOAuthClientSecret?> FindSecretAsync(string secretId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_secrets.GetValueOrDefault(secretId));

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimOAuthClientSecret>> ListSecretsAsync(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimOAuthClientSecret>>(
        [
            .. _secrets.Values
                .Where(s => string.Equals(s.ClientId, clientId, StringComparison.Ordinal))
                .OrderBy(s => s.CreatedAt).ThenBy(s => s.SecretId, StringComparer.Ordinal),
        ]);

    /// <inheritdoc/>
    public Task<bool> RevokeSecretAsync(string secretId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(Revoke(_secrets, secretId, s => s.IsRevoked ? s : s with { RevokedAt = revokedAt }));

    /// <inheritdoc/>
    public Task TouchSecretAsync(string secretId, DateTimeOffset usedAt, CancellationToken cancellationToken = default)
    {
        Revoke(_secrets, secretId, s => s.LastUsedAt >= usedAt ? s : s with { LastUsedAt = usedAt, FirstUsedAt = s.FirstUsedAt ?? usedAt });
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<bool> AddFederatedCredentialAsync(ScimFederatedCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return Task.FromResult(_credentials.TryAdd(credential.CredentialId, credential));
    }

    /// <inheritdoc/>
    public Task<ScimFederatedCredential?> FindFederatedCredentialAsync(string credentialId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_credentials.GetValueOrDefault(credentialId));

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimFederatedCredential>> FindFederatedCredentialsAsync(string issuer, string subject, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimFederatedCredential>>(
        [
            .. _credentials.Values
                .Where(c => string.Equals(c.Issuer, issuer, StringComparison.Ordinal) && string.Equals(c.Subject, subject, StringComparison.Ordinal))
                .OrderBy(c => c.CreatedAt),
        ]);

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimFederatedCredential>> ListFederatedCredentialsAsync(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimFederatedCredential>>(
        [
            .. _credentials.Values
                .Where(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal))
                .OrderBy(c => c.CreatedAt).ThenBy(c => c.CredentialId, StringComparer.Ordinal),
        ]);

    /// <inheritdoc/>
    public Task<bool> RevokeFederatedCredentialAsync(string credentialId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(Revoke(_credentials, credentialId, c => c.IsRevoked ? c : c with { RevokedAt = revokedAt }));

    /// <inheritdoc/>
    public Task AddSigningKeyAsync(ScimOAuthSigningKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        _signingKeys.TryAdd(key.KeyId, key);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimOAuthSigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimOAuthSigningKey>>([.. _signingKeys.Values.OrderByDescending(k => k.CreatedAt)]);

    /// <inheritdoc/>
    public Task DeleteSigningKeysAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default)
    {
        foreach (var key in _signingKeys.Values.Where(k => k.CreatedAt < createdBefore))
        {
            _signingKeys.TryRemove(key.KeyId, out _);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<bool> TryRecordAssertionAsync(string issuer, string tokenId, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        foreach (var (id, until) in _assertions)
        {
            if (until < now)
            {
                _assertions.TryRemove(new KeyValuePair<(string, string), DateTimeOffset>(id, until));
            }
        }

        return Task.FromResult(_assertions.TryAdd((issuer, tokenId), expiresAt));
    }

    private static bool Revoke<T>(ConcurrentDictionary<string, T> map, string id, Func<T, T> revoke)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(id);
        while (map.TryGetValue(id, out var current))
        {
            var next = revoke(current);
            if (ReferenceEquals(next, current) || map.TryUpdate(id, next, current))
            {
                return true;
            }
        }

        return false;
    }
}
