namespace Jostle.Scim.OAuth;

/// <summary>
/// The management API of OAuth clients, for hosts to put behind their own admin UI or command line: create a client (with
/// its first secret, shown once), list clients and secrets (never a secret), add and revoke secrets, revoke a client, and
/// trust or withdraw federated credentials. Revocations take effect on the next request, in every process.
/// </summary>
public sealed class ScimOAuthClientManager
{
    private readonly IScimOAuthStore _store;
    private readonly ScimOAuthOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the manager.</summary>
    /// <param name="store">The store.</param>
    /// <param name="options">The OAuth options; default <see cref="ScimOAuthOptions"/> defaults.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ScimOAuthClientManager(IScimOAuthStore store, ScimOAuthOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new ScimOAuthOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates a client for an automation user of a tenant and, unless <paramref name="createSecret"/> is false, its first secret.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="actor">The automation user the client acts as.</param>
    /// <param name="description">What the client is for, e.g. <c>Entra ID</c>.</param>
    /// <param name="secretLifetime">How long the first secret lives; default <see cref="ScimOAuthOptions.DefaultSecretLifetime"/>, at most three years.</param>
    /// <param name="createSecret">Whether to create a first secret (a client that only uses federated credentials needs none).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The client and its first secret — the only time the plaintext is available.</returns>
    public async Task<ScimCreatedOAuthClient> CreateClientAsync(string tenantId, string actor, string description, TimeSpan? secretLifetime = null, bool createSecret = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(description);
        CheckLifetime(secretLifetime);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var client = new ScimOAuthClient
            {
                ClientId = ScimClientSecretFormat.NewClientId(),
                TenantId = tenantId,
                Actor = actor,
                Description = description,
                CreatedAt = _time.GetUtcNow(),
            };
            if (await _store.CreateClientAsync(client, cancellationToken).ConfigureAwait(false))
            {
                var secret = createSecret ? await AddSecretAsync(client.ClientId, "first secret", secretLifetime, cancellationToken).ConfigureAwait(false) : null;
                return new ScimCreatedOAuthClient(client, secret);
            }
        }

