using System.Security.Cryptography;
using System.Text;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The database key store, on whatever database a subclass provides (one fresh database per test).</summary>
public abstract class EfApiKeyStoreTests : IDisposable
{
    private protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected EfApiKeyStoreTests()
    {
        Database = CreateDatabase();
        Store = new EfScimApiKeyStore(Database.Factory);
    }

    protected ITestDatabase Database { get; }

    private EfScimApiKeyStore Store { get; }

    protected abstract ITestDatabase CreateDatabase();

    public void Dispose()
    {
        Store.Dispose();
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task AKeyLivesThroughCreateVerifyListRevokeAndTouchByTheManager()
    {
        var manager = new ScimApiKeyManager(Store, new ScimApiKeyOptions { LastUsedUpdateInterval = TimeSpan.Zero });
        var (azure, azureKey) = await manager.CreateAsync("tenant-a", "automation", "Azure");
        var (okta, _) = await manager.CreateAsync("tenant-a", "automation", "Okta");
        var (other, _) = await manager.CreateAsync("tenant-b", "robot", "Azure");

        var verified = await manager.VerifyAsync(azureKey);
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, verified.Status);
        Assert.Equal("tenant-a", verified.Key!.TenantId);
        Assert.Equal("automation", verified.Key.Actor);
        Assert.NotNull((await Store.FindAsync(azure.KeyId))!.LastUsedAt);
        Assert.Null((await Store.FindAsync(okta.KeyId))!.LastUsedAt);

        Assert.Equal([azure.KeyId, okta.KeyId], (await manager.ListAsync("tenant-a")).Select(k => k.KeyId));
        Assert.Equal([other.KeyId], (await manager.ListAsync("tenant-b")).Select(k => k.KeyId));
        Assert.Equal(3, (await manager.ListAsync()).Count);

        Assert.True(await manager.RevokeAsync(azure.KeyId));
        Assert.Equal(ScimApiKeyVerificationStatus.Revoked, (await manager.VerifyAsync(azureKey)).Status);
        Assert.True((await manager.ListAsync("tenant-a"))[0].IsRevoked);
        Assert.False((await manager.ListAsync("tenant-a"))[1].IsRevoked);
        Assert.False(await manager.RevokeAsync("0000000000000000"));
    }

    [Fact]
    public async Task OnlyTheHashOfAKeyIsStored()
    {
        var manager = new ScimApiKeyManager(Store);
        var (key, plaintext) = await manager.CreateAsync("tenant-a", "automation", "Azure");

        await using var context = await Database.Factory.CreateDbContextAsync();
        var row = await context.ApiKeys.AsNoTracking().SingleAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext))), row.SecretHash);
        Assert.Equal(key.KeyId, row.KeyId);
        Assert.DoesNotContain(plaintext, string.Join("|", row.KeyId, row.TenantId, row.Actor, row.Description, row.SecretHash), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASecondKeyWithTheSameIdIsRefusedAndTheFirstIsKept()
    {
        Assert.True(await Store.CreateAsync(new ScimApiKey("00000000000000aa", "tenant-a", "one", "first", new string('a', 64), T0)));
        Assert.False(await Store.CreateAsync(new ScimApiKey("00000000000000aa", "tenant-b", "two", "second", new string('b', 64), T0.AddHours(1))));

        var stored = await Store.FindAsync("00000000000000aa");
        Assert.Equal("tenant-a", stored!.TenantId);
        Assert.Equal("first", stored.Description);
        Assert.Equal(T0, stored.CreatedAt);
        Assert.Single(await Store.ListAsync());
    }

    [Fact]
    public async Task RevokingTwiceKeepsTheFirstRevocationTime()
    {
        await Store.CreateAsync(new ScimApiKey("00000000000000aa", "tenant-a", "one", "first", new string('a', 64), T0));

        Assert.True(await Store.RevokeAsync("00000000000000aa", T0.AddHours(1)));
        Assert.True(await Store.RevokeAsync("00000000000000aa", T0.AddHours(2)));

        Assert.Equal(T0.AddHours(1), (await Store.FindAsync("00000000000000aa"))!.RevokedAt);
    }

    [Fact]
    public async Task TouchRecordsTheLatestUseAndNeverMovesItBack()
    {
        await Store.CreateAsync(new ScimApiKey("00000000000000aa", "tenant-a", "one", "first", new string('a', 64), T0));

        await Store.TouchAsync("00000000000000aa", T0.AddMinutes(5));
        await Store.TouchAsync("00000000000000aa", T0.AddMinutes(2));
        await Store.TouchAsync("00000000000000bb", T0.AddMinutes(9));

        Assert.Equal(T0.AddMinutes(5), (await Store.FindAsync("00000000000000aa"))!.LastUsedAt);
        Assert.Null(await Store.FindAsync("00000000000000bb"));
    }

    [Fact]
    public async Task KeysOutliveTheServiceProviderThatCreatedThem()
    {
        string plaintext;
        await using (var first = BuildProvider())
        {
            Assert.IsType<EfScimApiKeyStore>(first.GetRequiredService<IScimApiKeyStore>());
            (_, plaintext) = await first.GetRequiredService<ScimApiKeyManager>().CreateAsync("tenant-a", "automation", "Azure");
        }

        await using var second = BuildProvider();
        var verified = await second.GetRequiredService<ScimApiKeyManager>().VerifyAsync(plaintext);
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, verified.Status);
        Assert.Equal("tenant-a", verified.Key!.TenantId);
    }

    /// <summary>
    /// Two service providers on one database stand for two processes: the one that serves (its manager warmed with
    /// several verifications, so a cached key would be used) and the one that revokes. On SQLite the server's manager
    /// keeps the key in memory under the revision; on PostgreSQL it reads the key every time. Either way: refused next.
    /// </summary>
    [Fact]
    public async Task AKeyRevokedThroughAnotherProviderIsRefusedOnTheNextVerificationAfterManyValidOnes()
    {
        await using var server = BuildProvider();
        await using var command = BuildProvider();
        var manager = server.GetRequiredService<ScimApiKeyManager>();
        var (key, plaintext) = await manager.CreateAsync("tenant-a", "automation", "Azure");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ScimApiKeyVerificationStatus.Valid, (await manager.VerifyAsync(plaintext)).Status);
        }

        Assert.True(await command.GetRequiredService<ScimApiKeyManager>().RevokeAsync(key.KeyId));

        Assert.Equal(ScimApiKeyVerificationStatus.Revoked, (await manager.VerifyAsync(plaintext)).Status);
    }

    private ServiceProvider BuildProvider()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddJostleScim().AddApiKeys().AddEntityFrameworkStores(Database.Configure);
        return services.BuildServiceProvider();
    }
}

