using System.Net.Http.Headers;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore.Tests.EntityMapping;

/// <summary>The intranet app with SCIM on its own tables, on a TestServer with API keys and the in-memory provisioning log.</summary>
public sealed class IntranetApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IntranetApp(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public static async Task<IntranetApp> StartAsync(
        Action<DbContextOptionsBuilder> database,
        Action<ScimEntityStoreBuilder<IntranetContext>>? map = null,
        Action<ScimEntityStoreOptions>? options = null,
        bool useFactory = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddJostleScim().AddApiKeys().AddProvisioningLog().AddEntityStores(map ?? (scim => IntranetMap.Configure(scim)), options);
        if (useFactory)
        {
            builder.Services.AddDbContextFactory<IntranetContext>(database);
        }
        else
        {
            builder.Services.AddDbContext<IntranetContext>(database);
        }

        var app = builder.Build();
        app.MapJostleScim("/scim/v2");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IntranetContext>().Database.EnsureCreatedAsync();
        }

        await app.StartAsync();
        return new IntranetApp(app);
    }

    /// <summary>A client with an API key of <paramref name="tenant"/>.</summary>
    public async Task<HttpClient> ClientAsync(string tenant = "acme")
    {
        var (_, plaintext) = await Services.GetRequiredService<ScimApiKeyManager>().CreateAsync(tenant, "automation", "tests");
        var client = _app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", plaintext);
        return client;
    }

    /// <summary>Runs the host's own code on its context (not through SCIM).</summary>
    public async Task<T> WithContextAsync<T>(Func<IntranetContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<IntranetContext>());
    }

    /// <summary>The provisioning log records of a tenant, newest first.</summary>
    public async Task<IReadOnlyList<ProvisioningLogEntry>> LogAsync(string tenant = "acme") =>
        (await Services.GetRequiredService<IProvisioningLogReader>().QueryAsync(new ProvisioningLogQuery { Tenant = tenant })).Entries;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
