using System.Globalization;
using System.Text.Json.Nodes;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;

namespace Jostle.Scim.Host;

/// <summary>
/// The command-line commands: API keys, OAuth clients (<c>HostCommands.Clients.cs</c>) and the provisioning log, against the same database the server uses. They build
/// the SCIM services without a web server (Kestrel never starts), prepare the database, and write results on standard
/// output (with <c>--json</c>: exactly one JSON document) and everything else on standard error.
/// </summary>
internal sealed partial class HostCommands(IServiceProvider services, CommandLine line, TextWriter output, TextWriter error)
{
    /// <summary>The exit code of a command that ran but failed.</summary>
    public const int FailureExitCode = 1;

    /// <summary>Builds the services, prepares the database and runs the command.</summary>
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var collection = new ServiceCollection();
        collection.AddLogging(logging => HostLogging.Configure(logging, line.Options.LogFormat, command: true));
        ScimComposition.AddScim(collection, line.Options);
        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await using (provider.ConfigureAwait(false))
        {
            // Which database a command used, on standard error (standard output stays pure for --json): a key written
            // into a new, empty ./data next to where the command was typed is the classic "my key gets a 401" mistake.
            var fresh = line.Options.PostgresConnectionString is null && !File.Exists(line.Options.DatabasePath);
            await error.WriteLineAsync(fresh
                ? $"Database: {line.Options.DatabaseDescription} (new and empty: created by this command; the server must use the same --data to see it)"
                : $"Database: {line.Options.DatabaseDescription}").ConfigureAwait(false);
            await ScimComposition.PrepareDatabaseAsync(provider, line.Options, cancellationToken).ConfigureAwait(false);
            return await RunAsync(provider, line, output, error, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the command on services that are already built and a database that is ready.</summary>
    public static Task<int> RunAsync(IServiceProvider services, CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        new HostCommands(services, line, output, error).RunAsync(cancellationToken);

    private ScimApiKeyManager Keys => services.GetRequiredService<ScimApiKeyManager>();

    private Jostle.Scim.Administration.ScimCredentialAdministration Credentials => services.GetRequiredService<Jostle.Scim.Administration.ScimCredentialAdministration>();

    /// <summary>The actor the tenant's log records for changes made on the command line.</summary>
    private const string CommandLineActor = "command line";

    private async Task<int> RunAsync(CancellationToken cancellationToken) => line.Command switch
    {
        HostCommand.KeysCreate => await CreateKeyAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.KeysList => await ListKeysAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.KeysRevoke => await RevokeKeyAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.KeysRotate => await RotateKeyAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.Log => await ShowLogAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.ClientsCreate => await CreateClientAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.ClientsList => await ListClientsAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.ClientsSecretAdd => await AddSecretAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.ClientsSecretRevoke => await RevokeSecretAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.ClientsRevoke => await RevokeClientAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.ClientsTrust => await TrustAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.ConsoleLink => await CreateConsoleLinkAsync(cancellationToken).ConfigureAwait(false),
        _ => throw new InvalidOperationException($"{line.Command} is not a command of {nameof(HostCommands)}."),
    };

    private async Task<int> CreateKeyAsync(CancellationToken cancellationToken)
    {
        if (!await TenantNameIsMeantAsync(cancellationToken).ConfigureAwait(false))
        {
            return FailureExitCode;
        }

        var (key, plaintext) = await Credentials.CreateKeyAsync(line.Tenant!, line.User, line.Description!, line.Expires, CommandLineActor, cancellationToken).ConfigureAwait(false);
        var baseUrl = line.Options.BaseUrl(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
        if (line.Json)
        {
            var json = new JsonObject { ["id"] = key.KeyId, ["key"] = plaintext, ["tenant"] = key.TenantId, ["baseUrl"] = baseUrl };
            if (key.ExpiresAt is { } expiresAt)
            {
                json["expires"] = expiresAt;
            }

            await output.WriteLineAsync(json.ToJsonString()).ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"""
            Created API key {key.KeyId} for tenant '{key.TenantId}' (user '{key.Actor}', '{key.Description}'){(key.ExpiresAt is { } expires ? $", expiring {Time(expires)}" : "")}.

            Key (shown this once; store it now, e.g. as Entra ID's Secret Token):
              {plaintext}

            Tenant URL: {baseUrl}
            """).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Tenant names are case-sensitive (a tenant is the exact name its keys and clients carry), so "ACME" beside "acme"
    /// would be a second, empty tenant — almost always a typo. Refuses (and says so) unless <c>--new-tenant</c> says it is meant.
    /// </summary>
    private async Task<bool> TenantNameIsMeantAsync(CancellationToken cancellationToken)
    {
        var tenants = (await Keys.ListAsync(null, cancellationToken).ConfigureAwait(false)).Select(k => k.TenantId)
            .Concat((await OAuthClients.ListClientsAsync(null, cancellationToken).ConfigureAwait(false)).Select(c => c.TenantId))
            .Distinct(StringComparer.Ordinal).ToList();
        var lookalike = tenants.FirstOrDefault(t => !t.Equals(line.Tenant, StringComparison.Ordinal) && t.Equals(line.Tenant, StringComparison.OrdinalIgnoreCase));
        if (lookalike is not null && !tenants.Contains(line.Tenant!, StringComparer.Ordinal) && !line.NewTenant)
        {
            await error.WriteLineAsync($"Tenant '{lookalike}' exists; '{line.Tenant}' differs only in case and would be a second, separate tenant. Use --tenant {lookalike}, or add --new-tenant to create '{line.Tenant}'.").ConfigureAwait(false);
            return false;
        }

        return true;
    }

    private async Task<int> ListKeysAsync(CancellationToken cancellationToken)
    {
        var keys = await Keys.ListAsync(line.Tenant, cancellationToken).ConfigureAwait(false);
        var rotations = new List<Jostle.Scim.Administration.ScimCredentialRotation>();
        foreach (var tenant in keys.Select(k => k.TenantId).Distinct(StringComparer.Ordinal))
        {
            rotations.AddRange((await Credentials.ListRotationsAsync(tenant, cancellationToken).ConfigureAwait(false)).Where(r => r.Kind == Jostle.Scim.Administration.ScimCredentialKind.ApiKey));
        }

        string Rotation(ScimApiKey key) =>
            rotations.LastOrDefault(r => r.OldCredentialId == key.KeyId) is { } outgoing
                ? outgoing.CompletedAt is not null ? "replaced by " + outgoing.NewCredentialId
                : $"rotating to {outgoing.NewCredentialId}" + (outgoing.NewCredentialFirstUsedAt is { } used ? $" (in use since {Time(used)}" + (outgoing.AutomaticRevocationAt is { } at ? $", revoked at {Time(at)})" : ")") : " (not used yet)")
            : rotations.LastOrDefault(r => r.NewCredentialId == key.KeyId) is { } incoming ? "replaces " + incoming.OldCredentialId
            : "";

        if (line.Json)
        {
            var array = new JsonArray();
            foreach (var key in keys)
            {
                array.Add(new JsonObject
                {
                    ["id"] = key.KeyId,
                    ["hint"] = key.Hint,
                    ["tenant"] = key.TenantId,
                    ["user"] = key.Actor,
                    ["description"] = key.Description,
                    ["createdAt"] = key.CreatedAt,
                    ["firstUsedAt"] = key.FirstUsedAt,
                    ["lastUsedAt"] = key.LastUsedAt,
                    ["expiresAt"] = key.ExpiresAt,
                    ["revokedAt"] = key.RevokedAt,
                    ["rotation"] = Rotation(key) is { Length: > 0 } rotation ? rotation : null,
                });
            }

            await output.WriteLineAsync(array.ToJsonString()).ConfigureAwait(false);
            return 0;
        }

        if (keys.Count == 0)
        {
            await error.WriteLineAsync(line.Tenant is null ? "No API keys." : $"No API keys for tenant '{line.Tenant}'.").ConfigureAwait(false);
            return 0;
        }

        var now = DateTimeOffset.UtcNow;
        await WriteTableAsync(
            ["ID", "ENDS WITH", "TENANT", "USER", "CREATED", "LAST USED", "EXPIRES", "STATUS", "ROTATION", "DESCRIPTION"],
            keys.Select(key => new[]
            {
                key.KeyId, key.Hint is null ? "-" : "…" + key.Hint, key.TenantId, key.Actor, Time(key.CreatedAt), Time(key.LastUsedAt), Time(key.ExpiresAt),
                key.IsRevoked ? "revoked " + Time(key.RevokedAt) : key.IsExpiredAt(now) ? "expired" : "active", Rotation(key), key.Description,
            })).ConfigureAwait(false);

        return 0;
    }

    private async Task<int> RevokeKeyAsync(CancellationToken cancellationToken)
    {
        // A whole key pasted instead of its id: use the id inside it, and never print the key (errors end up in logs).
        var argument = line.KeyId!;
        var id = argument;
        if (argument.StartsWith("jscim_", StringComparison.Ordinal))
        {
            var parts = argument.Split('_');
            if (parts.Length < 3 || parts[1].Length != 16)
            {
                await error.WriteLineAsync("That looks like a key but not one this server makes; 'keys revoke' takes the key id 'keys list' shows.").ConfigureAwait(false);
                return FailureExitCode;
            }

            id = parts[1];
        }

        var key = (await Keys.ListAsync(null, cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.KeyId == id);
        if (key is null)
        {
            await error.WriteLineAsync($"No API key has the id '{id}'. 'keys list' shows the ids.").ConfigureAwait(false);
            return FailureExitCode;
        }

        if (key.IsRevoked)
        {
            await error.WriteLineAsync($"API key {id} was already revoked at {Time(key.RevokedAt)}; nothing changed.").ConfigureAwait(false);
            return 0;
        }

        if (!await Credentials.RevokeKeyAsync(key.TenantId, id, CommandLineActor, cancellationToken).ConfigureAwait(false))
        {
            await error.WriteLineAsync($"No API key has the id '{id}'. 'keys list' shows the ids.").ConfigureAwait(false);
            return FailureExitCode;
        }

        await output.WriteLineAsync($"Revoked API key {id} (tenant '{key.TenantId}'); the next request that presents it is refused.").ConfigureAwait(false);
        return 0;
    }

    private async Task<int> RotateKeyAsync(CancellationToken cancellationToken)
    {
        var id = line.KeyId!;
        var key = (await Keys.ListAsync(null, cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.KeyId == id);
        if (key is null)
        {
            await error.WriteLineAsync($"No API key has the id '{id}'. 'keys list' shows the ids.").ConfigureAwait(false);
            return FailureExitCode;
        }

        Jostle.Scim.Administration.ScimStartedKeyRotation started;
        try
        {
            started = await Credentials.StartKeyRotationAsync(key.TenantId, id, line.Grace, line.Expires, CommandLineActor, cancellationToken).ConfigureAwait(false);
        }
        catch (Jostle.Scim.Administration.ScimAdministrationException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return FailureExitCode;
        }

        var (newKey, plaintext) = started.NewKey;
        var baseUrl = line.Options.BaseUrl(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
        if (line.Json)
        {
            var json = new JsonObject { ["rotationId"] = started.Rotation.RotationId, ["oldId"] = id, ["id"] = newKey.KeyId, ["key"] = plaintext, ["tenant"] = newKey.TenantId, ["baseUrl"] = baseUrl };
            await output.WriteLineAsync(json.ToJsonString()).ConfigureAwait(false);
            return 0;
        }

        var revocation = line.Grace is { } grace
            ? $"The old key {id} is revoked automatically {Jostle.Scim.Administration.ScimCredentialAdministration.Describe(grace)} after the identity provider first uses the new one"
            : $"Both keys work until you revoke the old one: keys revoke {id}";
        await output.WriteLineAsync($"""
            Started rotation {started.Rotation.RotationId}: new API key {newKey.KeyId} for tenant '{newKey.TenantId}' (user '{newKey.Actor}'), replacing {id}.

            New key (shown this once; enter it in the identity provider as the Secret Token):
              {plaintext}

            Tenant URL: {baseUrl}
            {revocation}. 'keys list' shows when the new key is first used.
            """).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> ShowLogAsync(CancellationToken cancellationToken)
    {
        var reader = services.GetRequiredService<IProvisioningLogReader>();
        var (resourceType, resourceId) = ParseResource(line.Resource);
        var query = new ProvisioningLogQuery
        {
            Tenant = line.Tenant,
            Outcome = line.FailedOnly ? ProvisioningOutcomeFilter.Failure : ProvisioningOutcomeFilter.Any,
            From = line.Since,
            ResourceType = resourceType,
            ResourceId = resourceId,
            PageSize = line.LogUser is null ? line.Limit : 1000,
        };

        // The log has no userName query, so --user reads pages (newest first) until it has --limit matches; a bounded
        // scan, since the records are in time order and --since / --tenant narrow the pages first.
        var entries = new List<ProvisioningLogEntry>();
        var more = false;
        for (var pages = 0; ; pages++)
        {
            var page = await reader.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            entries.AddRange(page.Entries.Where(e => line.LogUser is null || string.Equals(e.UserName, line.LogUser, StringComparison.OrdinalIgnoreCase)));
            more = page.ContinuationToken is not null;
            if (entries.Count >= line.Limit || !more || line.LogUser is null || pages >= 100)
            {
                break;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }

        more |= entries.Count > line.Limit;
        entries = [.. entries.Take(line.Limit)];
        if (line.Json)
        {
            var array = new JsonArray();
            foreach (var e in entries)
            {
                array.Add(new JsonObject
                {
                    ["timestamp"] = e.Timestamp,
                    ["tenant"] = e.Tenant,
                    ["actor"] = e.Actor,
                    ["keyId"] = e.KeyId,
                    ["operation"] = e.Operation.ToString(),
                    ["resourceType"] = e.ResourceType,
                    ["resourceId"] = e.ResourceId,
                    ["userName"] = e.UserName,
                    ["externalId"] = e.ExternalId,
                    ["displayName"] = e.DisplayName,
                    ["status"] = e.Status,
                    ["scimType"] = e.ScimType,
                    ["detail"] = e.Detail,
                    ["durationMs"] = Math.Round(e.Duration.TotalMilliseconds, 3),
                    ["correlationId"] = e.CorrelationId,
                    ["bulkId"] = e.BulkId,
                });
            }

            await output.WriteLineAsync(array.ToJsonString()).ConfigureAwait(false);
            return 0;
        }

        if (entries.Count == 0)
        {
            await error.WriteLineAsync("No provisioning log records match.").ConfigureAwait(false);
            return 0;
        }

        await WriteTableAsync(
            ["TIME", "TENANT", "OPERATION", "RESOURCE", "STATUS", "DETAIL"],
            entries.Select(e => new[]
            {
                Time(e.Timestamp), e.Tenant, e.Operation.ToString(),
                string.Join(' ', new[] { e.ResourceType, e.ResourceId, e.UserName ?? e.DisplayName }.Where(s => !string.IsNullOrEmpty(s))),
                e.Status.ToString(CultureInfo.InvariantCulture),
                e.Succeeded ? "" : string.Join(": ", new[] { e.ScimType, e.Detail }.Where(s => !string.IsNullOrEmpty(s))),
            })).ConfigureAwait(false);

        if (more)
        {
            await error.WriteLineAsync($"(newest {entries.Count} shown; --limit N shows up to 1000)").ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary><c>--resource</c>: <c>Users/ID</c> → (User, ID); <c>Users</c> → (User, any); a bare id → (any, id).</summary>
    internal static (string? Type, string? Id) ParseResource(string? resource)
    {
        if (resource is null)
        {
            return (null, null);
        }

        var parts = resource.Trim('/').Split('/', 2);
        string? Type(string word) => word.ToUpperInvariant() switch
        {
            "USERS" or "USER" => "User",
            "GROUPS" or "GROUP" => "Group",
            _ => null,
        };
        if (parts.Length == 2)
        {
            return (Type(parts[0]) ?? parts[0], parts[1]);
        }

        return Type(parts[0]) is { } type ? (type, null) : (null, parts[0]);
    }

    private static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Columns as wide as their widest cell, two spaces apart; the last column is not padded.</summary>
    private async Task WriteTableAsync(string[] header, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            var line = string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i])));
            await output.WriteLineAsync(line.TrimEnd()).ConfigureAwait(false);
        }
    }
}
