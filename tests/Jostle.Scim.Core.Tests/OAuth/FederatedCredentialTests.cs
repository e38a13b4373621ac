using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Jostle.Scim.OAuth;
using Jostle.Scim.Tests.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Jostle.Scim.Tests.OAuth.OAuthTestHost;

namespace Jostle.Scim.Tests.OAuth;

/// <summary>Workload identity federation: JWT client assertions (RFC 7523) checked against a JWKS an in-test endpoint serves.</summary>
public sealed class FederatedCredentialTests : IAsyncLifetime
{
    private const string Issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0";
    private const string Subject = "11111111-2222-3333-4444-555555555555";
    private const string Audience = "api://AzureADTokenExchange";
    private const string JwksUrl = "http://issuer.example.test/discovery/keys";
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private readonly List<(string Kid, RSA Key)> _published = [];
    private WebApplication _issuer = null!;
    private ScimTestHost _host = null!;
    private int _jwksFetches;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        _issuer = builder.Build();
        _issuer.MapGet("/discovery/keys", () =>
        {
            Interlocked.Increment(ref _jwksFetches);
            return Results.Text(Jwks([.. _published]), "application/json");
        });
        await _issuer.StartAsync();
        _host = await OAuthTestHost.StartAsync(
            oauth: o =>
            {
                o.RequireHttpsJwks = false;
                o.JwksMinimumRefreshInterval = TimeSpan.Zero;
            },
            services: s => s.AddHttpClient("Jostle.Scim.OAuth.Jwks").ConfigurePrimaryHttpMessageHandler(() => _issuer.GetTestServer().CreateHandler()));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _issuer.DisposeAsync();
        foreach (var (_, key) in _published)
        {
            key.Dispose();
        }
    }

    [Fact]
    public async Task AnAssertionSignedByAPublishedKeyGetsATokenThatWorksOnUsersAndSurvivesAKeyRollover()
    {
        var clientId = await FederatedClientAsync(JwksUrl);
        var first = Publish("key-1");
        using (var response = await RequestAsync(Assertion(first)))
        {
            using var scim = _host.ClientFor(await TokenOfAsync(response));
            Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("Users")).StatusCode);
        }

        // The issuer rolls its keys over: the new kid is unknown to the cache, so the JWKS is fetched again.
        var fetchesBefore = _jwksFetches;
        _published.Clear();
        var second = Publish("key-2");
        using (var response = await RequestAsync(Assertion(second), clientId))
        {
            using var scim = _host.ClientFor(await TokenOfAsync(response));
            Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("Users")).StatusCode);
        }

        Assert.Equal(fetchesBefore + 1, _jwksFetches);

        // The retired key no longer verifies.
        using var retired = await RequestAsync(Assertion(first));
        await AssertOAuthErrorAsync(retired, 401, "invalid_client");
    }

    [Fact]
    public async Task AReplayedAssertionIsRefused()
    {
        await FederatedClientAsync(JwksUrl);
        var key = Publish("key-1");
        var assertion = Assertion(key);
        using (var first = await RequestAsync(assertion))
        {
            await TokenOfAsync(first);
        }

        using var replayed = await RequestAsync(assertion);
        var body = await AssertOAuthErrorAsync(replayed, 401, "invalid_client");
        Assert.Contains("replay", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audience")]
    [InlineData("issuer")]
    [InlineData("subject")]
    [InlineData("expired")]
    [InlineData("not yet valid")]
    [InlineData("no jti")]
    [InlineData("unpublished key")]
    [InlineData("client id of another client")]
    public async Task AnAssertionThatDoesNotMatchTheTrustedCredentialIsRefused(string what)
    {
        await FederatedClientAsync(JwksUrl);
        var key = Publish("key-1");
        using var stranger = RSA.Create(2048);
        var now = DateTime.UtcNow;
        var assertion = what switch
        {
            "audience" => Assertion(key, audience: "api://somewhere-else"),
            "issuer" => Assertion(key, issuer: "https://evil.example.test"),
            "subject" => Assertion(key, subject: "someone-else"),
            "expired" => Assertion(key, notBefore: now.AddMinutes(-20), expires: now.AddMinutes(-5)),
            "not yet valid" => Assertion(key, notBefore: now.AddMinutes(5), expires: now.AddMinutes(15)),
            "no jti" => Assertion(key, jti: null),
            "unpublished key" => Assertion(("key-1", stranger)),
            _ => Assertion(key),
        };
        var clientId = what == "client id of another client"
            ? (await _host.Clients().CreateClientAsync("tenant-a", "bot", "other")).Client.ClientId
            : null;
        using var response = await RequestAsync(assertion, clientId);
        await AssertOAuthErrorAsync(response, 401, "invalid_client");
    }

    [Fact]
    public async Task AJwksFileServesOfflineDeploymentsAndAWithdrawnCredentialStopsItsTokens()
    {
        var key = Publish("file-key");
        var path = Path.Combine(Path.GetTempPath(), $"jostle-jwks-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, Jwks([key]));
        try
        {
            var clientId = await FederatedClientAsync(path);
            using var response = await RequestAsync(Assertion(key));
            using var scim = _host.ClientFor(await TokenOfAsync(response));
            Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("Users")).StatusCode);

            var credential = Assert.Single(await _host.Clients().ListFederatedCredentialsAsync(clientId));
            Assert.True(await _host.Clients().RevokeFederatedCredentialAsync(clientId, credential.CredentialId));
            Assert.Equal(HttpStatusCode.Unauthorized, (await scim.GetAsync("Users")).StatusCode);
            using var refused = await RequestAsync(Assertion(key));
            await AssertOAuthErrorAsync(refused, 401, "invalid_client");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task AKeySourceThatIsNeitherAUrlNorAnAbsolutePathIsRefusedWhenTrusted()
    {
        var created = await _host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID", createSecret: false);
        Assert.Null(created.Secret);
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Clients().TrustFederatedCredentialAsync(created.Client.ClientId, Issuer, Subject, Audience, "keys.json"));
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Clients().TrustFederatedCredentialAsync(created.Client.ClientId, Issuer, Subject, Audience, "ftp://x/keys"));
    }

    private async Task<string> FederatedClientAsync(string keySource)
    {
        var created = await _host.Clients().CreateClientAsync("tenant-a", "entra-provisioning", "Entra ID (federated)", createSecret: false);
        await _host.Clients().TrustFederatedCredentialAsync(created.Client.ClientId, Issuer, Subject, Audience, keySource);
        return created.Client.ClientId;
    }

    private (string Kid, RSA Key) Publish(string kid)
    {
        var entry = (kid, RSA.Create(2048));
        _published.Add(entry);
        return entry;
    }

    private async Task<HttpResponseMessage> RequestAsync(string assertion, string? clientId = null)
    {
        using var client = _host.ClientFor(null);
        var fields = new List<(string, string)> { ("grant_type", "client_credentials"), ("client_assertion_type", AssertionType), ("client_assertion", assertion) };
        if (clientId is not null)
        {
            fields.Add(("client_id", clientId));
        }

        return await client.PostAsync(TokenPath, Form([.. fields]));
    }

    private static string Assertion(
        (string Kid, RSA Key) key,
        string issuer = Issuer,
        string subject = Subject,
        string audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        string? jti = "new")
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject };
        if (jti is not null)
        {
            claims[JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N");
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = expires ?? now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key.Key) { KeyId = key.Kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    private static string Jwks(IEnumerable<(string Kid, RSA Key)> keys) => JsonSerializer.Serialize(new
    {
        keys = keys.Select(k =>
        {
            var p = k.Key.ExportParameters(false);
            return new { kty = "RSA", use = "sig", alg = "RS256", kid = k.Kid, n = Base64Url.EncodeToString(p.Modulus), e = Base64Url.EncodeToString(p.Exponent) };
        }),
    });
}
