using System.Text.Json;
using Jostle.Scim.Provisioning;

namespace Jostle.Scim.Host.Tests;

/// <summary>The commands in-process, on one set of services over a temporary SQLite database.</summary>
public sealed class HostCommandsTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        ScimComposition.AddScim(collection, Options());
        _services = collection.BuildServiceProvider();
        await ScimComposition.PrepareDatabaseAsync(_services, Options(), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public void PreparingTheDatabaseCreatesTheDataFolderAndTheSqliteFile() =>
        Assert.True(File.Exists(Path.Combine(_folder.Data, "scim.db")));

    [Theory]
    [InlineData("full", 2)]
    [InlineData("normal", 1)]
    public async Task EveryConnectionRunsWithTheChosenSqliteSynchronousSetting(string sync, long expected)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        ScimComposition.AddScim(collection, Options() with { SqliteSync = Enum.Parse<SqliteSync>(sync, ignoreCase: true) });
        await using var services = collection.BuildServiceProvider();
        var factory = services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Jostle.Scim.EntityFrameworkCore.ScimDbContext>>();
        await using var context = await factory.CreateDbContextAsync();
        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.OpenConnectionAsync(context.Database);
        await using var command = Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetDbConnection(context.Database).CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        Assert.Equal(expected, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task KeysCreatePrintsTheKeyOnceWithTheTenantUrl()
    {
        var (exit, output, _) = await RunAsync("keys", "create", "--tenant", "acme", "--description", "Azure", "--urls", "http://127.0.0.1:7000");
        Assert.Equal(0, exit);
        Assert.Matches(@"Created API key [0-9a-f]{16} for tenant 'acme' \(user 'scim-provisioning', 'Azure'\)\.", output);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, "jscim_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"));
        Assert.Contains("Tenant URL: http://127.0.0.1:7000/scim/v2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysListShowsEveryKeyButNeverItsSecretOrHash()
    {
        var created = JsonDocument.Parse((await RunAsync("keys", "create", "--tenant", "acme", "--description", "Azure", "--json")).Output).RootElement;
        await RunAsync("keys", "create", "--tenant", "other", "--description", "Okta", "--user", "okta-bot", "--json");
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("key").GetString()!;
        var hash = (await _services.GetRequiredService<Jostle.Scim.Keys.ScimApiKeyManager>().ListAsync("acme")).Single().SecretHash;

        var text = (await RunAsync("keys", "list")).Output;
        var json = (await RunAsync("keys", "list", "--tenant", "acme", "--json")).Output;

        Assert.Contains(id, text, StringComparison.Ordinal);
        Assert.Contains("okta-bot", text, StringComparison.Ordinal);
        var listed = Assert.Single(JsonDocument.Parse(json).RootElement.EnumerateArray());
        Assert.Equal(["id", "hint", "tenant", "user", "description", "createdAt", "firstUsedAt", "lastUsedAt", "expiresAt", "revokedAt", "rotation"], listed.EnumerateObject().Select(p => p.Name));
        Assert.Equal(secret[^4..], listed.GetProperty("hint").GetString());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        foreach (var output in new[] { text, json })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[^43..], output, StringComparison.Ordinal);
            Assert.DoesNotContain(hash, output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task KeysCreateWithExpiresStoresTheExpiryAndListShowsIt()
    {
        var day = DateTime.UtcNow.Date.AddYears(1);
        var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var created = JsonDocument.Parse((await RunAsync("keys", "create", "--tenant", "acme", "--description", "Azure", "--expires", date, "--json")).Output).RootElement;
        Assert.Equal(new DateTimeOffset(day, TimeSpan.Zero), created.GetProperty("expires").GetDateTimeOffset());
        var listed = JsonDocument.Parse((await RunAsync("keys", "list", "--json")).Output).RootElement[0];
        Assert.Equal(new DateTimeOffset(day, TimeSpan.Zero), listed.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Contains(date, (await RunAsync("keys", "list")).Output, StringComparison.Ordinal);

        Assert.False(CommandLine.TryParse(["keys", "create", "--tenant", "acme", "--description", "Azure", "--expires", "2001-01-01"], out _, out var problem));
        Assert.Contains("'--expires' must be in the future", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotateIssuesASecondKeyBothValidListShowsTheRotationAndRevokingTheOldKeyCompletesIt()
    {
        var old = JsonDocument.Parse((await RunAsync("keys", "create", "--tenant", "acme", "--description", "Azure", "--user", "entra", "--json")).Output).RootElement;
        var oldId = old.GetProperty("id").GetString()!;
        var rotated = await RunAsync("keys", "rotate", oldId, "--grace", "1d", "--json");
        Assert.Equal(0, rotated.Exit);
        var started = JsonDocument.Parse(rotated.Output).RootElement;
        Assert.Equal(["rotationId", "oldId", "id", "key", "tenant", "baseUrl"], started.EnumerateObject().Select(p => p.Name));
        var newId = started.GetProperty("id").GetString()!;
        var manager = _services.GetRequiredService<Jostle.Scim.Keys.ScimApiKeyManager>();
        Assert.Equal(Jostle.Scim.Keys.ScimApiKeyVerificationStatus.Valid, (await manager.VerifyAsync(old.GetProperty("key").GetString()!)).Status);
        Assert.Equal(Jostle.Scim.Keys.ScimApiKeyVerificationStatus.Valid, (await manager.VerifyAsync(started.GetProperty("key").GetString()!)).Status);
        Assert.Equal("entra", (await manager.ListAsync("acme")).Single(k => k.KeyId == newId).Actor);

        var list = JsonDocument.Parse((await RunAsync("keys", "list", "--json")).Output).RootElement.EnumerateArray().ToDictionary(k => k.GetProperty("id").GetString()!);
        Assert.StartsWith($"rotating to {newId} (in use since ", list[oldId].GetProperty("rotation").GetString(), StringComparison.Ordinal);
        Assert.Equal("replaces " + oldId, list[newId].GetProperty("rotation").GetString());

        var again = await RunAsync("keys", "rotate", oldId);
        Assert.Equal(1, again.Exit);
        Assert.Contains($"{oldId} is already part of rotation", again.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("keys", "revoke", oldId)).Exit);
        list = JsonDocument.Parse((await RunAsync("keys", "list", "--json")).Output).RootElement.EnumerateArray().ToDictionary(k => k.GetProperty("id").GetString()!);
        Assert.Equal("replaced by " + newId, list[oldId].GetProperty("rotation").GetString());

        var text = await RunAsync("keys", "rotate", newId);
        Assert.Contains($"Both keys work until you revoke the old one: keys revoke {newId}", text.Output, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("keys", "rotate", "0000000000000000")).Exit);
    }

    [Fact]
    public async Task KeysRevokeMarksTheKeyRevokedAndAnUnknownIdFailsWithExitCodeOne()
    {
        var id = JsonDocument.Parse((await RunAsync("keys", "create", "--tenant", "acme", "--description", "Azure", "--json")).Output).RootElement.GetProperty("id").GetString()!;

        var revoked = await RunAsync("keys", "revoke", id);
        var unknown = await RunAsync("keys", "revoke", "0000000000000000");

        Assert.Equal(0, revoked.Exit);
        Assert.Contains("revoked", (await RunAsync("keys", "list")).Output, StringComparison.Ordinal);
        Assert.Equal((1, ""), (unknown.Exit, unknown.Output));
        Assert.Equal("No API key has the id '0000000000000000'. 'keys list' shows the ids.", unknown.Error.Trim());
    }

    [Fact]
    public async Task LogShowsTheNewestRecordsFirstAndFailedOnlyWithFailed()
    {
        // The command's filtering and formatting, over a log whose content the test controls (whatever sink the
        // composition registers may write asynchronously).
        var log = new InMemoryProvisioningLog();
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        await log.WriteAsync(Entry(at, "acme", 201, "alice@example.com"));
        await log.WriteAsync(Entry(at.AddSeconds(1), "acme", 409, "bob@example.com", "uniqueness", "userName 'bob@example.com' is taken."));
        await log.WriteAsync(Entry(at.AddSeconds(2), "other", 400, "carol@example.com", "invalidValue", "bad"));
        await using var services = new ServiceCollection().AddSingleton<IProvisioningLogReader>(log).BuildServiceProvider();

        var all = (await RunAsync(services, "log")).Output;
        var failed = JsonDocument.Parse((await RunAsync(services, "log", "--tenant", "acme", "--failed", "--json")).Output).RootElement;

        Assert.True(all.IndexOf("carol", StringComparison.Ordinal) < all.IndexOf("bob", StringComparison.Ordinal));
        Assert.True(all.IndexOf("bob", StringComparison.Ordinal) < all.IndexOf("alice", StringComparison.Ordinal));
        Assert.Contains("uniqueness: userName 'bob@example.com' is taken.", all, StringComparison.Ordinal);
        var only = Assert.Single(failed.EnumerateArray());
        Assert.Equal(("bob@example.com", 409, "uniqueness", "Create"), (only.GetProperty("userName").GetString(), only.GetProperty("status").GetInt32(), only.GetProperty("scimType").GetString(), only.GetProperty("operation").GetString()));
    }

    [Fact]
    public async Task KeysCreateRefusesATenantNameThatDiffersOnlyInCaseUnlessNewTenantIsGiven()
    {
        await RunAsync("keys", "create", "--tenant", "acme", "--description", "Azure", "--json");

        var refused = await RunAsync("keys", "create", "--tenant", "ACME", "--description", "Azure", "--json");
        var same = await RunAsync("keys", "create", "--tenant", "acme", "--description", "second", "--json");
        var forced = await RunAsync("keys", "create", "--tenant", "ACME", "--description", "Azure", "--new-tenant", "--json");

        Assert.Equal((1, ""), (refused.Exit, refused.Output));
        Assert.Equal("Tenant 'acme' exists; 'ACME' differs only in case and would be a second, separate tenant. Use --tenant acme, or add --new-tenant to create 'ACME'.", refused.Error.Trim());
        Assert.Equal(0, same.Exit);
        Assert.Equal(0, forced.Exit);
        Assert.Equal("ACME", JsonDocument.Parse(forced.Output).RootElement.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task RevokingARevokedKeySaysSoAndAPastedWholeKeyIsNeverEchoed()
    {
        var created = JsonDocument.Parse((await RunAsync("keys", "create", "--tenant", "acme", "--description", "Azure", "--json")).Output).RootElement;
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("key").GetString()!;

        var first = await RunAsync("keys", "revoke", secret);
        var again = await RunAsync("keys", "revoke", id);
        var unknownWhole = await RunAsync("keys", "revoke", "jscim_0000000000000000_" + secret[^43..]);

        Assert.Equal((0, $"Revoked API key {id} (tenant 'acme'); the next request that presents it is refused."), (first.Exit, first.Output.Trim()));
        Assert.Equal(0, again.Exit);
        Assert.Matches($@"^API key {id} was already revoked at .+; nothing changed\.$", again.Error.Trim());
        Assert.Equal((1, "No API key has the id '0000000000000000'. 'keys list' shows the ids."), (unknownWhole.Exit, unknownWhole.Error.Trim()));
        foreach (var text in new[] { first.Output, first.Error, again.Error, unknownWhole.Error })
        {
            Assert.DoesNotContain(secret[^43..], text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task KeysListIsATableWhoseColumnsLineUp()
    {
        await RunAsync("keys", "create", "--tenant", "a-rather-long-tenant-name", "--description", "Azure", "--json");
        await RunAsync("keys", "create", "--tenant", "b", "--description", "Okta", "--user", "u", "--json");

        var lines = (await RunAsync("keys", "list")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, lines.Length);
        foreach (var header in new[] { "TENANT", "USER", "CREATED", "STATUS", "DESCRIPTION" })
        {
            var column = lines[0].IndexOf(header, StringComparison.Ordinal);
            Assert.All(lines.Skip(1), row => Assert.True(row[column - 2] == ' ' && row[column - 1] == ' ' && row[column] != ' ', $"'{header}' at {column}:\n{string.Join('\n', lines)}"));
        }
    }

    [Fact]
    public async Task LogFiltersByUserNameResourceAndSince()
    {
        var log = new InMemoryProvisioningLog();
        var now = DateTimeOffset.UtcNow;
        await log.WriteAsync(Entry(now.AddHours(-3), "acme", 201, "old@example.com") with { ResourceId = "1" });
        await log.WriteAsync(Entry(now.AddMinutes(-5), "acme", 201, "alice@example.com") with { ResourceId = "2" });
        await log.WriteAsync(Entry(now.AddMinutes(-4), "acme", 201, "bob@example.com") with { ResourceId = "3" });
        await using var services = new ServiceCollection().AddSingleton<IProvisioningLogReader>(log).BuildServiceProvider();

        async Task<string[]> UserNames(params string[] args) =>
            [.. JsonDocument.Parse((await RunAsync(services, ["log", "--json", .. args])).Output).RootElement.EnumerateArray().Select(e => e.GetProperty("userName").GetString()!)];

        Assert.Equal(["alice@example.com"], await UserNames("--user", "ALICE@example.com"));
        Assert.Equal(["bob@example.com"], await UserNames("--resource", "Users/3"));
        Assert.Equal(["bob@example.com", "alice@example.com"], await UserNames("--since", "1h"));
    }

    [Fact]
    public async Task ClientsCreatePrintsTheSecretOnceWithTheTenantUrlTokenEndpointAndClientIdentifier()
    {
        var (exit, output, _) = await RunAsync("clients", "create", "--tenant", "acme", "--description", "Entra ID", "--urls", "http://127.0.0.1:7000");

        Assert.Equal(0, exit);
        Assert.Matches(@"Created OAuth client (jsc_[0-9a-f]{16}) for tenant 'acme' \(user 'scim-provisioning', 'Entra ID'\)\.", output);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, "jscs_[0-9a-f]{16}_[A-Za-z0-9_-]{43}"));
        Assert.Contains("Tenant URL:         http://127.0.0.1:7000/scim/v2", output, StringComparison.Ordinal);
        Assert.Contains("Token endpoint:     http://127.0.0.1:7000/scim/v2/oauth/token", output, StringComparison.Ordinal);
        Assert.Matches(@"Client identifier:  jsc_[0-9a-f]{16}", output);
    }

    [Fact]
    public async Task ClientsListShowsSecretsAndFederatedCredentialsInAlignedTablesButNeverASecretOrItsHash()
    {
        var created = JsonDocument.Parse((await RunAsync("clients", "create", "--tenant", "acme", "--description", "Entra ID", "--json")).Output).RootElement;
        var clientId = created.GetProperty("clientId").GetString()!;
        var secret = created.GetProperty("clientSecret").GetString()!;
        var added = JsonDocument.Parse((await RunAsync("clients", "secret", "add", clientId, "--expires", "30d", "--json")).Output).RootElement;
        await RunAsync("clients", "trust", "--tenant", "a-rather-long-tenant-name", "--issuer", "https://issuer.example.com", "--subject", "sp", "--audience", "api://x", "--jwks-file", await JwksFileAsync());
        var hashes = (await _services.GetRequiredService<Jostle.Scim.OAuth.ScimOAuthClientManager>().ListSecretsAsync(clientId)).Select(s => s.SecretHash).ToList();

        var text = (await RunAsync("clients", "list")).Output;
        var json = (await RunAsync("clients", "list", "--tenant", "acme", "--json")).Output;

        var listed = Assert.Single(JsonDocument.Parse(json).RootElement.EnumerateArray());
        Assert.Equal(["clientId", "tenant", "user", "description", "createdAt", "revokedAt", "secrets", "federatedCredentials"], listed.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            new[] { secret.Split('_')[1], added.GetProperty("secretId").GetString()! }.Order(StringComparer.Ordinal),
            listed.GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(["id", "description", "createdAt", "expiresAt", "revokedAt"], listed.GetProperty("secrets")[0].EnumerateObject().Select(p => p.Name));
        var tables = text.Split("\n\n");
        Assert.Equal(3, tables.Length);
        Assert.StartsWith("FEDERATED CREDENTIAL", tables[2], StringComparison.Ordinal);
        Assert.Contains("https://issuer.example.com", tables[2], StringComparison.Ordinal);
        foreach (var table in tables)
        {
            var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var header in lines[0].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1))
            {
                var column = lines[0].IndexOf(header, StringComparison.Ordinal);
                Assert.All(lines.Skip(1), row => Assert.True(row[column - 2] == ' ' && row[column - 1] == ' ' && row[column] != ' ', $"'{header}' at {column}:\n{table}"));
            }
        }

        foreach (var output in new[] { text, json })
        {
            Assert.DoesNotContain(secret[^43..], output, StringComparison.Ordinal);
            Assert.DoesNotContain(added.GetProperty("clientSecret").GetString()![^43..], output, StringComparison.Ordinal);
            Assert.All(hashes, hash => Assert.DoesNotContain(hash, output, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task ClientsTrustCreatesOneFederationOnlyClientPerTenantAndReusesIt()
    {
        var keys = await JwksFileAsync();
        string[] Trust(string subject) => ["clients", "trust", "--tenant", "acme", "--issuer", "https://issuer.example.com", "--subject", subject, "--audience", "api://x", "--jwks-file", keys, "--json"];
        await RunAsync("clients", "create", "--tenant", "acme", "--description", "secret client", "--json");

        var first = await RunAsync(Trust("sp-1"));
        var second = await RunAsync(Trust("sp-2"));
        var again = await RunAsync(Trust("sp-1"));

        var clientId = JsonDocument.Parse(first.Output).RootElement.GetProperty("clientId").GetString()!;
        Assert.Equal(["clientId", "credentialId", "tenant", "tokenUrl", "baseUrl"], JsonDocument.Parse(first.Output).RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(clientId, JsonDocument.Parse(second.Output).RootElement.GetProperty("clientId").GetString());
        Assert.Equal(JsonDocument.Parse(first.Output).RootElement.GetProperty("credentialId").GetString(), JsonDocument.Parse(again.Output).RootElement.GetProperty("credentialId").GetString());
        Assert.Contains("already trusts this credential", again.Error, StringComparison.Ordinal);
        var manager = _services.GetRequiredService<Jostle.Scim.OAuth.ScimOAuthClientManager>();
        Assert.Equal(2, (await manager.ListClientsAsync("acme")).Count);
        Assert.Empty(await manager.ListSecretsAsync(clientId));
        Assert.Equal(["sp-1", "sp-2"], (await manager.ListFederatedCredentialsAsync(clientId)).Select(f => f.Subject).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClientsTrustRefusesAJwksFileThatIsMissingOrNotAJwks()
    {
        var notJwks = Path.Combine(_folder.Path, "not.json");
        await File.WriteAllTextAsync(notJwks, "[1,2]");
        var missing = Path.Combine(_folder.Path, "missing.json");

        var absent = await RunAsync("clients", "trust", "--tenant", "acme", "--issuer", "i", "--subject", "s", "--audience", "a", "--jwks-file", missing);
        var invalid = await RunAsync("clients", "trust", "--tenant", "acme", "--issuer", "i", "--subject", "s", "--audience", "a", "--jwks-file", notJwks);

        Assert.Equal((1, "", $"No JWKS file at {missing}."), (absent.Exit, absent.Output, absent.Error.Trim()));
        Assert.Equal((1, ""), (invalid.Exit, invalid.Output));
        Assert.Contains("is not a JWKS", invalid.Error, StringComparison.Ordinal);
        Assert.Empty(await _services.GetRequiredService<Jostle.Scim.OAuth.ScimOAuthClientManager>().ListClientsAsync());
    }

    [Fact]
    public async Task RevokingSaysWhatHappenedAndUnknownIdsFailWithExitCodeOne()
    {
        var created = JsonDocument.Parse((await RunAsync("clients", "create", "--tenant", "acme", "--description", "Entra ID", "--json")).Output).RootElement;
        var clientId = created.GetProperty("clientId").GetString()!;
        var secretId = created.GetProperty("clientSecret").GetString()!.Split('_')[1];

        var secret = await RunAsync("clients", "secret", "revoke", clientId, secretId);
        var secretAgain = await RunAsync("clients", "secret", "revoke", clientId, secretId);
        var unknownSecret = await RunAsync("clients", "secret", "revoke", clientId, "0000000000000000");
        var client = await RunAsync("clients", "revoke", clientId);
        var clientAgain = await RunAsync("clients", "revoke", clientId);
        var addToRevoked = await RunAsync("clients", "secret", "add", clientId);
        var unknownClient = await RunAsync("clients", "revoke", "jsc_0000000000000000");

        Assert.Equal((0, $"Revoked secret {secretId} of OAuth client {clientId} (tenant 'acme'); the token endpoint refuses it, and the tokens it got are refused on the next request."), (secret.Exit, secret.Output.Trim()));
        Assert.Equal($"OAuth client {clientId} has no working secret or federated credential left: it gets no tokens until 'clients secret add {clientId}'.", secret.Error.Trim());
        Assert.Matches($@"^Secret {secretId} of OAuth client {clientId} was already revoked at .+; nothing changed\.$", secretAgain.Error.Trim());
        Assert.Equal((1, $"OAuth client {clientId} has no secret with the id '0000000000000000'. 'clients list' shows the ids."), (unknownSecret.Exit, unknownSecret.Error.Trim()));
        Assert.Equal((0, $"Revoked OAuth client {clientId} (tenant 'acme'); it gets no more tokens, and the next request with one of its tokens is refused."), (client.Exit, client.Output.Trim()));
        Assert.Equal((0, ""), (clientAgain.Exit, clientAgain.Output));
        Assert.Matches($@"^OAuth client {clientId} was already revoked at .+; nothing changed\.$", clientAgain.Error.Trim());
        Assert.Equal((1, ""), (addToRevoked.Exit, addToRevoked.Output));
        Assert.Equal((1, "No OAuth client has the id 'jsc_0000000000000000'. 'clients list' shows the ids."), (unknownClient.Exit, unknownClient.Error.Trim()));
        Assert.Contains("revoked", (await RunAsync("clients", "list")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATenantNameThatDiffersOnlyInCaseIsRefusedAcrossKeysAndClients()
    {
        await RunAsync("keys", "create", "--tenant", "acme", "--description", "Azure", "--json");
        await RunAsync("clients", "create", "--tenant", "globex", "--description", "Entra ID", "--json");

        var client = await RunAsync("clients", "create", "--tenant", "ACME", "--description", "Entra ID", "--json");
        var key = await RunAsync("keys", "create", "--tenant", "Globex", "--description", "Azure", "--json");
        var forced = await RunAsync("clients", "create", "--tenant", "ACME", "--description", "Entra ID", "--new-tenant", "--json");

        Assert.Equal((1, ""), (client.Exit, client.Output));
        Assert.StartsWith("Tenant 'acme' exists; 'ACME' differs only in case", client.Error, StringComparison.Ordinal);
        Assert.Equal((1, ""), (key.Exit, key.Output));
        Assert.StartsWith("Tenant 'globex' exists; 'Globex' differs only in case", key.Error, StringComparison.Ordinal);
        Assert.Equal(0, forced.Exit);
    }

    /// <summary>A JWKS file with one EC P-256 public key (from RFC 7517 appendix A.1).</summary>
    private async Task<string> JwksFileAsync()
    {
        var path = Path.Combine(_folder.Path, "jwks.json");
        await File.WriteAllTextAsync(path, """{"keys":[{"kty":"EC","crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","kid":"1"}]}""");
        return path;
    }

    private static ProvisioningLogEntry Entry(DateTimeOffset at, string tenant, int status, string userName, string? scimType = null, string? detail = null) => new()
    {
        Timestamp = at,
        Tenant = tenant,
        Operation = ProvisioningOperation.Create,
        ResourceType = "User",
        UserName = userName,
        Status = status,
        ScimType = scimType,
        Detail = detail,
        CorrelationId = Guid.NewGuid().ToString("N"),
    };

    private ScimHostOptions Options() => new() { DataDirectory = _folder.Data };

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunAsync(_services, args);

    private async Task<(int Exit, string Output, string Error)> RunAsync(IServiceProvider services, params string[] args)
    {
        Assert.True(CommandLine.TryParse([.. args, "--data", _folder.Data], out var line, out var problem), problem);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HostCommands.RunAsync(services, line, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }
}