/// <summary>The database key store on a SQLite file.</summary>
public sealed class SqliteEfApiKeyStoreTests : EfApiKeyStoreTests
{
    protected override ITestDatabase CreateDatabase() => new SqliteDatabase();

    /// <summary>
    /// The revision changes with every change to a key made by any connection — through the store, or by hand in SQL
    /// (as a future command or an admin with sqlite3 would) — and not with reads.
    /// </summary>
    [Fact]
    public async Task TheKeyRevisionChangesWithEveryChangeToAKeyByAnyConnectionAndNotWithReads()
    {
        using var store = new EfScimApiKeyStore(Database.Factory);
        using var other = new EfScimApiKeyStore(new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<ScimDbContext>(((SqliteDatabase)Database).Options));
        var manager = new ScimApiKeyManager(store);
        var (key, plaintext) = await manager.CreateAsync("tenant-a", "automation", "Azure");

        var start = await store.GetRevisionAsync();
        Assert.NotNull(start);
        await manager.ListAsync();
        await other.FindAsync(key.KeyId);
        Assert.Equal(start, await store.GetRevisionAsync());

        await other.TouchAsync(key.KeyId, T0);
        var touched = await store.GetRevisionAsync();
        Assert.NotEqual(start, touched);

        await using (var context = await Database.Factory.CreateDbContextAsync())
        {
            await context.Database.ExecuteSqlRawAsync("UPDATE scim_api_keys SET description = 'changed by hand'");
        }

        var byHand = await store.GetRevisionAsync();
        Assert.NotEqual(touched, byHand);

        Assert.True(await other.RevokeAsync(key.KeyId, T0));
        Assert.NotEqual(byHand, await store.GetRevisionAsync());
        Assert.Equal(ScimApiKeyVerificationStatus.Revoked, (await manager.VerifyAsync(plaintext)).Status);
    }

    [Fact]
    public async Task AnInMemorySqliteDatabaseOffersNoRevisionSoNothingIsCached()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var options = new DbContextOptionsBuilder<ScimDbContext>().UseSqlite(connection).Options;
        using var store = new EfScimApiKeyStore(new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<ScimDbContext>(options));
        var (_, plaintext) = await new ScimApiKeyManager(store).CreateAsync("tenant-a", "automation", "Azure");

        Assert.Null(await store.GetRevisionAsync());
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, (await new ScimApiKeyManager(store).VerifyAsync(plaintext)).Status);
    }
}
