using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Jostle.Scim.Host.Tests;

/// <summary>
/// Two real host processes on one PostgreSQL database, started once for the scale-out tests, with a key created by the
/// command line (a third process) on the same database. Each test writes resources of its own.
/// </summary>
public sealed class ScaleOutFixture : IAsyncLifetime
{
    private readonly string _database = PostgresServer.NewDatabaseName("scale");
    private PostgresServer? _server;

    public TempFolder Folder { get; } = new();

    public string ConnectionString { get; private set; } = "";

    public string Key { get; private set; } = "";

    internal HostProcess A { get; private set; } = null!;

    internal HostProcess B { get; private set; } = null!;

    /// <summary>The options that put a host (server or command) on this fixture's database.</summary>
    public string[] DatabaseOptions => ["--postgres", ConnectionString];

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        ConnectionString = await _server.CreateDatabaseAsync(_database);
        Key = (await CreateKeyAsync("scale")).Key;
        var hosts = await Task.WhenAll(HostProcess.StartServerAsync(Folder.Path, DatabaseOptions), HostProcess.StartServerAsync(Folder.Path, DatabaseOptions));
        (A, B) = (hosts[0], hosts[1]);
    }

    /// <summary>Creates a key with the command line, on this fixture's database.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string tenant)
    {
        var result = await HostProcess.RunAsync(Folder.Path, ["keys", "create", "--tenant", tenant, "--description", "scale-out test", "--json", .. DatabaseOptions]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return (json.RootElement.GetProperty("id").GetString()!, json.RootElement.GetProperty("key").GetString()!);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in new[] { A, B })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        if (_server is not null)
        {
            await _server.DropDatabaseAsync(_database);
        }

        Folder.Dispose();
    }
}

