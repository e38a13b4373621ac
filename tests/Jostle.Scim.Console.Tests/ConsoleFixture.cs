using System.Text.Json;
using Jostle.Scim.AdminConsole;
using Jostle.Scim.Administration;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Playwright;

namespace Jostle.Scim.Console.Tests;

/// <summary>
/// One app (SCIM at /scim/v2 and the console at /console, in-memory stores) on a real Kestrel socket on a random loopback
/// port, and one headless Debian chromium driven by Playwright, shared by every browser test of the collection. Tests keep
/// apart by using their own tenants.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private WebApplication? _app;
    private IPlaywright? _playwright;

    /// <summary>The app's root address, e.g. http://127.0.0.1:41234.</summary>
    public string BaseAddress { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        _app = BuildApp(Configure);
        await _app.StartAsync();
        BaseAddress = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>Where Debian's chromium is (Playwright cannot download its own browsers here); JOSTLE_CHROMIUM overrides.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("JOSTLE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Extra registrations of a test app; the shared fixture adds none.</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }

    public static WebApplication BuildApp(Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddJostleScim()
            .AddInMemoryStores()
            .AddApiKeys()
            .AddOAuthClients()
            .AddProvisioningLog()
            .AddAdministration();
        builder.Services.AddJostleScimConsole();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapJostleScim("/scim/v2");
        app.MapJostleScimConsole("/console");
        return app;
    }

    /// <summary>A sign-in link URL, as <c>console link</c> prints it.</summary>
    public async Task<string> LinkAsync(ScimConsoleRole role, string? tenant, string label = "test admin")
    {
        var created = await Services.GetRequiredService<ScimConsoleLinkManager>().CreateAsync(role, tenant, label, "command line");
        return $"{BaseAddress}/console/signin?token={Uri.EscapeDataString(created.Token)}";
    }

    /// <summary>A new browser context (its own cookies) signed in through a link: opens it and presses "Sign in".</summary>
    public async Task<IPage> SignedInPageAsync(ScimConsoleRole role, string? tenant, string label = "test admin")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress });
        var page = await context.NewPageAsync();
        await page.GotoAsync(await LinkAsync(role, tenant, label));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
        return page;
    }

    /// <summary>Sends a SCIM request with a bearer key.</summary>
    public async Task<HttpResponseMessage> ScimAsync(HttpMethod method, string path, string? key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, BaseAddress + "/scim/v2" + path);
        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/scim+json");
        }

        return await Http.SendAsync(request);
    }

    public static string UserJson(string userName, string? email = null) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["schemas"] = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" },
        ["userName"] = userName,
        ["emails"] = new[] { new Dictionary<string, object> { ["value"] = email ?? userName, ["type"] = "work", ["primary"] = true } },
        ["active"] = true,
    });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Console in a browser";
}
