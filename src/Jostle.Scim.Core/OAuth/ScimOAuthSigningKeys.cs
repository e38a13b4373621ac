using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Jostle.Scim.OAuth;

/// <summary>
/// The access token signing keys (ECDSA P-256, ES256), kept in the <see cref="IScimOAuthStore"/> so every process signs
/// and verifies alike. The newest key signs until it is <see cref="ScimOAuthOptions.SigningKeyRotationInterval"/> old, then
/// a new one is made; an old key verifies until the last token it could have signed has expired, and is then deleted.
/// Key material is cached per process by key id (keys never change); an unknown key id reads the store again.
/// </summary>
internal sealed class ScimOAuthSigningKeys(IScimOAuthStore store, IOptions<ScimOAuthOptions> options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, Loaded> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Loaded? _current;

    public async Task<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_current is { } current && Signs(current.Record, now))
        {
            return current.Credentials;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var newest = (await store.ListSigningKeysAsync(cancellationToken).ConfigureAwait(false))
                .Where(k => Signs(k, now))
                .OrderByDescending(k => k.CreatedAt)
                .FirstOrDefault();
            if (newest is null)
            {
                newest = Generate(now);
                await store.AddSigningKeyAsync(newest, cancellationToken).ConfigureAwait(false);
                var o = options.Value;
                await store.DeleteSigningKeysAsync(now - o.SigningKeyRotationInterval - ScimOAuthOptions.MaxAccessTokenLifetime - o.ClockSkew, cancellationToken).ConfigureAwait(false);
            }

            _current = Load(newest);
            return _current.Credentials;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The key that verifies tokens with this key id, or <see langword="null"/> when there is none or it is past its verifying life.</summary>
    public async Task<SecurityKey?> ResolveAsync(string keyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!_known.TryGetValue(keyId, out var loaded))
        {
            foreach (var record in await store.ListSigningKeysAsync(cancellationToken).ConfigureAwait(false))
            {
                Load(record);
            }

            if (!_known.TryGetValue(keyId, out loaded))
            {
                return null;
            }
        }

        var o = options.Value;
        return now <= loaded.Record.CreatedAt + o.SigningKeyRotationInterval + ScimOAuthOptions.MaxAccessTokenLifetime + o.ClockSkew ? loaded.Credentials.Key : null;
    }

    public void Dispose()
    {
        foreach (var loaded in _known.Values)
        {
            ((ECDsaSecurityKey)loaded.Credentials.Key).ECDsa.Dispose();
        }

        _gate.Dispose();
    }

    private bool Signs(ScimOAuthSigningKey key, DateTimeOffset now) =>
        key.CreatedAt <= now + options.Value.ClockSkew && now < key.CreatedAt + options.Value.SigningKeyRotationInterval;

    private static ScimOAuthSigningKey Generate(DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new ScimOAuthSigningKey
        {
            KeyId = ScimClientSecretFormat.NewId(),
            Algorithm = SecurityAlgorithms.EcdsaSha256,
            PrivateKey = Convert.ToBase64String(ecdsa.ExportPkcs8PrivateKey()),
            CreatedAt = now,
        };
    }

    private Loaded Load(ScimOAuthSigningKey record) =>
        _known.GetOrAdd(record.KeyId, static (id, r) =>
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(r.PrivateKey), out _);
            var key = new ECDsaSecurityKey(ecdsa) { KeyId = r.KeyId };
            return new Loaded(r, new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256));
        }, record);

    private sealed record Loaded(ScimOAuthSigningKey Record, SigningCredentials Credentials);
}
