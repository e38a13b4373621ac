using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Jostle.Scim.Host.Tests;

/// <summary>How a test client authenticates at the token endpoint.</summary>
public enum ClientAuthentication
{
    /// <summary><c>client_secret_basic</c>: an <c>Authorization: Basic</c> header.</summary>
    Basic,

    /// <summary><c>client_secret_post</c>: <c>client_id</c> and <c>client_secret</c> in the form.</summary>
    Post,
}

/// <summary>An OAuth client as <c>clients create --json</c> printed it.</summary>
public sealed record CreatedClient(string ClientId, string ClientSecret, string TokenUrl, string BaseUrl);

/// <summary>OAuth clients made by the command line, and tokens from a running host's token endpoint.</summary>
internal static class HostOAuth
{
    /// <summary>Runs <c>clients create --json</c> with the given database options and reads what it printed.</summary>
    public static async Task<CreatedClient> CreateClientAsync(string workingDirectory, IReadOnlyList<string> databaseOptions, string tenant)
    {
        var result = await HostProcess.RunAsync(workingDirectory, ["clients", "create", "--tenant", tenant, "--description", "Entra ID", "--json", .. databaseOptions]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        return new CreatedClient(root.GetProperty("clientId").GetString()!, root.GetProperty("clientSecret").GetString()!, root.GetProperty("tokenUrl").GetString()!, root.GetProperty("baseUrl").GetString()!);
    }

    /// <summary>Runs <c>clients secret add CLIENT --json</c> and returns the secret id and the secret.</summary>
    public static async Task<(string Id, string Secret)> AddSecretAsync(string workingDirectory, IReadOnlyList<string> databaseOptions, string clientId)
    {
        var result = await HostProcess.RunAsync(workingDirectory, ["clients", "secret", "add", clientId, "--json", .. databaseOptions]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return (json.RootElement.GetProperty("secretId").GetString()!, json.RootElement.GetProperty("clientSecret").GetString()!);
    }

    /// <summary>The id a secret carries (<c>jscs_&lt;id&gt;_…</c>).</summary>
    public static string SecretIdOf(string secret) => secret.Split('_')[1];

    /// <summary>Asks the host's token endpoint for an access token; returns the status and the body.</summary>
    public static async Task<(HttpStatusCode Status, string Body)> RequestTokenAsync(HostProcess host, string clientId, string secret, ClientAuthentication method)
    {
        using var http = new HttpClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.ScimAddress, "oauth/token"));
        if (method == ClientAuthentication.Basic)
        {
            var pair = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            form["client_id"] = clientId;
            form["client_secret"] = secret;
        }

        request.Content = new FormUrlEncodedContent(form);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An access token from the host's token endpoint; fails the test when there is none.</summary>
    public static async Task<string> TokenAsync(HostProcess host, string clientId, string secret, ClientAuthentication method = ClientAuthentication.Basic)
    {
        var (status, body) = await RequestTokenAsync(host, clientId, secret, method);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}\n{host.Output}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString(), ignoreCase: true);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The token endpoint's <c>error</c> for these credentials (status and error code).</summary>
    public static async Task<(HttpStatusCode Status, string? Error)> TokenErrorAsync(HostProcess host, string clientId, string secret)
    {
        var (status, body) = await RequestTokenAsync(host, clientId, secret, ClientAuthentication.Basic);
        using var json = JsonDocument.Parse(body);
        return (status, json.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null);
    }

    /// <summary><c>GET /scim/v2/Users?count=1</c> with an access token: the status and whether the challenge says <c>invalid_token</c>.</summary>
    public static async Task<(HttpStatusCode Status, bool InvalidToken)> GetUsersAsync(HostProcess host, string token)
    {
        using var http = ServerProcessTests.Client(host, token);
        using var response = await http.GetAsync("Users?count=1");
        var invalidToken = response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer" && h.Parameter?.Contains("error=\"invalid_token\"", StringComparison.Ordinal) == true);
        return (response.StatusCode, invalidToken);
    }
}
