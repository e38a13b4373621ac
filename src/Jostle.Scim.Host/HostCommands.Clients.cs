using System.Globalization;
using System.Text.Json.Nodes;
using Jostle.Scim.OAuth;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Host;

/// <summary>The <c>clients</c> commands: OAuth clients, their secrets and federated credentials, through <see cref="ScimOAuthClientManager"/>.</summary>
internal sealed partial class HostCommands
{
    /// <summary>The description of the clients <c>clients trust</c> creates (they have no secret).</summary>
    public const string FederationClientDescription = "workload identity federation";

    private ScimOAuthClientManager OAuthClients => services.GetRequiredService<ScimOAuthClientManager>();

    private string BaseUrl => line.Options.BaseUrl(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));

    private string TokenUrl => BaseUrl + services.GetRequiredService<IOptions<ScimOAuthOptions>>().Value.TokenPath;

    private async Task<int> CreateClientAsync(CancellationToken cancellationToken)
    {
        if (!await TenantNameIsMeantAsync(cancellationToken).ConfigureAwait(false))
        {
            return FailureExitCode;
        }

        var created = await OAuthClients.CreateClientAsync(line.Tenant!, line.User, line.Description!, Lifetime(), cancellationToken: cancellationToken).ConfigureAwait(false);
        var client = created.Client;
        var secret = created.Secret!;
        if (line.Json)
        {
            await WriteJsonAsync(new JsonObject
            {
                ["clientId"] = client.ClientId,
                ["clientSecret"] = secret.PlaintextSecret,
                ["tokenUrl"] = TokenUrl,
                ["baseUrl"] = BaseUrl,
                ["expires"] = secret.Secret.ExpiresAt,
            }).ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"""
            Created OAuth client {client.ClientId} for tenant '{client.TenantId}' (user '{client.Actor}', '{client.Description}').

            Client secret {secret.Secret.SecretId} (shown this once; store it now, as Entra ID's Client secret), expires {Time(secret.Secret.ExpiresAt)}:
              {secret.PlaintextSecret}

            Tenant URL:         {BaseUrl}
            Token endpoint:     {TokenUrl}
            Client identifier:  {client.ClientId}
            """).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> ListClientsAsync(CancellationToken cancellationToken)
    {
        var clients = await OAuthClients.ListClientsAsync(line.Tenant, cancellationToken).ConfigureAwait(false);
        var details = new List<(ScimOAuthClient Client, IReadOnlyList<ScimOAuthClientSecret> Secrets, IReadOnlyList<ScimFederatedCredential> Federated)>();
        foreach (var client in clients)
        {
            details.Add((
                client,
                await OAuthClients.ListSecretsAsync(client.ClientId, cancellationToken).ConfigureAwait(false),
                await OAuthClients.ListFederatedCredentialsAsync(client.ClientId, cancellationToken).ConfigureAwait(false)));
        }

        var now = DateTimeOffset.UtcNow;
        if (line.Json)
        {
            var array = new JsonArray();
            foreach (var (client, secrets, federated) in details)
            {
                array.Add(new JsonObject
                {
                    ["clientId"] = client.ClientId,
                    ["tenant"] = client.TenantId,
                    ["user"] = client.Actor,
                    ["description"] = client.Description,
                    ["createdAt"] = client.CreatedAt,
                    ["revokedAt"] = client.RevokedAt,
                    ["secrets"] = new JsonArray([.. secrets.Select(s => (JsonNode)new JsonObject
                    {
                        ["id"] = s.SecretId,
                        ["description"] = s.Description,
                        ["createdAt"] = s.CreatedAt,
                        ["expiresAt"] = s.ExpiresAt,
                        ["revokedAt"] = s.RevokedAt,
                    })]),
                    ["federatedCredentials"] = new JsonArray([.. federated.Select(f => (JsonNode)new JsonObject
                    {
                        ["id"] = f.CredentialId,
                        ["issuer"] = f.Issuer,
                        ["subject"] = f.Subject,
                        ["audience"] = f.Audience,
                        ["keySource"] = f.KeySource,
                        ["createdAt"] = f.CreatedAt,
                        ["revokedAt"] = f.RevokedAt,
                    })]),
                });
            }

            await WriteJsonAsync(array).ConfigureAwait(false);
            return 0;
        }

        if (details.Count == 0)
        {
            await error.WriteLineAsync(line.Tenant is null ? "No OAuth clients." : $"No OAuth clients for tenant '{line.Tenant}'.").ConfigureAwait(false);
            return 0;
        }

        // Three aligned tables (clients, secrets, federated credentials) rather than one nested one: each stays greppable.
        await WriteTableAsync(
            ["CLIENT", "TENANT", "USER", "CREATED", "STATUS", "DESCRIPTION"],
            details.Select(d => new[] { d.Client.ClientId, d.Client.TenantId, d.Client.Actor, Time(d.Client.CreatedAt), Status(d.Client.RevokedAt), d.Client.Description })).ConfigureAwait(false);

        var secretRows = details.SelectMany(d => d.Secrets.Select(s => new[]
        {
            s.SecretId, d.Client.ClientId, Time(s.CreatedAt), Time(s.ExpiresAt), s.IsRevoked ? Status(s.RevokedAt) : s.ExpiresAt <= now ? "expired" : "active", s.Description,
        })).ToList();
        if (secretRows.Count > 0)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await WriteTableAsync(["SECRET", "CLIENT", "CREATED", "EXPIRES", "STATUS", "DESCRIPTION"], secretRows).ConfigureAwait(false);
        }

        var federatedRows = details.SelectMany(d => d.Federated.Select(f => new[]
        {
            f.CredentialId, d.Client.ClientId, Time(f.CreatedAt), Status(f.RevokedAt), f.Issuer, f.Subject, f.Audience, f.KeySource,
        })).ToList();
        if (federatedRows.Count > 0)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await WriteTableAsync(["FEDERATED CREDENTIAL", "CLIENT", "CREATED", "STATUS", "ISSUER", "SUBJECT", "AUDIENCE", "KEYS"], federatedRows).ConfigureAwait(false);
        }

        return 0;
    }

    private async Task<int> AddSecretAsync(CancellationToken cancellationToken)
    {
        var client = await FindClientAsync(cancellationToken).ConfigureAwait(false);
        if (client is null)
        {
            return FailureExitCode;
        }

        if (client.IsRevoked)
        {
            await error.WriteLineAsync($"OAuth client {client.ClientId} was revoked at {Time(client.RevokedAt)}; a revoked client gets no secrets. Create a new one with 'clients create'.").ConfigureAwait(false);
            return FailureExitCode;
        }

        var description = line.Description ?? "added " + DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var added = await OAuthClients.AddSecretAsync(client.ClientId, description, Lifetime(), cancellationToken).ConfigureAwait(false);
        if (line.Json)
        {
            await WriteJsonAsync(new JsonObject
            {
                ["clientId"] = client.ClientId,
                ["secretId"] = added.Secret.SecretId,
                ["clientSecret"] = added.PlaintextSecret,
                ["expires"] = added.Secret.ExpiresAt,
            }).ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"""
            Added secret {added.Secret.SecretId} to OAuth client {client.ClientId} (tenant '{client.TenantId}'), expires {Time(added.Secret.ExpiresAt)}.

            Client secret (shown this once; store it now, as Entra ID's Client secret):
              {added.PlaintextSecret}

            The client's other secrets keep working: once the identity provider uses this one, revoke the old one with
            'clients secret revoke {client.ClientId} SECRET_ID'.
            """).ConfigureAwait(false);
        return 0;
    }

    private async Task<int> RevokeSecretAsync(CancellationToken cancellationToken)
    {
        var client = await FindClientAsync(cancellationToken).ConfigureAwait(false);
        if (client is null)
        {
            return FailureExitCode;
        }

        var secrets = await OAuthClients.ListSecretsAsync(client.ClientId, cancellationToken).ConfigureAwait(false);
        var secret = secrets.FirstOrDefault(s => s.SecretId == line.SecretId);
        if (secret is null)
        {
            await error.WriteLineAsync($"OAuth client {client.ClientId} has no secret with the id '{line.SecretId}'. 'clients list' shows the ids.").ConfigureAwait(false);
            return FailureExitCode;
        }

        if (secret.IsRevoked)
        {
            await error.WriteLineAsync($"Secret {secret.SecretId} of OAuth client {client.ClientId} was already revoked at {Time(secret.RevokedAt)}; nothing changed.").ConfigureAwait(false);
            return 0;
        }

        if (!await OAuthClients.RevokeSecretAsync(client.ClientId, secret.SecretId, cancellationToken).ConfigureAwait(false))
        {
            await error.WriteLineAsync($"OAuth client {client.ClientId} has no secret with the id '{line.SecretId}'. 'clients list' shows the ids.").ConfigureAwait(false);
            return FailureExitCode;
        }

        await output.WriteLineAsync($"Revoked secret {secret.SecretId} of OAuth client {client.ClientId} (tenant '{client.TenantId}'); the token endpoint refuses it, and the tokens it got are refused on the next request.").ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var federated = await OAuthClients.ListFederatedCredentialsAsync(client.ClientId, cancellationToken).ConfigureAwait(false);
        if (!client.IsRevoked && !secrets.Any(s => s.SecretId != secret.SecretId && !s.IsRevoked && s.ExpiresAt > now) && !federated.Any(f => !f.IsRevoked))
        {
            await error.WriteLineAsync($"OAuth client {client.ClientId} has no working secret or federated credential left: it gets no tokens until 'clients secret add {client.ClientId}'.").ConfigureAwait(false);
        }

        return 0;
    }

    private async Task<int> RevokeClientAsync(CancellationToken cancellationToken)
    {
        var client = await FindClientAsync(cancellationToken).ConfigureAwait(false);
        if (client is null)
        {
            return FailureExitCode;
        }

        if (client.IsRevoked)
        {
            await error.WriteLineAsync($"OAuth client {client.ClientId} was already revoked at {Time(client.RevokedAt)}; nothing changed.").ConfigureAwait(false);
            return 0;
        }

        if (!await OAuthClients.RevokeClientAsync(client.ClientId, cancellationToken).ConfigureAwait(false))
        {
            await error.WriteLineAsync($"No OAuth client has the id '{client.ClientId}'. 'clients list' shows the ids.").ConfigureAwait(false);
            return FailureExitCode;
        }

        await output.WriteLineAsync($"Revoked OAuth client {client.ClientId} (tenant '{client.TenantId}'); it gets no more tokens, and the next request with one of its tokens is refused.").ConfigureAwait(false);
        return 0;
    }

    private async Task<int> TrustAsync(CancellationToken cancellationToken)
    {
        var trust = line.Trust!;
        if (!trust.KeySource.Contains("://", StringComparison.Ordinal) && await JwksFileProblemAsync(trust.KeySource, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            await error.WriteLineAsync(problem).ConfigureAwait(false);
            return FailureExitCode;
        }

        // One federation-only client per tenant and user: the oldest active one that has never had a secret, else a new one.
        ScimOAuthClient? client = null;
        foreach (var candidate in (await OAuthClients.ListClientsAsync(line.Tenant, cancellationToken).ConfigureAwait(false))
            .Where(c => !c.IsRevoked && c.Actor == line.User && c.TenantId == line.Tenant).OrderBy(c => c.CreatedAt))
        {
            if ((await OAuthClients.ListSecretsAsync(candidate.ClientId, cancellationToken).ConfigureAwait(false)).Count == 0)
            {
                client = candidate;
                break;
            }
        }

        if (client is null)
        {
            if (!await TenantNameIsMeantAsync(cancellationToken).ConfigureAwait(false))
            {
                return FailureExitCode;
            }

            client = (await OAuthClients.CreateClientAsync(line.Tenant!, line.User, FederationClientDescription, createSecret: false, cancellationToken: cancellationToken).ConfigureAwait(false)).Client;
        }

        var existing = (await OAuthClients.ListFederatedCredentialsAsync(client.ClientId, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(f => !f.IsRevoked && f.Issuer == trust.Issuer && f.Subject == trust.Subject && f.Audience == trust.Audience && f.KeySource == trust.KeySource);
        var credential = existing ?? await OAuthClients.TrustFederatedCredentialAsync(client.ClientId, trust.Issuer, trust.Subject, trust.Audience, trust.KeySource, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            await error.WriteLineAsync($"OAuth client {client.ClientId} already trusts this credential ({existing.CredentialId}); nothing changed.").ConfigureAwait(false);
        }

        var others = (await services.GetRequiredService<IScimOAuthStore>().FindFederatedCredentialsAsync(trust.Issuer, trust.Subject, cancellationToken).ConfigureAwait(false))
            .Where(f => !f.IsRevoked && f.ClientId != client.ClientId).Select(f => f.ClientId).Distinct(StringComparer.Ordinal).ToList();
        if (others.Count > 0)
        {
            await error.WriteLineAsync($"Note: {string.Join(", ", others)} also trust{(others.Count == 1 ? "s" : "")} this issuer and subject; an assertion sent without client_id is taken by the first that accepts it, so have the identity provider send the client identifier.").ConfigureAwait(false);
        }

        if (line.Json)
        {
            await WriteJsonAsync(new JsonObject
            {
                ["clientId"] = client.ClientId,
                ["credentialId"] = credential.CredentialId,
                ["tenant"] = client.TenantId,
                ["tokenUrl"] = TokenUrl,
                ["baseUrl"] = BaseUrl,
            }).ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"""
            OAuth client {client.ClientId} (tenant '{client.TenantId}', user '{client.Actor}') trusts federated credential {credential.CredentialId}:
              issuer    {credential.Issuer}
              subject   {credential.Subject}
              audience  {credential.Audience}
              keys      {credential.KeySource}

            Tenant URL:         {BaseUrl}
            Token endpoint:     {TokenUrl}
            Client identifier:  {client.ClientId}
            """).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The client <c>CLIENT</c> names, or <see langword="null"/> after saying on standard error that there is none.</summary>
    private async Task<ScimOAuthClient?> FindClientAsync(CancellationToken cancellationToken)
    {
        var client = (await OAuthClients.ListClientsAsync(null, cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.ClientId == line.ClientId);
        if (client is null)
        {
            await error.WriteLineAsync($"No OAuth client has the id '{line.ClientId}'. 'clients list' shows the ids.").ConfigureAwait(false);
        }

        return client;
    }

    /// <summary>Why the server could not use this JWKS file, or <see langword="null"/>: caught now rather than at the first token request.</summary>
    private static async Task<string?> JwksFileProblemAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return $"No JWKS file at {path}.";
        }

        try
        {
            var set = new Microsoft.IdentityModel.Tokens.JsonWebKeySet(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
            return set.Keys.Count > 0 ? null : $"The JWKS file {path} has no keys.";
        }
        catch (ArgumentException)
        {
            return $"The file {path} is not a JWKS (a JSON object with a \"keys\" array).";
        }
    }

    /// <summary><c>--expires</c> as the lifetime the manager takes; <see langword="null"/> for its default.</summary>
    private TimeSpan? Lifetime()
    {
        if (line.Expires is not { } expires)
        {
            return null;
        }

        var lifetime = expires - DateTimeOffset.UtcNow;
        return lifetime > TimeSpan.Zero ? lifetime : TimeSpan.FromSeconds(1);
    }

    private static string Status(DateTimeOffset? revokedAt) => revokedAt is null ? "active" : "revoked " + Time(revokedAt);

    private Task WriteJsonAsync(JsonNode json) => output.WriteLineAsync(json.ToJsonString());
}
