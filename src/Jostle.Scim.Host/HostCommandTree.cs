using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;

namespace Jostle.Scim.Host;

/// <summary>
/// The command tree on System.CommandLine: help, <c>--version</c>, errors and completion come from the framework. The
/// root runs the server; each command group is one <c>Create…</c> method here that returns its <see cref="Command"/>
/// (add a group — e.g. <c>clients</c> — by writing one more such method and adding it in <see cref="Build"/>).
/// Options every command understands (the database, the public address) are <see cref="Option.Recursive"/> on the root;
/// server-only options are on the root alone, so <c>keys create --help</c> lists what matters to it.
/// </summary>
internal static partial class HostCommandTree
{
    /// <summary>The name of the <c>help</c> command (the same as <c>--help</c>).</summary>
    public const string HelpCommandName = "help";

    /// <summary>Builds the tree; every command's action binds a <see cref="CommandLine"/> and hands it to <paramref name="run"/>.</summary>
    public static RootCommand Build(Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var shared = new SharedOptions();
        var root = new RootCommand(
            "A SCIM 2.0 server. With no command it serves SCIM at http://127.0.0.1:5000/scim/v2 on SQLite under ./data; "
            + "the commands manage API keys and OAuth clients and read the provisioning log on the same database, without starting a server.");
        shared.AddTo(root);
        root.SetAction((parse, ct) => run(shared.Bind(HostCommand.Serve, parse), ct));
        root.Add(CreateKeys(shared, run));
        root.Add(CreateClients(shared, run));
        root.Add(CreateLog(shared, run));
        root.Add(CreateConsole(shared, run));
        var help = new Command(HelpCommandName, "Shows this help (the same as --help).");
        help.SetAction(_ => root.Parse("--help").Invoke());
        root.Add(help);
        shared.ValidateEveryCommand(root);
        return root;
    }

