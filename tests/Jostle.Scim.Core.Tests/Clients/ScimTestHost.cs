using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.Tests.Clients;

/// <summary>
/// A minimal ASP.NET Core host on <see cref="TestServer"/>: the test bearer scheme (token = tenant name), then
/// whatever the test maps. The whole request pipeline runs, in memory.
/// </summary>
internal sealed class ScimTestHost : IAsyncDisposable
{
    /// <summary>The claim the test scheme puts the tenant in.</summary>
    public const string TenantClaimType = "tenant";

    /// <summary>Where the SCIM endpoints are mapped.</summary>
    public const string BasePath = "/scim/v2";

    private readonly WebApplication _app;

    private ScimTestHost(WebApplication app) => _app = app;

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds and starts a host.</summary>
    public static async Task<ScimTestHost> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(TestBearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TestBearerAuthenticationHandler>(TestBearerAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        configure(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        map(app);
        await app.StartAsync();
        return new ScimTestHost(app);
    }

    /// <summary>A client whose requests carry <c>Bearer {tenant}</c> (or no credentials for <see langword="null"/>).</summary>
    public HttpClient CreateClient(string? tenant = "tenant-a")
    {
        var client = _app.GetTestClient();
        if (tenant is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
