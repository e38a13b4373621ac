using Microsoft.Data.Sqlite;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Reads the API key revision of one SQLite database: the single row of <c>scim_api_key_revision</c>, which triggers
/// on <c>scim_api_keys</c> bump in the same transaction as every UPDATE or DELETE of a key (revocation by any process,
/// the last-used time, any column added later). One connection of its own, kept open, with its statement prepared once:
/// a read is a few microseconds, no DbContext. A read that fails answers "cannot tell", so the caller reads the key.
/// </summary>
internal sealed class SqliteKeyRevision : IDisposable
{
    /// <summary>The statements the migration <c>ApiKeyRevision</c> runs on SQLite.</summary>
    internal static readonly string[] CreateStatements =
    [
        "CREATE TABLE scim_api_key_revision (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);",
        "INSERT INTO scim_api_key_revision (id, value) VALUES (1, 0);",
        "CREATE TRIGGER scim_api_keys_revision_on_update AFTER UPDATE ON scim_api_keys BEGIN UPDATE scim_api_key_revision SET value = value + 1 WHERE id = 1; END;",
        "CREATE TRIGGER scim_api_keys_revision_on_delete AFTER DELETE ON scim_api_keys BEGIN UPDATE scim_api_key_revision SET value = value + 1 WHERE id = 1; END;",
    ];

    /// <summary>Undoes <see cref="CreateStatements"/>.</summary>
    internal static readonly string[] DropStatements =
    [
        "DROP TRIGGER IF EXISTS scim_api_keys_revision_on_delete;",
        "DROP TRIGGER IF EXISTS scim_api_keys_revision_on_update;",
        "DROP TABLE IF EXISTS scim_api_key_revision;",
    ];

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private SqliteCommand? _command;
    private long _retryAt;

    public SqliteKeyRevision(string connectionString) => _connection = new SqliteConnection(connectionString);

    /// <summary>
    /// Whether the connection string names a database another connection (or process) can open: not <c>:memory:</c>, not
    /// <c>Mode=Memory</c>. A private in-memory database would be a different, empty database on a new connection.
    /// </summary>
    public static bool CanShare(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return false;
        }

        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode != SqliteOpenMode.Memory
            && !string.IsNullOrEmpty(builder.DataSource)
            && !string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal);
    }

    /// <summary>The current revision, or <see langword="null"/> when it cannot be read (e.g. the table is missing).</summary>
    public long? Read()
    {
        lock (_gate)
        {
            if (_command is null && Environment.TickCount64 < _retryAt)
            {
                return null;
            }

            try
            {
                if (_command is null)
                {
                    _connection.Open();
                    _command = _connection.CreateCommand();
                    _command.CommandText = "SELECT value FROM scim_api_key_revision WHERE id = 1";
                    _command.Prepare();
                }

                return _command.ExecuteScalar() is long value ? value : null;
            }
            catch (SqliteException)
            {
                // Busy, locked, missing table, a file that went away: say "cannot tell" (the key is read from the store)
                // and try again in a second.
                _command?.Dispose();
                _command = null;
                _connection.Close();
                _retryAt = Environment.TickCount64 + 1000; // not an exception per request while it lasts
                return null;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _command?.Dispose();
            _command = null;
            _connection.Dispose();
        }
    }
}
