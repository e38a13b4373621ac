using System.Net;
using Jostle.Scim.Administration;
using Jostle.Scim.Keys;
using Microsoft.Playwright;

namespace Jostle.Scim.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class CredentialsTests(ConsoleFixture app)
{
    [Fact]
    public async Task AKeyCreatedInThePageWorksOnUsersUntilItIsRevokedInThePage()
    {
        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "keys-tenant");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Tenant pages" }).GetByRole(AriaRole.Link, new() { Name = "Credentials" }).ClickAsync();
        await PageChecks.CheckAsync(page, "10-credentials-empty");

        await page.GetByLabel("What the key is for").FillAsync("Entra ID");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        var key = (await page.Locator("#created-secret").TextContentAsync())!;
        Assert.StartsWith("jscim_", key, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("it will not be shown again");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy api key" })).ToBeVisibleAsync();
        await PageChecks.CheckAsync(page, "11-credentials-key-created");

        Assert.Equal(HttpStatusCode.OK, (await app.ScimAsync(HttpMethod.Get, "/Users", key)).StatusCode);

        // The key is never shown again: the list shows its id, created and last-used times only.
        await page.GotoAsync(app.BaseAddress + "/console/tenants/keys-tenant/credentials");
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);
        var keyId = key.Split('_')[1];
        var row = page.Locator($"tr[data-key-id='{keyId}']");
        await Assertions.Expect(row).ToContainTextAsync("active");
        Assert.DoesNotContain("never", await row.Locator("td").Nth(4).TextContentAsync() ?? "never", StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = $"Revoke key {keyId}" }).ClickAsync();
        await PageChecks.CheckAsync(page, "12-credentials-confirm-revoke");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("is revoked");
        await Assertions.Expect(row).ToContainTextAsync("revoked");

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ScimAsync(HttpMethod.Get, "/Users", key)).StatusCode);
    }

    [Fact]
    public async Task ARotationKeepsBothKeysValidUntilTheProviderSwitchesAndTheOldOneIsRevoked()
    {
        var keys = app.Services.GetRequiredService<ScimApiKeyManager>();
        var old = await keys.CreateAsync("rotation-tenant", "provisioning", "Entra ID");
        Assert.Equal(HttpStatusCode.OK, (await app.ScimAsync(HttpMethod.Get, "/Users", old.PlaintextKey)).StatusCode);

        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "rotation-tenant");
        await page.GotoAsync(app.BaseAddress + "/console/tenants/rotation-tenant/credentials");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Rotate key {old.Key.KeyId}" }).ClickAsync();
        await PageChecks.CheckAsync(page, "13a-credentials-rotate");
        await page.GetByLabel("Revoke the old key automatically").SelectOptionAsync("24h");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start rotation" }).ClickAsync();
        var fresh = (await page.Locator("#created-secret").TextContentAsync())!;
        var rotation = page.Locator(".rotation");
        await Assertions.Expect(rotation).ToContainTextAsync("has not been used yet");
        await PageChecks.CheckAsync(page, "13-credentials-rotation-started");

        // Both keys work while the provider switches.
        Assert.Equal(HttpStatusCode.OK, (await app.ScimAsync(HttpMethod.Get, "/Users", old.PlaintextKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await app.ScimAsync(HttpMethod.Post, "/Users", fresh, ConsoleFixture.UserJson("rotated@example.com"))).StatusCode);

        await page.GotoAsync(app.BaseAddress + "/console/tenants/rotation-tenant/credentials");
        await Assertions.Expect(rotation).ToContainTextAsync("first used the new key at");
        await Assertions.Expect(rotation).ToContainTextAsync("revoked automatically at");
        await PageChecks.CheckAsync(page, "14-credentials-rotation-new-key-used");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Revoke the old key {old.Key.KeyId} now" }).ClickAsync();
        await PageChecks.CheckAsync(page, "14a-credentials-confirm-complete-rotation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the old key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Rotation complete");
        await Assertions.Expect(page.Locator(".rotation")).ToHaveCountAsync(0);

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ScimAsync(HttpMethod.Get, "/Users", old.PlaintextKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.ScimAsync(HttpMethod.Get, "/Users", fresh)).StatusCode);
    }

    [Fact]
    public async Task AnOAuthClientAndASecondSecretAreCreatedAndTheOldSecretRevoked()
    {
        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "oauth-tenant");
        await page.GotoAsync(app.BaseAddress + "/console/tenants/oauth-tenant/credentials");
        await page.GetByLabel("What the client is for").FillAsync("Entra gallery app");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create OAuth client" }).ClickAsync();
        var first = (await page.Locator("#created-secret").TextContentAsync())!;
        var client = (await app.Services.GetRequiredService<Jostle.Scim.OAuth.ScimOAuthClientManager>().ListClientsAsync("oauth-tenant")).Single();
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client.ClientId, first)).StatusCode);

        var firstId = (await app.Services.GetRequiredService<Jostle.Scim.OAuth.ScimOAuthClientManager>().ListSecretsAsync(client.ClientId)).Single().SecretId;
        await page.GetByRole(AriaRole.Link, new() { Name = $"Rotate secret {firstId}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Start rotation" }).ClickAsync();
        var second = (await page.Locator("#created-secret").TextContentAsync())!;
        Assert.NotEqual(first, second);
        await PageChecks.CheckAsync(page, "15-credentials-oauth-client");
        await Assertions.Expect(page.Locator(".rotation")).ToContainTextAsync("has not been used yet");
        await page.GetByRole(AriaRole.Link, new() { Name = $"Revoke secret {firstId}" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke secret" }).ClickAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(client.ClientId, first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(client.ClientId, second)).StatusCode);
    }

    private async Task<HttpResponseMessage> TokenAsync(string clientId, string secret) =>
        await app.Http.PostAsync(app.BaseAddress + "/scim/v2/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
}
