using System.Collections.Concurrent;
using System.Data;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// The contexts (each with the DI scope it came from) that an entity-mapped store's reads reuse. A fresh
/// <c>AddDbContext</c> context costs more than the <c>userName eq</c> lookup it serves (a DI scope, the context's
/// options and its internal services: about 58 KB a call), so a read takes an idle context when there is one, and
/// gives it back when the read ended cleanly, with no transaction, its connection closed and its change tracker
/// cleared. Reads query untracked, so a reused context holds nothing from its last call; writes never take one
/// (they keep a context of their own, as before). At most <see cref="MaxIdle"/> contexts wait; the rest are disposed.
/// </summary>
internal sealed class ReadContextPool<TContext> : IAsyncDisposable, IDisposable
    where TContext : DbContext
{
    /// <summary>The most idle contexts kept.</summary>
    public const int MaxIdle = 32;

    private readonly ConcurrentStack<ContextLease<TContext>> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>An idle context, if there is one.</summary>
    public bool TryRent(out ContextLease<TContext> lease)
    {
        if (_idle.TryPop(out lease))
        {
            Interlocked.Decrement(ref _idleCount);
            return true;
        }

        return false;
    }

    /// <summary>Keeps a context for the next read when <paramref name="clean"/> (the read completed) and it is in the state it was leased in; disposes it otherwise.</summary>
    public async ValueTask ReturnAsync(ContextLease<TContext> lease, bool clean)
    {
        if (clean && !_disposed && Reusable(lease.Context))
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxIdle)
            {
                _idle.Push(lease);
                if (_disposed)
                {
                    await DrainAsync().ConfigureAwait(false); // disposed meanwhile: nobody will rent it
                }

                return;
            }

            Interlocked.Decrement(ref _idleCount);
        }

        await lease.DisposeAsync().ConfigureAwait(false);
    }

    private static bool Reusable(TContext context)
    {
        try
        {
            if (context.Database.CurrentTransaction is not null
                || (context.Database.IsRelational() && context.Database.GetDbConnection().State != ConnectionState.Closed))
            {
                return false;
            }

            context.ChangeTracker.Clear();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    private async ValueTask DrainAsync()
    {
        while (TryRent(out var lease))
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return DrainAsync();
    }

    public void Dispose()
    {
        _disposed = true;
        DrainAsync().AsTask().GetAwaiter().GetResult();
    }
}
