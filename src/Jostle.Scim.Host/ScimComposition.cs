using Jostle.Scim.AspNetCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace Jostle.Scim.Host;

/// <summary>
/// The SCIM services as the server and every command compose them, so a key created on the command line lands in the
/// same store the server reads: API keys, the provisioning log and the EF Core stores on SQLite or PostgreSQL.
/// </summary>
internal static class ScimComposition
{
    /// <summary>Registers the SCIM services on the database that <paramref name="options"/> name.</summary>
    public static void AddScim(IServiceCollection services, ScimHostOptions options)
    {
        var (everyTenant, perTenant) = HostProfiles.Read(options.Profiles);
        var scim = services.AddJostleScim(o =>
            {
                ConfigureRateLimit(o.RateLimit, options.RateLimit);
                o.Compatibility = everyTenant ?? o.Compatibility;
            })
            .AddApiKeys()
            .AddOAuthClients() // OAuth 2.0 client credentials beside API keys: Entra's gallery requires one of them (#13).
            .AddProvisioningLog(log =>
            {
                // The EF Core log writer deletes records older than MaxAge in the background (hourly).
                if (options.LogRetention is { } retention)
                {
                    log.MaxAge = retention;
                }
            })
            .AddEntityFrameworkStores(db => UseDatabase(db, options), stores => stores.ProvisioningLogRetentionInterval = RetentionInterval(options.LogRetention))
            .AddAdministration(a => a.LogRetention = options.LogRetention ?? new Jostle.Scim.Provisioning.ProvisioningLogOptions().MaxAge); // the console's services: rotations, connection status, request log, health, notifications (#15)
        services.AddJostleScimConsole(); // the browser console at /console; its sign-in links live in the database (`console link`)
        if (perTenant.Count > 0)
        {
            services.AddSingleton<IScimCompatibilitySelector>(new HostProfiles.TenantSelector(perTenant));
        }

        if (options.NotificationsOn)
        {
            scim.AddFailureNotifications(n => ConfigureNotifications(n, options));
            if (options.Smtp is { } smtp)
            {
                services.AddSingleton(new EmailDigestSettings(smtp, options.NotifyEmailFrom!, options.NotifyEmailTo));
                scim.AddFailureNotifier<EmailProvisioningFailureNotifier>();

                // Key-expiry warnings and the console's test notification go to the same recipients as the digests (#15).
                services.TryAddEnumerable(ServiceDescriptor.Singleton<Jostle.Scim.Administration.IScimAdministrationNotifier, EmailAdministrationNotifier>());
            }
        }
    }

    /// <summary>
    /// How often expired provisioning log records are deleted: hourly, or a tenth of a retention shorter than ten hours
    /// (at least every 10 s), so a short <c>--log-retention</c> keeps the log — and the database — at a steady size
    /// instead of letting an hour of records pile up beyond it.
    /// </summary>
    internal static TimeSpan RetentionInterval(TimeSpan? retention)
    {
        var hour = TimeSpan.FromHours(1);
        return retention is { } r && r < hour * 10 ? TimeSpan.FromTicks(Math.Max(r.Ticks / 10, TimeSpan.FromSeconds(10).Ticks)) : hour;
    }

    /// <summary>Maps <c>--notify-webhook</c> and <c>--digest-interval</c> onto the library's failure notifications.</summary>
    public static void ConfigureNotifications(Jostle.Scim.Provisioning.ProvisioningFailureNotificationOptions notifications, ScimHostOptions options)
    {
        notifications.WebhookUrl = options.NotifyWebhook;
        if (options.DigestInterval is { } interval)
        {
            notifications.Interval = interval;

            // A burst is gathered for GatherDelay (default 1 minute) before its digest goes out; never longer than the interval.
            if (notifications.GatherDelay > interval)
            {
                notifications.GatherDelay = interval;
            }
        }
    }

    /// <summary>Maps <c>--rate-limit N</c> onto the library's limiter: N per second, bursts of 2N (the default's ratio); 0 turns it off.</summary>
    public static void ConfigureRateLimit(ScimRateLimitOptions rate, int? requestsPerSecond)
    {
        if (requestsPerSecond is { } n)
        {
            rate.RequestsPerSecond = n;
            rate.Burst = n * 2;
        }
    }

