using System.Net;
using Jostle.Scim.Administration;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Tests.AspNetCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using static Jostle.Scim.Tests.Administration.AdministrationTestHost;

namespace Jostle.Scim.Tests.Administration;

public sealed class CredentialAdministrationTests
{
    [Fact]
    public async Task ACreatedKeyListsItsLastFourCharactersCreatedExpiryAndFirstAndLastUse()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var credentials = host.Get<ScimCredentialAdministration>();
        var created = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", Start.AddDays(30), "alice@example.com");

        var listed = Assert.Single(await credentials.ListKeysAsync("tenant-a"));
        Assert.Equal(created.PlaintextKey[^4..], listed.Hint);
        Assert.Equal((Start, Start.AddDays(30), (DateTimeOffset?)null, (DateTimeOffset?)null), (listed.CreatedAt, listed.ExpiresAt!.Value, listed.FirstUsedAt, listed.LastUsedAt));
        Assert.Empty(await credentials.ListKeysAsync("tenant-b"));

        time.Advance(TimeSpan.FromMinutes(5));
        using var client = host.ClientFor(created.PlaintextKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users")).StatusCode);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users")).StatusCode);
        var used = Assert.Single(await credentials.ListKeysAsync("tenant-a"));
        Assert.Equal((Start.AddMinutes(5), Start.AddMinutes(10)), (used.FirstUsedAt!.Value, used.LastUsedAt!.Value));

        // The console action is in the tenant's log with the console user as actor, and never the key.
        var audit = Assert.Single(await host.LogAsync("tenant-a", ProvisioningOperation.Administration));
        Assert.Equal(("alice@example.com", nameof(ScimAdministrationAction.KeyCreated), created.Key.KeyId), (audit.Actor, audit.ResourceType, audit.ResourceId));
        Assert.Contains("…" + created.PlaintextKey[^4..], audit.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(created.PlaintextKey, audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredKeyIsRefusedWithA401SayingItExpiredAndWhatToDoAndTheRefusalIsInItsTenantsLog()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var created = await host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "entra", "Entra ID", Start.AddHours(1), "alice");
        using var client = host.ClientFor(created.PlaintextKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Users")).StatusCode);

        time.Advance(TimeSpan.FromHours(1));
        using var refused = await client.GetAsync("Users");
        var error = await ScimTestHost.AssertErrorAsync(refused, 401, null);
        Assert.Equal($"The provisioning token (key {created.Key.KeyId}) expired at 2026-12-07 10:30:00Z: create a new key (or rotate this one) and enter it in the identity provider's Secret Token field.", error["detail"]!.GetValue<string>());
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        var entry = Assert.Single(await host.LogAsync("tenant-a", ProvisioningOperation.Query));
        Assert.Equal((401, created.Key.KeyId, "entra"), (entry.Status, entry.KeyId, entry.Actor));
        Assert.Equal(ScimFailureKind.ExpiredCredential, ScimFailureHints.For(entry)!.Kind);
    }

    [Fact]
    public async Task AKeyCannotBeCreatedWithAnExpiryInThePast()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var error = await Assert.ThrowsAsync<ScimAdministrationException>(() => host.Get<ScimCredentialAdministration>().CreateKeyAsync("tenant-a", "entra", "x", Start, "alice"));
        Assert.Equal("The expiry 2026-12-07 09:30:00Z is not in the future; pick a later date or none.", error.Message);
    }

    [Fact]
    public async Task ARotationKeepsBothKeysValidRecordsTheNewKeysFirstUseAndRevokesTheOldOneAfterTheGracePeriod()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var credentials = host.Get<ScimCredentialAdministration>();
        var old = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        var started = await credentials.StartKeyRotationAsync("tenant-a", old.Key.KeyId, TimeSpan.FromHours(2), null, "alice");
        Assert.Equal(("entra", "Entra ID"), (started.NewKey.Key.Actor, started.NewKey.Key.Description));
        Assert.Equal(ScimCredentialRotationState.WaitingForNewCredential, started.Rotation.State);

        using var oldClient = host.ClientFor(old.PlaintextKey);
        using var newClient = host.ClientFor(started.NewKey.PlaintextKey);
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("Users")).StatusCode);

        // Without a use of the new key, no grace period runs: the old key stays, however long it takes.
        time.Advance(TimeSpan.FromDays(3));
        Assert.Empty(await credentials.RunDueRotationsAsync());
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("Users")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("Users")).StatusCode);
        var firstUse = time.GetUtcNow();
        var rotation = Assert.Single(await credentials.ListRotationsAsync("tenant-a"));
        Assert.Equal((ScimCredentialRotationState.NewCredentialInUse, firstUse, firstUse.AddHours(2)), (rotation.State, rotation.NewCredentialFirstUsedAt!.Value, rotation.AutomaticRevocationAt!.Value));
        Assert.Equal(HttpStatusCode.OK, (await oldClient.GetAsync("Users")).StatusCode);

        time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Empty(await credentials.RunDueRotationsAsync());
        time.Advance(TimeSpan.FromSeconds(1));
        var completed = Assert.Single(await credentials.RunDueRotationsAsync());
        Assert.Equal((ScimCredentialRotationState.Completed, ScimCredentialRotationService.Actor), (completed.State, completed.CompletedBy));
        await ScimTestHost.AssertErrorAsync(await oldClient.GetAsync("Users"), 401, null);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("Users")).StatusCode);

        var actions = (await host.LogAsync("tenant-a", ProvisioningOperation.Administration)).Select(e => e.ResourceType).Reverse();
        Assert.Equal(["KeyCreated", "RotationStarted", "RotationNewCredentialUsed", "RotationCompleted"], actions);
    }

    [Fact]
    public async Task TheBackgroundServiceCompletesADueRotationOnTheInjectedClock()
    {
        var time = Clock();
        await using var host = await StartAsync(time, options: o => o.RotationCheckInterval = TimeSpan.FromMinutes(1));
        var credentials = host.Get<ScimCredentialAdministration>();
        var old = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        var started = await credentials.StartKeyRotationAsync("tenant-a", old.Key.KeyId, TimeSpan.FromMinutes(30), null, "alice");
        using var newClient = host.ClientFor(started.NewKey.PlaintextKey);
        Assert.Equal(HttpStatusCode.OK, (await newClient.GetAsync("Users")).StatusCode);

        var keys = host.Get<IScimApiKeyStore>();
        for (var minute = 0; minute < 40 && !(await keys.FindAsync(old.Key.KeyId))!.IsRevoked; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            for (var spin = 0; spin < 50 && !(await keys.FindAsync(old.Key.KeyId))!.IsRevoked && minute >= 30; spin++)
            {
                await Task.Delay(10);
            }
        }

        var revoked = (await keys.FindAsync(old.Key.KeyId))!;
        Assert.True(revoked.IsRevoked);
        Assert.True(revoked.RevokedAt >= Start.AddMinutes(30), $"revoked at {revoked.RevokedAt}, before the grace period ended");
        Assert.Equal(ScimCredentialRotationState.Completed, Assert.Single(await credentials.ListRotationsAsync("tenant-a")).State);
    }

    [Fact]
    public async Task AnAdminCompletesARotationByHandAndTheOldKeyIsRefusedAsRevoked()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var credentials = host.Get<ScimCredentialAdministration>();
        var old = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        var started = await credentials.StartKeyRotationAsync("tenant-a", old.Key.KeyId, null, null, "alice");
        Assert.Null(await credentials.CompleteRotationAsync("tenant-b", started.Rotation.RotationId, "mallory"));

        var completed = await credentials.CompleteRotationAsync("tenant-a", started.Rotation.RotationId, "bob");
        Assert.Equal(("bob", ScimCredentialRotationState.Completed), (completed!.CompletedBy, completed.State));
        var error = await ScimTestHost.AssertErrorAsync(await host.ClientFor(old.PlaintextKey).GetAsync("Users"), 401, null);
        Assert.Contains("was revoked", error["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatingAKeyOfAnotherTenantARevokedKeyOrAKeyAlreadyRotatingIsRefusedWithAReason()
    {
        var time = Clock();
        await using var host = await StartAsync(time);
        var credentials = host.Get<ScimCredentialAdministration>();
        var key = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", null, "alice");
        var other = await Assert.ThrowsAsync<ScimAdministrationException>(() => credentials.StartKeyRotationAsync("tenant-b", key.Key.KeyId, null, null, "mallory"));
        Assert.Equal($"Tenant tenant-b has no API key {key.Key.KeyId}; list the keys and pick one of them.", other.Message);
        Assert.False(await credentials.RevokeKeyAsync("tenant-b", key.Key.KeyId, "mallory"));

        var started = await credentials.StartKeyRotationAsync("tenant-a", key.Key.KeyId, null, null, "alice");
        var twice = await Assert.ThrowsAsync<ScimAdministrationException>(() => credentials.StartKeyRotationAsync("tenant-a", key.Key.KeyId, null, null, "alice"));
        Assert.Equal($"{key.Key.KeyId} is already part of rotation {started.Rotation.RotationId}; complete that rotation first.", twice.Message);

        Assert.True(await credentials.RevokeKeyAsync("tenant-a", key.Key.KeyId, "alice"));
        Assert.Equal(ScimCredentialRotationState.Completed, Assert.Single(await credentials.ListRotationsAsync("tenant-a")).State);
        var revoked = await Assert.ThrowsAsync<ScimAdministrationException>(() => credentials.StartKeyRotationAsync("tenant-a", key.Key.KeyId, null, null, "alice"));
        Assert.Equal($"API key {key.Key.KeyId} is revoked; create a new key instead of rotating it.", revoked.Message);
    }

    [Fact]
    public async Task AClientSecretRotationRecordsTheNewSecretsFirstTokenAndRevokesTheOldSecretAfterTheGracePeriod()
    {
        var time = Clock();
        await using var host = await StartAsync(time, scim: b => b.AddOAuthClients());
        var clients = host.Get<Jostle.Scim.OAuth.ScimOAuthClientManager>();
        var client = await clients.CreateClientAsync("tenant-a", "entra", "Entra ID");
        var credentials = host.Get<ScimCredentialAdministration>();
        var started = await credentials.StartSecretRotationAsync("tenant-a", client.Client.ClientId, client.Secret!.Secret.SecretId, TimeSpan.FromHours(1), null, "alice");
        Assert.Equal(ScimCredentialKind.ClientSecret, started.Rotation.Kind);

        await Jostle.Scim.Tests.OAuth.OAuthTestHost.BasicTokenAsync(host, client.Client.ClientId, client.Secret.PlaintextSecret);
        Assert.Empty(await credentials.RunDueRotationsAsync());
        Assert.Null(Assert.Single(await credentials.ListRotationsAsync("tenant-a")).NewCredentialFirstUsedAt);

        time.Advance(TimeSpan.FromMinutes(10));
        await Jostle.Scim.Tests.OAuth.OAuthTestHost.BasicTokenAsync(host, client.Client.ClientId, started.NewSecret.PlaintextSecret);
        Assert.Equal(time.GetUtcNow(), Assert.Single(await credentials.ListRotationsAsync("tenant-a")).NewCredentialFirstUsedAt);

        time.Advance(TimeSpan.FromHours(1));
        Assert.Single(await credentials.RunDueRotationsAsync());
        using var refused = await Jostle.Scim.Tests.OAuth.OAuthTestHost.RequestWithBasicAsync(host, client.Client.ClientId, client.Secret.PlaintextSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var secrets = await clients.ListSecretsAsync(client.Client.ClientId);
        Assert.True(secrets.Single(s => s.SecretId == client.Secret.Secret.SecretId).IsRevoked);
        Assert.False(secrets.Single(s => s.SecretId == started.NewSecret.Secret.SecretId).IsRevoked);
    }
}
