using System.Globalization;
using System.Text.Json.Nodes;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;

namespace Jostle.Scim.Host;

/// <summary>
/// The command-line commands: API keys and the provisioning log, against the same database the server uses. They build
/// the SCIM services without a web server (Kestrel never starts), prepare the database, and write results on standard
/// output (with <c>--json</c>: exactly one JSON document) and everything else on standard error.
/// </summary>
internal sealed class HostCommands(IServiceProvider services, CommandLine line, TextWriter output, TextWriter error)
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
            await ScimComposition.PrepareDatabaseAsync(provider, line.Options, cancellationToken).ConfigureAwait(false);
            return await RunAsync(provider, line, output, error, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the command on services that are already built and a database that is ready.</summary>
    public static Task<int> RunAsync(IServiceProvider services, CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        new HostCommands(services, line, output, error).RunAsync(cancellationToken);

    private ScimApiKeyManager Keys => services.GetRequiredService<ScimApiKeyManager>();

    private async Task<int> RunAsync(CancellationToken cancellationToken) => line.Command switch
    {
        HostCommand.KeysCreate => await CreateKeyAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.KeysList => await ListKeysAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.KeysRevoke => await RevokeKeyAsync(cancellationToken).ConfigureAwait(false),
        HostCommand.Log => await ShowLogAsync(cancellationToken).ConfigureAwait(false),
        _ => throw new InvalidOperationException($"{line.Command} is not a command of {nameof(HostCommands)}."),
    };

    private async Task<int> CreateKeyAsync(CancellationToken cancellationToken)
    {
        var (key, plaintext) = await Keys.CreateAsync(line.Tenant!, line.User, line.Description!, cancellationToken).ConfigureAwait(false);
        var baseUrl = line.Options.BaseUrl(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
        if (line.Json)
        {
            var json = new JsonObject { ["id"] = key.KeyId, ["key"] = plaintext, ["tenant"] = key.TenantId, ["baseUrl"] = baseUrl };
            await output.WriteLineAsync(json.ToJsonString()).ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"""
            Created API key {key.KeyId} for tenant '{key.TenantId}' (user '{key.Actor}', '{key.Description}').

            Key (shown this once; store it now, e.g. as Entra ID's Secret Token):
              {plaintext}

            Tenant URL: {baseUrl}
            """).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> ListKeysAsync(CancellationToken cancellationToken)
    {
        var keys = await Keys.ListAsync(line.Tenant, cancellationToken).ConfigureAwait(false);
        if (line.Json)
        {
            var array = new JsonArray();
            foreach (var key in keys)
            {
                array.Add(new JsonObject
                {
                    ["id"] = key.KeyId,
                    ["tenant"] = key.TenantId,
                    ["user"] = key.Actor,
                    ["description"] = key.Description,
                    ["createdAt"] = key.CreatedAt,
                    ["lastUsedAt"] = key.LastUsedAt,
                    ["revokedAt"] = key.RevokedAt,
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

        await output.WriteLineAsync(Row("ID", "TENANT", "USER", "CREATED", "LAST USED", "STATUS", "DESCRIPTION")).ConfigureAwait(false);
        foreach (var key in keys)
        {
            await output.WriteLineAsync(Row(key.KeyId, key.TenantId, key.Actor, Time(key.CreatedAt), Time(key.LastUsedAt), key.IsRevoked ? "revoked " + Time(key.RevokedAt) : "active", key.Description)).ConfigureAwait(false);
        }

        return 0;
    }

    private async Task<int> RevokeKeyAsync(CancellationToken cancellationToken)
    {
        if (!await Keys.RevokeAsync(line.KeyId!, cancellationToken).ConfigureAwait(false))
        {
            await error.WriteLineAsync($"No API key has the id '{line.KeyId}'. 'keys list' shows the ids.").ConfigureAwait(false);
            return FailureExitCode;
        }

        await output.WriteLineAsync($"Revoked API key {line.KeyId}; the next request that presents it is refused.").ConfigureAwait(false);
        return 0;
    }

    private async Task<int> ShowLogAsync(CancellationToken cancellationToken)
    {
        var reader = services.GetRequiredService<IProvisioningLogReader>();
        var page = await reader.QueryAsync(
            new ProvisioningLogQuery
            {
                Tenant = line.Tenant,
                Outcome = line.FailedOnly ? ProvisioningOutcomeFilter.Failure : ProvisioningOutcomeFilter.Any,
                PageSize = line.Limit,
            },
            cancellationToken).ConfigureAwait(false);
        if (line.Json)
        {
            var array = new JsonArray();
            foreach (var e in page.Entries)
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

        if (page.Entries.Count == 0)
        {
            await error.WriteLineAsync("No provisioning log records match.").ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync(Row("TIME", "TENANT", "OPERATION", "RESOURCE", "STATUS", "DETAIL")).ConfigureAwait(false);
        foreach (var e in page.Entries)
        {
            var resource = string.Join(' ', new[] { e.ResourceType, e.ResourceId, e.UserName ?? e.DisplayName }.Where(s => !string.IsNullOrEmpty(s)));
            var detail = e.Succeeded ? "" : string.Join(": ", new[] { e.ScimType, e.Detail }.Where(s => !string.IsNullOrEmpty(s)));
            await output.WriteLineAsync(Row(Time(e.Timestamp), e.Tenant, e.Operation.ToString(), resource, e.Status.ToString(CultureInfo.InvariantCulture), detail)).ConfigureAwait(false);
        }

        if (page.ContinuationToken is not null)
        {
            await error.WriteLineAsync($"(newest {page.Entries.Count} shown; --limit N shows up to 1000)").ConfigureAwait(false);
        }

        return 0;
    }

    private static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    private static string Row(params string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(i == 0 ? 20 : 16)));
}
