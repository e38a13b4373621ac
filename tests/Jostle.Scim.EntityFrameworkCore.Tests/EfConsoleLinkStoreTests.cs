using Jostle.Scim.Administration;
using Microsoft.Extensions.Time.Testing;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The console's sign-in links in the database, on whatever database a subclass provides (one fresh database per test).</summary>
public abstract class EfConsoleLinkStoreTests : IDisposable
{
    protected EfConsoleLinkStoreTests()
    {
        Database = CreateDatabase();
        Store = new EfScimConsoleLinkStore(Database.Factory);
    }

    protected ITestDatabase Database { get; }

    private EfScimConsoleLinkStore Store { get; }

    protected abstract ITestDatabase CreateDatabase();

    public void Dispose()
    {
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task ALinkSignsInOnceAndOnlyItsHashIsStored()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
        var manager = new ScimConsoleLinkManager(Store, time);
        var created = await manager.CreateAsync(ScimConsoleRole.TenantAdmin, "acme", "ada@example.com", "command line");

        var stored = (await Store.FindAsync(created.Link.LinkId))!;
        Assert.Equal(created.Link, stored);
        Assert.DoesNotContain(created.Token, stored.TokenHash, StringComparison.Ordinal);

        var first = await manager.RedeemAsync(created.Token);
        Assert.Equal(ScimConsoleLinkRedemptionStatus.SignedIn, first.Status);
        Assert.Equal("acme", first.Link!.TenantId);
        Assert.Equal(ScimConsoleLinkRedemptionStatus.AlreadyUsed, (await manager.RedeemAsync(created.Token)).Status);
        Assert.False(await manager.RevokeAsync(created.Link.LinkId));
        Assert.Equal(time.GetUtcNow(), (await Store.FindAsync(created.Link.LinkId))!.UsedAt);
    }

    [Fact]
    public async Task TwoRedemptionsAtOnceSignInOnce()
    {
        var manager = new ScimConsoleLinkManager(Store);
        var created = await manager.CreateAsync(ScimConsoleRole.Operator, null, "olga", "command line");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => manager.RedeemAsync(created.Token)));
        Assert.Single(results, r => r.Status == ScimConsoleLinkRedemptionStatus.SignedIn);
    }

    [Fact]
    public async Task AnUnusedLinkIsRevokedAndAnExpiredOneRefused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
        var manager = new ScimConsoleLinkManager(Store, time);
        var revoked = await manager.CreateAsync(ScimConsoleRole.TenantAdmin, "acme", "bob", "operator olga");
        var expiring = await manager.CreateAsync(ScimConsoleRole.TenantAdmin, "other", "carol", "operator olga");
        Assert.True(await manager.RevokeAsync(revoked.Link.LinkId));
        Assert.True(await manager.RevokeAsync(revoked.Link.LinkId));
        Assert.Equal(ScimConsoleLinkRedemptionStatus.Revoked, (await manager.RedeemAsync(revoked.Token)).Status);

        time.Advance(ScimConsoleLinkManager.DefaultLifetime);
        Assert.Equal(ScimConsoleLinkRedemptionStatus.Expired, (await manager.RedeemAsync(expiring.Token)).Status);
        Assert.Equal([revoked.Link.LinkId], (await manager.ListAsync("acme")).Select(l => l.LinkId));
        Assert.Equal(2, (await manager.ListAsync()).Count);
    }
}

public sealed class SqliteEfConsoleLinkStoreTests : EfConsoleLinkStoreTests
{
    protected override ITestDatabase CreateDatabase() => new SqliteDatabase();
}

public sealed class PostgresEfConsoleLinkStoreTests : EfConsoleLinkStoreTests
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}
