using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>A minimal host running the SCIM endpoints on a TestServer, with a test bearer scheme: <c>Bearer tenant-a</c> authenticates tenant <c>tenant-a</c>; <c>Bearer notenant</c> authenticates a caller without a tenant.</summary>
public sealed class ScimTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScimTestHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ScimTestHost> StartAsync(Action<JostleScimOptions>? configure = null, Action<IJostleScimBuilder>? scim = null, Action<IServiceCollection>? services = null, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, _ => { });
        var scimBuilder = builder.Services.AddJostleScim(configure);
        if (scim is null)
        {
            scimBuilder.AddInMemoryStores();
        }
        else
        {
            scim(scimBuilder);
        }

        services?.Invoke(builder.Services);
        var app = builder.Build();
        if (map is null)
        {
            app.MapJostleScim("/scim/v2");
        }
        else
        {
            map(app);
        }

        await app.StartAsync();
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "tenant-a");
        return new ScimTestHost(app, client);
    }

    public HttpClient ClientFor(string? token)
    {
        var client = _app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/scim+json");

    public static StringContent Body(JsonNode json) => Body(json.ToJsonString());

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = Body(json);
        }

        configure?.Invoke(request);
        return await Client.SendAsync(request);
    }

    public async Task<JsonObject> CreateUserAsync(string userName, string? externalId = null)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = userName,
            ["name"] = new JsonObject { ["givenName"] = "Given " + userName, ["familyName"] = "Family" },
            ["active"] = true,
        };
        if (externalId is not null)
        {
            body["externalId"] = externalId;
        }

        using var response = await Client.PostAsync("Users", Body(body));
        return await ReadCreatedAsync(response);
    }

    public async Task<JsonObject> CreateGroupAsync(string displayName, params string[] memberIds)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["displayName"] = displayName,
        };
        if (memberIds.Length > 0)
        {
            body["members"] = new JsonArray([.. memberIds.Select(id => (JsonNode)new JsonObject { ["value"] = id })]);
        }

        using var response = await Client.PostAsync("Groups", Body(body));
        return await ReadCreatedAsync(response);
    }

    private static async Task<JsonObject> ReadCreatedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Asserts a SCIM error response: status, the error schema, <c>status</c> as a string, and the <c>scimType</c>.</summary>
    public static async Task<JsonObject> AssertErrorAsync(HttpResponseMessage response, int status, string? scimType)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", body["schemas"]![0]!.GetValue<string>());
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), body["status"]!.GetValue<string>());
        Assert.Equal(scimType, body["scimType"]?.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["detail"]?.GetValue<string>()));
        return body;
    }
}

/// <summary>A test authentication scheme: <c>Authorization: Bearer {tenant}</c>; the token <c>notenant</c> authenticates without a tenant claim.</summary>
internal sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var token = header["Bearer ".Length..].Trim();
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, "automation-" + token) };
        if (token != "notenant")
        {
            claims.Add(new Claim("scim:tenant", token));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"scim\"";
        return Task.CompletedTask;
    }
}
