using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.OAuth;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Tests.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;
using static Jostle.Scim.Tests.OAuth.OAuthTestHost;

namespace Jostle.Scim.Tests.OAuth;

public sealed class ClientCredentialsTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    private static string UserJson(string userName) => $$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}","name":{"givenName":"G","familyName":"F"} }""";

    private static async Task<JsonObject> AssertInvalidTokenAsync(HttpResponseMessage response, string detailPart)
    {
        var body = await AssertErrorAsync(response, 401, null);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains(detailPart, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        return body;
    }

    [Fact]
    public async Task AClientSecretInTheBasicHeaderGetsASixtyMinuteTokenThatWorksOnUsers()
    {
        await using var host = await StartAsync();
        var created = await host.Clients().CreateClientAsync("tenant-a", "azure-bot", "Entra ID");
        using var response = await host.RequestWithBasicAsync(created.Client.ClientId, created.Secret!.PlaintextSecret);
        var token = await TokenOfAsync(response);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(3600, json["expires_in"]!.GetValue<long>());

        using var scim = host.ClientFor(token);
        using var list = await scim.GetAsync("Users");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var create = await scim.PostAsync("Users", Body(UserJson("ada")));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
    }

    [Fact]
    public async Task AClientSecretInTheFormGetsATokenToo()
    {
        await using var host = await StartAsync();
        var created = await host.Clients().CreateClientAsync("tenant-a", "azure-bot", "Entra ID");
        using var response = await host.RequestWithPostAsync(created.Client.ClientId, created.Secret!.PlaintextSecret);
        using var scim = host.ClientFor(await TokenOfAsync(response));
        using var list = await scim.GetAsync("Users");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    [Fact]
    public async Task TheTokenLifetimeIsConfigurableAndAnythingOutsideSixtyToThreeHundredSixtyMinutesFailsAtStartUp()
    {
        await using (var host = await StartAsync(oauth: o => o.AccessTokenLifetime = TimeSpan.FromMinutes(360)))
        {
            var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
            using var response = await host.RequestWithBasicAsync(created.Client.ClientId, created.Secret!.PlaintextSecret);
            Assert.Equal(21600, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["expires_in"]!.GetValue<long>());
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(oauth: o => o.AccessTokenLifetime = TimeSpan.FromMinutes(30)));
        Assert.Contains("AccessTokenLifetime must be between 60 and 360 minutes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedWithInvalidToken()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        await using var host = await StartAsync(time);
        var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        var token = await host.BasicTokenAsync(created.Client.ClientId, created.Secret!.PlaintextSecret);
        using var scim = host.ClientFor(token);

        time.Advance(TimeSpan.FromMinutes(60));
        using (var stillOk = await scim.GetAsync("Users"))
        {
            Assert.Equal(HttpStatusCode.OK, stillOk.StatusCode); // within the one-minute clock skew
        }

        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        using var refused = await scim.GetAsync("Users");
        await AssertInvalidTokenAsync(refused, "expired");
    }

    [Fact]
    public async Task ATokenIssuedForAnotherScimBaseUrlIsRefused()
    {
        await using var host = await StartAsync();
        var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        using var elsewhere = await host.RequestWithBasicAsync(created.Client.ClientId, created.Secret!.PlaintextSecret, "http://other.example.test/scim/v2/");
        var token = await TokenOfAsync(elsewhere);
        using var scim = host.ClientFor(token);
        using var refused = await scim.GetAsync("Users");
        await AssertInvalidTokenAsync(refused, "audience");
    }

    [Fact]
    public async Task ATamperedOrForeignTokenIsRefused()
    {
        await using var host = await StartAsync();
        var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        var token = await host.BasicTokenAsync(created.Client.ClientId, created.Secret!.PlaintextSecret);
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(parts[1].Replace('-', '+').Replace('_', '/').PadRight((parts[1].Length + 3) / 4 * 4, '=')));
        var forged = parts[0] + "." + Base64UrlEncode(payload.Replace("tenant-a", "tenant-b", StringComparison.Ordinal)) + "." + parts[2];
        using var scim = host.ClientFor(forged);
        using var refused = await scim.GetAsync("Users");
        await AssertInvalidTokenAsync(refused, "invalid");
    }

    [Fact]
    public async Task ATokenOfTenantBReachingTenantAsDataIsForbidden()
    {
        await using var host = await StartAsync(
            oauth: o => o.Audience = "https://scim.example.test/scim/v2",
            services: s => s.AddSingleton<IScimTenantResolver, HostNameTenantResolver>());
        var b = await host.Clients().CreateClientAsync("tenant-b", "bot", "Entra ID");
        var token = await host.BasicTokenAsync(b.Client.ClientId, b.Secret!.PlaintextSecret);
        using var atB = host.ClientFor(token);
        atB.BaseAddress = new Uri("http://tenant-b.example.test/scim/v2/");
        using (var ok = await atB.GetAsync("Users"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var atA = host.ClientFor(token);
        atA.BaseAddress = new Uri("http://tenant-a.example.test/scim/v2/");
        using var refused = await atA.GetAsync("Users");
        await AssertErrorAsync(refused, 403, null);
        using var write = await atA.PostAsync("Users", Body(UserJson("x")));
        await AssertErrorAsync(write, 403, null);
    }

    [Fact]
    public async Task TwoSecretsWorkDuringARotationAndRevokingTheOldOneStopsItsTokensOnTheNextRequest()
    {
        await using var host = await StartAsync();
        var manager = host.Clients();
        var created = await manager.CreateClientAsync("tenant-a", "bot", "Entra ID");
        var clientId = created.Client.ClientId;
        var second = await manager.AddSecretAsync(clientId, "rotation", TimeSpan.FromDays(730));
        Assert.Equal(2, (await manager.ListSecretsAsync(clientId)).Count(s => !s.IsRevoked));

        var oldToken = await host.BasicTokenAsync(clientId, created.Secret!.PlaintextSecret);
        var newToken = await host.BasicTokenAsync(clientId, second.PlaintextSecret);
        using var withOld = host.ClientFor(oldToken);
        using var withNew = host.ClientFor(newToken);
        Assert.Equal(HttpStatusCode.OK, (await withOld.GetAsync("Users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync("Users")).StatusCode);

        Assert.True(await manager.RevokeSecretAsync(clientId, created.Secret.Secret.SecretId));
        await AssertInvalidTokenAsync(await withOld.GetAsync("Users"), "revoked");
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync("Users")).StatusCode);
        using var refused = await host.RequestWithBasicAsync(clientId, created.Secret.PlaintextSecret);
        await AssertOAuthErrorAsync(refused, 401, "invalid_client");
    }

    [Fact]
    public async Task ARevokedClientGetsInvalidClientAndItsTokensAreRefusedOnTheNextRequest()
    {
        await using var host = await StartAsync();
        var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        var token = await host.BasicTokenAsync(created.Client.ClientId, created.Secret!.PlaintextSecret);
        using var scim = host.ClientFor(token);
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("Users")).StatusCode);

        Assert.True(await host.Clients().RevokeClientAsync(created.Client.ClientId));
        await AssertInvalidTokenAsync(await scim.GetAsync("Users"), "revoked");
        using var refused = await host.RequestWithPostAsync(created.Client.ClientId, created.Secret.PlaintextSecret);
        await AssertOAuthErrorAsync(refused, 401, "invalid_client");
    }

    [Fact]
    public async Task AnExpiredSecretGetsInvalidClient()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        await using var host = await StartAsync(time);
        var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID", secretLifetime: TimeSpan.FromDays(365));
        time.Advance(TimeSpan.FromDays(365));
        using var refused = await host.RequestWithBasicAsync(created.Client.ClientId, created.Secret!.PlaintextSecret);
        var body = await AssertOAuthErrorAsync(refused, 401, "invalid_client");
        Assert.Contains("expired", body["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongSecretOrAnotherClientsSecretGetsInvalidClient()
    {
        await using var host = await StartAsync();
        var a = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        var b = await host.Clients().CreateClientAsync("tenant-b", "bot", "Entra ID");
        var secret = a.Secret!.PlaintextSecret;
        var wrong = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');
        await AssertOAuthErrorAsync(await host.RequestWithBasicAsync(a.Client.ClientId, wrong), 401, "invalid_client");
        await AssertOAuthErrorAsync(await host.RequestWithBasicAsync(b.Client.ClientId, secret), 401, "invalid_client");
        await AssertOAuthErrorAsync(await host.RequestWithBasicAsync(a.Client.ClientId, "not-a-secret"), 401, "invalid_client");
    }

    public static TheoryData<string, string?, string, int, string> MalformedRequests => new()
    {
        { "no grant_type", "application/x-www-form-urlencoded", "client_id=x&client_secret=y", 400, "invalid_request" },
        { "unknown grant", "application/x-www-form-urlencoded", "grant_type=password&username=a&password=b", 400, "unsupported_grant_type" },
        { "authorization code", "application/x-www-form-urlencoded", "grant_type=authorization_code&code=abc", 400, "unsupported_grant_type" },
        { "JSON body", "application/json", """{"grant_type":"client_credentials"}""", 400, "invalid_request" },
        { "no content type", null, "grant_type=client_credentials", 400, "invalid_request" },
        { "repeated parameter", "application/x-www-form-urlencoded", "grant_type=client_credentials&grant_type=client_credentials", 400, "invalid_request" },
        { "no client authentication", "application/x-www-form-urlencoded", "grant_type=client_credentials", 401, "invalid_client" },
        { "secret without client id", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_secret=abc", 400, "invalid_request" },
        { "wrong assertion type", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_assertion_type=urn:x&client_assertion=a.b.c", 400, "invalid_request" },
        { "assertion that is not a JWT", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=garbage", 401, "invalid_client" },
        { "huge body", "application/x-www-form-urlencoded", "grant_type=client_credentials&pad=" + new string('a', 70_000), 413, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task AMalformedTokenRequestGetsAClearErrorAndChangesNothing(string why, string? contentType, string body, int status, string error)
    {
        await using var host = await StartAsync();
        var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        using var client = host.ClientFor(null);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await client.PostAsync(TokenPath, content);
        await AssertOAuthErrorAsync(response, status, error);
        Assert.True(why.Length > 0);
        Assert.Empty(await host.Services.GetRequiredService<IScimOAuthStore>().ListSigningKeysAsync());
        Assert.Single(await host.Clients().ListClientsAsync());
        Assert.Single(await host.Clients().ListSecretsAsync(created.Client.ClientId));
    }

    [Fact]
    public async Task TwoClientAuthenticationMethodsInOneRequestAreRefused()
    {
        await using var host = await StartAsync();
        var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        using var client = host.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
        {
            Content = Form(("grant_type", "client_credentials"), ("client_id", created.Client.ClientId), ("client_secret", created.Secret!.PlaintextSecret)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(created.Client.ClientId + ":" + created.Secret.PlaintextSecret)));
        await AssertOAuthErrorAsync(await client.SendAsync(request), 400, "invalid_request");
    }

    [Fact]
    public async Task TheTokenEndpointIsRateLimitedPerClient()
    {
        await using var host = await StartAsync(oauth: o => o.TokenRequestsPerMinute = 2);
        var a = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        var b = await host.Clients().CreateClientAsync("tenant-a", "bot", "Okta");
        for (var i = 0; i < 2; i++)
        {
            await TokenOfAsync(await host.RequestWithBasicAsync(a.Client.ClientId, a.Secret!.PlaintextSecret));
        }

        using var limited = await host.RequestWithBasicAsync(a.Client.ClientId, a.Secret!.PlaintextSecret);
        await AssertOAuthErrorAsync(limited, 429, "invalid_request");
        Assert.NotNull(limited.Headers.RetryAfter);
        await TokenOfAsync(await host.RequestWithBasicAsync(b.Client.ClientId, b.Secret!.PlaintextSecret));
    }

    [Fact]
    public async Task ApiKeysAndAccessTokensAreBothAcceptedAndDiscoveryAdvertisesTheTokenEndpoint()
    {
        await using var host = await StartAsync();
        var (_, key) = await host.CreateKeyAsync("tenant-a");
        using var withKey = host.ClientFor(key);
        using var config = await withKey.GetAsync("ServiceProviderConfig");
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        var schemes = JsonNode.Parse(await config.Content.ReadAsStringAsync())!["authenticationSchemes"]!.AsArray();
        var oauth = Assert.Single(schemes, s => s!["type"]!.GetValue<string>() == "oauth2");
        Assert.Contains("/oauth/token", oauth!["description"]!.GetValue<string>(), StringComparison.Ordinal);

        var created = await host.Clients().CreateClientAsync("tenant-a", "bot", "Entra ID");
        using var withToken = host.ClientFor(await host.BasicTokenAsync(created.Client.ClientId, created.Secret!.PlaintextSecret));
        Assert.Equal(HttpStatusCode.OK, (await withToken.GetAsync("Users")).StatusCode);
        using var none = host.ClientFor(null);
        using var anonymous = await none.GetAsync("Users");
        await AssertErrorAsync(anonymous, 401, null);
        Assert.DoesNotContain("invalid_token", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProvisioningLogNamesTheClientAndTheSecretAppearsNowhere()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync(logs: logs);
        var created = await host.Clients().CreateClientAsync("tenant-a", "azure-bot", "Entra ID");
        var secret = created.Secret!.PlaintextSecret;
        using var response = await host.RequestWithBasicAsync(created.Client.ClientId, secret);
        var responseText = await response.Content.ReadAsStringAsync();
        var token = await TokenOfAsync(response);
        using var scim = host.ClientFor(token);
        Assert.Equal(HttpStatusCode.Created, (await scim.PostAsync("Users", Body(UserJson("grace")))).StatusCode);
        await AssertOAuthErrorAsync(await host.RequestWithPostAsync(created.Client.ClientId, secret[..^1] + "x"), 401, "invalid_client");

        var entries = (await host.Services.GetRequiredService<IProvisioningLogReader>().QueryAsync(new ProvisioningLogQuery { Tenant = "tenant-a", PageSize = 100 })).Entries;
        var entry = Assert.Single(entries, e => e.Operation == ProvisioningOperation.Create);
        Assert.Equal("azure-bot", entry.Actor);
        Assert.Equal(created.Client.ClientId, entry.KeyId);

        var lists = string.Join("|", (await host.Clients().ListClientsAsync()).Select(c => c.ToString()))
            + string.Join("|", (await host.Clients().ListSecretsAsync(created.Client.ClientId)).Select(s => s.ToString()))
            + created.ToString() + created.Secret.ToString();
        foreach (var text in new[] { responseText, lists, string.Join("\n", logs.Entries), string.Join("\n", entries.Select(e => $"{e.Actor} {e.KeyId} {e.Detail}")) })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[6..], text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(token, string.Join("\n", logs.Entries), StringComparison.Ordinal);
    }

    private static Task<ScimTestHost> StartAsync(
        FakeTimeProvider? time = null,
        Action<ScimOAuthOptions>? oauth = null,
        CapturingLoggerProvider? logs = null,
        Action<IServiceCollection>? services = null) =>
        OAuthTestHost.StartAsync(time, oauth, logs, services);

    private static string Base64UrlEncode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class HostNameTenantResolver : IScimTenantResolver
    {
        public ValueTask<string?> ResolveTenantAsync(HttpContext context) =>
            ValueTask.FromResult<string?>(context.Request.Host.Host.Split('.')[0]);
    }
}
