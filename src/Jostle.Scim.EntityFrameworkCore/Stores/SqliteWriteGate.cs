using System.Collections.Concurrent;
using Jostle.Scim.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Serialises the writers of this process to one SQLite database. SQLite has one writer at a time; without the gate,
/// concurrent writers race for the lock and the losers get <c>SQLITE_BUSY</c>, on which Microsoft.Data.Sqlite sleeps
/// 150 ms before trying again (blocking a thread), so a burst of creates spent most of its time asleep. With the gate
/// they queue asynchronously and each starts the moment the previous one commits. Writers in other processes still
/// meet SQLite's own lock and busy handling. On other providers there is no gate.
/// </summary>
/// <remarks>
/// The hot writes of a provisioning cycle (user creates, group member changes) also share commits: see
/// <see cref="CommitAsync"/>.
/// </remarks>
internal sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _turn = new(1, 1);

    private readonly ConcurrentQueue<SqliteBatchedWrite> _pending = new();

    private const string Savepoint = "scim_write";

    /// <summary>The most writes one group commit takes.</summary>
    internal const int MaxGroupCommit = 64;

    /// <summary>The gate of the context's database, or <see langword="null"/> when it is not SQLite.</summary>
    public static SqliteWriteGate? For(DbContext context) =>
        context.Database.IsSqlite()
            ? Gates.GetOrAdd(context.Database.GetConnectionString() ?? string.Empty, static _ => new SqliteWriteGate())
            : null;

    /// <summary>
    /// The gate of the context's database when its writes may go through <see cref="CommitAsync"/>: SQLite, and no command
    /// or save interceptor registered (the group commit's statements do not pass through EF Core's command pipeline, so
    /// an app that intercepts commands keeps the EF Core path and sees every command). Otherwise <see langword="null"/>.
    /// </summary>
    public static SqliteWriteGate? ForBatchedWrites(DbContext context)
    {
        if (For(context) is not { } gate)
        {
            return null;
        }

        var interceptors = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors;
        return interceptors is not null && interceptors.Any(i => i is IDbCommandInterceptor or ISaveChangesInterceptor) ? null : gate;
    }

    /// <summary>Waits for the database's write turn; dispose the result to give it back. Nothing to wait for off SQLite.</summary>
    public static ValueTask<Turn> EnterAsync(DbContext context, CancellationToken cancellationToken) =>
        For(context) is { } gate ? gate.EnterAsync(cancellationToken) : default;

    /// <summary>Waits for this database's write turn; dispose the result to give it back.</summary>
    public async ValueTask<Turn> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Turn(_turn);
    }

    /// <summary>
    /// Group commit: SQLite has one writer at a time and each transaction pays its own commit (with
    /// <c>synchronous=FULL</c>, a sync to disk), so concurrent writes queue, and whoever gets the write turn runs every
    /// write waiting (its own among them) in one transaction on <paramref name="context"/>'s connection and answers them
    /// all after that one commit. Each write runs under its own savepoint: a write that throws or does not succeed
    /// (a userName taken, a version mismatch) is rolled back to it and gets its own outcome, and the others still commit.
    /// Every outcome is given only after the commit returned, so an acknowledged write is as durable as with one
    /// transaction each; if the commit fails, every write of the batch gets its exception and none was written. A write
    /// whose caller gives up while it waits may still be written, as when a caller gives up during the write.
    /// </summary>
    /// <param name="write">The write to run.</param>
    /// <param name="context">A context on this gate's database; its connection runs the batch if this caller leads it.</param>
    /// <param name="cancellationToken">Stops waiting for the write turn (not the batch: it holds other callers' writes).</param>
    /// <returns>The write's outcome once committed.</returns>
    public async Task<StoreResult> CommitAsync(SqliteBatchedWrite write, DbContext context, CancellationToken cancellationToken)
    {
        _pending.Enqueue(write);
        using (await EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!write.Outcome.IsCompleted)
            {
                var batch = new List<SqliteBatchedWrite>();
                while (batch.Count < MaxGroupCommit && _pending.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                await RunAsync(context, batch).ConfigureAwait(false);
            }
        }

        return await write.Outcome.ConfigureAwait(false);
    }

    /// <summary>Runs a batch in one transaction; never throws (each write's outcome, failure included, goes to its waiter).</summary>
    private static async Task RunAsync(DbContext context, List<SqliteBatchedWrite> batch)
    {
        var outcomes = new (StoreResult? Result, Exception? Error)[batch.Count];
        try
        {
            // Through EF Core, so the connection's interceptors run (the host's --sqlite-sync normal sets its pragma there).
            await context.Database.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                var connection = (SqliteConnection)context.Database.GetDbConnection();
                using var transaction = connection.BeginTransaction(deferred: false);
                using var statements = new SqliteBatch(connection, transaction);
                for (var i = 0; i < batch.Count; i++)
                {
                    transaction.Save(Savepoint);
                    try
                    {
                        var result = batch[i].Execute(statements);
                        outcomes[i] = (result, null);
                        if (result.Status != StoreStatus.Ok)
                        {
                            // A write that does not succeed leaves nothing behind.
                            transaction.Rollback(Savepoint);
                        }
                    }
#pragma warning disable CA1031 // The failure is this write's alone: it is undone and goes to its waiter; the others still commit.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        // If even the rollback fails (the disk is gone), that ends the whole batch below.
                        transaction.Rollback(Savepoint);
                        outcomes[i] = e is SqliteException sqlite && batch[i].Classify(sqlite) is { } classified ? (classified, null) : (null, e);
                    }

                    transaction.Release(Savepoint);
                }

                transaction.Commit();
            }
            finally
            {
                await context.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The batch failed as a whole (the database is gone, the disk is full): nothing of it was written, and every waiter gets the failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            foreach (var write in batch)
            {
                write.Fail(e);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Error is { } error)
            {
                batch[i].Fail(error);
            }
            else
            {
                batch[i].Succeed(outcomes[i].Result!.Value);
            }
        }
    }

    /// <summary>A write turn; disposing it lets the next writer in.</summary>
    internal readonly struct Turn(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}

