namespace Jostle.Scim.Keys;

/// <summary>
/// A stored provisioning API key: who it belongs to and when it was used, plus the <em>hash</em> of the key.
/// The plaintext key is never part of this record; it is returned once by <see cref="ScimApiKeyManager.CreateAsync(string, string, string, DateTimeOffset?, CancellationToken)"/>.
/// Instances are immutable; stores return new instances when a key changes.
/// </summary>
public sealed class ScimApiKey
{
    /// <summary>Creates a key record.</summary>
    /// <param name="keyId">The lookup id (the part of the key between the prefix and the secret).</param>
    /// <param name="tenantId">The tenant every request made with the key runs in.</param>
    /// <param name="actor">The automation user the key acts as.</param>
    /// <param name="description">What the key is for, e.g. <c>Azure</c>.</param>
    /// <param name="secretHash">The lowercase hex SHA-256 (or HMAC-SHA-256 with a pepper) of the whole key.</param>
    /// <param name="createdAt">When the key was created.</param>
    public ScimApiKey(string keyId, string tenantId, string actor, string description, string secretHash, DateTimeOffset createdAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentException.ThrowIfNullOrEmpty(secretHash);
        KeyId = keyId;
        TenantId = tenantId;
        Actor = actor;
        Description = description;
        SecretHash = secretHash;
        CreatedAt = createdAt;
    }

    /// <summary>The lookup id: public, unique, and shown in lists and logs so an admin can tell keys apart.</summary>
    public string KeyId { get; }

    /// <summary>The tenant every request made with the key runs in.</summary>
    public string TenantId { get; }

    /// <summary>The automation user the key acts as; recorded as the actor of every change made with it.</summary>
    public string Actor { get; }

    /// <summary>What the key is for, e.g. <c>Azure</c>.</summary>
    public string Description { get; }

    /// <summary>The lowercase hex SHA-256 of the whole key (HMAC-SHA-256 when a pepper is configured). Not the key.</summary>
    public string SecretHash { get; }

    /// <summary>When the key was created.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>When the key last authenticated a request, to within <see cref="ScimApiKeyOptions.LastUsedUpdateInterval"/>; <see langword="null"/> if never.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When the key was revoked, or <see langword="null"/> while it is active.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether the key was revoked; a revoked key authenticates nothing.</summary>
    public bool IsRevoked => RevokedAt is not null;

    /// <summary>
    /// The last four characters of the plaintext key, kept at creation so an admin can tell which key an identity
    /// provider holds (four characters of 256 random bits reveal nothing usable); <see langword="null"/> for keys created
    /// before hints were kept.
    /// </summary>
    public string? Hint { get; init; }

    /// <summary>When the key stops authenticating requests, or <see langword="null"/> when it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the key first authenticated a request, or <see langword="null"/> if never; set once, by the first <see cref="IScimApiKeyStore.TouchAsync"/>.</summary>
    public DateTimeOffset? FirstUsedAt { get; init; }

    /// <summary>Whether the key has expired at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when <see cref="ExpiresAt"/> is set and not after <paramref name="now"/>.</returns>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;

    /// <summary>Returns a copy with <see cref="LastUsedAt"/> set, and <see cref="FirstUsedAt"/> too when it was not set yet.</summary>
    /// <param name="lastUsedAt">The time of use.</param>
    /// <returns>The copy.</returns>
    public ScimApiKey WithLastUsedAt(DateTimeOffset lastUsedAt) => Copy(lastUsedAt, RevokedAt, FirstUsedAt ?? lastUsedAt);

    /// <summary>Returns a copy with <see cref="RevokedAt"/> set.</summary>
    /// <param name="revokedAt">The time of revocation.</param>
    /// <returns>The copy.</returns>
    public ScimApiKey WithRevokedAt(DateTimeOffset revokedAt) => Copy(LastUsedAt, revokedAt, FirstUsedAt);

    private ScimApiKey Copy(DateTimeOffset? lastUsedAt, DateTimeOffset? revokedAt, DateTimeOffset? firstUsedAt) =>
        new(KeyId, TenantId, Actor, Description, SecretHash, CreatedAt)
        {
            LastUsedAt = lastUsedAt,
            RevokedAt = revokedAt,
            FirstUsedAt = firstUsedAt,
            Hint = Hint,
            ExpiresAt = ExpiresAt,
        };

    /// <summary>Describes the key by id, tenant and actor; never prints the hash.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"API key {KeyId} (tenant {TenantId}, actor {Actor}{(IsRevoked ? ", revoked" : "")})";
}

/// <summary>
/// The result of <see cref="ScimApiKeyManager.CreateAsync(string, string, string, DateTimeOffset?, CancellationToken)"/>: the stored record and the plaintext key, which exists only
/// here — hand it to the admin once and drop it. <see cref="ToString"/> withholds it.
/// </summary>
public sealed class ScimCreatedApiKey
{
    internal ScimCreatedApiKey(ScimApiKey key, string plaintextKey)
    {
        Key = key;
        PlaintextKey = plaintextKey;
    }

    /// <summary>The stored record.</summary>
    public ScimApiKey Key { get; }

    /// <summary>The key to give the identity provider (e.g. Entra ID's "Secret Token"). It cannot be retrieved again.</summary>
    public string PlaintextKey { get; }

    /// <summary>Deconstructs into the record and the plaintext key.</summary>
    /// <param name="key">The stored record.</param>
    /// <param name="plaintextKey">The plaintext key.</param>
    public void Deconstruct(out ScimApiKey key, out string plaintextKey)
    {
        key = Key;
        plaintextKey = PlaintextKey;
    }

    /// <summary>Describes the key without the plaintext.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => Key + " (plaintext withheld)";
}
