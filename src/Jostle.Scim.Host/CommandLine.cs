using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Jostle.Scim.Host;

/// <summary>What the process was asked to do.</summary>
internal enum HostCommand
{
    /// <summary>No command: run the SCIM server.</summary>
    Serve,

    /// <summary><c>help</c>, <c>--help</c>, <c>-h</c>.</summary>
    Help,

    /// <summary><c>keys create</c>.</summary>
    KeysCreate,

    /// <summary><c>keys list</c>.</summary>
    KeysList,

    /// <summary><c>keys revoke ID</c>.</summary>
    KeysRevoke,

    /// <summary><c>log</c>.</summary>
    Log,
}

/// <summary>
/// The parsed command line: a command (none = run the server), its own options and the shared <see cref="ScimHostOptions"/>.
/// Options take <c>--name value</c> or <c>--name=value</c>; anything unknown, misplaced or missing is an error, which the
/// caller prints with <see cref="Usage"/> on standard error before exiting with <see cref="UsageExitCode"/>.
/// </summary>
internal sealed record CommandLine(HostCommand Command, ScimHostOptions Options)
{
    /// <summary>The exit code of a command line that cannot be understood.</summary>
    public const int UsageExitCode = 2;

    /// <summary>The actor (automation user) of a key created without <c>--user</c>.</summary>
    public const string DefaultUser = "scim-provisioning";

    /// <summary>The most log records <c>log</c> prints without <c>--limit</c>.</summary>
    public const int DefaultLogLimit = 100;

    private static readonly string[] SharedValueOptions = ["urls", "data", "postgres", "rate-limit", "log-format", "sqlite-sync"];

    private static readonly Dictionary<HostCommand, string[]> CommandOptions = new()
    {
        [HostCommand.Serve] = [],
        [HostCommand.Help] = [],
        [HostCommand.KeysCreate] = ["tenant", "description", "user", "json"],
        [HostCommand.KeysList] = ["tenant", "json"],
        [HostCommand.KeysRevoke] = [],
        [HostCommand.Log] = ["tenant", "failed", "json", "limit"],
    };

    private static readonly HashSet<string> ValueOptions = [.. SharedValueOptions, "tenant", "description", "user", "limit"];
    private static readonly HashSet<string> FlagOptions = ["json", "failed", "help"];

    /// <summary><c>--tenant</c>.</summary>
    public string? Tenant { get; init; }

    /// <summary><c>--description</c>.</summary>
    public string? Description { get; init; }

    /// <summary><c>--user</c>: the automation user a new key acts as.</summary>
    public string User { get; init; } = DefaultUser;

    /// <summary>The key id of <c>keys revoke</c>.</summary>
    public string? KeyId { get; init; }

    /// <summary><c>--json</c>.</summary>
    public bool Json { get; init; }

    /// <summary><c>--failed</c>.</summary>
    public bool FailedOnly { get; init; }

    /// <summary><c>--limit</c> of <c>log</c>.</summary>
    public int Limit { get; init; } = DefaultLogLimit;

    /// <summary>The text printed by <c>--help</c> and, on standard error, after a command-line error.</summary>
    public const string Usage = """
        Usage: Jostle.Scim.Host [command] [options]

        With no command, runs the SCIM server (http://127.0.0.1:5000/scim/v2 on SQLite under ./data by default).

        Commands:
          keys create --tenant NAME --description TEXT [--user NAME] [--json]
                                  Creates an API key and prints it once. Tenants are names: creating a key for a new
                                  name is how that tenant comes to exist (empty until its identity provider
                                  provisions it). --user names the automation user the key acts as (default
                                  scim-provisioning). --json prints one object {"id","key","tenant","baseUrl"}.
          keys list [--tenant NAME] [--json]
                                  Lists keys (id, tenant, user, description, dates); never the key or its hash.
          keys revoke ID          Revokes a key; the next request that presents it is refused.
          log [--tenant NAME] [--failed] [--limit N] [--json]
                                  Shows the provisioning log, newest first (default the last 100 records).
          help                    Shows this text.

        Options (with every command):
          --urls URLS             Where the server listens (';'-separated); also the base URL keys are shown with.
          --data DIR              The folder of the SQLite database (default ./data; created when missing).
          --postgres "CONN"       Uses PostgreSQL with this connection string instead of SQLite.
          --rate-limit N          Requests per second per tenant, bursts of 2N (default 50); 0 turns it off.
          --log-format FORMAT     simple or json (default: json when the log stream is redirected, simple otherwise).
          --sqlite-sync MODE      full (default) or normal. full syncs every commit to disk before it is answered;
                                  normal skips that sync: still safe if the process is killed, but a power cut or
                                  OS crash can lose the last acknowledged writes. SQLite only.

        Exit codes: 0 success, 1 failure (e.g. unknown key id, database unreachable), 2 command line not understood.
        """;