    private static Command CreateKeys(SharedOptions shared, Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var keys = new Command("keys", "Creates, lists and revokes the API keys identity providers authenticate with.");

        var tenant = NonEmpty(new Option<string>("--tenant") { Description = "The tenant (a name). A key for a new name is how that tenant comes to exist.", HelpName = "NAME", Required = true });
        var description = NonEmpty(new Option<string>("--description") { Description = "What the key is for, e.g. \"Entra ID\".", HelpName = "TEXT", Required = true });
        var user = NonEmpty(new Option<string>("--user") { Description = "The automation user the key acts as.", HelpName = "NAME", DefaultValueFactory = _ => CommandLine.DefaultUser });
        var newTenant = new Option<bool>("--new-tenant") { Description = "Create the tenant even though one exists whose name differs only in case (names are case-sensitive)." };
        var json = JsonOption("Prints one object {\"id\",\"key\",\"tenant\",\"baseUrl\"}.");
        var keyExpires = ExpiresOption("When the key stops working: a date (2027-06-30), a date-time (UTC unless it says otherwise) or a duration from now (90d); at most three years. Default: it does not expire. An expired key is refused with a 401 that says so.");
        var create = new Command("create", "Creates an API key and prints it once (store it then, e.g. as Entra ID's Secret Token) with the tenant URL.") { tenant, description, user, keyExpires, newTenant, json };
        create.SetAction((parse, ct) => run(shared.Bind(HostCommand.KeysCreate, parse) with
        {
            Tenant = parse.GetValue(tenant),
            Description = parse.GetValue(description),
            User = parse.GetValue(user) ?? CommandLine.DefaultUser,
            Expires = Expires(parse, keyExpires),
            NewTenant = parse.GetValue(newTenant),
            Json = parse.GetValue(json),
        }, ct));

        var listTenant = NonEmpty(new Option<string>("--tenant") { Description = "Only this tenant's keys.", HelpName = "NAME" });
        var listJson = JsonOption("Prints a JSON array.");
        var list = new Command("list", "Lists keys (id, last four characters, tenant, user, dates, expiry, status, rotation, description); never a key or its hash.") { listTenant, listJson };
        list.SetAction((parse, ct) => run(shared.Bind(HostCommand.KeysList, parse) with { Tenant = parse.GetValue(listTenant), Json = parse.GetValue(listJson) }, ct));

        var id = new Argument<string>("ID") { Description = "The key id 'keys list' shows (a whole key is accepted too; only its id is used and it is never printed)." };
        var revoke = new Command("revoke", "Revokes a key; the next request that presents it is refused.") { id };
        revoke.SetAction((parse, ct) => run(shared.Bind(HostCommand.KeysRevoke, parse) with { KeyId = parse.GetValue(id) }, ct));

        var rotateId = new Argument<string>("ID") { Description = "The id of the key to replace ('keys list' shows it)." };
        var grace = new Option<string>("--grace") { Description = "Revoke the old key automatically this long after the identity provider first uses the new one (e.g. 1d, 12h). Default: keep both until 'keys revoke OLD_ID'.", HelpName = "DURATION" };
        grace.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && (!HostDuration.TryParse(r.Tokens[0].Value, out var span) || span > TimeSpan.FromDays(365)))
            {
                r.AddError($"'--grace' must be a duration of at most 365 days (e.g. 1d, 12h, 30m), not '{r.Tokens[0].Value}'.");
            }
        });
        var rotateExpires = ExpiresOption("When the new key stops working (as for 'keys create'). Default: it does not expire.");
        var rotateJson = JsonOption("Prints one object {\"rotationId\",\"oldId\",\"id\",\"key\",\"tenant\",\"baseUrl\"}.");
        var rotate = new Command("rotate", "Starts a rotation without downtime: creates a second key for the same tenant and user, printed once; both work until the old one is revoked (by --grace after the new key's first use, or by 'keys revoke').") { rotateId, grace, rotateExpires, rotateJson };
        rotate.SetAction((parse, ct) => run(shared.Bind(HostCommand.KeysRotate, parse) with
        {
            KeyId = parse.GetValue(rotateId),
            Grace = parse.GetValue(grace) is { } g && HostDuration.TryParse(g, out var span) ? span : null,
            Expires = Expires(parse, rotateExpires),
            Json = parse.GetValue(rotateJson),
        }, ct));

        keys.Add(create);
        keys.Add(list);
        keys.Add(rotate);
        keys.Add(revoke);
        return keys;
    }

    private static Command CreateConsole(SharedOptions shared, Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var console = new Command("console", "Signs people in to the browser console at /console.");
        var tenant = NonEmpty(new Option<string>("--tenant") { Description = "A link for an admin of this tenant only; without it, a link for an operator of the whole server.", HelpName = "NAME" });
        var json = JsonOption("Prints one object {\"url\"}.");
        var link = new Command("link", "Prints a one-time sign-in URL for the console, valid for ten minutes (only a hash of it is stored).") { tenant, json };
        link.SetAction((parse, ct) => run(shared.Bind(HostCommand.ConsoleLink, parse) with { Tenant = parse.GetValue(tenant), Json = parse.GetValue(json) }, ct));
        console.Add(link);
        return console;
    }

    private static Command CreateLog(SharedOptions shared, Func<CommandLine, CancellationToken, Task<int>> run)
    {
        var tenant = NonEmpty(new Option<string>("--tenant") { Description = "Only this tenant.", HelpName = "NAME" });
        var failed = new Option<bool>("--failed") { Description = "Only failed operations." };
        var user = NonEmpty(new Option<string>("--user") { Description = "Only records about this userName (case-insensitive).", HelpName = "USERNAME" });
        var resource = NonEmpty(new Option<string>("--resource") { Description = "Only this resource: Users/ID, Groups/ID, an id, or Users or Groups for a type.", HelpName = "RESOURCE" });
        var since = new Option<string>("--since") { Description = "Only records since this time: a duration ago (30m, 12h, 7d) or a date-time (2026-01-31T08:00Z).", HelpName = "WHEN" };
        since.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !TryParseSince(r.Tokens[0].Value, DateTimeOffset.UtcNow, out _))
            {
                r.AddError($"'--since' must be a duration ago (30m, 12h, 7d) or a date-time such as 2026-01-31T08:00Z, not '{r.Tokens[0].Value}'.");
            }
        });
        var limit = new Option<int>("--limit") { Description = "The most records to show, 1 to 1000.", HelpName = "N", DefaultValueFactory = _ => CommandLine.DefaultLogLimit };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError($"'--limit' must be a whole number from 1 to 1000, not '{r.Tokens.FirstOrDefault()?.Value}'.");
            }
        });
        var json = JsonOption("Prints a JSON array.");
        var log = new Command("log", "Shows the provisioning log, newest first (default the last 100 records).") { tenant, failed, user, resource, since, limit, json };
        log.SetAction((parse, ct) => run(shared.Bind(HostCommand.Log, parse) with
        {
            Tenant = parse.GetValue(tenant),
            FailedOnly = parse.GetValue(failed),
            LogUser = parse.GetValue(user),
            Resource = parse.GetValue(resource),
            Since = parse.GetValue(since) is { } s && TryParseSince(s, DateTimeOffset.UtcNow, out var at) ? at : null,
            Limit = parse.GetValue(limit),
            Json = parse.GetValue(json),
        }, ct));
        return log;
    }

    /// <summary><c>--since</c>: a duration ago or an absolute date-time (without an offset: UTC).</summary>
    public static bool TryParseSince(string value, DateTimeOffset now, out DateTimeOffset since)
    {
        if (HostDuration.TryParse(value, out var ago))
        {
            since = now - ago;
            return true;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since);
    }

    private static Option<bool> JsonOption(string description) => new("--json") { Description = description };

    private static Option<string> NonEmpty(Option<string> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && string.IsNullOrWhiteSpace(r.Tokens[0].Value))
            {
                r.AddError($"'{option.Name}' must not be empty.");
            }
        });
        return option;
    }

    /// <summary>The options on the root: the database and addresses for every command, the rest for the server.</summary>
    private sealed class SharedOptions
    {
        private readonly Option<string> _data = new("--data") { Description = "The folder of the SQLite database (default ./data; created when missing).", HelpName = "DIR", Recursive = true };
        private readonly Option<string> _postgres = new("--postgres") { Description = "Use PostgreSQL with this connection string instead of SQLite.", HelpName = "CONNECTION", Recursive = true };
        private readonly Option<string> _urls = new("--urls") { Description = "Where the server listens (';'-separated), default http://127.0.0.1:5000.", HelpName = "URLS", Recursive = true };
        private readonly Option<string> _publicUrl = new("--public-url") { Description = "The address clients use (https://scim.example.com): shown with keys and OAuth clients, in Location and meta.location. Default: the first --urls address.", HelpName = "URL", Recursive = true };
        private readonly Option<string> _logFormat = new("--log-format") { Description = "simple or json (default: json when the log stream is redirected, simple otherwise).", HelpName = "FORMAT", Recursive = true };
        private readonly Option<int?> _rateLimit = new("--rate-limit") { Description = "Requests per second per tenant, bursts of 2N (default 50); 0 turns it off.", HelpName = "N" };
        private readonly Option<string> _sqliteSync = new("--sqlite-sync") { Description = "full (default: every commit is on disk before it is answered) or normal (a power cut can lose the last commits). SQLite only.", HelpName = "MODE" };
        private readonly Option<string[]> _trustedProxy = new("--trusted-proxy") { Description = "A reverse proxy (IP address or CIDR range) whose X-Forwarded-Proto/-Host/-For are honoured; repeatable. None by default, loopback included.", HelpName = "ADDRESS" };
        private readonly Option<string> _httpsCert = new("--https-cert") { Description = "Serve HTTPS with this certificate (a .pfx/.p12 file) on the https:// addresses of --urls.", HelpName = "PATH" };
        private readonly Option<string> _httpsCertPassword = new("--https-cert-password") { Description = "The certificate file's password (or set JOSTLE_SCIM_HTTPS_CERT_PASSWORD, which stays out of the process list).", HelpName = "PASSWORD" };
        private readonly Option<string> _notifyWebhook = new("--notify-webhook") { Description = "POST each tenant's failure digest as JSON to this URL.", HelpName = "URL" };
        private readonly Option<string> _smtp = new("--smtp") { Description = "Send failure digests by e-mail through this SMTP server (STARTTLS when offered).", HelpName = "HOST:PORT" };
        private readonly Option<string> _emailFrom = new("--notify-email-from") { Description = "The sender of digest e-mails.", HelpName = "ADDRESS" };
        private readonly Option<string[]> _emailTo = new("--notify-email-to") { Description = "A recipient of digest e-mails: ADDRESS for every tenant's digests, or TENANT=ADDRESS for one tenant's; repeatable.", HelpName = "[TENANT=]ADDRESS" };
        private readonly Option<string> _digestInterval = new("--digest-interval") { Description = "At most one failure digest per tenant per interval (default 15m).", HelpName = "DURATION" };
        private readonly Option<string[]> _profile = new("--profile") { Description = "The identity provider profile requests run under: PROFILE for every tenant, or TENANT=PROFILE for one tenant; repeatable. Profiles: Default (the default), Entra, Okta, OneLogin, JumpCloud, Google, Strict.", HelpName = "[TENANT=]PROFILE" };
        private readonly Option<string> _logRetention = new("--log-retention") { Description = "Delete provisioning log records older than this (default 30d).", HelpName = "DURATION" };

        public void AddTo(RootCommand root)
        {
            foreach (var option in new Option[] { _data, _postgres, _urls, _publicUrl, _logFormat, _rateLimit, _sqliteSync, _trustedProxy, _httpsCert, _httpsCertPassword, _notifyWebhook, _smtp, _emailFrom, _emailTo, _digestInterval, _logRetention, _profile })
            {
                root.Add(option);
            }

            NotEmpty(_data, _postgres, _urls, _httpsCert);
            _logFormat.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "simple", "json");
            _sqliteSync.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, "full", "normal");
            _rateLimit.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() is < 0 or > 1_000_000)
                {
                    r.AddError($"'--rate-limit' must be a whole number of requests per second from 0 (off) to 1000000, not '{r.Tokens[0].Value}'.");
                }
            });
            Validate(_publicUrl, v => Uri.TryCreate(v, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && u.AbsolutePath == "/" && u.Query.Length == 0
                ? null
                : $"'--public-url' must be an http or https address without a path, such as https://scim.example.com, not '{v}'.");
            Validate(_notifyWebhook, v => Uri.TryCreate(v, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? null : $"'--notify-webhook' must be an absolute http or https URL, not '{v}'.");
            Validate(_smtp, v => SmtpEndpoint.TryParse(v, out _) ? null : $"'--smtp' must be HOST:PORT, such as smtp.example.com:587, not '{v}'.");
            Validate(_emailFrom, v => v.Contains('@', StringComparison.Ordinal) ? null : $"'--notify-email-from' must be an e-mail address, not '{v}'.");
            Validate(_emailTo, v => EmailDigestSettings.Split(v) is { Address: var a } && a.Contains('@', StringComparison.Ordinal) && a.IndexOf('@', StringComparison.Ordinal) > 0
                ? null
                : $"'--notify-email-to' must be an e-mail address or TENANT=ADDRESS, not '{v}'.");
            Validate(_profile, v => HostProfiles.TryParse(v, out _, out _)
                ? null
                : $"'--profile' must be a profile ({HostProfiles.Names}) or TENANT=PROFILE, not '{v}'.");
            Validate(_trustedProxy, v => IPAddress.TryParse(v, out _) || IPNetwork.TryParse(v, out _) ? null : $"'--trusted-proxy' must be an IP address or a CIDR range (10.0.0.0/8), not '{v}'.");
            foreach (var duration in new[] { _digestInterval, _logRetention })
            {
                Validate(duration, v => HostDuration.TryParse(v, out var d) && d > TimeSpan.Zero ? null : $"'{duration.Name}' must be a positive duration such as 30s, 15m, 12h or 30d, not '{v}'.");
            }

        }

        /// <summary>Checks combinations of the shared options on every command (a command's validators run only when it is the one invoked).</summary>
        public void ValidateEveryCommand(Command command)
        {
            command.Validators.Add(Consistent);
            foreach (var sub in command.Subcommands)
            {
                ValidateEveryCommand(sub);
            }
        }

        public CommandLine Bind(HostCommand command, ParseResult parse)
        {
            var data = parse.GetValue(_data);
            var password = parse.GetValue(_httpsCertPassword) ?? Environment.GetEnvironmentVariable("JOSTLE_SCIM_HTTPS_CERT_PASSWORD");
            var options = new ScimHostOptions
            {
                Urls = parse.GetValue(_urls),
                PublicUrl = parse.GetValue(_publicUrl)?.TrimEnd('/'),
                DataDirectory = data ?? "data",
                DataDirectoryGiven = data is not null,
                PostgresConnectionString = parse.GetValue(_postgres),
                RateLimit = parse.GetValue(_rateLimit),
                LogFormat = parse.GetValue(_logFormat) is { } f ? Enum.Parse<HostLogFormat>(f, ignoreCase: true) : HostLogFormat.Auto,
                SqliteSync = parse.GetValue(_sqliteSync) is { } s ? Enum.Parse<SqliteSync>(s, ignoreCase: true) : SqliteSync.Full,
                TrustedProxies = parse.GetValue(_trustedProxy) ?? [],
                HttpsCertificatePath = parse.GetValue(_httpsCert),
                HttpsCertificatePassword = password,
                NotifyWebhook = parse.GetValue(_notifyWebhook) is { } w ? new Uri(w) : null,
                Smtp = parse.GetValue(_smtp) is { } smtp && SmtpEndpoint.TryParse(smtp, out var endpoint) ? endpoint : null,
                NotifyEmailFrom = parse.GetValue(_emailFrom),
                NotifyEmailTo = parse.GetValue(_emailTo) ?? [],
                DigestInterval = parse.GetValue(_digestInterval) is { } i && HostDuration.TryParse(i, out var interval) ? interval : null,
                LogRetention = parse.GetValue(_logRetention) is { } r && HostDuration.TryParse(r, out var retention) ? retention : null,
                Profiles = parse.GetValue(_profile) ?? [],
            };
            return new CommandLine(command, options);
        }

        private void Consistent(System.CommandLine.Parsing.CommandResult result)
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (Given(_data) && Given(_postgres))
            {
                result.AddError("Use either '--data' (SQLite) or '--postgres', not both.");
            }

            if (Given(_sqliteSync) && Given(_postgres))
            {
                result.AddError("'--sqlite-sync' applies to SQLite only, not with '--postgres'.");
            }

            if (Given(_postgres) && result.GetValue(_postgres) is { Length: > 0 } connection && PostgresConnection.Problem(connection) is { } problem)
            {
                result.AddError("'--postgres': " + problem);
            }

            if ((result.GetValue(_profile) ?? []).Count(p => HostProfiles.TryParse(p, out var tenant, out _) && tenant is null) > 1)
            {
                result.AddError("'--profile' names the profile of every tenant more than once; give one PROFILE and any number of TENANT=PROFILE.");
            }

            var email = Given(_smtp) || Given(_emailFrom) || Given(_emailTo);
            if (email && !(Given(_smtp) && Given(_emailFrom) && Given(_emailTo)))
            {
                result.AddError("E-mail digests need all of '--smtp HOST:PORT', '--notify-email-from ADDRESS' and '--notify-email-to ADDRESS'.");
            }

            if (Given(_httpsCert))
            {
                var urls = result.GetValue(_urls) ?? "";
                if (!urls.Contains("https://", StringComparison.OrdinalIgnoreCase))
                {
                    result.AddError("'--https-cert' needs an https:// address in '--urls', e.g. --urls https://0.0.0.0:8443.");
                }
                else if (!File.Exists(result.GetValue(_httpsCert)))
                {
                    result.AddError($"'--https-cert': no file at {Path.GetFullPath(result.GetValue(_httpsCert)!)}.");
                }
            }
        }

        private static void NotEmpty(params Option<string>[] options)
        {
            foreach (var option in options)
            {
                Validate(option, v => string.IsNullOrWhiteSpace(v) ? $"'{option.Name}' must not be empty." : null);
            }
        }

        private static void Validate(Option option, Func<string, string?> problem) => option.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (problem(token.Value) is { } message)
                {
                    r.AddError(message);
                }
            }
        });
    }
}