    /// <summary>Creates the data folder (SQLite) and creates or upgrades the database. Runs before the server starts and before every command.</summary>
    public static async Task PrepareDatabaseAsync(IServiceProvider services, ScimHostOptions options, CancellationToken cancellationToken)
    {
        if (options.PostgresConnectionString is null)
        {
            var folder = Path.GetDirectoryName(options.DatabasePath)!;
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot create the data folder {folder} (choose another with --data)", e);
            }
        }

        try
        {
            await services.MigrateScimDatabaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw new IOException($"Cannot open or write the SQLite database {options.DatabasePath} (is the folder writable? choose another with --data)", e);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException || e.InnerException is Npgsql.NpgsqlException)
        {
            throw new IOException("Cannot prepare the PostgreSQL database given with --postgres", e);
        }
    }

    private static void UseDatabase(DbContextOptionsBuilder db, ScimHostOptions options)
    {
        if (options.PostgresConnectionString is { } postgres)
        {
            db.UseNpgsql(postgres);
            return;
        }

        // Durability (default --sqlite-sync full): the database is in WAL mode (MigrateScimDatabaseAsync sets it) and Microsoft.Data.Sqlite's bundled
        // SQLite keeps its default synchronous=FULL (2) in WAL mode, so every commit syncs the WAL to disk before the
        // write is acknowledged. A killed process (SIGKILL) cannot lose a committed transaction under any synchronous
        // setting — the bytes are in the operating system's cache once write() returns; synchronous only matters for
        // power loss or an OS crash, where NORMAL could lose the last commits and FULL does not.
        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Default,
            Pooling = true,
        };
        db.UseSqlite(connection.ToString());
        if (options.SqliteSync == SqliteSync.Normal)
        {
            db.AddInterceptors(SqliteSyncNormalInterceptor.Instance);
        }
    }
}

/// <summary>
/// <c>--sqlite-sync normal</c>: sets <c>PRAGMA synchronous=NORMAL</c> on every connection as it opens (the setting is per
/// connection). In WAL mode a commit then reaches the operating system but is not synced to disk: a killed process
/// loses nothing, a power cut or OS crash can lose the last acknowledged commits (never corrupts the database).
/// </summary>
internal sealed class SqliteSyncNormalInterceptor : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly SqliteSyncNormalInterceptor Instance = new();

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData) =>
        Apply(connection);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(System.Data.Common.DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }
}

/// <summary>Console logging of the server and the commands.</summary>
internal static class HostLogging
{
    /// <summary>
    /// Structured console logs: the JSON formatter when <paramref name="format"/> says so or, by default, when the log
    /// stream is not a terminal; one readable line per message otherwise. Commands log to standard error only (so
    /// <c>--json</c> output on standard output is nothing but the document) and only warnings and errors.
    /// </summary>
    public static void Configure(ILoggingBuilder logging, HostLogFormat format, bool command)
    {
        logging.ClearProviders();
        var redirected = command ? Console.IsErrorRedirected : Console.IsOutputRedirected;
        if (format == HostLogFormat.Json || (format == HostLogFormat.Auto && redirected))
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = command ? LogLevel.Trace : LogLevel.None);
        logging.SetMinimumLevel(command ? LogLevel.Warning : LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", command ? LogLevel.Warning : LogLevel.Information);

        // "Hosting failed to start" repeats, with a stack trace, the start-up failure that Program prints as one line on
        // standard error (an address in use, a bad certificate). A faulted background service still stops the host
        // with a Critical record from this category.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        // ASP.NET Core's authentication base class logs every unauthenticated request twice more under the handler's
        // category; the SCIM recorder already logs the 401 once.
        logging.AddFilter("Jostle.Scim.AspNetCore.ScimApiKeyAuthenticationHandler", LogLevel.Warning);
        logging.AddFilter("Jostle.Scim.AspNetCore.ScimOAuthAuthenticationHandler", LogLevel.Warning);
    }
}
