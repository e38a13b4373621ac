using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.OAuth;
using Jostle.Scim.Tests.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Jostle.Scim.Tests.OAuth;

/// <summary>A <see cref="ScimTestHost"/> with API keys, OAuth clients and the provisioning log, on a <see cref="FakeTimeProvider"/>.</summary>
internal static class OAuthTestHost
{
    public const string TokenPath = "oauth/token";

    public static Task<ScimTestHost> StartAsync(
        FakeTimeProvider? time = null,
        Action<ScimOAuthOptions>? oauth = null,
        CapturingLoggerProvider? logs = null,
        Action<IServiceCollection>? services = null,
        Action<JostleScimOptions>? configure = null) =>
        ApiKeyTestHost.StartAsync(
            logs,
            configure,
            b => b.AddOAuthClients(oauth).AddProvisioningLog(),
            s =>
            {
                if (time is not null)
                {
                    s.AddSingleton<TimeProvider>(time);
                }

                services?.Invoke(s);
            });

    public static ScimOAuthClientManager Clients(this ScimTestHost host) => host.Services.GetRequiredService<ScimOAuthClientManager>();

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Posts a token request with client_secret_basic.</summary>
    public static async Task<HttpResponseMessage> RequestWithBasicAsync(this ScimTestHost host, string clientId, string secret, string? baseAddress = null)
    {
        using var client = host.ClientFor(null);
        if (baseAddress is not null)
        {
            client.BaseAddress = new Uri(baseAddress);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath) { Content = Form(("grant_type", "client_credentials")) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + secret)));
        return await client.SendAsync(request);
    }

    /// <summary>Posts a token request with client_secret_post.</summary>
    public static async Task<HttpResponseMessage> RequestWithPostAsync(this ScimTestHost host, string clientId, string secret)
    {
        using var client = host.ClientFor(null);
        return await client.PostAsync(TokenPath, Form(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret)));
    }

    public static async Task<string> TokenOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("Bearer", json["token_type"]!.GetValue<string>());
        return json["access_token"]!.GetValue<string>();
    }

    public static async Task<string> BasicTokenAsync(this ScimTestHost host, string clientId, string secret)
    {
        using var response = await host.RequestWithBasicAsync(clientId, secret);
        return await TokenOfAsync(response);
    }

    /// <summary>Asserts an RFC 6749 §5.2 error body and returns it.</summary>
    public static async Task<JsonObject> AssertOAuthErrorAsync(HttpResponseMessage response, int status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["error_description"]?.GetValue<string>()));
        return body;
    }
}