        throw new InvalidOperationException("Could not allocate a unique client id after 5 attempts; the store keeps refusing new clients.");
    }

    /// <summary>Lists clients (no secrets).</summary>
    /// <param name="tenantId">Only this tenant's clients, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The clients, revoked ones included.</returns>
    public Task<IReadOnlyList<ScimOAuthClient>> ListClientsAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _store.ListClientsAsync(tenantId, cancellationToken);

    /// <summary>Lists a client's secrets (records with hashes; the plaintexts are never stored).</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The secrets, revoked and expired ones included.</returns>
    public Task<IReadOnlyList<ScimOAuthClientSecret>> ListSecretsAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return _store.ListSecretsAsync(clientId, cancellationToken);
    }

    /// <summary>Adds a secret to a client, e.g. to rotate: add the new one, enter it in the identity provider, revoke the old one.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="description">What the secret is for.</param>
    /// <param name="lifetime">How long it lives; default <see cref="ScimOAuthOptions.DefaultSecretLifetime"/>, at most three years.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The secret — the only time the plaintext is available.</returns>
    /// <exception cref="InvalidOperationException">The client does not exist or is revoked.</exception>
    public async Task<ScimCreatedClientSecret> AddSecretAsync(string clientId, string description, TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentNullException.ThrowIfNull(description);
        CheckLifetime(lifetime);
        var client = await _store.FindClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (client is null || client.IsRevoked)
        {
            throw new InvalidOperationException($"OAuth client {clientId} does not exist or is revoked.");
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (secretId, plaintext) = ScimClientSecretFormat.NewSecret();
            var now = _time.GetUtcNow();
            var secret = new ScimOAuthClientSecret
            {
                SecretId = secretId,
                ClientId = clientId,
                Description = description,
                SecretHash = ScimClientSecretFormat.Hash(plaintext, _options.Pepper),
                CreatedAt = now,
                ExpiresAt = now + (lifetime ?? _options.DefaultSecretLifetime),
            };
            if (await _store.AddSecretAsync(secret, cancellationToken).ConfigureAwait(false))
            {
                return new ScimCreatedClientSecret(secret, plaintext);
            }
        }

        throw new InvalidOperationException("Could not allocate a unique secret id after 5 attempts.");
    }

    /// <summary>Revokes one secret of a client; the token endpoint refuses it and the tokens it got are refused on the next request.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="secretId">The secret id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when the client has no such secret.</returns>
    public async Task<bool> RevokeSecretAsync(string clientId, string secretId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        var secret = await _store.FindSecretAsync(secretId, cancellationToken).ConfigureAwait(false);
        return secret is not null && string.Equals(secret.ClientId, clientId, StringComparison.Ordinal)
            && await _store.RevokeSecretAsync(secretId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes a client: it gets no more tokens and every token it holds is refused on the next request.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when no such client exists.</returns>
    public Task<bool> RevokeClientAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return _store.RevokeClientAsync(clientId, _time.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// Trusts a federated credential for a client: a JWT client assertion (RFC 7523) with this issuer, subject and
    /// audience, signed by a key of <paramref name="keySource"/>, authenticates the client.
    /// </summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="issuer">The assertion's <c>iss</c>.</param>
    /// <param name="subject">The assertion's <c>sub</c>.</param>
    /// <param name="audience">The assertion's <c>aud</c>.</param>
    /// <param name="keySource">An <c>https</c> JWKS URL, or the absolute path of a JWKS file (offline deployments).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored credential.</returns>
    /// <exception cref="ArgumentException">A value is empty, or the key source is neither an https URL nor an absolute file path.</exception>
    /// <exception cref="InvalidOperationException">The client does not exist or is revoked.</exception>
    public async Task<ScimFederatedCredential> TrustFederatedCredentialAsync(string clientId, string issuer, string subject, string audience, string keySource, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        ArgumentException.ThrowIfNullOrWhiteSpace(keySource);
        if (!ScimJwksCache.IsValidSource(keySource, _options.RequireHttpsJwks))
        {
            throw new ArgumentException($"The key source must be an {(_options.RequireHttpsJwks ? "https" : "http(s)")} JWKS URL or the absolute path of a JWKS file.", nameof(keySource));
        }

        var client = await _store.FindClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (client is null || client.IsRevoked)
        {
            throw new InvalidOperationException($"OAuth client {clientId} does not exist or is revoked.");
        }

        var credential = new ScimFederatedCredential
        {
            CredentialId = ScimClientSecretFormat.NewId(),
            ClientId = clientId,
            Issuer = issuer,
            Subject = subject,
            Audience = audience,
            KeySource = keySource,
            CreatedAt = _time.GetUtcNow(),
        };
        if (!await _store.AddFederatedCredentialAsync(credential, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("A federated credential with the same id exists; try again.");
        }

        return credential;
    }

    /// <summary>Lists a client's federated credentials.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The credentials, withdrawn ones included.</returns>
    public Task<IReadOnlyList<ScimFederatedCredential>> ListFederatedCredentialsAsync(string clientId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        return _store.ListFederatedCredentialsAsync(clientId, cancellationToken);
    }

    /// <summary>Withdraws a federated credential; tokens obtained with it are refused on the next request.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="credentialId">The credential id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when the client has no such credential.</returns>
    public async Task<bool> RevokeFederatedCredentialAsync(string clientId, string credentialId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(credentialId);
        var credential = await _store.FindFederatedCredentialAsync(credentialId, cancellationToken).ConfigureAwait(false);
        return credential is not null && string.Equals(credential.ClientId, clientId, StringComparison.Ordinal)
            && await _store.RevokeFederatedCredentialAsync(credentialId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    private static void CheckLifetime(TimeSpan? lifetime)
    {
        if (lifetime is { } value && (value <= TimeSpan.Zero || value > ScimOAuthOptions.MaxSecretLifetime))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), value, "A client secret lives for a positive time of at most three years.");
        }
    }
}
