using System.Collections.Concurrent;

namespace Jostle.Scim.Keys;

/// <summary>A thread-safe in-memory <see cref="IScimApiKeyStore"/> (tests, quick starts); keys are lost when the process ends.</summary>
public sealed class InMemoryApiKeyStore : IScimApiKeyStore
{
    private readonly ConcurrentDictionary<string, ScimApiKey> _keys = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<bool> CreateAsync(ScimApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(_keys.TryAdd(key.KeyId, key));
    }

    /// <inheritdoc/>
    public Task<ScimApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return Task.FromResult(_keys.TryGetValue(keyId, out var key) ? key : null);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimApiKey>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimApiKey>>(
        [
            .. _keys.Values
                .Where(k => tenantId is null || string.Equals(k.TenantId, tenantId, StringComparison.Ordinal))
                .OrderBy(k => k.CreatedAt)
                .ThenBy(k => k.KeyId, StringComparer.Ordinal),
        ]);

    /// <inheritdoc/>
    public Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        while (_keys.TryGetValue(keyId, out var key))
        {
            if (key.IsRevoked || _keys.TryUpdate(keyId, key.WithRevokedAt(revokedAt), key))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    /// <inheritdoc/>
    public Task TouchAsync(string keyId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        while (_keys.TryGetValue(keyId, out var key))
        {
            if ((key.LastUsedAt is { } last && last >= lastUsedAt) || _keys.TryUpdate(keyId, key.WithLastUsedAt(lastUsedAt), key))
            {
                break;
            }
        }

        return Task.CompletedTask;
    }
}
