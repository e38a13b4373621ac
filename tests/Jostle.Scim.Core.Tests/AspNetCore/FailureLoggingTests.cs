using Jostle.Scim.Keys;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>What the SCIM endpoints write to <see cref="ILogger"/> when requests fail: one record a request, and one for a burst of 429s.</summary>
public sealed class FailureLoggingTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    [Fact]
    public async Task ABurstOf429sIsOneAggregatedLogRecordPerTenantAndInterval()
    {
        var logs = new CapturingLoggerProvider();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var host = await StartAsync(
            o =>
            {
                o.RateLimit.RequestsPerSecond = 1;
                o.RateLimit.Burst = 1;
            },
            services: s => s.AddSingleton<TimeProvider>(time).AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        using var b = host.ClientFor("tenant-b");

        // The first refusal is logged at once; the rest of the burst only counts.
        var refused = await BurstAsync(host.Client, 20);
        Assert.True(refused >= 10, $"only {refused} of 20 requests were refused");
        Assert.Single(Records(logs, 203), r => r.Contains("Tenant tenant-a exceeded its SCIM rate limit; answered 429.", StringComparison.Ordinal));
        Assert.Empty(Records(logs, 205));
        Assert.All(ScimRecords(logs), r => Assert.Contains("ScimTenantRateLimiter", r, StringComparison.Ordinal));

        // Another tenant's refusals have their own window.
        var refusedB = await BurstAsync(b, 5);
        Assert.True(refusedB >= 2, $"only {refusedB} of tenant-b's 5 requests were refused");
        Assert.Equal(2, Records(logs, 203).Count);

        // When the interval ends, one record per tenant counts the refusals after the first.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(
            [$"{refused - 1} requests from tenant tenant-a refused by the rate limit in the last 00:01:00.", $"{refusedB - 1} requests from tenant tenant-b refused by the rate limit in the last 00:01:00."],
            Records(logs, 205).Select(Message).Order(StringComparer.Ordinal));

        // A tenant still refused keeps counting into the next interval's one record...
        var again = await BurstAsync(host.Client, 5);
        Assert.Equal(2, Records(logs, 203).Count);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal($"{again} requests from tenant tenant-a refused by the rate limit in the last 00:01:00.", Message(Records(logs, 205)[^1]));

        // ...and after a quiet interval its next refusal is logged at once again.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(3, Records(logs, 205).Count);
        await BurstAsync(host.Client, 5);
        Assert.Equal(3, Records(logs, 203).Count);
    }

    [Fact]
    public async Task AFailedRequestIsLoggedOnce()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync(services: s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        await host.CreateUserAsync("taken");

        async Task<string> OneRecordAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected)
        {
            var before = ScimRecords(logs).Count;
            using var response = await send();
            Assert.Equal(expected, response.StatusCode);
            var correlation = response.Headers.GetValues("X-Correlation-Id").Single();
            var record = Assert.Single(ScimRecords(logs).Skip(before));
            Assert.Contains(correlation, record, StringComparison.Ordinal);
            return record;
        }

        var missing = await OneRecordAsync(() => host.Client.GetAsync("Users/missing"), HttpStatusCode.NotFound);
        Assert.StartsWith("Information Jostle.Scim.AspNetCore.ScimProvisioningRecorder [11] SCIM Get User missing in tenant tenant-a failed with 404", missing, StringComparison.Ordinal);
        var conflict = await OneRecordAsync(() => host.Client.PostAsync("Users", Body($$"""{"schemas":["{{UserSchema}}"],"userName":"taken"}""")), HttpStatusCode.Conflict);
        Assert.Contains("failed with 409 uniqueness", conflict, StringComparison.Ordinal);
        var filter = await OneRecordAsync(() => host.Client.GetAsync("Users?filter=userName%20zz%20%22x%22"), HttpStatusCode.BadRequest);
        Assert.Contains("failed with 400 invalidFilter", filter, StringComparison.Ordinal);
        var syntax = await OneRecordAsync(() => host.Client.PostAsync("Users", Body("{not json")), HttpStatusCode.BadRequest);
        Assert.Contains("failed with 400 invalidSyntax", syntax, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAuthenticationFailureIsLoggedOnceToo()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await ApiKeyTestHost.StartAsync(logs);
        var (key, plaintext) = await host.CreateKeyAsync("tenant-a");

        async Task<string> OneRecordAsync(string? token, HttpStatusCode expected)
        {
            var before = ScimRecords(logs).Count;
            using var client = host.ClientFor(token);
            using var response = await client.GetAsync("Users");
            Assert.Equal(expected, response.StatusCode);
            // ASP.NET Core's own authentication handler records ("… was not authenticated", event 7; "… was challenged",
            // event 12) are logged under the handler's category by the framework, not by the library; docs/security.md
            // says how a host silences them.
            var records = ScimRecords(logs).Skip(before).Where(r => !r.Contains("AuthenticationHandler [7] ", StringComparison.Ordinal) && !r.Contains("AuthenticationHandler [12] ", StringComparison.Ordinal)).ToList();
            Assert.True(records.Count == 1, string.Join(Environment.NewLine, records));
            return records[0];
        }

        Assert.Contains("failed with 401", await OneRecordAsync(null, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        Assert.Contains("failed with 401", await OneRecordAsync(plaintext[..23] + new string('A', 43), HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        await host.Services.GetRequiredService<ScimApiKeyManager>().RevokeAsync(key.KeyId);
        Assert.Contains("failed with 401", await OneRecordAsync(plaintext, HttpStatusCode.Unauthorized), StringComparison.Ordinal);

        // The refusal's reason is still there for whoever turns on Debug.
        Assert.Contains(logs.Entries, e => e.StartsWith("Debug", StringComparison.Ordinal) && e.Contains("[201]", StringComparison.Ordinal) && e.Contains("revoked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnexpectedExceptionIsOneErrorRecordWithTheExceptionAndTheCorrelationId()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync(
            scim: b => b.AddInMemoryStores().AddUserStore<HostingConfigurationTests.ThrowingUserStore>(),
            services: s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        using var response = await host.Client.GetAsync("Users/x");
        await AssertErrorAsync(response, 500, null);
        var correlation = response.Headers.GetValues("X-Correlation-Id").Single();
        var record = Assert.Single(ScimRecords(logs));
        Assert.StartsWith("Error Jostle.Scim.AspNetCore.ScimProvisioningRecorder [1] Unhandled exception while serving SCIM Get User x in tenant tenant-a; answered 500", record, StringComparison.Ordinal);
        Assert.Contains(correlation, record, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: secret internals", record, StringComparison.Ordinal);
    }

    private static async Task<int> BurstAsync(HttpClient client, int requests)
    {
        var refused = 0;
        for (var i = 0; i < requests; i++)
        {
            using var response = await client.GetAsync("Users");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused++;
            }
        }

        return refused;
    }

    private static List<string> Records(CapturingLoggerProvider logs, int eventId) =>
        [.. logs.Entries.Where(e => e.Contains($"Jostle.Scim.AspNetCore.ScimTenantRateLimiter [{eventId}] ", StringComparison.Ordinal))];

    /// <summary>The Jostle.Scim records at Information or above.</summary>
    private static List<string> ScimRecords(CapturingLoggerProvider logs) =>
        [.. logs.Entries.Where(e => e.Split(' ') is [var level, var category, ..] && level is not ("Trace" or "Debug") && category.StartsWith("Jostle.Scim", StringComparison.Ordinal))];

    private static string Message(string record) => record.Split("] ", 2)[1].Split(" | ", 2)[0];
}
