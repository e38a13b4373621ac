using System.Net;
using Jostle.Scim.Administration;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Tests.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using static Jostle.Scim.Tests.Administration.AdministrationTestHost;

namespace Jostle.Scim.Tests.Administration;

public sealed class HealthAndConnectionTestTests
{
    [Fact]
    public async Task HealthBucketsTheLastDayPerHourAndRatesFailuresAgainstTheQuarantineThreshold()
    {
        var time = Clock(); // 09:30
        await using var host = await StartAsync(time);
        var key = await host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        using var client = host.ClientFor(key.PlaintextKey);
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("ada")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("grace")).StatusCode);
        time.Advance(TimeSpan.FromHours(2)); // 11:30
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("linus")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.CreateUserAsync("ada")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("Users/missing")).StatusCode);

        var health = await host.Get<ScimProvisioningHealthService>().GetAsync("tenant-a");
        Assert.Equal(24, health.Buckets.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero), health.From);
        Assert.Equal(new ScimHealthBucket(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), 2, 0), health.Buckets[21]);
        Assert.Equal(new ScimHealthBucket(new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero), 2, 2), health.Buckets[23]);
        Assert.Equal((5, 2, 0.4, ScimHealthLevel.Warning), (health.Operations, health.Failures, health.FailureRate, health.Level));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("Users/missing-too")).StatusCode);
        health = await host.Get<ScimProvisioningHealthService>().GetAsync("tenant-a");
        Assert.Equal(ScimHealthLevel.QuarantineRisk, health.Level);

        // 23 hours later the 09:00 hour has left the chart; the 11:00 hour is its first bucket.
        time.Advance(TimeSpan.FromHours(23));
        health = await host.Get<ScimProvisioningHealthService>().GetAsync("tenant-a");
        Assert.Equal((4, 3, 2), (health.Operations, health.Failures, health.Buckets.Sum(b => b.Writes)));
        Assert.Equal(new ScimHealthBucket(new DateTimeOffset(2026, 12, 7, 11, 0, 0, TimeSpan.Zero), 2, 3), health.Buckets[0]);
    }

    [Fact]
    public async Task HealthWarnsOfDroppedAttributesRefusedFiltersAndALikelyDuplicateFoundInRealTraffic()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var key = await host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        using var client = host.ClientFor(key.PlaintextKey);
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("ada@contoso.com", "ada@contoso.com", ""","favouriteColour":"teal" """)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("Users?filter=nickName%20zz%20%22x%22")).StatusCode);

        // Entra changes its matching attribute: the lookup by the new userName finds nothing, and it creates a second user with Ada's e-mail.
        time.Advance(TimeSpan.FromMinutes(5));
        using var lookup = await client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"ada.lovelace@contoso.com\""));
        Assert.Equal(0, (await ScimTestHost.JsonAsync(lookup))["totalResults"]!.GetValue<int>());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("ada.lovelace@contoso.com", "ada@contoso.com")).StatusCode);

        // A lookup followed by a create with a fresh e-mail is the normal flow, not a warning.
        await client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"grace@contoso.com\""));
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("grace@contoso.com", "grace@contoso.com")).StatusCode);

        var health = await host.Get<ScimProvisioningHealthService>().GetAsync("tenant-a");
        var dropped = Assert.Single(health.Warnings, w => w.Kind == ScimTrafficWarningKind.AttributeDropped);
        Assert.Contains("'favouriteColour'", dropped.Message, StringComparison.Ordinal);
        var filter = Assert.Single(health.Warnings, w => w.Kind == ScimTrafficWarningKind.FilterRefused);
        Assert.Equal(1, filter.Count);
        var duplicate = Assert.Single(health.Warnings, w => w.Kind == ScimTrafficWarningKind.LikelyDuplicate);
        Assert.Contains("a lookup for userName 'ada.lovelace@contoso.com' found nothing", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains("existing user 'ada@contoso.com'", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains("a***@c***", duplicate.Message, StringComparison.Ordinal);

        // The empty lookups are in the log as queries that found nothing; the rate counts none of them.
        Assert.Equal(2, (await host.LogAsync("tenant-a", ProvisioningOperation.Query)).Count(e => e.Detail == ProvisioningLogNotes.EmptyUserNameLookup));
        Assert.Equal((4, 1), (health.Operations, health.Failures));
    }

    [Fact]
    public async Task TestConnectionForEntraRunsTheRandomUserNameLookupThroughThePipelineAndPasses()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var key = await host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        var result = await host.Get<ScimConnectionTester>().TestAsync(ScimProviderKind.EntraId, key.PlaintextKey);
        var step = Assert.Single(result.Steps);
        Assert.True(result.Passed, step.Verdict);
        Assert.Matches("^GET /scim/v2/Users\\?filter=userName eq \"[0-9a-f-]{36}\"$", step.Request);
        Assert.Equal((200, "200 with an empty ListResponse (totalResults 0): what Entra ID expects for a user that does not exist. Test Connection will succeed."), (step.Status, step.Verdict));

        // It went through authentication: the key's use is recorded; the test itself stays out of the provisioning log.
        Assert.NotNull((await host.Get<ScimCredentialAdministration>().ListKeysAsync("tenant-a"))[0].LastUsedAt);
        Assert.Empty(await host.LogAsync("tenant-a", ProvisioningOperation.Query));

        await host.Get<ScimCredentialAdministration>().RevokeKeyAsync("tenant-a", key.Key.KeyId, "alice");
        var refused = await host.Get<ScimConnectionTester>().TestAsync(ScimProviderKind.EntraId, key.PlaintextKey);
        Assert.False(refused.Passed);
        Assert.Equal(401, refused.Steps[0].Status);
        Assert.StartsWith($"401: the key was refused — The provisioning token (key {key.Key.KeyId}) was revoked", refused.Steps[0].Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnectionForOktaChecksTheIntegerPagingFieldsOfUsersAndGroups()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var key = await host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "okta", "Okta", null, "alice");
        await host.ClientFor(key.PlaintextKey).CreateUserAsync("ada");
        var result = await host.Get<ScimConnectionTester>().TestAsync(ScimProviderKind.Okta, key.PlaintextKey);
        Assert.True(result.Passed, string.Join("\n", result.Steps.Select(s => s.Verdict)));
        Assert.Equal(["GET /scim/v2/Users?startIndex=1&count=2", "GET /scim/v2/Groups?startIndex=1&count=100"], result.Steps.Select(s => s.Request));
        Assert.Equal("200 with a ListResponse whose totalResults (1), startIndex and itemsPerPage are integers: what Okta expects for Users.", result.Steps[0].Verdict);
    }

    [Fact]
    public async Task TestConnectionForOktaOnAUsersOnlyServerSaysGroupPushWillFail()
    {
        var time = Clock();
        await using var host = await ScimTestHost.StartAsync(
            scim: b => b.AddUserStore<Jostle.Scim.Stores.InMemoryUserStore>().AddAdministration(o => o.RotationCheckInterval = TimeSpan.FromDays(1000)),
            services: s => s.AddSingleton<TimeProvider>(time));
        var key = await host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "okta", "Okta", null, "alice");
        var result = await host.Get<ScimConnectionTester>().TestAsync(ScimProviderKind.Okta, key.PlaintextKey);
        Assert.False(result.Passed);
        Assert.True(result.Steps[0].Passed);
        Assert.Equal(404, result.Steps[1].Status);
        Assert.Contains("Okta's group push fails", result.Steps[1].Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestConnectionForATenantUsesAFiveMinuteKeyRevokesItAndRecordsTheTest()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var result = await host.Get<ScimConnectionTester>().TestTenantAsync("tenant-a", "entra", ScimProviderKind.EntraId, "alice");
        Assert.True(result.Passed);
        var key = Assert.Single(await host.Get<ScimCredentialAdministration>().ListKeysAsync("tenant-a"));
        Assert.Equal((true, Start.AddMinutes(5)), (key.IsRevoked, key.ExpiresAt!.Value));
        var audit = Assert.Single(await host.LogAsync("tenant-a", ProvisioningOperation.Administration));
        Assert.Equal(("alice", nameof(ScimAdministrationAction.ConnectionTested)), (audit.Actor, audit.ResourceType));
        Assert.StartsWith("Test connection as EntraId with a temporary key: passed", audit.Detail, StringComparison.Ordinal);
    }
}
