using System.Net;
using System.Text.Json;
using Jostle.Scim.Administration;
using Jostle.Scim.Keys;
using Microsoft.Playwright;

namespace Jostle.Scim.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class OperationsTests(ConsoleFixture app)
{
    private ScimApiKeyManager Keys => app.Services.GetRequiredService<ScimApiKeyManager>();

    [Fact]
    public async Task SetUpShowsTheBaseUrlGuidesAndTheConnectionStatus()
    {
        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "setup-tenant");
        Assert.Equal(app.BaseAddress + "/scim/v2", await page.Locator("#base-url").TextContentAsync());
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy base URL" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#connection-status")).ToContainTextAsync("Waiting for the first request");
        foreach (var field in new[] { "Tenant URL", "Secret Token", "Test Connection", "alternateEmail1Label", "alternateEmail2Label", "SCIM connector base URL", "SCIM Bearer Token", "Token Key" })
        {
            Assert.Contains(field, await page.Locator("main").InnerTextAsync() + await page.Locator("main").TextContentAsync(), StringComparison.Ordinal);
        }

        await PageChecks.CheckAsync(page, "20-setup-waiting");

        var key = await Keys.CreateAsync("setup-tenant", "provisioning", "Entra ID");
        Assert.Equal(HttpStatusCode.Created, (await app.ScimAsync(HttpMethod.Post, "/Users", key.PlaintextKey, ConsoleFixture.UserJson("setup@example.com"))).StatusCode);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#connection-status")).ToContainTextAsync("Connected");
        await Assertions.Expect(page.Locator("#connection-status")).ToContainTextAsync("last request at");

        await Keys.RevokeAsync(key.Key.KeyId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ScimAsync(HttpMethod.Get, "/Users", key.PlaintextKey)).StatusCode);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#connection-status")).ToContainTextAsync("bad or revoked credential");
        await PageChecks.CheckAsync(page, "21-setup-failing");
    }

    [Fact]
    public async Task TestConnectionGivesAVerdictInWordsForEntraAndOkta()
    {
        var key = await Keys.CreateAsync("test-tenant", "provisioning", "Okta");
        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "test-tenant");
        await page.GotoAsync(app.BaseAddress + "/console/tenants/test-tenant/test");
        await PageChecks.CheckAsync(page, "30-test-connection");

        await page.GetByLabel("Microsoft Entra ID").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verdict")).ToContainTextAsync("Passed: Microsoft Entra ID would accept these answers");
        await Assertions.Expect(page.Locator("main table")).ToContainTextAsync("filter=userName eq");
        await PageChecks.CheckAsync(page, "31-test-connection-entra-passed");

        await page.GetByLabel("Okta").CheckAsync();
        await page.GetByLabel("API key to test").FillAsync(key.PlaintextKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verdict")).ToContainTextAsync("Passed: Okta would accept these answers");
        await Assertions.Expect(page.Locator("main table")).ToContainTextAsync("startIndex=1&count=2");
        Assert.DoesNotContain(key.PlaintextKey, await page.ContentAsync(), StringComparison.Ordinal);

        // A revoked key fails, and the page says so in words.
        await Keys.RevokeAsync(key.Key.KeyId);
        await page.GetByLabel("API key to test").FillAsync(key.PlaintextKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#verdict")).ToContainTextAsync("Failed: Okta would not accept");
        await Assertions.Expect(page.Locator("main table")).ToContainTextAsync("401");
        await PageChecks.CheckAsync(page, "32-test-connection-okta-failed");

        // Another tenant's key is not tested for this tenant.
        var other = await Keys.CreateAsync("not-test-tenant", "provisioning", "x");
        await page.GetByLabel("API key to test").FillAsync(other.PlaintextKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not an API key of this tenant");
    }

    [Fact]
    public async Task FailuresAppearInTheLogWithTheirHintAndInTheChart()
    {
        var key = (await Keys.CreateAsync("log-tenant", "provisioning", "Entra ID")).PlaintextKey;
        Assert.Equal(HttpStatusCode.Created, (await app.ScimAsync(HttpMethod.Post, "/Users", key, ConsoleFixture.UserJson("grace@example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await app.ScimAsync(HttpMethod.Post, "/Users", key, ConsoleFixture.UserJson("grace@example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.ScimAsync(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString("nosuchattribute eq \"x\""), key)).StatusCode);

        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "log-tenant");
        await page.GotoAsync(app.BaseAddress + "/console/tenants/log-tenant/log");
        await Assertions.Expect(page.Locator("#retention")).ToContainTextAsync("Records are kept for");
        await PageChecks.CheckAsync(page, "40-log");

        await page.GetByLabel("Failed only").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        Assert.Contains("failed=on", page.Url, StringComparison.Ordinal);
        var records = page.Locator("li.record");
        Assert.Equal(2, await records.CountAsync());
        Assert.Equal(0, await page.Locator("li.record.ok").CountAsync());

        // Newest first: the refused filter, then the conflict; each with method, path, status, correlation id and a hint.
        var refused = records.Nth(0);
        await refused.Locator("summary").ClickAsync();
        await Assertions.Expect(refused).ToContainTextAsync("GET /scim/v2/Users");
        await Assertions.Expect(refused).ToContainTextAsync("400");
        await Assertions.Expect(refused.Locator(".hint")).Not.ToBeEmptyAsync();
        var conflict = records.Nth(1);
        await conflict.Locator("summary").ClickAsync();
        await Assertions.Expect(conflict).ToContainTextAsync("409");
        await Assertions.Expect(conflict.Locator(".hint")).Not.ToBeEmptyAsync();
        await PageChecks.CheckAsync(page, "41-log-failed-expanded");

        // The masked body summary of the conflicting create, revealed on request.
        Assert.DoesNotContain("grace@example.com", await conflict.Locator("pre").TextContentAsync() ?? "", StringComparison.Ordinal);
        await conflict.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator("#revealed-summary")).ToContainTextAsync("grace@example.com");
        await PageChecks.CheckAsync(page, "42-log-revealed");

        // Operation and userName filters.
        await page.GotoAsync(app.BaseAddress + "/console/tenants/log-tenant/log?operation=Create&subject=grace%40example.com");
        Assert.True(await page.Locator("li.record").CountAsync() >= 2);
        Assert.Equal(await page.Locator("li.record").CountAsync(), await page.Locator("li.record", new() { HasText = "Create" }).CountAsync());
        var bad = await page.GotoAsync(app.BaseAddress + "/console/tenants/log-tenant/log?from=yesterday");
        Assert.Equal(400, bad!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("From must be a date and time");

        await page.GotoAsync(app.BaseAddress + "/console/tenants/log-tenant/health");
        var hour = page.Locator("#health-chart rect.failures").Last;
        Assert.True(int.Parse(await hour.GetAttributeAsync("data-count") ?? "0") >= 2);
        Assert.True(int.Parse(await page.Locator("#health-chart rect.writes").Last.GetAttributeAsync("data-count") ?? "0") >= 2);
        await Assertions.Expect(page.Locator("#failure-rate")).ToContainTextAsync("quarantine threshold of 40 %");
        await Assertions.Expect(page.Locator("#traffic-warnings")).ToContainTextAsync("Filter refused");
        await PageChecks.CheckAsync(page, "50-health");
    }

    [Fact]
    public async Task ALookupThatFindsNothingThenACreateWithAnExistingEmailIsALikelyDuplicate()
    {
        var key = (await Keys.CreateAsync("dup-tenant", "provisioning", "Entra ID")).PlaintextKey;
        Assert.Equal(HttpStatusCode.Created, (await app.ScimAsync(HttpMethod.Post, "/Users", key, ConsoleFixture.UserJson("jdoe@example.com", "john.doe@example.com"))).StatusCode);
        var lookup = await app.ScimAsync(HttpMethod.Get, "/Users?filter=" + Uri.EscapeDataString("userName eq \"john.doe@example.com\""), key);
        Assert.Equal(0, JsonDocument.Parse(await lookup.Content.ReadAsStringAsync()).RootElement.GetProperty("totalResults").GetInt32());
        Assert.Equal(HttpStatusCode.Created, (await app.ScimAsync(HttpMethod.Post, "/Users", key, ConsoleFixture.UserJson("john.doe@example.com", "john.doe@example.com"))).StatusCode);

        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "dup-tenant");
        await page.GotoAsync(app.BaseAddress + "/console/tenants/dup-tenant/health");
        var warning = page.Locator("#traffic-warnings li.warning-LikelyDuplicate");
        await Assertions.Expect(warning).ToContainTextAsync("Likely duplicate");
        await Assertions.Expect(warning).ToContainTextAsync("jdoe@example.com");
        await PageChecks.CheckAsync(page, "51-health-duplicate");
    }

    [Fact]
    public async Task NotificationSettingsAreValidatedSavedAndATestReachesTheWebhook()
    {
        await using var webhook = await WebhookListener.StartAsync();
        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "notify-tenant");
        await page.GotoAsync(app.BaseAddress + "/console/tenants/notify-tenant/notifications");
        await PageChecks.CheckAsync(page, "60-notifications");

        await page.GetByLabel("E-mail addresses").FillAsync("ops@example.com\nnot-an-address");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save notification settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("'not-an-address' is not an e-mail address");

        await page.GetByLabel("E-mail addresses").FillAsync("ops@example.com\nit@example.com");
        await page.GetByLabel("Webhook URL").FillAsync(webhook.Url);
        await page.GetByLabel("Digest interval").SelectOptionAsync("1h");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save notification settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("saved");
        var saved = await app.Services.GetRequiredService<ScimNotificationSettingsService>().GetAsync("notify-tenant");
        Assert.Equal(["ops@example.com", "it@example.com"], saved.EmailAddresses);
        Assert.Equal(TimeSpan.FromHours(1), saved.DigestInterval);

        await page.GetByRole(AriaRole.Button, new() { Name = "Send a test notification" }).ClickAsync();
        await Assertions.Expect(page.Locator("#test-result")).ToBeVisibleAsync();
        var body = await webhook.NextAsync();
        Assert.Contains("notify-tenant", body, StringComparison.Ordinal);
        await PageChecks.CheckAsync(page, "61-notifications-test-sent");
    }
}
