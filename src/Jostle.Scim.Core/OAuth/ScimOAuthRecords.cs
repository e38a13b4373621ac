namespace Jostle.Scim.OAuth;

/// <summary>
/// An OAuth 2.0 client of the SCIM service: it belongs to one tenant and acts as one automation user, like a provisioning
/// API key. It authenticates at the token endpoint with one of its secrets or with a trusted federated credential.
/// </summary>
public sealed record ScimOAuthClient
{
    /// <summary>The public client identifier (<c>jsc_</c> and 16 hex digits), entered in the identity provider's "Client identifier" field.</summary>
    public required string ClientId { get; init; }

    /// <summary>The tenant every request made with the client's tokens runs in.</summary>
    public required string TenantId { get; init; }

    /// <summary>The automation user the client acts as; recorded as the actor of every change made with its tokens.</summary>
    public required string Actor { get; init; }

    /// <summary>What the client is for, e.g. <c>Entra ID</c>.</summary>
    public required string Description { get; init; }

    /// <summary>When the client was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the client was revoked, or <see langword="null"/> while it is active.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether the client was revoked: it gets no tokens and its tokens are refused.</summary>
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>
/// One secret of an <see cref="ScimOAuthClient"/>: the <em>hash</em> of the secret, its expiry and revocation. A client may
/// hold several at once, so a secret can be rotated without downtime. The plaintext is returned once, at creation.
/// </summary>
public sealed record ScimOAuthClientSecret
{
    /// <summary>The secret's public id (16 hex digits, also embedded in the secret itself); shown in lists and logs.</summary>
    public required string SecretId { get; init; }

    /// <summary>The client the secret belongs to.</summary>
    public required string ClientId { get; init; }

    /// <summary>What the secret is for, e.g. <c>2026 rotation</c>.</summary>
    public required string Description { get; init; }

    /// <summary>The lowercase hex SHA-256 (HMAC-SHA-256 with a pepper) of the whole secret. Not the secret.</summary>
    public required string SecretHash { get; init; }

    /// <summary>When the secret was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the secret stops authenticating the client.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the secret was revoked, or <see langword="null"/>.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether the secret was revoked: it gets no tokens and the tokens it got are refused.</summary>
    public bool IsRevoked => RevokedAt is not null;

    /// <summary>When the secret first got a token, or <see langword="null"/> if never (a rotation watches it).</summary>
    public DateTimeOffset? FirstUsedAt { get; init; }

    /// <summary>When the secret last got a token, or <see langword="null"/> if never.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Describes the secret by id and client; never prints the hash.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"Client secret {SecretId} of {ClientId} (expires {ExpiresAt:u}{(IsRevoked ? ", revoked" : "")})";
}

/// <summary>
/// A federated credential of an <see cref="ScimOAuthClient"/> (workload identity federation, RFC 7523): a JWT client
/// assertion whose issuer, subject and audience are these, signed by a key from <see cref="KeySource"/>, authenticates the
/// client without a secret.
/// </summary>
public sealed record ScimFederatedCredential
{
    /// <summary>The credential's id (16 hex digits).</summary>
    public required string CredentialId { get; init; }

    /// <summary>The client the credential authenticates.</summary>
    public required string ClientId { get; init; }

    /// <summary>The <c>iss</c> an assertion must carry, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</summary>
    public required string Issuer { get; init; }

    /// <summary>The <c>sub</c> an assertion must carry (for Entra ID, the object id of the provisioning service principal).</summary>
    public required string Subject { get; init; }

    /// <summary>The <c>aud</c> an assertion must carry.</summary>
    public required string Audience { get; init; }

    /// <summary>Where the issuer's signing keys are: an <c>https</c> JWKS URL (fetched and cached) or the absolute path of a JWKS file.</summary>
    public required string KeySource { get; init; }

    /// <summary>When the credential was trusted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the trust was withdrawn, or <see langword="null"/>.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether the trust was withdrawn.</summary>
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>
/// A key the token endpoint signs access tokens with (ECDSA P-256, ES256). Keys rotate; an old key keeps verifying until the
/// last token it signed has expired. Kept in the store so every process of a deployment signs and verifies alike.
/// </summary>
public sealed record ScimOAuthSigningKey
{
    /// <summary>The key id (<c>kid</c> of the tokens it signs).</summary>
    public required string KeyId { get; init; }

    /// <summary>The JWS algorithm, <c>ES256</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The private key, PKCS#8 DER in base64.</summary>
    public required string PrivateKey { get; init; }

    /// <summary>When the key was created; it signs for <see cref="ScimOAuthOptions.SigningKeyRotationInterval"/> from then.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Describes the key by id; never prints the key.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"Signing key {KeyId} ({Algorithm}, created {CreatedAt:u})";
}

/// <summary>The result of creating a client: the record and, when a first secret was made, the secret — shown this once.</summary>
public sealed class ScimCreatedOAuthClient
{
    internal ScimCreatedOAuthClient(ScimOAuthClient client, ScimCreatedClientSecret? secret)
    {
        Client = client;
        Secret = secret;
    }

    /// <summary>The stored client.</summary>
    public ScimOAuthClient Client { get; }

    /// <summary>The first secret, or <see langword="null"/> when the client was created without one (federated credentials only).</summary>
    public ScimCreatedClientSecret? Secret { get; }

    /// <summary>Describes the client without the secret.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"OAuth client {Client.ClientId} (tenant {Client.TenantId}, actor {Client.Actor}; secret withheld)";
}

/// <summary>The result of adding a secret: the stored record and the plaintext secret, which exists only here.</summary>
public sealed class ScimCreatedClientSecret
{
    internal ScimCreatedClientSecret(ScimOAuthClientSecret secret, string plaintextSecret)
    {
        Secret = secret;
        PlaintextSecret = plaintextSecret;
    }

    /// <summary>The stored record (hash only).</summary>
    public ScimOAuthClientSecret Secret { get; }

    /// <summary>The secret to enter in the identity provider's "Client secret" field. It cannot be retrieved again.</summary>
    public string PlaintextSecret { get; }

    /// <summary>Describes the secret without the plaintext.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => Secret + " (plaintext withheld)";
}
