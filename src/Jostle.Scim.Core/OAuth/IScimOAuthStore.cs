namespace Jostle.Scim.OAuth;

/// <summary>
/// Persists OAuth clients, their secrets (hashes only) and federated credentials, the token signing keys and the ids of
/// client assertions already used. Implementations must be thread-safe and must not cache client, secret or credential
/// lookups across requests, so that a revocation is seen on the very next request by every process.
/// </summary>
public interface IScimOAuthStore
{
    /// <summary>Adds a client.</summary>
    /// <param name="client">The client.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when a client with the same id exists (nothing is changed).</returns>
    Task<bool> CreateClientAsync(ScimOAuthClient client, CancellationToken cancellationToken = default);

    /// <summary>Finds a client.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The client, revoked or not, or <see langword="null"/>.</returns>
    Task<ScimOAuthClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Lists clients, oldest first.</summary>
    /// <param name="tenantId">Only this tenant's clients, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The clients, revoked ones included.</returns>
    Task<IReadOnlyList<ScimOAuthClient>> ListClientsAsync(string? tenantId = null, CancellationToken cancellationToken = default);

    /// <summary>Marks a client revoked; a second revocation keeps the first time.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="revokedAt">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when no such client exists.</returns>
    Task<bool> RevokeClientAsync(string clientId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>Adds a secret.</summary>
    /// <param name="secret">The secret record (hash only).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when a secret with the same id exists.</returns>
    Task<bool> AddSecretAsync(ScimOAuthClientSecret secret, CancellationToken cancellationToken = default);

    /// <summary>Finds a secret by id.</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The secret, or <see langword="null"/>.</returns>
    Task<ScimOAuthClientSecret?> FindSecretAsync(string secretId, CancellationToken cancellationToken = default);

    /// <summary>Lists a client's secrets, oldest first.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The secrets, revoked and expired ones included.</returns>
    Task<IReadOnlyList<ScimOAuthClientSecret>> ListSecretsAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Marks a secret revoked; a second revocation keeps the first time.</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="revokedAt">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when no such secret exists.</returns>
    Task<bool> RevokeSecretAsync(string secretId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that a secret got a token: sets <see cref="ScimOAuthClientSecret.LastUsedAt"/> (never moving it back) and,
    /// the first time, <see cref="ScimOAuthClientSecret.FirstUsedAt"/>.
    /// </summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="usedAt">The time of use.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task TouchSecretAsync(string secretId, DateTimeOffset usedAt, CancellationToken cancellationToken = default);

    /// <summary>Adds a federated credential.</summary>
    /// <param name="credential">The credential.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when a credential with the same id exists.</returns>
    Task<bool> AddFederatedCredentialAsync(ScimFederatedCredential credential, CancellationToken cancellationToken = default);

    /// <summary>Finds a federated credential by id.</summary>
    /// <param name="credentialId">The credential id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The credential, or <see langword="null"/>.</returns>
    Task<ScimFederatedCredential?> FindFederatedCredentialAsync(string credentialId, CancellationToken cancellationToken = default);

    /// <summary>Finds the federated credentials that trust an issuer and subject (ordinal comparison), revoked ones included.</summary>
    /// <param name="issuer">The assertion's <c>iss</c>.</param>
    /// <param name="subject">The assertion's <c>sub</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The credentials.</returns>
    Task<IReadOnlyList<ScimFederatedCredential>> FindFederatedCredentialsAsync(string issuer, string subject, CancellationToken cancellationToken = default);

    /// <summary>Lists a client's federated credentials, oldest first.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The credentials, revoked ones included.</returns>
    Task<IReadOnlyList<ScimFederatedCredential>> ListFederatedCredentialsAsync(string clientId, CancellationToken cancellationToken = default);

    /// <summary>Withdraws a federated credential; a second revocation keeps the first time.</summary>
    /// <param name="credentialId">The credential id.</param>
    /// <param name="revokedAt">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when no such credential exists.</returns>
    Task<bool> RevokeFederatedCredentialAsync(string credentialId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>Adds a token signing key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task AddSigningKeyAsync(ScimOAuthSigningKey key, CancellationToken cancellationToken = default);

    /// <summary>Lists the signing keys, newest first.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys.</returns>
    Task<IReadOnlyList<ScimOAuthSigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the signing keys created before a time (they can no longer verify any unexpired token).</summary>
    /// <param name="createdBefore">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task DeleteSigningKeysAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that a client assertion was used, atomically: <see langword="false"/> when an assertion with the same issuer
    /// and <c>jti</c> was recorded before and has not yet expired (a replay). Records that expired before
    /// <paramref name="now"/> may be dropped.
    /// </summary>
    /// <param name="issuer">The assertion's <c>iss</c>.</param>
    /// <param name="tokenId">The assertion's <c>jti</c>.</param>
    /// <param name="expiresAt">Until when the record must be kept (the assertion's expiry plus the clock skew).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether this is the first use.</returns>
    Task<bool> TryRecordAssertionAsync(string issuer, string tokenId, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken = default);
}