/// <summary>Durations on the command line: <c>30s</c>, <c>15m</c>, <c>12h</c>, <c>30d</c>, or a <see cref="TimeSpan"/> (<c>1.12:00:00</c>).</summary>
internal static class HostDuration
{
    /// <summary>Parses a duration.</summary>
    public static bool TryParse(string value, out TimeSpan duration)
    {
        duration = default;
        if (value.Length >= 2 && double.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? d = value[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (d is { } parsed)
            {
                duration = parsed;
                return true;
            }
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }
}

/// <summary><c>--smtp HOST:PORT</c>.</summary>
internal sealed record SmtpEndpoint(string Host, int Port)
{
    /// <summary>Parses <c>HOST:PORT</c>.</summary>
    public static bool TryParse(string value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SmtpEndpoint? endpoint)
    {
        endpoint = null;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return false;
        }

        endpoint = new SmtpEndpoint(value[..colon].Trim('[', ']'), port);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port}";
}

/// <summary>Checks a PostgreSQL connection string before anything connects, naming a bad keyword but never echoing the string (it may hold a password).</summary>
internal static class PostgresConnection
{
    /// <summary>What is wrong with the connection string, or <see langword="null"/>.</summary>
    public static string? Problem(string connectionString)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.ParamName is { Length: > 0 } keyword
                ? $"the connection string has a keyword PostgreSQL does not know: '{keyword}' (e.g. Host, Port, Database, Username, Password)."
                : e.Message.Split(" (Parameter", 2)[0].TrimEnd('.') + ".";
        }
    }
}
