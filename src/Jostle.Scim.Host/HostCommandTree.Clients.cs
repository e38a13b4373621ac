using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Jostle.Scim.Host;

/// <summary>The <c>clients</c> group: OAuth 2.0 clients, their secrets and federated credentials (issue #13).</summary>
internal static partial class HostCommandTree
{
    private const string ClientIdHint = "a client id: jsc_ and 16 hex digits, as 'clients list' shows";

    private static Command CreateClients(SharedOptions shared, Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var clients = new Command("clients", "Creates, lists and revokes OAuth 2.0 clients (client credentials and workload identity federation) and their secrets.");
        clients.Add(CreateClientsCreate(shared, run));
        clients.Add(CreateClientsList(shared, run));
        clients.Add(CreateClientsSecret(shared, run));

        var client = ClientArgument("The client id (jsc_…) to revoke.");
        var revoke = new Command("revoke", "Revokes a client: it gets no more tokens, and every token it holds is refused on the next request.") { client };
        revoke.SetAction((parse, ct) => run(shared.Bind(HostCommand.ClientsRevoke, parse) with { ClientId = parse.GetValue(client) }, ct));
        clients.Add(revoke);

        clients.Add(CreateClientsTrust(shared, run));
        return clients;
    }

    private static Command CreateClientsCreate(SharedOptions shared, Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var tenant = NonEmpty(new Option<string>("--tenant") { Description = "The tenant (a name). A client for a new name is how that tenant comes to exist.", HelpName = "NAME", Required = true });
        var description = NonEmpty(new Option<string>("--description") { Description = "What the client is for, e.g. \"Entra ID\".", HelpName = "TEXT", Required = true });
        var user = NonEmpty(new Option<string>("--user") { Description = "The automation user the client acts as.", HelpName = "NAME", DefaultValueFactory = _ => CommandLine.DefaultUser });
        var expires = ExpiresOption();
        var newTenant = new Option<bool>("--new-tenant") { Description = "Create the tenant even though one exists whose name differs only in case (names are case-sensitive)." };
        var json = JsonOption("Prints one object {\"clientId\",\"clientSecret\",\"tokenUrl\",\"baseUrl\",\"expires\"}.");
        var create = new Command("create", "Creates an OAuth client and its first secret, printed once (store it then, as Entra ID's Client secret), with the tenant URL and token endpoint.")
        {
            tenant, description, user, expires, newTenant, json,
        };
        create.SetAction((parse, ct) => run(shared.Bind(HostCommand.ClientsCreate, parse) with
        {
            Tenant = parse.GetValue(tenant),
            Description = parse.GetValue(description),
            User = parse.GetValue(user) ?? CommandLine.DefaultUser,
            Expires = Expires(parse, expires),
            NewTenant = parse.GetValue(newTenant),
            Json = parse.GetValue(json),
        }, ct));
        return create;
    }

    private static Command CreateClientsList(SharedOptions shared, Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var tenant = NonEmpty(new Option<string>("--tenant") { Description = "Only this tenant's clients.", HelpName = "NAME" });
        var json = JsonOption("Prints a JSON array of clients, each with its secrets and federated credentials.");
        var list = new Command("list", "Lists clients (id, tenant, user, dates, status, description), their secrets (id, expiry, status) and federated credentials; never a secret or its hash.") { tenant, json };
        list.SetAction((parse, ct) => run(shared.Bind(HostCommand.ClientsList, parse) with { Tenant = parse.GetValue(tenant), Json = parse.GetValue(json) }, ct));
        return list;
    }

