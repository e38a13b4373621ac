using Jostle.Scim.Stores;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// The storage conditions of the EF Core stores' two databases that are not bugs, for the SCIM pipeline to answer with
/// <c>Retry-After</c> instead of a 500 (any depth of inner exceptions, since EF Core wraps provider exceptions):
/// <list type="bullet">
/// <item>PostgreSQL unreachable, restarting, shutting down, out of connections, or the connection pool timed out — every
/// <see cref="NpgsqlException"/> that Npgsql marks <see cref="NpgsqlException.IsTransient"/> — 503;</item>
/// <item>PostgreSQL out of disk (<c>53100</c>) and SQLite's <c>SQLITE_FULL</c> — 507 Insufficient Storage;</item>
/// <item>SQLite busy or locked beyond its busy timeout (another process holds the write lock), or failing to open or
/// read/write its file (<c>SQLITE_BUSY</c>, <c>SQLITE_LOCKED</c>, <c>SQLITE_CANTOPEN</c>, <c>SQLITE_IOERR</c>) — 503.</item>
/// </list>
/// Npgsql's pool recovers by itself: a broken connection is discarded when it fails, and new ones open once the server
/// accepts them again.
/// </summary>
internal sealed class EfStoreFailureClassifier : IScimStoreFailureClassifier
{
    /// <summary><c>Retry-After</c> for an outage: long enough for a restart or fail-over to finish, short for a provisioning cycle.</summary>
    public static readonly TimeSpan OutageRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary><c>Retry-After</c> for a busy SQLite database (another process writing).</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(2);

    /// <summary><c>Retry-After</c> for a full disk: space comes back when an operator frees it.</summary>
    public static readonly TimeSpan FullRetryAfter = TimeSpan.FromSeconds(60);

    private const string Unavailable = "The SCIM database is unavailable (restarting, unreachable or out of connections); the request was not completed. Retry it after the Retry-After interval.";
    private const string Busy = "The SCIM database is busy (another process holds its write lock); the request was not completed. Retry it after the Retry-After interval.";
    private const string StorageError = "The SCIM database's storage failed to read or write; the request was not completed. Retry it after the Retry-After interval; if this persists, the server's operator must check the data folder.";
    private const string Full = "The SCIM database's storage is full; the change was not made. Reads still work; retry the change after the server's operator has freed space.";

    // SQLite primary result codes (extended codes keep them in the low byte).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoErr = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    /// <inheritdoc/>
    public ScimStoreFailure? Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException { SqlState: PostgresErrorCodes.DiskFull }:
                    return new ScimStoreFailure(507, FullRetryAfter, Full);
                case NpgsqlException { IsTransient: true }:
                    return new ScimStoreFailure(503, OutageRetryAfter, Unavailable);
                case SqliteException sqlite:
                    return (sqlite.SqliteErrorCode & 0xFF) switch
                    {
                        SqliteFull => new ScimStoreFailure(507, FullRetryAfter, Full),
                        SqliteBusy or SqliteLocked => new ScimStoreFailure(503, BusyRetryAfter, Busy),
                        SqliteIoErr or SqliteCantOpen => new ScimStoreFailure(503, OutageRetryAfter, StorageError),
                        _ => null,
                    };
            }
        }

        return null;
    }
}
