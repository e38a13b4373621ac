using System.Net;
using System.Text.Json;

namespace Jostle.Scim.Host.Tests;

/// <summary>
/// The <c>clients</c> commands of the real, built host, run as child processes, and the tokens a running server issues to
/// the clients they create (the client lives in the database: created by one process, used by another).
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class ClientsProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private string[] Database => ["--data", _folder.Data];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ClientsCreateWithJsonPrintsOneObjectWhoseSecretClientsListNeverShows()
    {
        var created = await HostProcess.RunAsync(_folder.Path, "clients", "create", "--tenant", "acme", "--description", "Entra ID", "--json", "--data", _folder.Data, "--public-url", "https://scim.example.com");
        var text = await HostProcess.RunAsync(_folder.Path, ["clients", "list", .. Database]);
        var json = await HostProcess.RunAsync(_folder.Path, ["clients", "list", "--json", .. Database]);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Single(created.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var document = JsonDocument.Parse(created.StandardOutput); // throws on anything but one JSON value
        var root = document.RootElement;
        Assert.Equal(["clientId", "clientSecret", "tokenUrl", "baseUrl", "expires"], root.EnumerateObject().Select(p => p.Name));
        var clientId = root.GetProperty("clientId").GetString()!;
        var secret = root.GetProperty("clientSecret").GetString()!;
        Assert.Matches("^jsc_[0-9a-f]{16}$", clientId);
        Assert.Matches("^jscs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(("https://scim.example.com/scim/v2", "https://scim.example.com/scim/v2/oauth/token"), (root.GetProperty("baseUrl").GetString(), root.GetProperty("tokenUrl").GetString()));
        var expires = root.GetProperty("expires").GetDateTimeOffset();
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddDays(364), DateTimeOffset.UtcNow.AddDays(366));
        Assert.Equal(1, CountOf(secret[^43..], created.StandardOutput + created.StandardError));
        foreach (var listed in new[] { text, json })
        {
            Assert.True(listed.ExitCode == 0, listed.ToString());
            Assert.Contains(clientId, listed.StandardOutput, StringComparison.Ordinal);
            Assert.Contains(HostOAuth.SecretIdOf(secret), listed.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[^43..], listed.StandardOutput + listed.StandardError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASecretFromClientsCreateGetsTokensByBasicAndByPostThatWorkOnUsers()
    {
        var client = await HostOAuth.CreateClientAsync(_folder.Path, Database, "acme");
        await using var host = await HostProcess.StartServerAsync(_folder);

        foreach (var method in new[] { ClientAuthentication.Basic, ClientAuthentication.Post })
        {
            var token = await HostOAuth.TokenAsync(host, client.ClientId, client.ClientSecret, method);
            Assert.Equal((HttpStatusCode.OK, false), await HostOAuth.GetUsersAsync(host, token));
        }
    }

    [Fact]
    public async Task AfterARotationBothSecretsGetTokensAndRevokingTheOldOneLeavesTheNewOneWorking()
    {
        var client = await HostOAuth.CreateClientAsync(_folder.Path, Database, "acme");
        var (_, newSecret) = await HostOAuth.AddSecretAsync(_folder.Path, Database, client.ClientId);
        await using var host = await HostProcess.StartServerAsync(_folder);
        var oldToken = await HostOAuth.TokenAsync(host, client.ClientId, client.ClientSecret);
        var newToken = await HostOAuth.TokenAsync(host, client.ClientId, newSecret);
        Assert.Equal((HttpStatusCode.OK, false), await HostOAuth.GetUsersAsync(host, oldToken));

        var revoked = await HostProcess.RunAsync(_folder.Path, ["clients", "secret", "revoke", client.ClientId, HostOAuth.SecretIdOf(client.ClientSecret), .. Database]);

        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.Equal((HttpStatusCode.Unauthorized, true), await HostOAuth.GetUsersAsync(host, oldToken));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), await HostOAuth.TokenErrorAsync(host, client.ClientId, client.ClientSecret));
        Assert.Equal((HttpStatusCode.OK, false), await HostOAuth.GetUsersAsync(host, newToken));
        Assert.Equal((HttpStatusCode.OK, false), await HostOAuth.GetUsersAsync(host, await HostOAuth.TokenAsync(host, client.ClientId, newSecret)));
    }

    [Fact]
    public async Task APastedSecretIsNeverEchoedInAnError()
    {
        var secret = "jscs_0123456789abcdef_" + new string('Q', 43);

        var asClient = await HostProcess.RunAsync(_folder.Path, "clients", "revoke", secret);
        var unknown = await HostProcess.RunAsync(_folder.Path, ["clients", "secret", "revoke", "jsc_0123456789abcdef", secret, .. Database]);

        Assert.Equal((2, 1), (asClient.ExitCode, unknown.ExitCode));
        Assert.Contains("'CLIENT' is a client secret, not a client id", asClient.StandardError, StringComparison.Ordinal);
        Assert.Contains("No OAuth client has the id 'jsc_0123456789abcdef'.", unknown.StandardError, StringComparison.Ordinal);
        foreach (var result in new[] { asClient, unknown })
        {
            Assert.DoesNotContain("QQQQ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        }
    }

    private static int CountOf(string part, string text) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
