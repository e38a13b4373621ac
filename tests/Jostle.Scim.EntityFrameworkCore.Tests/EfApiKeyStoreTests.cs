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
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

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
}
