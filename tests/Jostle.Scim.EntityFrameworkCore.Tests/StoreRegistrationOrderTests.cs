using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
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
    public void InvalidWriterOptionsFailAtRegistration()
    {
        var scim = new ServiceCollection().AddJostleScim();

        var error = Assert.Throws<ArgumentException>(() => scim.AddEntityFrameworkStores(o => o.UseSqlite(_database.ConnectionString), o => o.ProvisioningLogQueueCapacity = 0));
        Assert.StartsWith("ScimEntityFrameworkOptions: ProvisioningLogQueueCapacity", error.Message, StringComparison.Ordinal);
    }
}
