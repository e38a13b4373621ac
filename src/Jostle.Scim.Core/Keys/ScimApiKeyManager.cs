using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Jostle.Scim.Keys;

/// <summary>How a presented key fared in <see cref="ScimApiKeyManager.VerifyAsync"/>.</summary>
public enum ScimApiKeyVerificationStatus
{
    /// <summary>The key is known, its secret matches and it is not revoked.</summary>
    Valid,
    /// <summary>The text does not have the shape of a key.</summary>
    Malformed,
    /// <summary>No key has this lookup id, or the secret does not match (the two are not told apart).</summary>
    Unknown,
    /// <summary>The key is genuine but was revoked.</summary>
    Revoked,

    /// <summary>The key is genuine and not revoked, but its <see cref="ScimApiKey.ExpiresAt"/> has passed.</summary>
    Expired,
}

/// <summary>The outcome of verifying a presented key.</summary>
/// <param name="Status">How it fared.</param>
/// <param name="Key">The record, when <paramref name="Status"/> is <see cref="ScimApiKeyVerificationStatus.Valid"/>, <see cref="ScimApiKeyVerificationStatus.Revoked"/> or <see cref="ScimApiKeyVerificationStatus.Expired"/>.</param>
public readonly record struct ScimApiKeyVerification(ScimApiKeyVerificationStatus Status, ScimApiKey? Key);

/// <summary>
/// Creates, lists, revokes and verifies provisioning API keys over an <see cref="IScimApiKeyStore"/>, for hosts to put
/// behind their own admin UI or command line. Only a hash of each key is stored; the plaintext is returned once, by
/// <see cref="CreateAsync(string, string, string, DateTimeOffset?, CancellationToken)"/>.
/// </summary>
public sealed class ScimApiKeyManager
{
    private readonly IScimApiKeyStore _store;
    private readonly ScimApiKeyOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _lastTouched = new(StringComparer.Ordinal);
    private readonly IScimApiKeyRevision? _revision;
    private readonly ConcurrentDictionary<string, VerifiedKey> _verified = new(StringComparer.Ordinal);

    /// <summary>At most this many verified key records are kept; beyond it the cache starts again empty.</summary>
    private const int MaxVerifiedKeys = 10_000;

    /// <summary>A key record whose secret matched once, with the store's revision read before the record was loaded.</summary>
    private sealed record VerifiedKey(long Revision, ScimApiKey Key);

