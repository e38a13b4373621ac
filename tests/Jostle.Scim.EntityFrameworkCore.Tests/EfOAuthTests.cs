using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>OAuth clients in the database, through two app instances on one database, on whatever database a subclass provides.</summary>
public abstract class EfOAuthTests : IDisposable
{
    protected EfOAuthTests()
    {
        Database = CreateDatabase();
    }

    protected ITestDatabase Database { get; }

    protected abstract ITestDatabase CreateDatabase();

    public void Dispose()
    {
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task TwoAppInstancesShareClientsAndSigningKeysAndBothRefuseARevokedSecretOnTheNextRequest()
    {
        await using var first = await StartAsync();
        await using var second = await StartAsync();
        var manager = first.Services.GetRequiredService<ScimOAuthClientManager>();
        var created = await manager.CreateClientAsync("tenant-a", "azure-bot", "Entra ID");
        var rotated = await manager.AddSecretAsync(created.Client.ClientId, "rotation");

        // A token from one instance works on the other: the signing key is in the database.
        var oldToken = await TokenAsync(first, created.Client.ClientId, created.Secret!.PlaintextSecret);
        var newToken = await TokenAsync(second, created.Client.ClientId, rotated.PlaintextSecret);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(second, oldToken));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(first, newToken));

        // Revoked through the other instance's manager: refused by both on the next request, the other secret still works.
        Assert.True(await second.Services.GetRequiredService<ScimOAuthClientManager>().RevokeSecretAsync(created.Client.ClientId, created.Secret.Secret.SecretId));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(first, oldToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(second, oldToken));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(first, newToken));
        using (var refused = await RequestTokenAsync(first, created.Client.ClientId, created.Secret.PlaintextSecret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("invalid_client", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        }

        // Revoking the client stops every token it holds, in both instances.
        Assert.True(await first.Services.GetRequiredService<ScimOAuthClientManager>().RevokeClientAsync(created.Client.ClientId));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(second, newToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(first, newToken));
    }

    [Fact]
    public async Task OnlyTheHashOfASecretIsStoredAndListsCarryNoSecret()
    {
        var store = new EfScimOAuthStore(Database.Factory);
        await using (var context = await Database.Factory.CreateDbContextAsync())
        {
            await context.Database.MigrateAsync();
        }

        var manager = new ScimOAuthClientManager(store);
        var created = await manager.CreateClientAsync("tenant-a", "bot", "Entra ID", TimeSpan.FromDays(730));
        var plaintext = created.Secret!.PlaintextSecret;
        await using var db = await Database.Factory.CreateDbContextAsync();
        var row = await db.OAuthClientSecrets.AsNoTracking().SingleAsync();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plaintext))), row.SecretHash);
        Assert.Equal(created.Secret.Secret.ExpiresAt, new DateTimeOffset(DateTime.SpecifyKind(row.ExpiresAt, DateTimeKind.Utc)), TimeSpan.FromMilliseconds(1));
        var listed = string.Join("|", (await manager.ListSecretsAsync(created.Client.ClientId)).Select(s => s.ToString()))
            + string.Join("|", (await manager.ListClientsAsync("tenant-a")).Select(c => c.ToString()));
        Assert.DoesNotContain(plaintext, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(row.SecretHash, listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAssertionIdIsAcceptedOnceUntilItExpiresAcrossContexts()
    {
        await using (var context = await Database.Factory.CreateDbContextAsync())
        {
            await context.Database.MigrateAsync();
        }

        var t0 = new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
        var one = new EfScimOAuthStore(Database.Factory);
        var two = new EfScimOAuthStore(Database.Factory);
        Assert.True(await one.TryRecordAssertionAsync("https://issuer", "jti-1", t0.AddMinutes(10), t0));
        Assert.False(await two.TryRecordAssertionAsync("https://issuer", "jti-1", t0.AddMinutes(10), t0.AddMinutes(5)));
        Assert.True(await two.TryRecordAssertionAsync("https://other-issuer", "jti-1", t0.AddMinutes(10), t0.AddMinutes(5)));
        Assert.True(await one.TryRecordAssertionAsync("https://issuer", "jti-1", t0.AddMinutes(30), t0.AddMinutes(11)));
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddJostleScim().AddApiKeys().AddOAuthClients().AddProvisioningLog().AddEntityFrameworkStores(Database.Configure);
        var app = builder.Build();
        app.MapJostleScim("/scim/v2");
        await app.Services.MigrateScimDatabaseAsync();
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpResponseMessage> RequestTokenAsync(WebApplication app, string clientId, string secret)
    {
        using var client = app.GetTestClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://localhost/scim/v2/oauth/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + secret)));
        return await client.SendAsync(request);
    }

    private static async Task<string> TokenAsync(WebApplication app, string clientId, string secret)
    {
        using var response = await RequestTokenAsync(app, clientId, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    private static async Task<HttpStatusCode> StatusAsync(WebApplication app, string token)
    {
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("http://localhost/scim/v2/Users");
        return response.StatusCode;
    }
}

/// <summary>OAuth clients on a SQLite file shared by two app instances.</summary>
public sealed class SqliteEfOAuthTests : EfOAuthTests
{
    protected override ITestDatabase CreateDatabase() => new SqliteDatabase();
}

/// <summary>OAuth clients on a PostgreSQL database shared by two app instances.</summary>
public sealed class PostgresEfOAuthTests : EfOAuthTests
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}