    private static Command CreateClientsSecret(SharedOptions shared, Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var secret = new Command("secret", "Adds and revokes a client's secrets (rotation: add a secret, enter it in the identity provider, revoke the old one).");

        var addClient = ClientArgument("The client id (jsc_…) to add a secret to.");
        var expires = ExpiresOption();
        var description = NonEmpty(new Option<string>("--description") { Description = "What the secret is for (default: the day it was added).", HelpName = "TEXT" });
        var json = JsonOption("Prints one object {\"clientId\",\"secretId\",\"clientSecret\",\"expires\"}.");
        var add = new Command("add", "Adds a secret to a client and prints it once; the client's other secrets keep working until they are revoked or expire.") { addClient, expires, description, json };
        add.SetAction((parse, ct) => run(shared.Bind(HostCommand.ClientsSecretAdd, parse) with
        {
            ClientId = parse.GetValue(addClient),
            Expires = Expires(parse, expires),
            Description = parse.GetValue(description),
            Json = parse.GetValue(json),
        }, ct));

        var revokeClient = ClientArgument("The client id (jsc_…) the secret belongs to.");
        var secretId = new Argument<string>("SECRET_ID") { Description = "The secret id 'clients list' shows (a whole secret is accepted too; only its id is used and it is never printed)." };
        secretId.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && SecretIdOf(r.Tokens[0].Value) is null)
            {
                r.AddError("'SECRET_ID' must be a secret id: 16 hex digits, as 'clients list' shows (or a whole jscs_… secret).");
            }
        });
        var revoke = new Command("revoke", "Revokes one secret: the token endpoint refuses it, and the tokens it got are refused on the next request.") { revokeClient, secretId };
        revoke.SetAction((parse, ct) => run(shared.Bind(HostCommand.ClientsSecretRevoke, parse) with
        {
            ClientId = parse.GetValue(revokeClient),
            SecretId = SecretIdOf(parse.GetValue(secretId)!),
        }, ct));

        secret.Add(add);
        secret.Add(revoke);
        return secret;
    }

    private static Command CreateClientsTrust(SharedOptions shared, Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var tenant = NonEmpty(new Option<string>("--tenant") { Description = "The tenant whose federation-only client trusts the credential (created on first use, reused after).", HelpName = "NAME", Required = true });
        var issuer = NonEmpty(new Option<string>("--issuer") { Description = "The iss of the assertions, e.g. https://login.microsoftonline.com/<Entra tenant id>/v2.0.", HelpName = "ISSUER", Required = true });
        var subject = NonEmpty(new Option<string>("--subject") { Description = "The sub of the assertions (for Entra ID: the object id of the provisioning service principal).", HelpName = "SUBJECT", Required = true });
        var audience = NonEmpty(new Option<string>("--audience") { Description = "The aud of the assertions, e.g. api://AzureADTokenExchange.", HelpName = "AUDIENCE", Required = true });
        var jwksUrl = new Option<string>("--jwks-url") { Description = "The issuer's signing keys: an https JWKS URL (fetched and cached by the server).", HelpName = "URL" };
        Validate(jwksUrl, v => Uri.TryCreate(v, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps ? null : $"'--jwks-url' must be an https URL, not '{v}'.");
        var jwksFile = NonEmpty(new Option<string>("--jwks-file") { Description = "The issuer's signing keys: a JWKS file the server can read (offline deployments).", HelpName = "PATH" });
        var user = NonEmpty(new Option<string>("--user") { Description = "The automation user the client acts as.", HelpName = "NAME", DefaultValueFactory = _ => CommandLine.DefaultUser });
        var newTenant = new Option<bool>("--new-tenant") { Description = "Create the tenant even though one exists whose name differs only in case (names are case-sensitive)." };
        var json = JsonOption("Prints one object {\"clientId\",\"credentialId\",\"tenant\",\"tokenUrl\",\"baseUrl\"}.");
        var trust = new Command("trust", "Trusts a federated credential (workload identity federation): a JWT client assertion with this issuer, subject and audience, signed by a key of the JWKS, gets tokens without a secret.")
        {
            tenant, issuer, subject, audience, jwksUrl, jwksFile, user, newTenant, json,
        };
        trust.Validators.Add(r =>
        {
            if ((r.GetResult(jwksUrl) is null) == (r.GetResult(jwksFile) is null))
            {
                r.AddError("Give exactly one of '--jwks-url URL' and '--jwks-file PATH'.");
            }
        });
        trust.SetAction((parse, ct) => run(shared.Bind(HostCommand.ClientsTrust, parse) with
        {
            Tenant = parse.GetValue(tenant),
            User = parse.GetValue(user) ?? CommandLine.DefaultUser,
            Trust = new FederatedTrust(
                parse.GetValue(issuer)!,
                parse.GetValue(subject)!,
                parse.GetValue(audience)!,
                parse.GetValue(jwksUrl) ?? Path.GetFullPath(parse.GetValue(jwksFile)!)),
            NewTenant = parse.GetValue(newTenant),
            Json = parse.GetValue(json),
        }, ct));
        return trust;
    }

    /// <summary>
    /// <c>--expires</c>: a date (UTC midnight), a date-time (without an offset: UTC) or a duration from now; in the future
    /// and at most <see cref="Jostle.Scim.OAuth.ScimOAuthOptions.MaxSecretLifetime"/> away.
    /// </summary>
    public static bool TryParseExpires(string value, DateTimeOffset now, out DateTimeOffset expires)
    {
        if (HostDuration.TryParse(value, out var lifetime))
        {
            expires = now + lifetime;
            return true;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out expires);
    }

    /// <summary>The secret id of a <c>SECRET_ID</c> argument (16 hex digits, or taken from a whole <c>jscs_&lt;id&gt;_…</c> secret), or <see langword="null"/>.</summary>
    public static string? SecretIdOf(string value)
    {
        var id = value.StartsWith("jscs_", StringComparison.Ordinal) && value.Length > 22 && value[21] == '_' ? value[5..21] : value;
        return HexId().IsMatch(id) ? id : null;
    }

    private static Option<string> ExpiresOption(string? description = null)
    {
        var expires = new Option<string>("--expires") { Description = description ?? "When the secret stops working: a date (2027-06-30), a date-time (UTC unless it says otherwise) or a duration from now (90d); at most three years. Default one year.", HelpName = "WHEN" };
        expires.Validators.Add(r =>
        {
            if (r.Tokens.Count != 1)
            {
                return;
            }

            var value = r.Tokens[0].Value;
            var now = DateTimeOffset.UtcNow;
            if (!TryParseExpires(value, now, out var at))
            {
                r.AddError($"'--expires' must be a date (2027-06-30), a date-time or a duration from now (90d), not '{value}'.");
            }
            else if (at <= now || at - now > Jostle.Scim.OAuth.ScimOAuthOptions.MaxSecretLifetime)
            {
                r.AddError($"'--expires' must be in the future and at most three years away, not '{value}'.");
            }
        });
        return expires;
    }

    private static DateTimeOffset? Expires(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) is { } value && TryParseExpires(value, DateTimeOffset.UtcNow, out var at) ? at : null;

    /// <summary>A <c>CLIENT</c> argument: a client id, checked for its shape without echoing it (a pasted secret must not end up in a terminal log).</summary>
    private static Argument<string> ClientArgument(string description)
    {
        var client = new Argument<string>("CLIENT") { Description = description };
        client.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !ClientId().IsMatch(r.Tokens[0].Value))
            {
                r.AddError(r.Tokens[0].Value.StartsWith("jscs_", StringComparison.Ordinal)
                    ? $"'CLIENT' is a client secret, not a client id; give {ClientIdHint}."
                    : $"'CLIENT' must be {ClientIdHint}.");
            }
        });
        return client;
    }

    private static void Validate(Option<string> option, Func<string, string?> problem) => option.Validators.Add(r =>
    {
        if (r.Tokens.Count == 1 && problem(r.Tokens[0].Value) is { } message)
        {
            r.AddError(message);
        }
    });

    [GeneratedRegex("^jsc_[0-9a-f]{16}$")]
    private static partial Regex ClientId();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex HexId();
}