    /// <summary>Creates the manager.</summary>
    /// <param name="store">The key store.</param>
    /// <param name="options">The key options; default <see cref="ScimApiKeyOptions"/> defaults.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ScimApiKeyManager(IScimApiKeyStore store, ScimApiKeyOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new ScimApiKeyOptions();
        _time = timeProvider ?? TimeProvider.System;
        _revision = store as IScimApiKeyRevision;
    }

    /// <summary>Creates a key for an automation user of a tenant.</summary>
    /// <param name="tenantId">The tenant the key's requests run in.</param>
    /// <param name="actor">The automation user the key acts as.</param>
    /// <param name="description">What the key is for, e.g. <c>Azure</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record and the plaintext key — the only time the plaintext is available.</returns>
    public Task<ScimCreatedApiKey> CreateAsync(string tenantId, string actor, string description, CancellationToken cancellationToken = default) =>
        CreateAsync(tenantId, actor, description, null, cancellationToken);

    /// <summary>Creates a key for an automation user of a tenant that stops working at <paramref name="expiresAt"/>.</summary>
    /// <param name="tenantId">The tenant the key's requests run in.</param>
    /// <param name="actor">The automation user the key acts as.</param>
    /// <param name="description">What the key is for, e.g. <c>Azure</c>.</param>
    /// <param name="expiresAt">When the key expires (must be in the future), or <see langword="null"/> for a key that does not expire.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record and the plaintext key — the only time the plaintext is available.</returns>
    public async Task<ScimCreatedApiKey> CreateAsync(string tenantId, string actor, string description, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (expiresAt is { } expiry && expiry <= _time.GetUtcNow())
        {
            throw new ArgumentOutOfRangeException(nameof(expiresAt), expiry, "The expiry must be in the future.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentNullException.ThrowIfNull(description);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (keyId, plaintext) = ScimApiKeyFormat.Generate();
            var hash = Convert.ToHexStringLower(ScimApiKeyFormat.Hash(plaintext, _options.Pepper));
            var key = new ScimApiKey(keyId, tenantId, actor, description, hash, _time.GetUtcNow()) { Hint = plaintext[^4..], ExpiresAt = expiresAt };
            if (await _store.CreateAsync(key, cancellationToken).ConfigureAwait(false))
            {
                return new ScimCreatedApiKey(key, plaintext);
            }
        }

        throw new InvalidOperationException("Could not allocate a unique API key id after 5 attempts; the key store keeps refusing new keys.");
    }

    /// <summary>Lists keys (records only; plaintext keys are never stored and cannot be listed).</summary>
    /// <param name="tenantId">Only this tenant's keys, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys, revoked ones included.</returns>
    public Task<IReadOnlyList<ScimApiKey>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _store.ListAsync(tenantId, cancellationToken);

    /// <summary>Revokes a key; the next request that presents it is refused.</summary>
    /// <param name="keyId">The lookup id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when no such key exists.</returns>
    public Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return _store.RevokeAsync(keyId, _time.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// Verifies a presented key: checks its shape, finds the record by lookup id, compares hashes in constant time, then
    /// checks revocation, and records the use (at most once per <see cref="ScimApiKeyOptions.LastUsedUpdateInterval"/>).
    /// When the store implements <see cref="IScimApiKeyRevision"/>, the record of a key whose secret matched is kept in
    /// memory and used again while the store's revision is unchanged (one cheap read per call instead of a lookup);
    /// otherwise every call reads the store. Either way the checks on the record (secret, revocation) run on every call,
    /// and a key revoked by any process is refused on the next call.
    /// </summary>
    /// <param name="presentedKey">The key as the client sent it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    public async Task<ScimApiKeyVerification> VerifyAsync(string presentedKey, CancellationToken cancellationToken = default)
    {
        if (presentedKey is null || !ScimApiKeyFormat.TryParse(presentedKey, out var keyId))
        {
            return new(ScimApiKeyVerificationStatus.Malformed, null);
        }

        var (key, revision) = await FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return new(ScimApiKeyVerificationStatus.Unknown, null);
        }

        var presented = ScimApiKeyFormat.Hash(presentedKey, _options.Pepper);
        byte[] stored;
        try
        {
            stored = Convert.FromHexString(key.SecretHash);
        }
        catch (FormatException)
        {
            return new(ScimApiKeyVerificationStatus.Unknown, null);
        }

        if (!CryptographicOperations.FixedTimeEquals(presented, stored))
        {
            return new(ScimApiKeyVerificationStatus.Unknown, null);
        }

        Remember(key, revision);

        if (key.IsRevoked)
        {
            return new(ScimApiKeyVerificationStatus.Revoked, key);
        }

        if (key.IsExpiredAt(_time.GetUtcNow()))
        {
            return new(ScimApiKeyVerificationStatus.Expired, key);
        }

        await TouchAsync(key, cancellationToken).ConfigureAwait(false);
        return new(ScimApiKeyVerificationStatus.Valid, key);
    }

    /// <summary>
    /// The record of <paramref name="keyId"/>: the one kept in memory when the store's revision has not changed since it
    /// was loaded, else the store's, with the revision read before it (to be kept once its secret matched).
    /// </summary>
    private async ValueTask<(ScimApiKey? Key, long? Revision)> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        long? revision = null;
        if (_revision is not null)
        {
            revision = await _revision.GetRevisionAsync(cancellationToken).ConfigureAwait(false);
            if (revision is { } current && _verified.TryGetValue(keyId, out var verified) && verified.Revision == current)
            {
                return (verified.Key, null);
            }
        }

        return (await _store.FindAsync(keyId, cancellationToken).ConfigureAwait(false), revision);
    }

    /// <summary>Keeps a record whose secret matched, stamped with the revision read before it was loaded.</summary>
    private void Remember(ScimApiKey key, long? revision)
    {
        if (revision is not { } loadedAt)
        {
            return;
        }

        if (_verified.Count >= MaxVerifiedKeys)
        {
            _verified.Clear();
        }

        _verified[key.KeyId] = new VerifiedKey(loadedAt, key);
    }

    private async Task TouchAsync(ScimApiKey key, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var interval = _options.LastUsedUpdateInterval;
        if (key.LastUsedAt is { } last && now - last < interval)
        {
            return;
        }

        // One writer per key and interval in this process, even when many requests arrive at once.
        var nowTicks = now.UtcTicks;
        while (true)
        {
            if (_lastTouched.TryGetValue(key.KeyId, out var previous))
            {
                if (nowTicks - previous < interval.Ticks || !_lastTouched.TryUpdate(key.KeyId, nowTicks, previous))
                {
                    if (nowTicks - previous < interval.Ticks)
                    {
                        return;
                    }

                    continue;
                }
            }
            else if (!_lastTouched.TryAdd(key.KeyId, nowTicks))
            {
                continue;
            }

            break;
        }

        try
        {
            await _store.TouchAsync(key.KeyId, now, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The last-used time is bookkeeping: a database that cannot write it (full, read-only) must not refuse a valid key.
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // The next use after this one tries again (docs/resilience.md: on a full disk, reads keep working).
            _lastTouched.TryUpdate(key.KeyId, 0, nowTicks);
        }
    }
}
