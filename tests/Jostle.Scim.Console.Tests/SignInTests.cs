using System.Net;
using Jostle.Scim.Administration;
using Microsoft.Playwright;

namespace Jostle.Scim.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SignInTests(ConsoleFixture app)
{
    [Fact]
    public async Task ALinkSignsInOnceAndLeavesNoSecretInTheAddress()
    {
        var link = await app.LinkAsync(ScimConsoleRole.TenantAdmin, "signin-tenant", "ada@example.com");
        var context = await app.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(link);
        Assert.EndsWith("/console/signin", page.Url, StringComparison.Ordinal);
        await PageChecks.CheckAsync(page, "01-signin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.WaitForURLAsync("**/console/tenants/signin-tenant");
        Assert.DoesNotContain("token", page.Url, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Set-up", await page.Locator("h1").TextContentAsync());
        var session = (await context.CookiesAsync()).Single(c => c.Name == ".JostleScim.Console");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == ".JostleScim.Console.Link");

        var second = await (await app.Browser.NewContextAsync()).NewPageAsync();
        await second.GotoAsync(link);
        await second.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(second.GetByRole(AriaRole.Alert)).ToContainTextAsync("already used");
        await PageChecks.CheckAsync(second, "02-signin-link-used");
        Assert.Equal(302, (await GetWithoutRedirectAsync(second, "/console/tenants/signin-tenant")).Status);
    }

    [Fact]
    public async Task WithoutALinkTheSignInPageSaysHowToGetOne()
    {
        var page = await (await app.Browser.NewContextAsync()).NewPageAsync();
        var response = await page.GotoAsync(app.BaseAddress + "/console/tenants/anything/credentials");
        Assert.EndsWith("/console/signin", page.Url, StringComparison.Ordinal);
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("console link");
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).CountAsync());
    }

    [Fact]
    public async Task AnExpiredOrForgedTokenDoesNotSignIn()
    {
        var page = await (await app.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(app.BaseAddress + "/console/signin?token=jscl_0123456789abcdef_" + new string('A', 43));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not a valid sign-in link");
    }

    [Fact]
    public async Task ATenantAdminNeverSeesAnotherTenant()
    {
        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "tenant-a");
        foreach (var path in new[] { "/console/tenants/tenant-b", "/console/tenants/tenant-b/credentials", "/console/tenants/tenant-b/log", "/console/tenants/tenant-b/admins" })
        {
            var response = await page.GotoAsync(app.BaseAddress + path);
            Assert.Equal(404, response!.Status);
            Assert.DoesNotContain("tenant-b", await page.Locator("main").TextContentAsync() ?? "", StringComparison.Ordinal);
        }

        await PageChecks.CheckAsync(page, "03-other-tenant-not-found");

        // A forged POST to the other tenant is refused before its handler runs.
        var post = await page.APIRequest.PostAsync(app.BaseAddress + "/console/tenants/tenant-b/credentials/keys", new() { Form = FormWith(page, ("description", "x"), ("user", "y")) });
        Assert.Equal(404, post.Status);

        // The operator overview sends a tenant admin back to their own tenant.
        await page.GotoAsync(app.BaseAddress + "/console/");
        Assert.EndsWith("/console/tenants/tenant-a", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsoleCookiesAndApiKeysDoNotCrossOver()
    {
        var page = await app.SignedInPageAsync(ScimConsoleRole.Operator, null);

        // The console session does not authenticate SCIM requests...
        var scim = await page.APIRequest.GetAsync(app.BaseAddress + "/scim/v2/Users");
        Assert.Equal(401, scim.Status);

        // ...and an API key does not open the console.
        var key = await app.Services.GetRequiredService<Jostle.Scim.Keys.ScimApiKeyManager>().CreateAsync("crossover", "provisioning", "test");
        using var request = new HttpRequestMessage(HttpMethod.Get, app.BaseAddress + "/console/tenants/crossover/credentials");
        request.Headers.Authorization = new("Bearer", key.PlaintextKey);
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await noRedirect.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/console/signin", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await app.ScimAsync(HttpMethod.Get, "/Users", key.PlaintextKey)).StatusCode);
    }

    [Fact]
    public async Task AFormWithoutItsAntiforgeryTokenIsRefusedWithA400()
    {
        var page = await app.SignedInPageAsync(ScimConsoleRole.TenantAdmin, "forgery");
        var post = await page.APIRequest.PostAsync(app.BaseAddress + "/console/tenants/forgery/credentials/keys", new() { Form = FormWith(page, ("description", "x"), ("user", "y")) });
        Assert.Equal(400, post.Status);
        Assert.Contains("The form expired", await post.TextAsync(), StringComparison.Ordinal);
        Assert.Empty(await app.Services.GetRequiredService<Jostle.Scim.Keys.ScimApiKeyManager>().ListAsync("forgery"));
    }

    [Fact]
    public async Task AnOperatorInvitesAnAdminAndRevokesAnUnusedLink()
    {
        var page = await app.SignedInPageAsync(ScimConsoleRole.Operator, null, "olga");
        await PageChecks.CheckAsync(page, "04-operator-overview");
        await page.GetByLabel("Who the link is for").FillAsync("bob@example.com");
        await page.GetByLabel("Tenant (for an admin)").FillAsync("invited-tenant");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create sign-in link" }).ClickAsync();
        var url = await page.Locator("#created-link").TextContentAsync();
        Assert.Contains("/console/signin?token=jscl_", url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("It will not be shown again");
        await PageChecks.CheckAsync(page, "05-operator-invited");

        await page.GetByRole(AriaRole.Link, new() { Name = "Revoke the sign-in link for bob@example.com" }).ClickAsync();
        await PageChecks.CheckAsync(page, "06-confirm-revoke-link");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("revoked");

        var bob = await (await app.Browser.NewContextAsync()).NewPageAsync();
        await bob.GotoAsync(url!);
        await bob.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(bob.GetByRole(AriaRole.Alert)).ToContainTextAsync("revoked");
    }

    internal static IFormData FormWith(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }

    private static Task<IAPIResponse> GetWithoutRedirectAsync(IPage page, string path) =>
        page.APIRequest.GetAsync(new Uri(new Uri(page.Url), path).ToString(), new() { MaxRedirects = 0 });
}
