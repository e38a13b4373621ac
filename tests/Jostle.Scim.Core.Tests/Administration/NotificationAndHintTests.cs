using System.Text.Json.Nodes;
using Jostle.Scim.Administration;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Tests.Provisioning;
using static Jostle.Scim.Tests.Administration.AdministrationTestHost;

namespace Jostle.Scim.Tests.Administration;

public sealed class NotificationAndHintTests
{
    [Theory]
    [InlineData("not-an-address", null, null, 14, "'not-an-address' is not an e-mail address; enter one address like admin@example.com per line.")]
    [InlineData(null, "ftp://example.com/hook", null, 14, "The webhook URL 'ftp://example.com/hook' must be an absolute http or https URL.")]
    [InlineData(null, null, 10, 14, "The digest interval must be between 1 minute and 7 days.")]
    [InlineData(null, null, null, 400, "Key-expiry warnings are sent 0 (off) to 365 days ahead.")]
    public async Task InvalidNotificationSettingsAreRefusedWithAMessageNamingTheField(string? email, string? webhook, int? intervalSeconds, int days, string message)
    {
        await using var host = await StartAsync(Clock());
        var settings = new ScimNotificationSettings
        {
            TenantId = "ignored",
            EmailAddresses = email is null ? [] : [email],
            WebhookUrl = webhook is null ? null : new Uri(webhook),
            DigestInterval = intervalSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
            KeyExpiryWarningDays = days,
        };
        var error = await Assert.ThrowsAsync<ScimAdministrationException>(() => host.Get<ScimNotificationSettingsService>().SaveAsync("tenant-a", settings, "alice"));
        Assert.Equal(message, error.Message);
        Assert.Null(await host.Get<IScimAdministrationStore>().GetNotificationSettingsAsync("tenant-a"));
    }

    [Fact]
    public async Task SavedSettingsAreRecordedInTheTenantsLogAndATestNotificationReachesTheTenantsWebhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await StartAsync(Clock());
        var service = host.Get<ScimNotificationSettingsService>();
        var nothing = await service.SendTestAsync("tenant-a", "alice");
        Assert.False(nothing.Delivered);
        Assert.Empty(receiver.Requests);

        var saved = await service.SaveAsync("tenant-a", new ScimNotificationSettings { TenantId = "tenant-a", EmailAddresses = [" ops@example.com ", "OPS@example.com", "it@example.com"], WebhookUrl = receiver.Url, DigestInterval = TimeSpan.FromHours(1) }, "alice");
        Assert.Equal(["ops@example.com", "it@example.com"], saved.EmailAddresses);
        Assert.Equal(("alice", Start), (saved.UpdatedBy!, saved.UpdatedAt));
        Assert.Equal(saved, await service.GetAsync("tenant-a"));

        var sent = await service.SendTestAsync("tenant-a", "alice");
        Assert.True(sent.Delivered, sent.Message);
        var (body, contentType, _) = Assert.Single(receiver.Requests);
        var json = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(("test", "tenant-a"), (json["type"]!.GetValue<string>(), json["tenant"]!.GetValue<string>()));
        Assert.StartsWith("application/json", contentType, StringComparison.Ordinal);

