using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.Administration;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Tests.AspNetCore;
using static Jostle.Scim.Tests.Administration.AdministrationTestHost;

namespace Jostle.Scim.Tests.Administration;

public sealed class ConnectionAndLogTests
{
    [Fact]
    public async Task TheConnectionGoesFromWaitingToConnectedToFailingWithARevokedKeyAndSaysWhy()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var status = host.Get<ScimConnectionStatusService>();
        var credentials = host.Get<ScimCredentialAdministration>();
        var key = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");

        var waiting = await status.GetAsync("tenant-a");
        Assert.Equal((ScimConnectionState.WaitingForFirstRequest, (DateTimeOffset?)null), (waiting.State, waiting.LastRequestAt));
        Assert.StartsWith("Waiting for the first request.", waiting.Summary, StringComparison.Ordinal);

        // A token this server does not know names no tenant, but the waiting tenant is told such requests arrive.
        using var stranger = host.ClientFor(key.PlaintextKey[..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("Users")).StatusCode);
        waiting = await status.GetAsync("tenant-a");
        Assert.Equal((ScimConnectionState.WaitingForFirstRequest, 1), (waiting.State, waiting.UnknownTokenRefusals));
        Assert.Contains("1 request(s) with a token this server does not know", waiting.Summary, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromMinutes(1));
        using var client = host.ClientFor(key.PlaintextKey);
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("ada")).StatusCode);
        var connected = await status.GetAsync("tenant-a");
        Assert.Equal((ScimConnectionState.Connected, ScimConnectionProblem.None, time.GetUtcNow()), (connected.State, connected.Problem, connected.LastRequestAt!.Value));
        Assert.Equal("Connected (last request at 2026-12-07 09:31:00Z).", connected.Summary);

        await credentials.RevokeKeyAsync("tenant-a", key.Key.KeyId, "alice");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("Users")).StatusCode);
        var failing = await status.GetAsync("tenant-a");
        Assert.Equal((ScimConnectionState.Failing, ScimConnectionProblem.CredentialRefused), (failing.State, failing.Problem));
        Assert.Equal($"Failing: requests arrive with a revoked credential ({key.Key.KeyId}, last at 2026-12-07 09:32:00Z). Rotate or create a key and enter it in the identity provider.", failing.Summary);

        // A new key that works again makes the tenant connected again.
        var fresh = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await host.ClientFor(fresh.PlaintextKey).GetAsync("Users")).StatusCode);
        Assert.Equal(ScimConnectionState.Connected, (await status.GetAsync("tenant-a")).State);
    }

    [Fact]
    public async Task RequestsThatAuthenticateButMostlyFailMakeTheConnectionFailingWithTheCommonestError()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var key = await host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        using var client = host.ClientFor(key.PlaintextKey);
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("ada")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.CreateUserAsync("ada")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.CreateUserAsync("ada")).StatusCode);

        var failing = await host.Get<ScimConnectionStatusService>().GetAsync("tenant-a");
        Assert.Equal((ScimConnectionState.Failing, ScimConnectionProblem.RequestsFailing, 3, 2), (failing.State, failing.Problem, failing.RecentOperations, failing.RecentFailures));
        Assert.Equal("Failing: 2 of 3 recorded operations in the last 1 hour failed (67%); most often 409 uniqueness (2). See the request log for hints.", failing.Summary.Replace(" %", "%", StringComparison.Ordinal));

        // An hour later the failures are out of the window; the last request is still known.
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(ScimConnectionState.Connected, (await host.Get<ScimConnectionStatusService>().GetAsync("tenant-a")).State);
    }

    [Fact]
    public async Task TheLogRecordsMethodPathAndAMaskedSummaryWithoutSecretsAndARevealIsRecorded()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var key = await host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        using var client = host.ClientFor(key.PlaintextKey);
        using var created = await client.CreateUserAsync("ada.lovelace@example.com", "ada@example.com", ""","password":"S3cret-Never-Stored!","active":true,"name":{"givenName":"Ada"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await ScimTestHost.JsonAsync(created))["id"]!.GetValue<string>();

        var log = host.Get<ScimRequestLogService>();
        var page = await log.QueryAsync("tenant-a", new ProvisioningLogQuery { Operation = ProvisioningOperation.Create });
        var entry = Assert.Single(page.Records).Entry;
        Assert.Equal(("POST", "/scim/v2/Users"), (entry.Method, entry.Path));
        var summary = JsonNode.Parse(entry.RequestSummary!)!.AsObject();
        Assert.Equal("a***@e***", summary["userName"]!.GetValue<string>());
        Assert.Equal("[removed]", summary["password"]!.GetValue<string>());
        Assert.True(summary["active"]!.GetValue<bool>());
        Assert.Equal("A***", summary["name"]!["givenName"]!.GetValue<string>());
        Assert.Equal("work", summary["emails"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(AdministrationTestHost.UserSchema, summary["schemas"]![0]!.GetValue<string>());
        Assert.DoesNotContain("S3cret", entry.ProtectedRequestSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("lovelace", entry.ProtectedRequestSummary, StringComparison.Ordinal);

        Assert.False((await log.RevealAsync("tenant-b", entry, "mallory")).Revealed);
        var revealed = await log.RevealAsync("tenant-a", entry, "alice");
        Assert.True(revealed.Revealed);
        var unmasked = JsonNode.Parse(revealed.Summary)!.AsObject();
        Assert.Equal(("ada.lovelace@example.com", "[removed]"), (unmasked["userName"]!.GetValue<string>(), unmasked["password"]!.GetValue<string>()));

        var audit = (await log.QueryAsync("tenant-a", new ProvisioningLogQuery { Operation = ProvisioningOperation.Administration })).Records.Select(r => r.Entry).First();
        Assert.Equal(("alice", nameof(ScimAdministrationAction.PersonalDataRevealed), entry.CorrelationId), (audit.Actor, audit.ResourceType, audit.ResourceId));
        Assert.DoesNotContain("lovelace", audit.Detail, StringComparison.Ordinal);

        // A PATCH records its path with filter values masked; a query its parameters with the filter value masked.
        using var patched = await client.PatchAsync($"Users/{id}", ScimTestHost.Body("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"emails[type eq \"work\"].value","value":"lovelace@example.org"}]}"""));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var patch = Assert.Single((await log.QueryAsync("tenant-a", new ProvisioningLogQuery { Operation = ProvisioningOperation.Patch })).Records).Entry;
        Assert.Equal(("PATCH", $"/scim/v2/Users/{id}"), (patch.Method, patch.Path));
        Assert.Contains("\"op\":\"replace\"", patch.RequestSummary, StringComparison.Ordinal);
        Assert.Contains("emails[type eq \\u0022w***\\u0022].value", patch.RequestSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("lovelace", patch.RequestSummary, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("Users?filter=nickName%20zz%20%22grace%22")).StatusCode);
        var query = Assert.Single((await log.QueryAsync("tenant-a", new ProvisioningLogQuery { Operation = ProvisioningOperation.Query })).Records);
        Assert.Equal("filter=nickName zz \"g***\"", query.Entry.RequestSummary);
        Assert.Equal(ScimFailureKind.FilterRefused, query.Hint!.Kind);
    }

    [Fact]
    public async Task TheConsoleLogIsNewestFirstPagedFilteredAndScopedToTheTenant()
    {
        var time = Clock();
        await using var host = await StartAsync(time, options: o => { o.LogRetention = TimeSpan.FromDays(30); o.RotationCheckInterval = TimeSpan.FromDays(1000); });
        var credentials = host.Get<ScimCredentialAdministration>();
        var a = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        var b = await credentials.CreateKeyAsync("tenant-b", "okta", "Okta", null, "bob");
        using var clientA = host.ClientFor(a.PlaintextKey);
        foreach (var name in new[] { "u1", "u2", "u3", "u1" })
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await clientA.CreateUserAsync(name);
        }

        await host.ClientFor(b.PlaintextKey).CreateUserAsync("b1");
        var log = host.Get<ScimRequestLogService>();
        var first = await log.QueryAsync("tenant-a", new ProvisioningLogQuery { Tenant = "tenant-b", Operation = ProvisioningOperation.Create, PageSize = 3 });
        Assert.Equal(TimeSpan.FromDays(30), first.Retention);
        Assert.Equal(["u1", "u3", "u2"], first.Records.Select(r => r.Entry.UserName));
        var second = await log.QueryAsync("tenant-a", new ProvisioningLogQuery { Operation = ProvisioningOperation.Create, PageSize = 3, ContinuationToken = first.ContinuationToken });
        Assert.Equal(["u1"], second.Records.Select(r => r.Entry.UserName));
        Assert.Null(second.ContinuationToken);

        var failed = Assert.Single((await log.QueryAsync("tenant-a", new ProvisioningLogQuery { Outcome = ProvisioningOutcomeFilter.Failure })).Records);
        Assert.Equal((409, ScimFailureKind.Uniqueness), (failed.Entry.Status, failed.Hint!.Kind));
        Assert.Equal(2, (await log.QueryAsync("tenant-a", new ProvisioningLogQuery { UserName = "U1" })).Records.Count);
        Assert.Equal(["u3", "u2"], (await log.QueryAsync("tenant-a", new ProvisioningLogQuery { Operation = ProvisioningOperation.Create, From = Start.AddMinutes(2), To = Start.AddMinutes(4) })).Records.Select(r => r.Entry.UserName));
    }
}
