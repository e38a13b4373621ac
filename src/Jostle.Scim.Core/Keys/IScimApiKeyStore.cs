namespace Jostle.Scim.Keys;

/// <summary>
/// Persists provisioning API keys (hashes only). Implementations must be thread-safe and must not cache positive
/// lookups across requests, so that a revoked key is refused on the very next request. A store that can tell cheaply
/// whether any key changed implements <see cref="IScimApiKeyRevision"/> as well; <see cref="ScimApiKeyManager"/> then
/// keeps verified keys in memory under that revision.
/// </summary>
public interface IScimApiKeyStore
{
    /// <summary>Adds a new key.</summary>
    /// <param name="key">The key record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when a key with the same <see cref="ScimApiKey.KeyId"/> exists (nothing is changed).</returns>
    Task<bool> CreateAsync(ScimApiKey key, CancellationToken cancellationToken = default);

    /// <summary>Finds a key by its lookup id.</summary>
    /// <param name="keyId">The lookup id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The key, revoked or not, or <see langword="null"/>.</returns>
    Task<ScimApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default);

    /// <summary>Lists keys, oldest first.</summary>
    /// <param name="tenantId">Only this tenant's keys, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys, revoked ones included.</returns>
    Task<IReadOnlyList<ScimApiKey>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default);

    /// <summary>Marks a key revoked. Revoking a revoked key keeps its first revocation time.</summary>
    /// <param name="keyId">The lookup id.</param>
    /// <param name="revokedAt">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when no such key exists.</returns>
    Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>Records that a key was used: sets <see cref="ScimApiKey.LastUsedAt"/> (never moving it back) and, the first time, <see cref="ScimApiKey.FirstUsedAt"/>. Called at most once per <see cref="ScimApiKeyOptions.LastUsedUpdateInterval"/> per key and process.</summary>
    /// <param name="keyId">The lookup id.</param>
    /// <param name="lastUsedAt">The time of use.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task TouchAsync(string keyId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken = default);
}
