namespace Jostle.Scim.Host;

/// <summary>How console logs are written.</summary>
internal enum HostLogFormat
{
    /// <summary>JSON when the log stream is redirected (a container, a service manager), one readable line otherwise.</summary>
    Auto,

    /// <summary>One readable line per message.</summary>
    Simple,

    /// <summary>One JSON object per message (the console JSON formatter).</summary>
    Json,
}

/// <summary>SQLite's <c>synchronous</c> setting (the database is in WAL mode).</summary>
internal enum SqliteSync
{
    /// <summary>Every commit syncs the write-ahead log to disk before it is acknowledged: survives a process kill and a power cut.</summary>
    Full,

    /// <summary>Commits are not synced (the log is synced at checkpoints): survives a process kill, but a power cut or OS crash can lose the last acknowledged commits.</summary>
    Normal,
}

/// <summary>The options every command shares: where the server listens and where its data lives.</summary>
internal sealed record ScimHostOptions
{
    /// <summary>The address the server listens on when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> names one.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>The path of the SCIM endpoints.</summary>
    public const string BasePath = "/scim/v2";

    /// <summary>The path of the browser console.</summary>
    public const string ConsolePath = "/console";

    /// <summary>The path of the health endpoint.</summary>
    public const string HealthPath = "/health";

    /// <summary>The SQLite file's name inside <see cref="DataDirectory"/>.</summary>
    public const string DatabaseFileName = "scim.db";

    /// <summary><c>--urls</c>: the addresses to listen on (<c>;</c>-separated), or <see langword="null"/> for the configuration's or <see cref="DefaultUrl"/>.</summary>
    public string? Urls { get; init; }

    /// <summary><c>--data</c>: the folder of the SQLite database. Default <c>./data</c>.</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>Whether <c>--data</c> was given (the key-creation hint repeats it).</summary>
    public bool DataDirectoryGiven { get; init; }

    /// <summary><c>--postgres</c>: a PostgreSQL connection string; when set, PostgreSQL is used instead of SQLite.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary><c>--public-url</c>: the scheme and authority clients use (no trailing slash), or <see langword="null"/> for the listening address.</summary>
    public string? PublicUrl { get; init; }

    /// <summary><c>--trusted-proxy</c>: addresses or CIDR ranges whose forwarded headers are honoured. Empty: none (loopback included).</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary><c>--https-cert</c>: a PKCS#12 certificate file for the https:// addresses.</summary>
    public string? HttpsCertificatePath { get; init; }

    /// <summary><c>--https-cert-password</c> or <c>JOSTLE_SCIM_HTTPS_CERT_PASSWORD</c>.</summary>
    public string? HttpsCertificatePassword { get; init; }

    /// <summary><c>--notify-webhook</c>: where failure digests are POSTed.</summary>
    public Uri? NotifyWebhook { get; init; }

    /// <summary><c>--smtp</c>: the server failure digests are e-mailed through.</summary>
    public SmtpEndpoint? Smtp { get; init; }

    /// <summary><c>--notify-email-from</c>.</summary>
    public string? NotifyEmailFrom { get; init; }

    /// <summary><c>--notify-email-to</c>.</summary>
    public IReadOnlyList<string> NotifyEmailTo { get; init; } = [];

    /// <summary><c>--digest-interval</c>: at most one digest per tenant per interval; <see langword="null"/> for the library's default.</summary>
    public TimeSpan? DigestInterval { get; init; }

    /// <summary><c>--log-retention</c>: how long provisioning log records are kept; <see langword="null"/> for the library's default (30 days).</summary>
    public TimeSpan? LogRetention { get; init; }

    /// <summary><c>--profile</c>: <c>PROFILE</c> for every tenant, <c>TENANT=PROFILE</c> for one (see <see cref="HostProfiles"/>).</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>Whether failure digests go anywhere.</summary>
    public bool NotificationsOn => NotifyWebhook is not null || Smtp is not null;

    /// <summary><c>--rate-limit</c>: requests per second per tenant (<c>0</c> = off), or <see langword="null"/> for the library's default.</summary>
    public int? RateLimit { get; init; }

    /// <summary><c>--log-format</c>.</summary>
    public HostLogFormat LogFormat { get; init; }

    /// <summary><c>--sqlite-sync</c>: SQLite's durability setting. Default <see cref="SqliteSync.Full"/>.</summary>
    public SqliteSync SqliteSync { get; init; }

    /// <summary>The SQLite file, as an absolute path.</summary>
    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFileName));

    /// <summary>Where the data lives, for people: the SQLite file or "PostgreSQL" (never the connection string, which may hold a password).</summary>
    public string DatabaseDescription => PostgresConnectionString is null ? "SQLite " + DatabasePath : "PostgreSQL";

    /// <summary>
    /// The SCIM base URL that clients use: <see cref="PublicUrl"/> when given, else from the first listening address: a wildcard host (<c>*</c>, <c>+</c>,
    /// <c>0.0.0.0</c>, <c>[::]</c>) becomes <c>localhost</c>. The address actually bound is printed by the server.
    /// </summary>
    public string BaseUrl(string? configuredUrls = null) => PublicRoot(configuredUrls) + BasePath;

    /// <summary>The root address clients and browsers use (no path): <see cref="PublicUrl"/>, else the first listening address.</summary>
    public string PublicRoot(string? configuredUrls = null)
    {
        if (PublicUrl is not null)
        {
            return PublicUrl;
        }

        var first = (Urls ?? configuredUrls ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? DefaultUrl;
        return PublicAddress(first);
    }

    /// <summary>Turns a listening address into one a client can call.</summary>
    public static string PublicAddress(string address)
    {
        var trimmed = address.TrimEnd('/');
        foreach (var wildcard in new[] { "://*", "://+", "://0.0.0.0", "://[::]" })
        {
            var at = trimmed.IndexOf(wildcard, StringComparison.Ordinal);
            if (at >= 0)
            {
                return string.Concat(trimmed.AsSpan(0, at), "://localhost", trimmed.AsSpan(at + wildcard.Length));
            }
        }

        return trimmed;
    }
}