    /// <summary>Parses the arguments.</summary>
    /// <param name="args">The process arguments.</param>
    /// <param name="commandLine">The parsed command line.</param>
    /// <param name="error">What is wrong, when parsing fails.</param>
    /// <returns>Whether the arguments were understood.</returns>
    public static bool TryParse(string[] args, [NotNullWhen(true)] out CommandLine? commandLine, [NotNullWhen(false)] out string? error)
    {
        commandLine = null;
        var words = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "-?")
            {
                flags.Add("help");
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (arg.Length > 1 && arg[0] == '-')
                {
                    error = $"Unknown option '{arg}'.";
                    return false;
                }

                words.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (ValueOptions.Contains(name))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Length)
                    {
                        error = $"Option '--{name}' needs a value.";
                        return false;
                    }

                    value = args[++i];
                }

                if (!values.TryAdd(name, value))
                {
                    error = $"Option '--{name}' is given twice.";
                    return false;
                }
            }
            else if (FlagOptions.Contains(name) && value is null)
            {
                flags.Add(name);
            }
            else
            {
                error = FlagOptions.Contains(name) ? $"Option '--{name}' takes no value." : $"Unknown option '--{name}'.";
                return false;
            }
        }

        if (!TryCommand(words, out var command, out var keyId, out error))
        {
            return false;
        }

        if (flags.Contains("help"))
        {
            command = HostCommand.Help;
        }

        var allowed = CommandOptions[command];
        var misplaced = values.Keys.Concat(flags)
            .FirstOrDefault(o => o != "help" && !SharedValueOptions.Contains(o) && !allowed.Contains(o));
        if (misplaced is not null)
        {
            error = $"Option '--{misplaced}' does not apply to {Describe(command)}.";
            return false;
        }

        if (!TryOptions(values, out var options, out error) || !TryCommandValues(command, values, out var limit, out error))
        {
            return false;
        }

        commandLine = new CommandLine(command, options)
        {
            Tenant = values.GetValueOrDefault("tenant"),
            Description = values.GetValueOrDefault("description"),
            User = values.GetValueOrDefault("user") ?? DefaultUser,
            KeyId = keyId,
            Json = flags.Contains("json"),
            FailedOnly = flags.Contains("failed"),
            Limit = limit,
        };
        return true;
    }

    private static bool TryCommand(List<string> words, out HostCommand command, out string? keyId, [NotNullWhen(false)] out string? error)
    {
        keyId = null;
        error = null;
        command = words switch
        {
            [] => HostCommand.Serve,
            ["help"] => HostCommand.Help,
            ["keys", "create"] => HostCommand.KeysCreate,
            ["keys", "list"] => HostCommand.KeysList,
            ["keys", "revoke", _] => HostCommand.KeysRevoke,
            ["log"] => HostCommand.Log,
            _ => (HostCommand)(-1),
        };
        if (command == HostCommand.KeysRevoke)
        {
            keyId = words[2];
        }

        if ((int)command >= 0)
        {
            return true;
        }

        error = words switch
        {
            ["keys", "revoke"] => "'keys revoke' needs the id of the key to revoke.",
            ["keys"] or ["keys", ..] => $"Unknown command 'keys {string.Join(' ', words.Skip(1))}'; use 'keys create', 'keys list' or 'keys revoke ID'.",
            _ => $"Unknown command '{string.Join(' ', words)}'.",
        };
        return false;
    }

    private static bool TryOptions(Dictionary<string, string> values, out ScimHostOptions options, [NotNullWhen(false)] out string? error)
    {
        options = new ScimHostOptions();
        error = null;
        if (values.ContainsKey("data") && values.ContainsKey("postgres"))
        {
            error = "Use either '--data' (SQLite) or '--postgres', not both.";
            return false;
        }

        int? rateLimit = null;
        if (values.TryGetValue("rate-limit", out var rate))
        {
            if (!int.TryParse(rate, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1_000_000)
            {
                error = $"'--rate-limit' must be a whole number of requests per second from 0 (off) to 1000000, not '{rate}'.";
                return false;
            }

            rateLimit = n;
        }

        var format = HostLogFormat.Auto;
        if (values.TryGetValue("log-format", out var f))
        {
            if (!Enum.TryParse(f, ignoreCase: true, out format) || format == HostLogFormat.Auto || int.TryParse(f, CultureInfo.InvariantCulture, out _))
            {
                error = $"'--log-format' must be 'simple' or 'json', not '{f}'.";
                return false;
            }
        }

        var sqliteSync = SqliteSync.Full;
        if (values.TryGetValue("sqlite-sync", out var sync))
        {
            if (!Enum.TryParse(sync, ignoreCase: true, out sqliteSync) || int.TryParse(sync, CultureInfo.InvariantCulture, out _))
            {
                error = $"'--sqlite-sync' must be 'full' or 'normal', not '{sync}'.";
                return false;
            }

            if (values.ContainsKey("postgres"))
            {
                error = "'--sqlite-sync' applies to SQLite only, not with '--postgres'.";
                return false;
            }
        }

        foreach (var name in new[] { "urls", "data", "postgres" })
        {
            if (values.TryGetValue(name, out var v) && string.IsNullOrWhiteSpace(v))
            {
                error = $"'--{name}' must not be empty.";
                return false;
            }
        }

        options = new ScimHostOptions
        {
            Urls = values.GetValueOrDefault("urls"),
            DataDirectory = values.GetValueOrDefault("data") ?? "data",
            DataDirectoryGiven = values.ContainsKey("data"),
            PostgresConnectionString = values.GetValueOrDefault("postgres"),
            RateLimit = rateLimit,
            LogFormat = format,
            SqliteSync = sqliteSync,
        };
        return true;
    }

    private static bool TryCommandValues(HostCommand command, Dictionary<string, string> values, out int limit, [NotNullWhen(false)] out string? error)
    {
        limit = DefaultLogLimit;
        error = null;
        foreach (var name in new[] { "tenant", "description", "user" })
        {
            if (values.TryGetValue(name, out var v) && string.IsNullOrWhiteSpace(v))
            {
                error = $"'--{name}' must not be empty.";
                return false;
            }
        }

        if (command == HostCommand.KeysCreate && (!values.ContainsKey("tenant") || !values.ContainsKey("description")))
        {
            error = "'keys create' needs '--tenant NAME' and '--description TEXT'.";
            return false;
        }

        if (values.TryGetValue("limit", out var l)
            && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            error = $"'--limit' must be a whole number from 1 to 1000, not '{l}'.";
            return false;
        }

        return true;
    }

    private static string Describe(HostCommand command) => command switch
    {
        HostCommand.Serve => "the server (no command)",
        HostCommand.Help => "'help'",
        HostCommand.KeysCreate => "'keys create'",
        HostCommand.KeysList => "'keys list'",
        HostCommand.KeysRevoke => "'keys revoke'",
        _ => "'log'",
    };
}
