using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.Host.Tests;
using Microsoft.Playwright;

namespace Jostle.Scim.Console.Tests;

/// <summary>The host serves the console at /console over its database, and <c>console link</c> is the first way in.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class HostConsoleTests(ConsoleFixture app)
{
    [Fact]
    public async Task ConsoleLinkPrintsAOneTimeUrlThatSignsInToTheHostsConsole()
    {
        using var folder = new TempFolder();
        var operatorLink = await HostProcess.RunAsync(folder.Path, "console", "link", "--json", "--data", folder.Data);
        Assert.True(operatorLink.ExitCode == 0, operatorLink.ToString());
        var json = JsonNode.Parse(operatorLink.StandardOutput)!.AsObject();
        Assert.Equal(["url"], json.Select(p => p.Key));
        var adminLink = await HostProcess.RunAsync(folder.Path, "console", "link", "--tenant", "acme", "--data", folder.Data);
        Assert.True(adminLink.ExitCode == 0, adminLink.ToString());
        Assert.Contains("it works once", adminLink.StandardOutput, StringComparison.Ordinal);
        var adminUrl = adminLink.StandardOutput.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("http", StringComparison.Ordinal));

        await using var server = await HostProcess.StartServerAsync(folder);
        // The command prints the default address; the test's server listens on a random port: same path and token.
        string OnServer(string printed) => new Uri(server.Address, new Uri(printed).PathAndQuery).ToString();

        var operatorPage = await (await app.Browser.NewContextAsync()).NewPageAsync();
        await operatorPage.GotoAsync(OnServer(json["url"]!.GetValue<string>()));
        await operatorPage.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(operatorPage.Locator("h1")).ToHaveTextAsync("Tenants");
        await Assertions.Expect(operatorPage.Locator("header")).ToContainTextAsync("operator (command line)");

        var page = await (await app.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(OnServer(adminUrl));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/console/tenants/acme");
        Assert.Equal(server.ScimAddress.ToString().TrimEnd('/'), await page.Locator("#base-url").TextContentAsync());
        await page.GotoAsync(new Uri(server.Address, "console/tenants/acme/credentials").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        var key = (await page.Locator("#created-secret").TextContentAsync())!;
        await PageChecks.CheckAsync(page, "70-host-credentials");

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.ScimAddress, "Users"));
        request.Headers.Authorization = new("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);

        // The link was used: a second browser gets "already used".
        var again = await (await app.Browser.NewContextAsync()).NewPageAsync();
        await again.GotoAsync(OnServer(adminUrl));
        await again.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(again.GetByRole(AriaRole.Alert)).ToContainTextAsync("already used");
    }

    [Fact]
    public async Task AFailureDigestIsEMailedToTheAddressesEnteredInTheConsole()
    {
        await using var smtp = new SmtpListener();
        using var folder = new TempFolder();
        var link = await HostProcess.RunAsync(folder.Path, "console", "link", "--tenant", "mail", "--json", "--data", folder.Data);
        Assert.True(link.ExitCode == 0, link.ToString());
        await using var server = await HostProcess.StartServerAsync(folder,
            "--smtp", $"127.0.0.1:{smtp.Port}", "--notify-email-from", "scim@example.com", "--notify-email-to", "other=ops@example.com", "--digest-interval", "2s");

        var page = await (await app.Browser.NewContextAsync()).NewPageAsync();
        await page.GotoAsync(new Uri(server.Address, new Uri(JsonNode.Parse(link.StandardOutput)!["url"]!.GetValue<string>()).PathAndQuery).ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GotoAsync(new Uri(server.Address, "console/tenants/mail/notifications").ToString());
        await page.GetByLabel("E-mail addresses").FillAsync("it-admin@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save notification settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("saved");
        await page.GotoAsync(new Uri(server.Address, "console/tenants/mail/credentials").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Create API key" }).ClickAsync();
        var key = (await page.Locator("#created-secret").TextContentAsync())!;

        using var http = new HttpClient();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.ScimAddress, "Users"))
            {
                Content = new StringContent(ConsoleFixture.UserJson("dup@example.com"), System.Text.Encoding.UTF8, "application/scim+json"),
            };
            request.Headers.Authorization = new("Bearer", key);
            Assert.Equal(i == 0 ? HttpStatusCode.Created : HttpStatusCode.Conflict, (await http.SendAsync(request)).StatusCode);
        }

        var mail = await smtp.NextAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["it-admin@example.com"], mail.Recipients);
        Assert.Contains("tenant 'mail'", mail.Data, StringComparison.Ordinal);
        Assert.Contains("409", mail.Data, StringComparison.Ordinal);
    }
}
