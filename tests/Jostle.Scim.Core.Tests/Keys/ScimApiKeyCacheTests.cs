using Jostle.Scim.Keys;

namespace Jostle.Scim.Tests.Keys;

/// <summary>
/// <see cref="ScimApiKeyManager"/> keeps verified keys in memory only under a store's <see cref="IScimApiKeyRevision"/>:
/// a record is used again while the revision is unchanged, and read again as soon as it changes.
/// </summary>
public sealed class ScimApiKeyCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ManualTimeProvider _time = new(Start);

    [Fact]
    public async Task WhileTheRevisionIsUnchangedAVerifiedKeyIsNotLookedUpAgain()
    {
        var store = new RevisionStore();
        var manager = new ScimApiKeyManager(store, null, _time);
        var (_, plaintext) = await manager.CreateAsync("t", "u", "d");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(ScimApiKeyVerificationStatus.Valid, (await manager.VerifyAsync(plaintext)).Status);
        }

        // The first, and one more after that verification's own last-used write changed the revision.
        Assert.Equal(2, store.Finds);
        Assert.Equal(20, store.RevisionReads);
    }

    [Fact]
    public async Task AKeyRevokedBehindTheManagersBackIsRefusedOnTheNextVerification()
    {
        var store = new RevisionStore();
        var manager = new ScimApiKeyManager(store, null, _time);
        var (key, plaintext) = await manager.CreateAsync("t", "u", "d");
        for (var i = 0; i < 5; i++)
        {
            await manager.VerifyAsync(plaintext);
        }

        var findsBefore = store.Finds;

        // As another process would: straight into the store, not through this manager.
        Assert.True(await store.RevokeAsync(key.KeyId, Start));

        var after = await manager.VerifyAsync(plaintext);
        Assert.Equal(ScimApiKeyVerificationStatus.Revoked, after.Status);
        Assert.Equal(ScimApiKeyVerificationStatus.Revoked, (await manager.VerifyAsync(plaintext)).Status);
        Assert.Equal(findsBefore + 1, store.Finds); // read again once, then the revoked record is kept too
    }

    [Fact]
    public async Task AWrongSecretIsRefusedEvenWhenItsKeyIsCached()
    {
        var store = new RevisionStore();
        var manager = new ScimApiKeyManager(store, null, _time);
        var (_, plaintext) = await manager.CreateAsync("t", "u", "d");
        await manager.VerifyAsync(plaintext);

        var wrong = plaintext[..^1] + (plaintext[^1] == 'A' ? 'B' : 'A');

        Assert.Equal(ScimApiKeyVerificationStatus.Unknown, (await manager.VerifyAsync(wrong)).Status);
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, (await manager.VerifyAsync(plaintext)).Status);
    }

    [Fact]
    public async Task AStoreThatCannotTellItsRevisionIsReadOnEveryVerification()
    {
        var store = new RevisionStore { Unknown = true };
        var manager = new ScimApiKeyManager(store, null, _time);
        var (_, plaintext) = await manager.CreateAsync("t", "u", "d");

        for (var i = 0; i < 5; i++)
        {
            await manager.VerifyAsync(plaintext);
        }

        Assert.Equal(5, store.Finds);
    }

    [Fact]
    public async Task AKeyLoadedWhileARevocationCommittedIsNotTrustedAfterIt()
    {
        // The revision is read before the record: a record loaded just before a revocation committed carries the older
        // revision, so the request after the revocation reads the record again instead of using the one in memory.
        var store = new RevisionStore();
        var manager = new ScimApiKeyManager(store, null, _time);
        var (key, plaintext) = await manager.CreateAsync("t", "u", "d");
        store.AfterNextFind = () => store.RevokeAsync(key.KeyId, Start).GetAwaiter().GetResult();

        var during = await manager.VerifyAsync(plaintext);
        var next = await manager.VerifyAsync(plaintext);

        Assert.Equal(ScimApiKeyVerificationStatus.Valid, during.Status); // loaded before the revocation committed
        Assert.Equal(ScimApiKeyVerificationStatus.Revoked, next.Status);
    }

    [Fact]
    public async Task LastUsedIsStillWrittenOncePerIntervalWhenTheKeyIsCached()
    {
        var store = new RevisionStore();
        var manager = new ScimApiKeyManager(store, null, _time);
        var (key, plaintext) = await manager.CreateAsync("t", "u", "d");
        for (var i = 0; i < 30; i++)
        {
            await manager.VerifyAsync(plaintext);
            _time.Advance(TimeSpan.FromSeconds(5)); // 150 seconds in all
        }

        Assert.Equal(3, store.Touches); // at 0 s, 60 s and 120 s
        Assert.Equal(Start + TimeSpan.FromSeconds(120), (await store.FindAsync(key.KeyId))!.LastUsedAt);
    }

    /// <summary>The in-memory store with a revision that every change bumps, counting what the manager asks of it.</summary>
    private sealed class RevisionStore : IScimApiKeyStore, IScimApiKeyRevision
    {
        private readonly InMemoryApiKeyStore _inner = new();
        private long _revision;
        private int _finds, _reads, _touches;

        public int Finds => _finds;

        public int RevisionReads => _reads;

        public int Touches => _touches;

        public bool Unknown { get; init; }

        public Action? AfterNextFind { get; set; }

        public ValueTask<long?> GetRevisionAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return ValueTask.FromResult(Unknown ? null : (long?)Interlocked.Read(ref _revision));
        }

        public Task<bool> CreateAsync(ScimApiKey key, CancellationToken cancellationToken = default) => _inner.CreateAsync(key, cancellationToken);

        public async Task<ScimApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _finds);
            var found = await _inner.FindAsync(keyId, cancellationToken);
            var after = AfterNextFind;
            AfterNextFind = null;
            after?.Invoke();
            return found;
        }

        public Task<IReadOnlyList<ScimApiKey>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default) => _inner.ListAsync(tenantId, cancellationToken);

        public async Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
        {
            var revoked = await _inner.RevokeAsync(keyId, revokedAt, cancellationToken);
            Interlocked.Increment(ref _revision);
            return revoked;
        }

        public async Task TouchAsync(string keyId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _touches);
            await _inner.TouchAsync(keyId, lastUsedAt, cancellationToken);
            Interlocked.Increment(ref _revision);
        }
    }
}
