using Jostle.Scim.Service;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>
/// Per-tenant rate limit of the SCIM endpoints: a token bucket per tenant that refills <see cref="RequestsPerSecond"/>
/// tokens a second up to <see cref="Burst"/>; a request takes one token (a <c>/Bulk</c> request too); with none left the
/// answer is <c>429</c> with <c>Retry-After</c>. The default, 50 per second with bursts of 100, is twice the 25 requests
/// per second Microsoft Entra ID's gallery checklist requires a service to accept.
/// </summary>
public sealed class ScimRateLimitOptions
{
    /// <summary>Sustained requests per second per tenant; <c>0</c> turns rate limiting off. Default 50.</summary>
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>The most requests a tenant may make at once after being idle (the bucket size); <c>0</c> means <see cref="RequestsPerSecond"/>. Default 100.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>Whether the limit is on.</summary>
    public bool Enabled => RequestsPerSecond > 0;
}

/// <summary>
/// The per-tenant limiter: one <see cref="TokenBucketRateLimiter"/> per tenant, dropped when idle. Its refusals are
/// logged through a <see cref="ScimRateLimitRefusalLog"/>, so a flood of 429s is a few records, not one each.
/// </summary>
internal sealed class ScimTenantRateLimiter : IDisposable
{
    private readonly ScimKeyedTokenBuckets? _limiter;
    private readonly ScimRateLimitRefusalLog? _refusals;

    public ScimTenantRateLimiter(IOptions<JostleScimOptions> options, ILogger<ScimTenantRateLimiter> logger, TimeProvider? timeProvider = null)
    {
        var rate = options.Value.RateLimit;
        _refusals = rate.Enabled ? new ScimRateLimitRefusalLog(logger, timeProvider ?? TimeProvider.System, ScimRateLimitRefusalLog.DefaultInterval) : null;
        if (rate.Enabled)
        {
            _limiter = new ScimKeyedTokenBuckets(BucketOptions(rate, autoReplenishment: true));
        }
    }

    public static TokenBucketRateLimiterOptions BucketOptions(ScimRateLimitOptions rate, bool autoReplenishment) => new()
    {
        TokenLimit = rate.Burst > 0 ? rate.Burst : rate.RequestsPerSecond,
        TokensPerPeriod = rate.RequestsPerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = autoReplenishment,
    };

    /// <summary>Takes a token for the tenant; when none is left, returns how long to wait.</summary>
    public bool TryAcquire(string tenant, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null || _limiter.TryAcquire(tenant, out retryAfter))
        {
            return true;
        }

        _refusals?.Refused(tenant);
        return false;
    }

    public void Dispose()
    {
        _limiter?.Dispose();
        _refusals?.Dispose();
    }
}

/// <summary>
/// One token bucket per key (a tenant, an OAuth client), made on first use and dropped when idle, with
/// System.Threading.RateLimiting as ASP.NET Core's rate limiting middleware uses it; a refusal says how long to wait.
/// </summary>
internal sealed class ScimKeyedTokenBuckets(TokenBucketRateLimiterOptions bucket) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter =
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => bucket));

    /// <summary>Takes a token for <paramref name="key"/>; when none is left, returns how long to wait (one replenishment period when the limiter does not say).</summary>
    public bool TryAcquire(string key, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(key);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : bucket.ReplenishmentPeriod;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// Logs rate-limit refusals per tenant and interval: a tenant's first refusal is logged at once (event 203); the
/// refusals after it are counted, and when the interval ends one record says how many there were (event 205). A tenant
/// still refused then starts the next interval of counting; a quiet interval closes the tenant's window, so its next
/// refusal is logged at once again. Pending counts are written when the host stops.
/// </summary>
internal sealed class ScimRateLimitRefusalLog(ILogger logger, TimeProvider time, TimeSpan interval) : IDisposable
{
    /// <summary>How long refusals are counted before they are summarised: one minute.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Records one refused request of <paramref name="tenant"/>.</summary>
    public void Refused(string tenant)
    {
        lock (_windows)
        {
            if (_disposed)
            {
                return;
            }

            if (_windows.TryGetValue(tenant, out var window))
            {
                window.Refused++;
                return;
            }

            window = new Window();
            _windows.Add(tenant, window);
            window.Timer = time.CreateTimer(static state => ((Closing)state!).Owner.EndInterval(((Closing)state).Tenant), new Closing(this, tenant), interval, interval);
        }

        ApiKeyLog.RateLimited(logger, tenant, interval);
    }

    public void Dispose()
    {
        List<(string Tenant, int Refused)> pending;
        lock (_windows)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = [.. _windows.Where(w => w.Value.Refused > 0).Select(w => (w.Key, w.Value.Refused))];
            foreach (var window in _windows.Values)
            {
                window.Timer?.Dispose();
            }

            _windows.Clear();
        }

        foreach (var (tenant, refused) in pending)
        {
            ApiKeyLog.RateLimitedSummary(logger, refused, tenant, interval);
        }
    }

    private void EndInterval(string tenant)
    {
        int refused;
        lock (_windows)
        {
            if (!_windows.TryGetValue(tenant, out var window))
            {
                return;
            }

            refused = window.Refused;
            window.Refused = 0;
            if (refused == 0)
            {
                window.Timer?.Dispose();
                _windows.Remove(tenant);
                return;
            }
        }

        ApiKeyLog.RateLimitedSummary(logger, refused, tenant, interval);
    }

    private sealed class Window
    {
        public int Refused { get; set; }

        public ITimer? Timer { get; set; }
    }

    private sealed record Closing(ScimRateLimitRefusalLog Owner, string Tenant);
}

/// <summary>What every SCIM request passes once its tenant is resolved: the tenant check and the rate limit.</summary>
internal static class ScimTenantGate
{
    /// <summary>
    /// Throws 403 when the caller's credentials carry tenant claims and none is the resolved tenant (a key of tenant A
    /// used at tenant B's address), and 429 with <c>Retry-After</c> when the tenant is over its rate limit.
    /// </summary>
    public static void Enter(HttpContext http, string tenant, ILogger logger)
    {
        var services = http.RequestServices;
        var claimType = services.GetRequiredService<IOptions<JostleScimOptions>>().Value.TenantClaimType;
        var claimed = http.User.FindAll(claimType).Select(c => c.Value).ToList();
        var bound = claimed.Count > 0 && !claimed.Contains(tenant, StringComparer.Ordinal);
        if (bound)
        {
            ApiKeyLog.TenantMismatch(logger);
            if (ScimOperation.Current is { } operation)
            {
                operation.FailureLogged = true;
            }

            throw new ScimException(StatusCodes.Status403Forbidden, null, "The credentials are not valid for this tenant.");
        }

        if (!services.GetRequiredService<ScimTenantRateLimiter>().TryAcquire(tenant, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new ScimException(StatusCodes.Status429TooManyRequests, null, $"Too many requests for this tenant; retry after {seconds} second(s).");
        }
    }
}
