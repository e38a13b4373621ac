using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Jostle.Scim.Host.Tests;

/// <summary>Process tests run one at a time: each starts the real host, and the machine has few cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostProcessCollection
{
    public const string Name = "host processes";
}

/// <summary>The command line of the real, built host, run as a child process.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class CommandLineProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task KeysCreateWithJsonPrintsExactlyOneJsonObjectAndNothingElseOnStandardOutput()
    {
        var result = await HostProcess.RunAsync(_folder.Path, "keys", "create", "--tenant", "acme", "--description", "Entra ID", "--json", "--data", _folder.Data, "--urls", "http://127.0.0.1:5099");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var document = JsonDocument.Parse(result.StandardOutput); // throws on anything but one JSON value
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(["id", "key", "tenant", "baseUrl"], root.EnumerateObject().Select(p => p.Name));
        Assert.Matches("^[0-9a-f]{16}$", root.GetProperty("id").GetString());
        Assert.Matches("^jscim_" + root.GetProperty("id").GetString() + "_[A-Za-z0-9_-]{43}$", root.GetProperty("key").GetString());
        Assert.Equal("acme", root.GetProperty("tenant").GetString());
        Assert.Equal("http://127.0.0.1:5099/scim/v2", root.GetProperty("baseUrl").GetString());
        Assert.True(File.Exists(Path.Combine(_folder.Data, "scim.db")), "The command creates the data folder and the database.");
    }

    [Fact]
    public async Task RevokingAnUnknownKeyIdExitsWithOneAndSaysSo()
    {
        var result = await HostProcess.RunAsync(_folder.Path, "keys", "revoke", "0123456789abcdef", "--data", _folder.Data);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Contains("No API key has the id '0123456789abcdef'.", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus", "error: Unrecognized command or argument '--bogus'.", "See 'Jostle.Scim.Host --help'.")]
    [InlineData("keys list --failed", "error: Unrecognized command or argument '--failed'.", "See 'Jostle.Scim.Host keys list --help'.")]
    [InlineData("frobnicate", "error: Unrecognized command or argument 'frobnicate'.", "See 'Jostle.Scim.Host --help'.")]
    [InlineData("keys create --tenant acme", "error: Option '--description' is required.", "See 'Jostle.Scim.Host keys create --help'.")]
    [InlineData("clients create --tenant acme", "error: Option '--description' is required.", "See 'Jostle.Scim.Host clients create --help'.")]
    [InlineData("clients secret add", "error: Required argument 'CLIENT' missing for command: 'add'.", "See 'Jostle.Scim.Host clients secret add --help'.")]
    [InlineData("clients revoke acme", "error: 'CLIENT' must be a client id: jsc_ and 16 hex digits, as 'clients list' shows.", "See 'Jostle.Scim.Host clients revoke --help'.")]
    [InlineData("clients secret add jsc_0123456789abcdef --expires 5y", "error: '--expires' must be a date (2027-06-30), a date-time or a duration from now (90d), not '5y'.", "See 'Jostle.Scim.Host clients secret add --help'.")]
    [InlineData("clients trust --tenant acme --issuer i --subject s --audience a", "error: Give exactly one of '--jwks-url URL' and '--jwks-file PATH'.", "See 'Jostle.Scim.Host clients trust --help'.")]
    [InlineData("clients list --user x", "error: Unrecognized command or argument '--user'.", "See 'Jostle.Scim.Host clients list --help'.")]
    public async Task ACommandLineThatCannotBeUnderstoodExitsWithTwoAndPointsAtHelpOnStandardError(string args, string message, string hint)
    {
        var result = await HostProcess.RunAsync(_folder.Path, args.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.StartsWith(message, result.StandardError, StringComparison.Ordinal);
        Assert.Contains(hint, result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.Data), "Nothing is created for a command line that is not understood.");
    }

    [Theory]
    [InlineData("--help", "Jostle.Scim.Host [command] [options]", "--trusted-proxy")]
    [InlineData("keys --help", "Jostle.Scim.Host keys [command] [options]", "revoke <ID>")]
    [InlineData("keys revoke --help", "Jostle.Scim.Host keys revoke <ID> [options]", "Revokes a key")]
    [InlineData("keys create --help", "Jostle.Scim.Host keys create [options]", "--new-tenant")]
    [InlineData("log --help", "Jostle.Scim.Host log [options]", "--since <WHEN>")]
    [InlineData("clients --help", "Jostle.Scim.Host clients [command] [options]", "revoke <CLIENT>")]
    [InlineData("clients secret add --help", "Jostle.Scim.Host clients secret add <CLIENT> [options]", "--expires <WHEN>")]
    [InlineData("clients trust --help", "Jostle.Scim.Host clients trust [options]", "--jwks-file <PATH>")]
    public async Task EachCommandPrintsItsOwnHelp(string args, string usage, string mentions)
    {
        var result = await HostProcess.RunAsync(_folder.Path, args.Split(' '));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(usage, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(mentions, result.StandardOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.Data));
    }

    [Fact]
    public async Task VersionPrintsTheVersion()
    {
        var result = await HostProcess.RunAsync(_folder.Path, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.StandardOutput);
    }

    [Fact]
    public async Task EveryCommandSaysOnStandardErrorWhichDatabaseItUsedAndWhetherItJustCreatedIt()
    {
        var first = await HostProcess.RunAsync(_folder.Path, "keys", "list", "--json", "--data", _folder.Data);
        var second = await HostProcess.RunAsync(_folder.Path, "keys", "list", "--json", "--data", _folder.Data);

        var database = Path.Combine(_folder.Data, "scim.db");
        Assert.Equal("[]", first.StandardOutput.Trim());
        Assert.StartsWith($"Database: SQLite {database} (new and empty: created by this command;", first.StandardError, StringComparison.Ordinal);
        Assert.Equal($"Database: SQLite {database}", second.StandardError.Trim());
    }

    [Fact]
    public async Task AnUnreachablePostgresServerIsNamedByHostAndPortWithoutAStackTrace()
    {
        var result = await HostProcess.RunAsync(_folder.Path, "keys", "list", "--postgres", "Host=127.0.0.1;Port=1;Username=x;Password=secret-pw;Timeout=3");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
        Assert.Contains("127.0.0.1:1", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Connection refused", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnwritableDataFolderIsNamed()
    {
        var blocker = Path.Combine(_folder.Path, "file");
        await File.WriteAllTextAsync(blocker, "not a folder");

        var result = await HostProcess.RunAsync(_folder.Path, "keys", "list", "--data", Path.Combine(blocker, "data"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Cannot create the data folder {Path.Combine(blocker, "data")}", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>Needs the EF Core API key store (keys must outlive the process that created them).</summary>
    [Fact]
    public async Task AKeyCreatedByOneCommandIsListedWithoutItsSecretAndRevokedByTheNext()
    {
        var created = await HostProcess.RunAsync(_folder.Path, "keys", "create", "--tenant", "acme", "--description", "Azure", "--json", "--data", _folder.Data);
        using var key = JsonDocument.Parse(created.StandardOutput);
        var id = key.RootElement.GetProperty("id").GetString()!;
        var secret = key.RootElement.GetProperty("key").GetString()!;

        var listed = await HostProcess.RunAsync(_folder.Path, "keys", "list", "--json", "--data", _folder.Data);
        var revoked = await HostProcess.RunAsync(_folder.Path, "keys", "revoke", id, "--data", _folder.Data);

        var entry = Assert.Single(JsonDocument.Parse(listed.StandardOutput).RootElement.EnumerateArray());
        Assert.Equal(id, entry.GetProperty("id").GetString());
        Assert.DoesNotContain(secret[^43..], listed.StandardOutput, StringComparison.Ordinal);
        Assert.True(revoked.ExitCode == 0, revoked.ToString()); // an id this process never saw: unknown would exit 1
    }
}

/// <summary>
/// One data folder and one API key for the server tests, the key created by the command line in its own process (so
/// starting a test's server proves that keys reach the server through the database). Each test writes users of its own.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public TempFolder Folder { get; } = new();

    public CliResult KeyCreation { get; private set; } = null!;

    /// <summary>The plaintext key, or an invalid one when creation failed (the test that checks creation says why).</summary>
    public string Key { get; private set; } = "";

    public async Task InitializeAsync()
    {
        KeyCreation = await HostProcess.RunAsync(Folder.Path, "keys", "create", "--tenant", "acme", "--description", "test", "--json", "--data", Folder.Data);
        if (KeyCreation.ExitCode == 0)
        {
            using var json = JsonDocument.Parse(KeyCreation.StandardOutput);
            Key = json.RootElement.GetProperty("key").GetString()!;
        }
    }

    public Task DisposeAsync()
    {
        Folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The real, built server, run as a child process.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class ServerProcessTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int Writers = 8;
    private const int AcknowledgedBeforeStop = 25;
    private readonly TempFolder _folder = fixture.Folder;

    [Fact]
    public async Task HealthAnswers200AndAnInvalidKeyGetsA401ScimError()
    {
        await using var host = await HostProcess.StartServerAsync(_folder);
        using var http = new HttpClient();

        using var health = await http.GetAsync(new Uri(host.Address, "health"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.ScimAddress, "Users"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "jscim_0123456789abcdef_" + new string('A', 43));
        using var refused = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/scim+json", refused.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", body.RootElement.GetProperty("schemas")[0].GetString());
        Assert.Equal("401", body.RootElement.GetProperty("status").GetString());
        Assert.Contains("SCIM server listening at " + host.ScimAddress.ToString().TrimEnd('/'), host.Output, StringComparison.Ordinal);
        Assert.Contains("keys create --tenant NAME --description \\u0022Entra ID\\u0022 --data " + _folder.Data, host.Output, StringComparison.Ordinal);
        foreach (var logLine in host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var record = JsonDocument.Parse(logLine); // not a terminal: structured (JSON) console logs
            Assert.True(record.RootElement.TryGetProperty("Category", out _), logLine);
        }
    }

    /// <summary>Needs the EF Core API key store: the key is created by the command line, in another process.</summary>
    [Fact]
    public async Task AKeyCreatedOnTheCommandLineAuthenticatesAgainstTheRunningServer()
    {
        var key = await CreateKeyAsync();
        await using var host = await HostProcess.StartServerAsync(_folder);
        using var http = Client(host, key);

        using var response = await http.GetAsync("Users?count=1");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{host.Output}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", body.RootElement.GetProperty("schemas")[0].GetString());
    }

    /// <summary>
    /// The server keeps a verified key in memory under the database's key revision: after many requests with a key (so
    /// it is surely cached), <c>keys revoke</c> in another process still gets the very next request refused, and a
    /// second key of the same server is not disturbed.
    /// </summary>
    [Fact]
    public async Task AKeyRevokedOnTheCommandLineAfterManyRequestsIsRefusedOnTheNextRequest()
    {
        var created = await HostProcess.RunAsync(_folder.Path, "keys", "create", "--tenant", "acme", "--description", "revoke me", "--json", "--data", _folder.Data);
        Assert.True(created.ExitCode == 0, created.ToString());
        using var json = JsonDocument.Parse(created.StandardOutput);
        var (id, key) = (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("key").GetString()!);
        await using var host = await HostProcess.StartServerAsync(_folder);
        using var http = Client(host, key);
        using var other = Client(host, await CreateKeyAsync());
        for (var i = 0; i < 20; i++)
        {
            using var warm = await http.GetAsync("Users?count=1");
            Assert.True(warm.StatusCode == HttpStatusCode.OK, $"{(int)warm.StatusCode}\n{host.Output}");
        }

        var revoked = await HostProcess.RunAsync(_folder.Path, "keys", "revoke", id, "--data", _folder.Data);

        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        using var next = await http.GetAsync("Users?count=1");
        Assert.Equal(HttpStatusCode.Unauthorized, next.StatusCode);
        using var stillValid = await other.GetAsync("Users?count=1");
        Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
    }

    /// <summary>Needs the EF Core API key store (the key is created by the command line).</summary>
    [Fact]
    public async Task OnSigtermEveryAcknowledgedWriteSurvivesAndTheProcessExitsWithZero()
    {
        var key = await CreateKeyAsync();

        await SigtermDuringWriteLoadLosesNothingAsync(() => HostProcess.StartServerAsync(_folder), key, "term");
    }

    /// <summary>
    /// Needs the EF Core API key store (the key is created by the command line). SIGKILL gives the process no chance to
    /// flush anything: what makes the acknowledged writes survive is that each was a committed SQLite transaction in the
    /// WAL before its 201 was sent (see ScimComposition for the synchronous mode).
    /// </summary>
    [Fact]
    public async Task OnSigkillEveryWriteAcknowledgedBeforeTheKillSurvivesARestart()
    {
        var key = await CreateKeyAsync();
        var acknowledged = new ConcurrentDictionary<string, string>();
        Dictionary<string, string> beforeKill;
        await using (var host = await HostProcess.StartServerAsync(_folder))
        {
            var load = WriteLoadAsync(host, key, acknowledged, "kill");
            await WaitForAsync(() => acknowledged.Count >= AcknowledgedBeforeStop, load, host);
            host.Kill();
            await host.WaitForExitAsync(TimeSpan.FromSeconds(10));
            beforeKill = new Dictionary<string, string>(acknowledged); // every 201 received; none can arrive after the kill
            await load;
        }

        Assert.Equal(beforeKill.Count, acknowledged.Count);
        await AssertAllPresentAfterRestartAsync(() => HostProcess.StartServerAsync(_folder), key, acknowledged);
    }

    /// <summary>
    /// Group member PATCHes share SQLite's group commit (one transaction for the ones waiting): each is answered only
    /// after that commit, so every member added by a PATCH answered before a SIGKILL is in its group after a restart.
    /// </summary>
    [Fact]
    public async Task OnSigkillEveryMemberAddAcknowledgedBeforeTheKillSurvivesARestart()
    {
        var key = await CreateKeyAsync();
        const int Users = 400;
        var acknowledged = new ConcurrentDictionary<string, string>(); // member id -> group id
        string[] groups;
        await using (var host = await HostProcess.StartServerAsync(_folder))
        {
            using var http = Client(host, key);
            groups = [await CreateAsync(http, "Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"kill-members-a"}"""),
                await CreateAsync(http, "Groups", """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"kill-members-b"}""")];
            var users = new List<string>();
            for (var i = 0; i < Users; i++)
            {
                users.Add(await CreateAsync(http, "Users", $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"member-{{i}}@example.com"}"""));
            }

            var next = -1;
            var load = Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
            {
                using var writer = Client(host, key);
                for (var i = Interlocked.Increment(ref next); i < Users; i = Interlocked.Increment(ref next))
                {
                    var group = groups[i % 2];
                    var body = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{users[i]}}"}]}]}""";
                    try
                    {
                        using var response = await writer.PatchAsync($"Groups/{group}", new StringContent(body, Encoding.UTF8, "application/scim+json"));
                        if (!response.IsSuccessStatusCode)
                        {
                            return;
                        }

                        acknowledged[users[i]] = group;
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                    {
                        return; // the server died
                    }
                }
            }));
            await WaitForAsync(() => acknowledged.Count >= AcknowledgedBeforeStop, load, host);
            host.Kill();
            await host.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await load;
        }

        Assert.NotEmpty(acknowledged);
        await using var restarted = await HostProcess.StartServerAsync(_folder);
        using var client = Client(restarted, key);
        foreach (var group in groups)
        {
            using var response = await client.GetAsync($"Groups/{group}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var members = document.RootElement.TryGetProperty("members", out var m) ? m.EnumerateArray().Select(x => x.GetProperty("value").GetString()!).ToHashSet() : [];
            var expected = acknowledged.Where(a => a.Value == group).Select(a => a.Key).ToList();
            var missing = expected.Where(id => !members.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Count} acknowledged members of {group} are missing");
        }
    }

    private static async Task<string> CreateAsync(HttpClient http, string endpoint, string body)
    {
        using var response = await http.PostAsync(endpoint, new StringContent(body, Encoding.UTF8, "application/scim+json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return created.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>
    /// docs/resilience.md, "SIGKILL during Bulk": the operations of a Bulk request run in order, each committed on its own.
    /// Killed mid-way, what survives a restart is a prefix of the operations (if user k is there, so is every user before
    /// it) and each survivor is a complete resource (every attribute the operation sent), never half of one.
    /// </summary>
    [Fact]
    public async Task OnSigkillDuringBulkTheSurvivorsAreCompleteResourcesAndAPrefixOfTheOperations()
    {
        var key = await CreateKeyAsync();
        const int Count = 1000;
        var operations = string.Join(",", Enumerable.Range(0, Count).Select(i => $$$"""
            {"method":"POST","path":"/Users","bulkId":"b{{{i}}}","data":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bulk-{{{i:D4}}}@example.com","title":"T{{{i}}}","name":{"givenName":"G{{{i}}}","familyName":"F{{{i}}}"},"emails":[{"value":"bulk-{{{i:D4}}}@example.com","type":"work","primary":true}]}}
            """));
        var body = $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{{operations}}]}""";
        await using (var host = await HostProcess.StartServerAsync(_folder))
        {
            using var http = Client(host, key);
            var bulk = http.PostAsync("Bulk", new StringContent(body, Encoding.UTF8, "application/scim+json"));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                // Mid-way: the 20th user exists, while the Bulk request is still running.
                using var probe = await http.GetAsync("Users?count=0&filter=" + Uri.EscapeDataString("userName eq \"bulk-0019@example.com\""));
                using var found = JsonDocument.Parse(await probe.Content.ReadAsStringAsync());
                if (found.RootElement.GetProperty("totalResults").GetInt32() == 1)
                {
                    break;
                }

                Assert.False(bulk.IsCompleted, "The Bulk request finished before the kill.\n" + host.Output);
                Assert.True(DateTime.UtcNow < deadline, "The Bulk request made no progress.\n" + host.Output);
                await Task.Delay(10);
            }

            host.Kill();
            await host.WaitForExitAsync(TimeSpan.FromSeconds(10));
            var answered = false;
            try
            {
                using var response = await bulk;
                answered = true;
            }
            catch (HttpRequestException)
            {
                // No response: the client cannot know how far the request went.
            }

            Assert.False(answered, "The Bulk request was answered although the server was killed during it.");
        }

        await using var restarted = await HostProcess.StartServerAsync(_folder);
        using var client = Client(restarted, key);
        var present = new SortedSet<int>();
        for (var start = 1; ; start += 200)
        {
            using var page = await client.GetAsync($"Users?startIndex={start}&count=200&filter=" + Uri.EscapeDataString("userName sw \"bulk-\""));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            using var list = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
            var resources = list.RootElement.TryGetProperty("Resources", out var r) ? r.EnumerateArray().ToList() : [];
            foreach (var user in resources)
            {
                var userName = user.GetProperty("userName").GetString()!;
                var i = int.Parse(userName.AsSpan(5, 4), System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(present.Add(i), $"{userName} twice");
                Assert.Equal($"T{i}", user.GetProperty("title").GetString());
                Assert.Equal($"G{i}", user.GetProperty("name").GetProperty("givenName").GetString());
                Assert.Equal($"F{i}", user.GetProperty("name").GetProperty("familyName").GetString());
                Assert.Equal(userName, user.GetProperty("emails")[0].GetProperty("value").GetString());
            }

            if (resources.Count < 200)
            {
                break;
            }
        }

        Assert.InRange(present.Count, 20, Count - 1);
        Assert.Equal(Enumerable.Range(0, present.Count), present); // a prefix: no gap
    }

    /// <summary>
    /// Starts a server, drives a write load, sends SIGTERM once enough writes are acknowledged, and checks the process
    /// exits with 0 after finishing its requests and that every acknowledged user is there after a restart.
    /// </summary>
    internal static async Task SigtermDuringWriteLoadLosesNothingAsync(Func<Task<HostProcess>> start, string key, string prefix)
    {
        var acknowledged = new ConcurrentDictionary<string, string>();
        int exitCode;
        await using (var host = await start())
        {
            var load = WriteLoadAsync(host, key, acknowledged, prefix);
            await WaitForAsync(() => acknowledged.Count >= AcknowledgedBeforeStop, load, host);
            host.Terminate();
            exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await load;
            Assert.True(exitCode == 0, $"exit {exitCode}\n{host.Output}");
            Assert.Contains("SCIM server stopped; requests in flight finished.", host.Output, StringComparison.Ordinal);
        }

        await AssertAllPresentAfterRestartAsync(start, key, acknowledged);
    }

    private Task<string> CreateKeyAsync()
    {
        Assert.True(fixture.KeyCreation.ExitCode == 0, fixture.KeyCreation.ToString());
        return Task.FromResult(fixture.Key);
    }

    /// <summary>Several writers POST users until the server goes away; every 201 is recorded (id → userName).</summary>
    private static Task WriteLoadAsync(HostProcess host, string key, ConcurrentDictionary<string, string> acknowledged, string prefix)
    {
        var next = 0;
        async Task Writer(HttpClient http)
        {
            while (true)
            {
                var userName = $"{prefix}-{Interlocked.Increment(ref next)}@example.com";
                var body = $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}","name":{"givenName":"G","familyName":"F"},"active":true}""";
                try
                {
                    using var response = await http.PostAsync("Users", new StringContent(body, Encoding.UTF8, "application/scim+json"));
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        return; // a server shutting down may refuse; only 201s are promises
                    }

                    using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    acknowledged[created.RootElement.GetProperty("id").GetString()!] = userName;
                }
                catch (HttpRequestException)
                {
                    return; // the server stopped or died
                }
                catch (IOException)
                {
                    return;
                }
            }
        }

        return Task.WhenAll(Enumerable.Range(0, Writers).Select(async _ =>
        {
            using var http = Client(host, key);
            await Writer(http);
        }));
    }

    private static async Task AssertAllPresentAfterRestartAsync(Func<Task<HostProcess>> start, string key, ConcurrentDictionary<string, string> acknowledged)
    {
        Assert.NotEmpty(acknowledged);
        await using var host = await start();
        using var http = Client(host, key);
        var missing = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (pair, ct) =>
        {
            using var response = await http.GetAsync($"Users/{pair.Key}", ct);
            if (response.StatusCode != HttpStatusCode.OK || !(await response.Content.ReadAsStringAsync(ct)).Contains(pair.Value, StringComparison.Ordinal))
            {
                missing.Add($"{pair.Value} ({pair.Key}): {(int)response.StatusCode}");
            }
        });
        Assert.True(missing.IsEmpty, $"{missing.Count} of {acknowledged.Count} acknowledged users are missing: {string.Join(", ", missing.Take(10))}");
    }

    private static async Task WaitForAsync(Func<bool> condition, Task load, HostProcess host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.False(load.IsCompleted, "The writers stopped (a request was not answered 201) before the server was stopped.\n" + host.Output);
            Assert.True(DateTime.UtcNow < deadline, "The write load made no progress.\n" + host.Output);
            await Task.Delay(20);
        }
    }

    internal static HttpClient Client(HostProcess host, string key)
    {
        var http = new HttpClient { BaseAddress = host.ScimAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
