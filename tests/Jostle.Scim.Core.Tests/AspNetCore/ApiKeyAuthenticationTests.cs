using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class ApiKeyAuthenticationTests
{
    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string? presented = null)
    {
        var body = await AssertErrorAsync(response, 401, null);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("realm=\"scim\"", challenge.Parameter, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(presented))
        {
            Assert.DoesNotContain(presented, body.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain(presented, response.Headers.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AKeyWorksUntilItIsRevokedAndIsRefusedOnTheVeryNextRequest()
    {
        await using var host = await ApiKeyTestHost.StartAsync();
        var (key, plaintext) = await host.CreateKeyAsync("tenant-a");
        using var client = host.ClientFor(plaintext);

        using (var ok = await client.GetAsync("Users"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var again = await client.GetAsync("Users"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.True(await host.Services.GetRequiredService<ScimApiKeyManager>().RevokeAsync(key.KeyId));
        using var refused = await client.GetAsync("Users");
        await AssertUnauthorizedAsync(refused, plaintext);
        Assert.Contains("error=\"invalid_token\"", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer garbage")]
    [InlineData("Bearer ghp_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer jscim_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("Bearer jscim_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA extra")]
    public async Task AMissingOrMalformedOrUnknownKeyIs401WithAScimBodyAndABearerChallenge(string? header)
    {
        await using var host = await ApiKeyTestHost.StartAsync();
        await host.CreateKeyAsync("tenant-a");
        using var client = host.ClientFor(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "Users");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        using var response = await client.SendAsync(request);
        var presented = header is { Length: > 7 } ? header[7..] : null;
        await AssertUnauthorizedAsync(response, presented);
    }

    [Fact]
    public async Task AValidKeyAfterAnotherSchemeNameIsRefused()
    {
        await using var host = await ApiKeyTestHost.StartAsync();
        var (_, plaintext) = await host.CreateKeyAsync("tenant-a");
        using var client = host.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", plaintext);
        using var response = await client.GetAsync("Users");
        await AssertUnauthorizedAsync(response, plaintext);
    }

    [Fact]
    public async Task TheRightIdWithAWrongSecretIsRefused()
    {
        await using var host = await ApiKeyTestHost.StartAsync();
        var (_, plaintext) = await host.CreateKeyAsync("tenant-a");
        var forged = plaintext[..23] + (plaintext[23] == 'A' ? 'B' : 'A') + plaintext[24..];
        using var client = host.ClientFor(forged);
        using var response = await client.GetAsync("Users");
        await AssertUnauthorizedAsync(response, forged);
    }

    [Fact]
    public async Task TheKeyCarriesTenantActorAndKeyIdClaims()
    {
        await using var host = await ApiKeyTestHost.StartAsync(map: app =>
        {
            app.MapJostleScim("/scim/v2");
            app.MapGet("/whoami", (ClaimsPrincipal user) => string.Join('|',
                    user.FindFirst("scim:tenant")?.Value,
                    user.FindFirst(ScimApiKeyDefaults.ActorClaimType)?.Value,
                    user.FindFirst(ScimApiKeyDefaults.KeyIdClaimType)?.Value,
                    user.Identity?.Name))
                .RequireAuthorization(new AuthorizationPolicyBuilder(ScimApiKeyDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build());
        });
        var (key, plaintext) = await host.CreateKeyAsync("tenant-a", actor: "azure-bot");
        using var client = host.ClientFor(plaintext);
        Assert.Equal($"tenant-a|azure-bot|{key.KeyId}|azure-bot", await client.GetStringAsync("/whoami"));
    }

    [Fact]
    public async Task ThePlaintextNeverAppearsInLogsListsOrResponsesAfterCreation()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await ApiKeyTestHost.StartAsync(logs);
        var manager = host.Services.GetRequiredService<ScimApiKeyManager>();
        var (key, plaintext) = await host.CreateKeyAsync("tenant-a");
        var secret = plaintext[23..];
        var seen = new List<string>();
        using var client = host.ClientFor(plaintext);

        async Task Send(HttpClient c, HttpMethod method, string path, string? json = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (json is not null)
            {
                request.Content = Body(json);
            }

            using var response = await c.SendAsync(request);
            seen.Add(response.Headers + response.Content.Headers.ToString() + await response.Content.ReadAsStringAsync());
        }

        await Send(client, HttpMethod.Post, "Users", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"logged"}""");
        await Send(client, HttpMethod.Get, "Users?filter=userName%20eq%20%22logged%22");
        await Send(client, HttpMethod.Get, "Users/nope");
        await Send(client, HttpMethod.Post, "Users", "{not json");
        using (var forged = host.ClientFor(plaintext[..23] + new string('A', 43)))
        {
            await Send(forged, HttpMethod.Get, "Users");
        }

        using (var garbled = host.ClientFor(plaintext + "x"))
        {
            await Send(garbled, HttpMethod.Get, "Users");
        }

        await manager.RevokeAsync(key.KeyId);
        await Send(client, HttpMethod.Get, "Users");

        var listed = await manager.ListAsync("tenant-a");
        seen.AddRange(listed.Select(k => string.Join('|', k.KeyId, k.TenantId, k.Actor, k.Description, k.SecretHash, k.ToString())));

        Assert.Contains(logs.Entries, e => e.Contains("[201]", StringComparison.Ordinal)); // the failures were logged…
        Assert.Contains(logs.Entries, e => e.Contains("Trace", StringComparison.Ordinal)); // …at every level
        foreach (var text in seen.Concat(logs.Entries))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnAuthenticatedRequestRecordsWhenTheKeyWasLastUsed()
    {
        await using var host = await ApiKeyTestHost.StartAsync();
        var (key, plaintext) = await host.CreateKeyAsync("tenant-a");
        var manager = host.Services.GetRequiredService<ScimApiKeyManager>();
        Assert.Null(Assert.Single(await manager.ListAsync("tenant-a")).LastUsedAt);
        using var client = host.ClientFor(plaintext);
        using var response = await client.GetAsync("ServiceProviderConfig");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var used = Assert.Single(await manager.ListAsync("tenant-a"));
        Assert.Equal(key.KeyId, used.KeyId);
        Assert.NotNull(used.LastUsedAt);
        Assert.True(used.LastUsedAt >= key.CreatedAt);
    }

    [Fact]
    public async Task CallingAddApiKeysTwiceRegistersTheSchemeOnce()
    {
        await using var host = await ApiKeyTestHost.StartAsync(scim: b => b.AddApiKeys());
        var (_, plaintext) = await host.CreateKeyAsync("tenant-a");
        using var client = host.ClientFor(plaintext);
        using var response = await client.GetAsync("Users");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AHostsOwnKeyStoreIsUsed()
    {
        await using var host = await ApiKeyTestHost.StartAsync(scim: b => b.AddApiKeyStore<RecordingKeyStore>());
        var (_, plaintext) = await host.CreateKeyAsync("tenant-a");
        using var client = host.ClientFor(plaintext);
        using var response = await client.GetAsync("Users");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.IsType<RecordingKeyStore>(host.Services.GetRequiredService<IScimApiKeyStore>());
        Assert.True(((RecordingKeyStore)host.Services.GetRequiredService<IScimApiKeyStore>()).Finds > 0);
    }

    [Fact]
    public async Task AHostsExplicitAuthenticationSchemeIsLeftAlone()
    {
        await using var host = await ApiKeyTestHost.StartAsync(configure: o => o.AuthenticationScheme = TestAuthHandler.SchemeName);
        using var response = await host.Client.GetAsync("Users"); // "Bearer tenant-a" is the test scheme's token
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AKeyStoreThatThrowsIsA500ScimErrorWithoutInternalsAndIsLogged()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await ApiKeyTestHost.StartAsync(logs, scim: b => b.AddApiKeyStore<FailingKeyStore>());
        using var client = host.ClientFor("jscim_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var response = await client.GetAsync("Users");
        var body = await AssertErrorAsync(response, 500, null);
        Assert.DoesNotContain(FailingKeyStore.Secret, body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), body.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(response.Headers.WwwAuthenticate);
        Assert.Contains(logs.Entries, e => e.StartsWith("Error", StringComparison.Ordinal) && e.Contains("[204]", StringComparison.Ordinal) && e.Contains(FailingKeyStore.Secret, StringComparison.Ordinal));
    }

    internal sealed class FailingKeyStore : IScimApiKeyStore
    {
        public const string Secret = "Server=db;Password=hunter2";

        public Task<bool> CreateAsync(ScimApiKey key, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Secret);

        public Task<ScimApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Secret);

        public Task<IReadOnlyList<ScimApiKey>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Secret);

        public Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Secret);

        public Task TouchAsync(string keyId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken = default) => throw new InvalidOperationException(Secret);
    }

    internal sealed class RecordingKeyStore : IScimApiKeyStore
    {
        private readonly InMemoryApiKeyStore _inner = new();

        public int Finds { get; private set; }

        public Task<bool> CreateAsync(ScimApiKey key, CancellationToken cancellationToken = default) => _inner.CreateAsync(key, cancellationToken);

        public Task<ScimApiKey?> FindAsync(string keyId, CancellationToken cancellationToken = default)
        {
            Finds++;
            return _inner.FindAsync(keyId, cancellationToken);
        }

        public Task<IReadOnlyList<ScimApiKey>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default) => _inner.ListAsync(tenantId, cancellationToken);

        public Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) => _inner.RevokeAsync(keyId, revokedAt, cancellationToken);

        public Task TouchAsync(string keyId, DateTimeOffset lastUsedAt, CancellationToken cancellationToken = default) => _inner.TouchAsync(keyId, lastUsedAt, cancellationToken);
    }
}
