using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Jostle.Scim.Host.Tests;

/// <summary>The server as it is deployed: behind a public address and a reverse proxy, with failure notifications on.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class DeploymentProcessTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string UserBody = """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{0}"}""";

    [Fact]
    public async Task AForwardedRequestFromATrustedProxyGetsThePublicLocation()
    {
        await using var host = await HostProcess.StartServerAsync(fixture.Folder, "--trusted-proxy", "127.0.0.1");

        var (location, metaLocation) = await CreateUserAsync(host, "proxied@example.com", forwarded: true);

        Assert.StartsWith("https://scim.example.com/scim/v2/Users/", location, StringComparison.Ordinal);
        Assert.Equal(location, metaLocation);
    }

    [Fact]
    public async Task AnUntrustedSenderCannotSpoofTheLocationWithForwardedHeadersNotEvenFromLoopback()
    {
        await using var host = await HostProcess.StartServerAsync(fixture.Folder, "--trusted-proxy", "10.0.0.5");

        var (location, metaLocation) = await CreateUserAsync(host, "spoofer@example.com", forwarded: true);

        Assert.StartsWith(host.ScimAddress + "Users/", location, StringComparison.Ordinal);
        Assert.Equal(location, metaLocation);
    }

    [Fact]
    public async Task ThePublicUrlIsWhatLocationsAndTheStartUpLineShow()
    {
        await using var host = await HostProcess.StartServerAsync(fixture.Folder, "--public-url", "https://scim.example.org");

        var (location, metaLocation) = await CreateUserAsync(host, "public@example.com", forwarded: false);

        Assert.StartsWith("https://scim.example.org/scim/v2/Users/", location, StringComparison.Ordinal);
        Assert.Equal(location, metaLocation);
        Assert.Contains("SCIM server listening at https://scim.example.org/scim/v2", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreateShowsThePublicUrlAsTheBaseUrl()
    {
        var result = await HostProcess.RunAsync(fixture.Folder.Path, "keys", "create", "--tenant", "acme", "--description", "x", "--json", "--data", fixture.Folder.Data, "--public-url", "https://scim.example.com");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("https://scim.example.com/scim/v2", JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("baseUrl").GetString());
    }

    [Fact]
    public async Task AKeyNoDatabaseKnowsGetsA401ThatSaysTheKeyIsUnknown()
    {
        await using var host = await HostProcess.StartServerAsync(fixture.Folder);
        using var http = ServerProcessTests.Client(host, "jscim_0123456789abcdef_" + new string('A', 43));

        using var response = await http.GetAsync("Users");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.StartsWith("The provisioning token was received, but the API key is unknown to this server", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailureDigestsAreEmailedThroughTheSmtpServer()
    {
        using var smtp = new SmtpSink();
        await using var host = await HostProcess.StartServerAsync(fixture.Folder,
            "--smtp", $"127.0.0.1:{smtp.Port}", "--notify-email-from", "scim@example.com", "--notify-email-to", "ops@example.com", "--digest-interval", "1s");
        using var http = ServerProcessTests.Client(host, Key());

        using var bad = await http.PostAsync("Users", new StringContent("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}""", Encoding.UTF8, "application/scim+json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var message = await smtp.NextMessageAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("MAIL FROM:<scim@example.com>", message.Envelope, StringComparison.Ordinal);
        Assert.Contains("RCPT TO:<ops@example.com>", message.Envelope, StringComparison.Ordinal);
        Assert.Contains("Subject: SCIM provisioning: 1 failed operation(s) for tenant 'acme'", message.Data, StringComparison.Ordinal);
        Assert.Contains("Create User -> 400", message.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailureDigestsArePostedToTheWebhook()
    {
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        await using var host = await HostProcess.StartServerAsync(fixture.Folder, "--notify-webhook", $"http://127.0.0.1:{port}/hook/", "--digest-interval", "1s");
        using var http = ServerProcessTests.Client(host, Key());

        using var bad = await http.PostAsync("Users", new StringContent("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}""", Encoding.UTF8, "application/scim+json"));
        var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var reader = new StreamReader(context.Request.InputStream);
        var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement;
        context.Response.StatusCode = 204;
        context.Response.Close();

        Assert.Equal(("provisioningFailureDigest", "acme"), (body.GetProperty("type").GetString(), body.GetProperty("tenant").GetString()));
    }

    [Fact]
    public async Task AnAddressInUseIsNamedWithAHintAboutUrlsAndNoStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var result = await HostProcess.RunAsync(fixture.Folder.Path, "--data", fixture.Folder.Data, "--urls", url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Failed to bind to address {url}: address already in use.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--urls", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    private string Key()
    {
        Assert.True(fixture.KeyCreation.ExitCode == 0, fixture.KeyCreation.ToString());
        return fixture.Key;
    }

    private async Task<(string Location, string MetaLocation)> CreateUserAsync(HostProcess host, string userName, bool forwarded)
    {
        using var http = ServerProcessTests.Client(host, Key());
        using var request = new HttpRequestMessage(HttpMethod.Post, "Users")
        {
            Content = new StringContent(UserBody.Replace("{0}", userName, StringComparison.Ordinal), Encoding.UTF8, "application/scim+json"),
        };
        if (forwarded)
        {
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-Host", "scim.example.com");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}\n{host.Output}");
        var meta = JsonDocument.Parse(text).RootElement.GetProperty("meta").GetProperty("location").GetString()!;
        return (response.Headers.Location!.ToString(), meta);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A tiny SMTP server on loopback that accepts every message (no TLS, no auth) and hands it to the test.</summary>
internal sealed class SmtpSink : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly System.Threading.Channels.Channel<(string Envelope, string Data)> _messages = System.Threading.Channels.Channel.CreateUnbounded<(string, string)>();
    private readonly CancellationTokenSource _stop = new();

    public SmtpSink()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task<(string Envelope, string Data)> NextMessageAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _messages.Reader.ReadAsync(cts.Token);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 sink ESMTP");
            var envelope = new StringBuilder();
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 sink");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } d && d != ".")
                        {
                            data.AppendLine(d);
                        }

                        await writer.WriteLineAsync("250 queued");
                        _messages.Writer.TryWrite((envelope.ToString(), data.ToString()));
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        envelope.AppendLine(line);
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
    }
}
