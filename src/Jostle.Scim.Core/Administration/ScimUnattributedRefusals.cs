namespace Jostle.Scim.Administration;

/// <summary>
/// Counts requests refused because their token was unknown or not shaped like a key. Such a token names no tenant (its
/// key id matches nothing), so it cannot go to a tenant's log; this process-wide count (the last 24 hours, at most 10 000
/// refusals remembered) lets the connection status say "requests arrive with a token this server does not know".
/// </summary>
public sealed class ScimUnattributedRefusals
{
    private const int Capacity = 10_000;
    private static readonly TimeSpan Horizon = TimeSpan.FromHours(24);
    private readonly Lock _lock = new();
    private readonly Queue<(DateTimeOffset At, string Reason)> _refusals = new();
    private readonly TimeProvider _time;

    /// <summary>Creates the counter.</summary>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ScimUnattributedRefusals(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>Records one refusal.</summary>
    /// <param name="reason"><c>unknown</c> or <c>malformed</c>.</param>
    public void Record(string reason)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            _refusals.Enqueue((now, reason));
            Trim(now);
        }
    }

    /// <summary>How many refusals happened in a recent window, and when the last one was.</summary>
    /// <param name="window">The window, at most 24 hours.</param>
    /// <returns>The count and the time of the newest refusal (<see langword="null"/> when none).</returns>
    public (int Count, DateTimeOffset? Last) Since(TimeSpan window)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Trim(now);
            var from = now - window;
            var count = 0;
            DateTimeOffset? last = null;
            foreach (var (at, _) in _refusals)
            {
                if (at >= from)
                {
                    count++;
                    last = at;
                }
            }

            return (count, last);
        }
    }

    private void Trim(DateTimeOffset now)
    {
        while (_refusals.Count > 0 && (_refusals.Count > Capacity || _refusals.Peek().At < now - Horizon))
        {
            _refusals.Dequeue();
        }
    }
}