/// <summary>
/// One write that joins SQLite's group commit (<see cref="SqliteWriteGate.CommitAsync"/>): it runs on the batch's
/// connection, inside the batch's transaction, under its own savepoint, and learns its outcome after the commit.
/// </summary>
internal abstract class SqliteBatchedWrite
{
    private readonly TaskCompletionSource<StoreResult> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the batch holding the write has committed (or failed).</summary>
    public Task<StoreResult> Outcome => _outcome.Task;

    /// <summary>
    /// Runs the write's statements. A result other than <see cref="StoreStatus.Ok"/> undoes them (back to the write's
    /// savepoint); so does an exception, which <see cref="Classify"/> may turn into a result.
    /// </summary>
    /// <param name="batch">The batch's connection, transaction and commands.</param>
    /// <returns>The write's result, given to its caller once the batch is committed.</returns>
    public abstract StoreResult Execute(SqliteBatch batch);

    /// <summary>The result of a write that failed with <paramref name="exception"/> (a unique index violated: a conflict), or <see langword="null"/> to give the caller the exception.</summary>
    /// <param name="exception">What the write threw.</param>
    /// <returns>The result, or <see langword="null"/>.</returns>
    public virtual StoreResult? Classify(SqliteException exception) => null;

    internal void Succeed(StoreResult result) => _outcome.TrySetResult(result);

    internal void Fail(Exception exception) => _outcome.TrySetException(exception);
}

/// <summary>
/// The connection and transaction of one group commit, and its commands: one per SQL text, reused by every write of the
/// batch, so SQLite compiles each statement once per batch rather than once per write.
/// </summary>
internal sealed class SqliteBatch(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The command for <paramref name="sql"/>, in the batch's transaction, without parameters.</summary>
    /// <param name="sql">The statement (placeholders only, never values).</param>
    /// <returns>The command.</returns>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
    }
}