/// <summary>
/// Two <c>Jostle.Scim.Host</c> processes on one PostgreSQL database behave as one server: uniqueness, group membership,
/// keys and reads hold across them, because all state and all arbitration is in the database.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class ScaleOutTests(ScaleOutFixture fixture) : IClassFixture<ScaleOutFixture>
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    [Fact]
    public async Task ConcurrentCreatesOfOneUserNameThroughBothHostsGiveExactlyOne201AndOneUser()
    {
        const int Requests = 10;
        var userName = $"same-{Guid.NewGuid():N}@example.com";
        using var a = ServerProcessTests.Client(fixture.A, fixture.Key);
        using var b = ServerProcessTests.Client(fixture.B, fixture.Key);
        await WarmUpAsync(a, b, Requests / 2);
        var logged = (fixture.A.Output.Length, fixture.B.Output.Length);

        var responses = await AllAtOnceAsync(Requests, i => (i % 2 == 0 ? a : b).PostAsync("Users", Scim($$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}","active":true}""")));

        var statuses = responses.Select(r => r.Status).ToList();
        Assert.True(statuses.Count(s => s == HttpStatusCode.Created) == 1 && statuses.Count(s => s == HttpStatusCode.Conflict) == Requests - 1, Describe(responses));
        foreach (var (_, body) in responses.Where(r => r.Status == HttpStatusCode.Conflict))
        {
            using var error = JsonDocument.Parse(body);
            Assert.Equal("uniqueness", error.RootElement.GetProperty("scimType").GetString());
        }

        foreach (var client in new[] { a, b })
        {
            using var found = await ReadJsonAsync(client, $"Users?filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}");
            Assert.Equal(1, found.RootElement.GetProperty("totalResults").GetInt32());
        }

        AssertNoErrorLoggedSince(logged);
    }

    [Fact]
    public async Task ConcurrentMemberAdditionsToOneGroupThroughBothHostsAllSucceedAndNoneIsLost()
    {
        const int Members = 40;
        var run = Guid.NewGuid().ToString("N");
        using var a = ServerProcessTests.Client(fixture.A, fixture.Key);
        using var b = ServerProcessTests.Client(fixture.B, fixture.Key);
        var userIds = new string[Members];
        await Parallel.ForAsync(0, Members, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            userIds[i] = await CreateAsync(i % 2 == 0 ? a : b, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"member-{{i}}-{{run}}@example.com"}"""));
        var groupId = await CreateAsync(a, "Groups", $$"""{"schemas":["{{GroupSchema}}"],"displayName":"group-{{run}}"}""");
        await WarmUpAsync(a, b, Members / 2);
        var logged = (fixture.A.Output.Length, fixture.B.Output.Length);

        var responses = await AllAtOnceAsync(Members, i => (i % 2 == 0 ? a : b).PatchAsync($"Groups/{groupId}",
            Scim($$"""{"schemas":["{{PatchSchema}}"],"Operations":[{"op":"Add","path":"members","value":[{"value":"{{userIds[i]}}"}]}]}""")));

        Assert.True(responses.All(r => r.Status == HttpStatusCode.NoContent), Describe(responses));
        foreach (var client in new[] { b, a })
        {
            using var group = await ReadJsonAsync(client, $"Groups/{groupId}");
            var members = group.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("value").GetString()!).Order(StringComparer.Ordinal);
            Assert.Equal(userIds.Order(StringComparer.Ordinal), members);
        }

        AssertNoErrorLoggedSince(logged);
    }

    [Fact]
    public async Task AKeyRevokedOnTheCommandLineIsRefusedByBothRunningHostsOnTheNextRequest()
    {
        var (id, key) = await fixture.CreateKeyAsync("revoked");
        using var a = ServerProcessTests.Client(fixture.A, key);
        using var b = ServerProcessTests.Client(fixture.B, key);
        using (var beforeA = await a.GetAsync("Users?count=1"))
        using (var beforeB = await b.GetAsync("Users?count=1"))
        {
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (beforeA.StatusCode, beforeB.StatusCode));
        }

        var revoked = await HostProcess.RunAsync(fixture.Folder.Path, ["keys", "revoke", id, .. fixture.DatabaseOptions]);

        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        using var afterA = await a.GetAsync("Users?count=1");
        using var afterB = await b.GetAsync("Users?count=1");
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (afterA.StatusCode, afterB.StatusCode));
    }

    /// <summary>The same after many requests through each host, so that any key kept in memory would be warm.</summary>
    [Fact]
    public async Task AKeyRevokedOnTheCommandLineAfterManyRequestsIsRefusedByBothRunningHostsOnTheNextRequest()
    {
        var (id, key) = await fixture.CreateKeyAsync("revoked-warm");
        using var a = ServerProcessTests.Client(fixture.A, key);
        using var b = ServerProcessTests.Client(fixture.B, key);
        for (var i = 0; i < 20; i++)
        {
            using var warmA = await a.GetAsync("Users?count=1");
            using var warmB = await b.GetAsync("Users?count=1");
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (warmA.StatusCode, warmB.StatusCode));
        }

        var revoked = await HostProcess.RunAsync(fixture.Folder.Path, ["keys", "revoke", id, .. fixture.DatabaseOptions]);

        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        using var afterA = await a.GetAsync("Users?count=1");
        using var afterB = await b.GetAsync("Users?count=1");
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (afterA.StatusCode, afterB.StatusCode));
    }

    [Fact]
    public async Task ASecretRevokedOnTheCommandLineIsRefusedByBothRunningHostsOnTheNextRequest()
    {
        var client = await HostOAuth.CreateClientAsync(fixture.Folder.Path, fixture.DatabaseOptions, "oauth-secret");

        await RevokedOnTheCommandLineIsRefusedByBothHostsAsync(client, ["clients", "secret", "revoke", client.ClientId, HostOAuth.SecretIdOf(client.ClientSecret)]);
    }

    [Fact]
    public async Task AClientRevokedOnTheCommandLineIsRefusedByBothRunningHostsOnTheNextRequest()
    {
        var client = await HostOAuth.CreateClientAsync(fixture.Folder.Path, fixture.DatabaseOptions, "oauth-client");

        await RevokedOnTheCommandLineIsRefusedByBothHostsAsync(client, ["clients", "revoke", client.ClientId]);
    }

    [Fact]
    public async Task AWriteThroughOneHostIsReadableThroughTheOtherImmediately()
    {
        var userName = $"read-{Guid.NewGuid():N}@example.com";
        using var a = ServerProcessTests.Client(fixture.A, fixture.Key);
        using var b = ServerProcessTests.Client(fixture.B, fixture.Key);

        var id = await CreateAsync(a, "Users", $$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}","displayName":"Before"}""");
        using var readThroughB = await ReadJsonAsync(b, $"Users/{id}");
        using var patched = await b.PatchAsync($"Users/{id}", Scim($$"""{"schemas":["{{PatchSchema}}"],"Operations":[{"op":"replace","path":"displayName","value":"After"}]}"""));
        using var readThroughA = await ReadJsonAsync(a, $"Users?filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}");

        Assert.Equal(userName, readThroughB.RootElement.GetProperty("userName").GetString());
        Assert.True(patched.IsSuccessStatusCode, $"{(int)patched.StatusCode}: {await patched.Content.ReadAsStringAsync()}");
        var found = Assert.Single(readThroughA.RootElement.GetProperty("Resources").EnumerateArray());
        Assert.Equal("After", found.GetProperty("displayName").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoHostsStartingAtOnceOnANewDatabaseBothMigrateItAndComeUpHealthy(bool createdEmptyBeforehand)
    {
        var server = await PostgresServer.GetAsync();
        var name = PostgresServer.NewDatabaseName("race");
        var connectionString = createdEmptyBeforehand ? await server.CreateDatabaseAsync(name) : server.ConnectionStringFor(name);
        try
        {
            // StartServerAsync waits for /health 200 and fails with the host's output if the process exits first.
            var starting = new[] { HostProcess.StartServerAsync(fixture.Folder.Path, ["--postgres", connectionString]), HostProcess.StartServerAsync(fixture.Folder.Path, ["--postgres", connectionString]) };
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                foreach (var host in starting.Where(t => t.IsCompletedSuccessfully))
                {
                    await (await host).DisposeAsync();
                }
            }

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""SELECT count(*) = count(DISTINCT "MigrationId") AND count(*) > 0 FROM "__EFMigrationsHistory" """, connection);
            Assert.True((bool)(await command.ExecuteScalarAsync())!, "Each migration is applied exactly once.");
        }
        finally
        {
            await server.DropDatabaseAsync(name);
        }
    }

    /// <summary>The SIGTERM durability test of <see cref="ServerProcessTests"/>, on PostgreSQL.</summary>
    [Fact]
    public async Task OnSigtermEveryAcknowledgedWriteOnPostgresSurvivesAndTheProcessExitsWithZero()
    {
        await ServerProcessTests.SigtermDuringWriteLoadLosesNothingAsync(
            () => HostProcess.StartServerAsync(fixture.Folder.Path, fixture.DatabaseOptions), fixture.Key, $"pgterm-{Guid.NewGuid():N}");
    }

    /// <summary>
    /// Each host issues a token (a token's audience is the address it was issued at), both work; then the command revokes
    /// the secret or the client while both hosts run: each host refuses its token on the next request (401 invalid_token)
    /// and its token endpoint refuses the secret (invalid_client).
    /// </summary>
    private async Task RevokedOnTheCommandLineIsRefusedByBothHostsAsync(CreatedClient client, string[] revoke)
    {
        var hosts = new[] { fixture.A, fixture.B };
        var tokens = new List<string>();
        foreach (var host in hosts)
        {
            tokens.Add(await HostOAuth.TokenAsync(host, client.ClientId, client.ClientSecret));
            Assert.Equal((HttpStatusCode.OK, false), await HostOAuth.GetUsersAsync(host, tokens[^1]));
        }

        var revoked = await HostProcess.RunAsync(fixture.Folder.Path, [.. revoke, .. fixture.DatabaseOptions]);

        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        for (var i = 0; i < hosts.Length; i++)
        {
            Assert.Equal((HttpStatusCode.Unauthorized, true), await HostOAuth.GetUsersAsync(hosts[i], tokens[i]));
            Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), await HostOAuth.TokenErrorAsync(hosts[i], client.ClientId, client.ClientSecret));
        }
    }

    /// <summary>
    /// Lost races are expected outcomes (a 409, a queued or retried write), not errors: neither host may have logged at
    /// Error level or above since the given output positions.
    /// </summary>
    private void AssertNoErrorLoggedSince((int A, int B) from)
    {
        foreach (var (host, start) in new[] { (fixture.A, from.A), (fixture.B, from.B) })
        {
            var errors = host.Output[start..].Split('\n')
                .Where(line => line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal))
                .ToList();
            Assert.True(errors.Count == 0, $"{errors.Count} records at Error level, e.g.:\n{errors.FirstOrDefault()}");
        }
    }

    private static StringContent Scim(string json) => new(json, Encoding.UTF8, "application/scim+json");

    /// <summary>Opens <paramref name="connections"/> connections to each host, so that the requests under test start together rather than behind connection set-up.</summary>
    private static async Task WarmUpAsync(HttpClient a, HttpClient b, int connections)
    {
        await Task.WhenAll(Enumerable.Range(0, connections).SelectMany(_ => new[] { a, b }).Select(async client =>
        {
            using var response = await client.GetAsync("ServiceProviderConfig");
            response.EnsureSuccessStatusCode();
        }));
    }

    /// <summary>Starts <paramref name="count"/> requests behind one gate, releases them together and collects every status and body.</summary>
    private static async Task<(HttpStatusCode Status, string Body)[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.Task;
            using var response = await send(i);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }).ToArray();
        gate.SetResult();
        return await Task.WhenAll(requests);
    }

    private static string Describe((HttpStatusCode Status, string Body)[] responses) =>
        string.Join("\n", responses.Select(r => $"{(int)r.Status}: {r.Body}"));

    private static async Task<string> CreateAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, Scim(json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        using var created = JsonDocument.Parse(body);
        return created.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }
}