        var actions = (await host.LogAsync("tenant-a", ProvisioningOperation.Administration)).Select(e => (e.ResourceType, e.Detail)).Reverse().ToList();
        Assert.Equal(nameof(ScimAdministrationAction.TestNotificationSent), actions[0].ResourceType);
        Assert.Equal((nameof(ScimAdministrationAction.SettingsChanged), $"Notification settings changed: e-mail recipients 2 (was 0), webhook set to {receiver.Url}, digest interval 1 hour."), actions[1]);
        Assert.Equal(nameof(ScimAdministrationAction.TestNotificationSent), actions[2].ResourceType);
    }

    [Fact]
    public async Task AKeyExpiringWithinTheTenantsWarningDaysIsAnnouncedOnceToItsWebhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var time = Clock();
        await using var host = await StartAsync(time);
        await host.Get<ScimNotificationSettingsService>().SaveAsync("tenant-a", new ScimNotificationSettings { TenantId = "tenant-a", WebhookUrl = receiver.Url, KeyExpiryWarningDays = 7 }, "alice");
        await host.Get<ScimNotificationSettingsService>().SaveAsync("tenant-b", new ScimNotificationSettings { TenantId = "tenant-b", WebhookUrl = receiver.Url, KeyExpiryWarningDays = 0 }, "bob");
        var credentials = host.Get<ScimCredentialAdministration>();
        var soon = await credentials.CreateKeyAsync("tenant-a", "entra", "Entra ID", Start.AddDays(10), "alice");
        await credentials.CreateKeyAsync("tenant-a", "entra", "never", null, "alice");
        await credentials.CreateKeyAsync("tenant-b", "okta", "Okta", Start.AddDays(1), "bob");
        var warnings = host.Get<ScimKeyExpiryWarnings>();
        Assert.Empty(await warnings.RunAsync());

        time.Advance(TimeSpan.FromDays(3) + TimeSpan.FromHours(1));
        var warning = Assert.Single(await warnings.RunAsync());
        Assert.Equal((ScimAdministrationNotificationKind.CredentialExpiring, "tenant-a", soon.Key.KeyId), (warning.Kind, warning.Tenant, warning.CredentialId));
        Assert.Contains("expires at 2026-12-17 09:30:00Z (in 7 days)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("start a rotation", warning.Message, StringComparison.Ordinal);
        var json = JsonNode.Parse(Assert.Single(receiver.Requests).Body)!.AsObject();
        Assert.Equal(("credentialExpiring", soon.Key.KeyId), (json["type"]!.GetValue<string>(), json["credentialId"]!.GetValue<string>()));

        time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await warnings.RunAsync());
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public void ATenantsOwnDigestIntervalReplacesTheHostsForThatTenantOnly()
    {
        var start = Start;
        var digester = new ProvisioningFailureDigester(new ProvisioningFailureNotificationOptions { Interval = TimeSpan.FromMinutes(15), GatherDelay = TimeSpan.Zero })
        {
            TenantIntervals = new Dictionary<string, TimeSpan> { ["slow"] = TimeSpan.FromHours(2) },
        };
        foreach (var tenant in new[] { "slow", "fast" })
        {
            digester.Add(Failure(tenant, start), start);
        }

        Assert.Equal(2, digester.TakeDue(start).Count);
        foreach (var tenant in new[] { "slow", "fast" })
        {
            digester.Add(Failure(tenant, start.AddMinutes(1)), start.AddMinutes(1));
        }

        Assert.Equal(["fast"], digester.TakeDue(start.AddMinutes(15)).Select(d => d.Tenant));
        Assert.Empty(digester.TakeDue(start.AddMinutes(119)));
        Assert.Equal(["slow"], digester.TakeDue(start.AddHours(2)).Select(d => d.Tenant));

        static ProvisioningLogEntry Failure(string tenant, DateTimeOffset at) => new()
        {
            Timestamp = at, Tenant = tenant, Operation = ProvisioningOperation.Create, ResourceType = "User", Status = 409, ScimType = "uniqueness", CorrelationId = "c",
        };
    }

    [Theory]
    [InlineData(201, null, "Ignored attributes no schema defines: favouriteColour, shoeSize.", ScimFailureKind.UnknownAttribute, "remove the mapping(s) to favouriteColour, shoeSize")]
    [InlineData(400, "invalidFilter", "The filter names 'nickName', which the store cannot filter on.", ScimFailureKind.FilterRefused, "Change the matching attribute")]
    [InlineData(401, null, "The provisioning token (key abc) was revoked: create a new key and enter it in the identity provider.", ScimFailureKind.RevokedCredential, "Rotate or create a new key")]
    [InlineData(401, null, "The provisioning token (key abc) expired at 2026-12-07 10:30:00Z: create a new key.", ScimFailureKind.ExpiredCredential, "Create a new key (or rotate the expired one)")]
    [InlineData(401, null, "The provisioning token was received, but the API key is unknown to this server.", ScimFailureKind.BadCredential, "Re-enter the whole key")]
    [InlineData(403, null, "The caller is not allowed to use this SCIM service.", ScimFailureKind.Forbidden, "Use a key created for this tenant")]
    [InlineData(409, "uniqueness", "userName 'ada' is already taken.", ScimFailureKind.Uniqueness, "matching attribute")]
    [InlineData(412, null, "The User was changed by another request; read it again and retry.", ScimFailureKind.VersionMismatch, "the provider retries")]
    [InlineData(429, null, "Too many requests.", ScimFailureKind.RateLimited, "--rate-limit")]
    [InlineData(404, null, "No User with id x.", ScimFailureKind.NotFound, "Restart provisioning")]
    [InlineData(400, "mutability", "'id' is readOnly.", ScimFailureKind.SchemaViolation, "Remove the mapping that writes it")]
    [InlineData(400, "invalidValue", "'active' must be a boolean.", ScimFailureKind.SchemaViolation, "'active' must be a boolean.")]
    [InlineData(400, "invalidSyntax", "The request body is not valid JSON.", ScimFailureKind.InvalidSyntax, "custom expressions")]
    [InlineData(413, null, "Too large.", ScimFailureKind.TooLarge, "Send fewer operations")]
    [InlineData(500, null, "An unexpected error occurred.", ScimFailureKind.ServerError, "correlation id corr-1")]
    public void EachKindOfFailureGetsAHintThatSaysWhatToChange(int status, string? scimType, string detail, ScimFailureKind kind, string action)
    {
        var hint = ScimFailureHints.For(new ProvisioningLogEntry
        {
            Timestamp = Start, Tenant = "t", Operation = ProvisioningOperation.Create, ResourceType = "User", UserName = "ada", Status = status, ScimType = scimType, Detail = detail, CorrelationId = "corr-1",
        });
        Assert.NotNull(hint);
        Assert.Equal(kind, hint.Kind);
        Assert.Contains(action, hint.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void ASuccessWithoutDroppedAttributesAndAConsoleActionGetNoHint()
    {
        var ok = new ProvisioningLogEntry { Timestamp = Start, Tenant = "t", Operation = ProvisioningOperation.Create, Status = 201, CorrelationId = "c" };
        Assert.Null(ScimFailureHints.For(ok));
        Assert.Null(ScimFailureHints.For(ok with { Operation = ProvisioningOperation.Administration, Detail = "Ignored attributes no schema defines: x." }));
        Assert.Equal(["x"], ScimFailureHints.DroppedAttributes(ok with { Detail = "Ignored attributes no schema defines: x. A password was received and not stored." }));
    }
}
