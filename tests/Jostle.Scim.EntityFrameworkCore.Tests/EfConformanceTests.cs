using System.Net.Http.Headers;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Testing;
using Jostle.Scim.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The conformance kit against the EF Core stores on SQLite: one app and database for the class, an API key for a new tenant per client.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SqliteConformanceTests(SqliteConformanceTests.App app) : ScimConformanceTests, IClassFixture<SqliteConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync();

    /// <summary>The app on a fresh SQLite file.</summary>
    public sealed class App : EfConformanceApp
    {
        private readonly SqliteDatabase _database = new();

        protected override Task<Action<DbContextOptionsBuilder>> DatabaseAsync() => Task.FromResult<Action<DbContextOptionsBuilder>>(_database.Configure);

        protected override Task DropDatabaseAsync()
        {
            _database.Dispose();
            return Task.CompletedTask;
        }
    }
}

/// <summary>The conformance kit against the EF Core stores on PostgreSQL: one app and database for the class, an API key for a new tenant per client.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class PostgresConformanceTests(PostgresConformanceTests.App app) : ScimConformanceTests, IClassFixture<PostgresConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync();

    /// <summary>The app on a database of its own on the test server.</summary>
    public sealed class App : EfConformanceApp
    {
        private readonly PostgresDatabase _database = new();

        protected override async Task<Action<DbContextOptionsBuilder>> DatabaseAsync()
        {
            await _database.InitializeAsync();
            return options => options.UseNpgsql(_database.ConnectionString);
        }

        protected override Task DropDatabaseAsync() => _database.DisposeAsync();
    }
}

/// <summary>The kit's Okta suite against the EF Core stores on SQLite, each tenant under the Okta profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SqliteOktaConformanceTests(SqliteConformanceTests.App app) : OktaConformanceTests, IClassFixture<SqliteConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync("Okta");
}

/// <summary>The kit's OneLogin suite against the EF Core stores on SQLite, each tenant under the OneLogin profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SqliteOneLoginConformanceTests(SqliteConformanceTests.App app) : OneLoginConformanceTests, IClassFixture<SqliteConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync("OneLogin");
}

/// <summary>The kit's JumpCloud suite against the EF Core stores on SQLite, each tenant under the JumpCloud profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SqliteJumpCloudConformanceTests(SqliteConformanceTests.App app) : JumpCloudConformanceTests, IClassFixture<SqliteConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync("JumpCloud");
}

/// <summary>The kit's Google suite against the EF Core stores on SQLite, each tenant under the Google profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class SqliteGoogleConformanceTests(SqliteConformanceTests.App app) : GoogleConformanceTests, IClassFixture<SqliteConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync("Google");
}

/// <summary>The kit's Okta suite against the EF Core stores on PostgreSQL, each tenant under the Okta profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class PostgresOktaConformanceTests(PostgresConformanceTests.App app) : OktaConformanceTests, IClassFixture<PostgresConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync("Okta");
}

/// <summary>The kit's OneLogin suite against the EF Core stores on PostgreSQL, each tenant under the OneLogin profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class PostgresOneLoginConformanceTests(PostgresConformanceTests.App app) : OneLoginConformanceTests, IClassFixture<PostgresConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync("OneLogin");
}

/// <summary>The kit's JumpCloud suite against the EF Core stores on PostgreSQL, each tenant under the JumpCloud profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class PostgresJumpCloudConformanceTests(PostgresConformanceTests.App app) : JumpCloudConformanceTests, IClassFixture<PostgresConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync("JumpCloud");
}

/// <summary>The kit's Google suite against the EF Core stores on PostgreSQL, each tenant under the Google profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class PostgresGoogleConformanceTests(PostgresConformanceTests.App app) : GoogleConformanceTests, IClassFixture<PostgresConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForNewTenantAsync("Google");
}

/// <summary>A SCIM app on the EF Core stores with API keys, as a host sets it up, on a TestServer.</summary>
public abstract class EfConformanceApp : IAsyncLifetime
{
    private WebApplication? _app;

    protected abstract Task<Action<DbContextOptionsBuilder>> DatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        var configure = await DatabaseAsync();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddJostleScim().AddApiKeys().AddEntityFrameworkStores(configure);
        builder.Services.AddSingleton<IScimCompatibilitySelector, TenantPrefixProfileSelector>();
        var app = builder.Build();
        app.MapJostleScim("/scim/v2");
        await app.Services.MigrateScimDatabaseAsync();
        await app.StartAsync();
        _app = app;
    }

    /// <summary>A client authenticated by a new API key of a new tenant, under <paramref name="profile"/> or the default rules.</summary>
    public async Task<HttpClient> ClientForNewTenantAsync(string? profile = null)
    {
        var app = _app ?? throw new InvalidOperationException("The app has not started.");
        var tenant = profile is null ? "conformance-" + Guid.NewGuid().ToString("N") : TenantPrefixProfileSelector.NewTenant(profile);
        var (_, plaintext) = await app.Services.GetRequiredService<ScimApiKeyManager>().CreateAsync(tenant, "automation", "Conformance kit");
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", plaintext);
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await DropDatabaseAsync();
    }
}

/// <summary>Runs the conformance kit alone: Okta's spec test asserts response-time limits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConformanceCollection
{
    public const string Name = "Conformance kit (timed)";
}
