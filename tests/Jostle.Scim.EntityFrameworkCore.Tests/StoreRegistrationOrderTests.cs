using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Stores;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>AddEntityFrameworkStores puts keys and the log in the database whichever order the host calls AddApiKeys and AddProvisioningLog in.</summary>
public sealed class StoreRegistrationOrderTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    public static TheoryData<string> Orders => ["before", "after"];

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task TheDatabaseKeyStoreAndLogAreUsedWhetherAddApiKeysAndAddProvisioningLogComeBeforeOrAfter(string order)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var scim = services.AddJostleScim();
        if (order == "before")
        {
            scim.AddApiKeys().AddProvisioningLog().AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString));
        }
        else
        {
            scim.AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString)).AddApiKeys().AddProvisioningLog();
        }

        await using var provider = services.BuildServiceProvider();

        Assert.IsType<EfScimApiKeyStore>(provider.GetRequiredService<IScimApiKeyStore>());
        var log = provider.GetRequiredService<EfProvisioningLog>();
        Assert.Same(log, Assert.Single(provider.GetServices<IProvisioningLogSink>()));
        Assert.Same(log, provider.GetRequiredService<IProvisioningLogReader>());
        Assert.Contains(log, provider.GetServices<IHostedService>());
    }

    [Fact]
    public async Task TheOptionsCanKeepTheInMemoryKeyStoreAndLog()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddJostleScim()
            .AddApiKeys()
            .AddProvisioningLog()
            .AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString), o => (o.UseForApiKeys, o.UseForProvisioningLog) = (false, false));
        await using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryApiKeyStore>(provider.GetRequiredService<IScimApiKeyStore>());
        Assert.IsType<InMemoryProvisioningLog>(Assert.Single(provider.GetServices<IProvisioningLogSink>()));
        Assert.IsType<InMemoryProvisioningLog>(provider.GetRequiredService<IProvisioningLogReader>());
        Assert.Null(provider.GetService<EfProvisioningLog>());
    }

    [Fact]
    public async Task WithoutResourcesTheDatabaseKeepsKeysAndTheLogAndTheHostsStoresServeUsersAndGroups()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddJostleScim()
            .AddInMemoryStores()
            .AddApiKeys()
            .AddProvisioningLog()
            .AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString), o => o.UseForResources = false);
        await using var provider = services.BuildServiceProvider();
        await provider.MigrateScimDatabaseAsync();

        // The host's stores stay in place: the EF document stores are not registered over them.
        Assert.IsType<InMemoryUserStore>(provider.GetRequiredService<IScimUserStore>());
        Assert.IsType<InMemoryGroupStore>(provider.GetRequiredService<IScimGroupStore>());

        // Keys, OAuth clients and the log are in the database: a key created here verifies through a second provider on it.
        Assert.IsType<EfScimApiKeyStore>(provider.GetRequiredService<IScimApiKeyStore>());
        Assert.IsType<EfScimOAuthStore>(provider.GetRequiredService<Jostle.Scim.OAuth.IScimOAuthStore>());
        Assert.Same(provider.GetRequiredService<EfProvisioningLog>(), provider.GetRequiredService<IProvisioningLogReader>());
        var (_, key) = await provider.GetRequiredService<ScimApiKeyManager>().CreateAsync("acme", "automation", "Entra ID");
        var other = new ServiceCollection().AddLogging();
        other.AddJostleScim().AddApiKeys().AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString), o => o.UseForResources = false);
        await using var second = other.BuildServiceProvider();
        var verified = await second.GetRequiredService<ScimApiKeyManager>().VerifyAsync(key);
        Assert.Equal(ScimApiKeyVerificationStatus.Valid, verified.Status);
        Assert.Equal("acme", verified.Key?.TenantId);
    }

    [Fact]
    public void WithoutResourcesAndWithoutAUserStoreMapJostleScimNamesTheMissingCall()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Services.AddJostleScim().AddApiKeys().AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString), o => o.UseForResources = false);
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapJostleScim("/scim/v2"));
        Assert.StartsWith("No IScimUserStore is registered", error.Message, StringComparison.Ordinal);
        Assert.Null(app.Services.GetService<IScimGroupStore>());
    }

    [Fact]
    public void KeepingNothingInTheDatabaseFailsAtRegistration()
    {
        var scim = new ServiceCollection().AddJostleScim();

        var error = Assert.Throws<ArgumentException>(() => scim.AddEntityFrameworkStores(
            o => o.UseSqlite(_database.ConnectionString),
            o => (o.UseForResources, o.UseForApiKeys, o.UseForOAuthClients, o.UseForProvisioningLog) = (false, false, false, false)));
        Assert.StartsWith("ScimEntityFrameworkOptions: UseForResources, UseForApiKeys, UseForOAuthClients and UseForProvisioningLog are all false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidWriterOptionsFailAtRegistration()
    {
        var scim = new ServiceCollection().AddJostleScim();

        var error = Assert.Throws<ArgumentException>(() => scim.AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString), o => o.ProvisioningLogQueueCapacity = 0));
        Assert.StartsWith("ScimEntityFrameworkOptions: ProvisioningLogQueueCapacity", error.Message, StringComparison.Ordinal);
    }
}
