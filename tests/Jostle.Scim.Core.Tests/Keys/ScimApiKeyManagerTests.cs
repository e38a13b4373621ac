using System.Text.RegularExpressions;
using Jostle.Scim.Keys;

namespace Jostle.Scim.Tests.Keys;

public sealed partial class ScimApiKeyManagerTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly InMemoryApiKeyStore _store = new();
    private readonly ManualTimeProvider _time = new(Start);

    private ScimApiKeyManager Manager(ScimApiKeyOptions? options = null) => new(_store, options, _time);

    [GeneratedRegex("^jscim_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyShape();

    [Fact]
    public async Task CreatedKeyHasThePrefixLookupIdAnd256BitSecret()
    {
        var (key, plaintext) = await Manager().CreateAsync("tenant-a", "automation", "Azure");
        Assert.Matches(KeyShape(), plaintext);
        Assert.Equal("jscim_" + key.KeyId + "_", plaintext[..(6 + 16 + 1)]);
        Assert.Equal(32, Convert.FromBase64String(plaintext[23..].Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.Equal("tenant-a", key.TenantId);
        Assert.Equal("automation", key.Actor);
        Assert.Equal("Azure", key.Description);
        Assert.Equal(Start, key.CreatedAt);
        Assert.Null(key.LastUsedAt);
        Assert.False(key.IsRevoked);
    }

    [Fact]
    public async Task TwoKeysNeverShareIdOrSecret()
    {
        var manager = Manager();
        var a = await manager.CreateAsync("t", "u", "one");
        var b = await manager.CreateAsync("t", "u", "two");
        Assert.NotEqual(a.Key.KeyId, b.Key.KeyId);
        Assert.NotEqual(a.PlaintextKey[23..], b.PlaintextKey[23..]);
    }

    [Fact]
    public async Task OnlyTheSha256HashIsStored()
    {
        var (key, plaintext) = await Manager().CreateAsync("t", "u", "d");
        var stored = Assert.Single(await _store.ListAsync());
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(plaintext)));
        Assert.Equal(expected, stored.SecretHash);
        Assert.DoesNotContain(plaintext[23..], stored.SecretHash + stored.ToString() + stored.Description, StringComparison.Ordinal);
        Assert.Equal(key.KeyId, stored.KeyId);
    }

    [Fact]
    public async Task APepperTurnsTheHashIntoAnHmacAndAKeyOnlyVerifiesWithThePepperItWasMadeWith()
    {
        var pepper = new byte[32];
        pepper[0] = 7;
        var peppered = Manager(new ScimApiKeyOptions { Pepper = pepper });
        var (key, plaintext) = await peppered.CreateAsync("t", "u", "d");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(pepper, System.Text.Encoding.UTF8.GetBytes(plaintext)));
        Assert.Equal(expected, key.SecretHash);
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, (await peppered.VerifyAsync(plaintext)).Status);
        Assert.Equal(ScimApiKeyVerificationStatus.Unknown, (await Manager().VerifyAsync(plaintext)).Status);
    }

    [Fact]
    public async Task AKeyVerifiesUntilRevokedAndNotAfter()
    {
        var manager = Manager();
        var (key, plaintext) = await manager.CreateAsync("t", "u", "d");
        var ok = await manager.VerifyAsync(plaintext);
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, ok.Status);
        Assert.Equal(key.KeyId, ok.Key!.KeyId);

        Assert.True(await manager.RevokeAsync(key.KeyId));
        Assert.Equal(ScimApiKeyVerificationStatus.Revoked, (await manager.VerifyAsync(plaintext)).Status);
        Assert.Equal(Start, Assert.Single(await manager.ListAsync()).RevokedAt);
        Assert.False(await manager.RevokeAsync("0000000000000000"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("jscim_")]
    [InlineData("ghp_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("jscim_0123456789ABCDEF_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("jscim_0123456789abcdef-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("jscim_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("jscim_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task TextThatIsNotShapedLikeAKeyIsMalformed(string presented)
    {
        Assert.Equal(ScimApiKeyVerificationStatus.Malformed, (await Manager().VerifyAsync(presented)).Status);
    }

    [Fact]
    public async Task AKnownIdWithTheWrongSecretIsUnknownEvenWhenRevoked()
    {
        var manager = Manager();
        var (key, plaintext) = await manager.CreateAsync("t", "u", "d");
        var forged = plaintext[..23] + (plaintext[23] == 'A' ? 'B' : 'A') + plaintext[24..];
        Assert.Equal(ScimApiKeyVerificationStatus.Unknown, (await manager.VerifyAsync(forged)).Status);
        await manager.RevokeAsync(key.KeyId);
        Assert.Equal(ScimApiKeyVerificationStatus.Unknown, (await manager.VerifyAsync(forged)).Status);
        Assert.Equal(ScimApiKeyVerificationStatus.Unknown, (await manager.VerifyAsync("jscim_0123456789abcdef_" + plaintext[23..])).Status);
    }

    [Fact]
    public async Task ListingFiltersByTenantAndNeverCarriesThePlaintext()
    {
        var manager = Manager();
        var a = await manager.CreateAsync("tenant-a", "u", "Azure");
        _time.Advance(TimeSpan.FromSeconds(1));
        var b = await manager.CreateAsync("tenant-b", "u", "Okta");
        Assert.Equal([a.Key.KeyId], (await manager.ListAsync("tenant-a")).Select(k => k.KeyId));
        var all = await manager.ListAsync();
        Assert.Equal([a.Key.KeyId, b.Key.KeyId], all.Select(k => k.KeyId));
        foreach (var key in all)
        {
            var printed = string.Join('|', key.KeyId, key.TenantId, key.Actor, key.Description, key.SecretHash, key.ToString());
            Assert.DoesNotContain(a.PlaintextKey[23..], printed, StringComparison.Ordinal);
            Assert.DoesNotContain(b.PlaintextKey[23..], printed, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheCreationResultDoesNotPrintThePlaintext()
    {
        var created = await Manager().CreateAsync("t", "u", "d");
        Assert.DoesNotContain(created.PlaintextKey, created.ToString(), StringComparison.Ordinal);
        Assert.Contains(created.Key.KeyId, created.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastUsedIsWrittenAtMostOncePerInterval()
    {
        var counting = new CountingStore(_store);
        var manager = new ScimApiKeyManager(counting, null, _time);
        var (key, plaintext) = await manager.CreateAsync("t", "u", "d");
        for (var i = 0; i < 100; i++)
        {
            await manager.VerifyAsync(plaintext);
            _time.Advance(TimeSpan.FromMilliseconds(100)); // 10 seconds in all
        }

        Assert.Equal(1, counting.Touches);
        Assert.Equal(Start, (await _store.FindAsync(key.KeyId))!.LastUsedAt);

        _time.Advance(TimeSpan.FromMinutes(1));
        await manager.VerifyAsync(plaintext);
        Assert.Equal(2, counting.Touches);
        Assert.Equal(Start + TimeSpan.FromSeconds(10) + TimeSpan.FromMinutes(1), (await _store.FindAsync(key.KeyId))!.LastUsedAt);
    }

    [Fact]
    public async Task ConcurrentVerificationsOfOneKeyWriteLastUsedOnce()
    {
        var counting = new CountingStore(_store);
        var manager = new ScimApiKeyManager(counting, null, _time);
        var (_, plaintext) = await manager.CreateAsync("t", "u", "d");
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => manager.VerifyAsync(plaintext))));
        Assert.All(results, r => Assert.Equal(ScimApiKeyVerificationStatus.Valid, r.Status));
        Assert.Equal(1, counting.Touches);
    }

    private sealed class CountingStore(IScimApiKeyStore inner) : IScimApiKeyStore
    {
        private int _touches;

        public int Touches => _touches;

        public Task<bool> CreateAsync(ScimApiKey key, CancellationToken cancellationToken = default) => inner.CreateAsync(key, cancellationToken);

        public Task<ScimApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default) => inner.FindAsync(keyId, cancellationToken);

        public Task<IReadOnlyList<ScimApiKey>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default) => inner.ListAsync(tenantId, cancellationToken);

        public Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) => inner.RevokeAsync(keyId, revokedAt, cancellationToken);

        public Task TouchAsync(string keyId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _touches);
            return inner.TouchAsync(keyId, lastUsedAt, cancellationToken);
        }
    }
}
