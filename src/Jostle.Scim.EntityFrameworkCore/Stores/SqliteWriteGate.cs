using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Serialises the writers of this process to one SQLite database. SQLite has one writer at a time; without the gate,
/// concurrent writers race for the lock and the losers get <c>SQLITE_BUSY</c>, on which Microsoft.Data.Sqlite sleeps
/// 150 ms before trying again (blocking a thread), so a burst of creates spent most of its time asleep. With the gate
/// they queue asynchronously and each starts the moment the previous one commits. Writers in other processes still
/// meet SQLite's own lock and busy handling. On other providers there is no gate.
/// </summary>
internal sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>User creates waiting to be written, oldest first (see <see cref="EfScimUserStore"/>'s group commit).</summary>
    internal ConcurrentQueue<PendingUserCreate> PendingUserCreates { get; } = new();

    /// <summary>The gate of the context's database, or <see langword="null"/> when it is not SQLite.</summary>
    public static SqliteWriteGate? For(DbContext context) =>
        context.Database.IsSqlite()
            ? Gates.GetOrAdd(context.Database.GetConnectionString() ?? string.Empty, static _ => new SqliteWriteGate())
            : null;

    /// <summary>Waits for the database's write turn; dispose the result to give it back. Nothing to wait for off SQLite.</summary>
    public static ValueTask<Turn> EnterAsync(DbContext context, CancellationToken cancellationToken) =>
        For(context) is { } gate ? gate.EnterAsync(cancellationToken) : default;

    /// <summary>Waits for this database's write turn; dispose the result to give it back.</summary>
    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_turn);
    }

    /// <summary>A write turn; disposing it lets the next writer in.</summary>
    internal readonly struct Turn(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}

/// <summary>A user create queued for the next group commit, and its outcome.</summary>
internal sealed class PendingUserCreate(ScimUserEntity user)
{
    public ScimUserEntity User { get; } = user;

    public TaskCompletionSource<Jostle.Scim.Stores.StoreResult> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
