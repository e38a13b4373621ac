using System.Net;
using System.Threading.RateLimiting;
using Jostle.Scim.AspNetCore;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class RateLimitTests
{
    [Fact]
    public async Task OverTheLimitIs429WithRetryAfterAndAScimBodyForThatTenantOnly()
    {
        await using var host = await ApiKeyTestHost.StartAsync(configure: o =>
        {
            o.RateLimit.RequestsPerSecond = 1;
            o.RateLimit.Burst = 2;
        });
        using var a = host.ClientFor((await host.CreateKeyAsync("tenant-a")).PlaintextKey);
        using var b = host.ClientFor((await host.CreateKeyAsync("tenant-b")).PlaintextKey);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 5 && limited is null; i++)
        {
            var response = await a.GetAsync("Users");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 2, string.Join(',', statuses));
            await AssertErrorAsync(limited, 429, null);
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        }

        using var other = await b.GetAsync("Users");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task ZeroRequestsPerSecondTurnsTheLimitOff()
    {
        await using var host = await ApiKeyTestHost.StartAsync(configure: o =>
        {
            o.RateLimit.RequestsPerSecond = 0;
            o.RateLimit.Burst = 1;
        });
        using var a = host.ClientFor((await host.CreateKeyAsync("tenant-a")).PlaintextKey);
        for (var i = 0; i < 10; i++)
        {
            using var response = await a.GetAsync("Users");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task TheDefaultLetsATenantBurstAHundredRequests()
    {
        await using var host = await ApiKeyTestHost.StartAsync();
        using var a = host.ClientFor((await host.CreateKeyAsync("tenant-a")).PlaintextKey);
        for (var i = 0; i < 100; i++)
        {
            using var response = await a.GetAsync("Users");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void TheDefaultBucketRefillsFiftyRequestsASecondPerTenantAndHoldsAHundred()
    {
        var defaults = new JostleScimOptions().RateLimit;
        Assert.Equal(50, defaults.RequestsPerSecond);
        Assert.Equal(100, defaults.Burst);

        // The bucket the limiter builds for each tenant: it refills at 50 a second, twice what Entra ID needs, and holds 100.
        var options = ScimTenantRateLimiter.BucketOptions(defaults, autoReplenishment: true);
        Assert.True(options.TokensPerPeriod / options.ReplenishmentPeriod.TotalSeconds >= 25, "the sustained rate is below 25 requests per second");
        Assert.Equal(50, options.TokensPerPeriod / options.ReplenishmentPeriod.TotalSeconds);
        Assert.True(options.AutoReplenishment);
        Assert.Equal(0, options.QueueLimit);

        // Spent at once, it lets exactly the burst through (refilling by hand only, so time plays no part).
        using var bucket = new TokenBucketRateLimiter(ScimTenantRateLimiter.BucketOptions(defaults, autoReplenishment: false));
        var burst = 0;
        while (burst <= 1000 && bucket.AttemptAcquire().IsAcquired)
        {
            burst++;
        }

        Assert.Equal(100, burst);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(10, -1)]
    public async Task ANegativeLimitFailsAtStartUp(int requestsPerSecond, int burst)
    {
        var e = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ApiKeyTestHost.StartAsync(configure: o =>
        {
            o.RateLimit.RequestsPerSecond = requestsPerSecond;
            o.RateLimit.Burst = burst;
        }));
        Assert.Contains("RateLimit", e.Message, StringComparison.Ordinal);
    }
}
