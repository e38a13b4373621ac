using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IntranetApp.Data;
using Microsoft.EntityFrameworkCore;

namespace IntranetApp.Tests;

/// <summary>The command-line contract, the same as Jostle.Scim.Host's, on the built sample as a child process.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task KeysCreateJsonPrintsOneObjectWhoseKeyWorksAgainstTheServedApp()
    {
        var address = SampleProcess.FreeAddress();
        var urls = address.ToString().TrimEnd('/');

        var created = await SampleProcess.RunAsync(_folder.Path, "keys", "create", "--tenant", "contoso", "--description", "Entra ID", "--json", "--data", _folder.Data, "--urls", urls);

        Assert.True(created.ExitCode == 0, created.ToString());
        var json = ExactlyOneJsonObject(created.StandardOutput);
        Assert.Equal(["baseUrl", "id", "key", "tenant"], json.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("contoso", (string?)json["tenant"]);
        Assert.Equal(urls + "/scim/v2", (string?)json["baseUrl"]);
        Assert.StartsWith("jscim_" + (string?)json["id"] + "_", (string?)json["key"], StringComparison.Ordinal);

        await using var server = await SampleProcess.StartServerAsync(_folder.Path, address, "--urls", urls, "--data", _folder.Data);
        using var client = new HttpClient { BaseAddress = new Uri((string)json["baseUrl"]! + "/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)json["key"]!);

        using var post = await client.PostAsync("Users", new StringContent(
            """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@contoso.com","active":true,"name":{"givenName":"Ada","familyName":"Lovelace"}}""",
            Encoding.UTF8, "application/scim+json"));
        Assert.True(post.StatusCode == HttpStatusCode.Created, await post.Content.ReadAsStringAsync() + "\n" + server.Output);
        var id = (string)JsonNode.Parse(await post.Content.ReadAsStringAsync())!["id"]!;

        // The user is a row of the app's own database in --data.
        var options = new DbContextOptionsBuilder<IntranetDbContext>().UseSqlite($"Data Source={Path.Combine(_folder.Data, "intranet.db")}").Options;
        await using (var db = new IntranetDbContext(options))
        {
            var person = await db.People.AsNoTracking().SingleAsync();
            Assert.Equal(id, person.Id.ToString());
            Assert.Equal("Lovelace", person.LastName);
        }

        // And the app's own page lists it.
        using var page = new HttpClient();
        Assert.Contains("Ada Lovelace", await page.GetStringAsync(address), StringComparison.Ordinal);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "jscim_0000000000000000_wrong");
        using var refused = await client.GetAsync("Users");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("on", HttpStatusCode.OK, "Group,User")]
    [InlineData("off", HttpStatusCode.NotFound, "User")]
    public async Task TheGroupsOptionDecidesWhetherGroupsAreServed(string groups, HttpStatusCode groupsStatus, string resourceTypes)
    {
        var address = SampleProcess.FreeAddress();
        var urls = address.ToString().TrimEnd('/');
        var created = await SampleProcess.RunAsync(_folder.Path, "keys", "create", "--tenant", "contoso", "--description", "Entra ID", "--json", "--data", _folder.Data);
        var key = (string)ExactlyOneJsonObject(created.StandardOutput)["key"]!;

        await using var server = await SampleProcess.StartServerAsync(_folder.Path, address, "--urls", urls, "--data", _folder.Data, "--groups", groups);
        using var client = new HttpClient { BaseAddress = new Uri(urls + "/scim/v2/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var response = await client.GetAsync("Groups");
        Assert.Equal(groupsStatus, response.StatusCode);
        var types = JsonNode.Parse(await client.GetStringAsync("ResourceTypes"))!["Resources"]!.AsArray().Select(t => (string)t!["name"]!).Order(StringComparer.Ordinal);
        Assert.Equal(resourceTypes, string.Join(',', types));
    }

    [Theory]
    [InlineData("--groups", "maybe")]
    [InlineData("keys", "create", "--description", "Entra ID")]
    [InlineData("keys", "create", "--tenant", "", "--description", "Entra ID")]
    [InlineData("--no-such-option")]
    public async Task AUsageErrorExits2WithNothingOnStandardOutput(params string[] args)
    {
        var result = await SampleProcess.RunAsync(_folder.Path, [.. args, "--data", _folder.Data]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StandardOutput);
        Assert.Contains("error", result.StandardError, StringComparison.Ordinal);
    }

    private static JsonObject ExactlyOneJsonObject(string standardOutput)
    {
        // Exactly one JSON value and nothing else (a trailing newline aside): a reader that stops after the first value
        // must find only whitespace after it.
        var bytes = Encoding.UTF8.GetBytes(standardOutput);
        var reader = new Utf8JsonReader(bytes);
        using var document = JsonDocument.ParseValue(ref reader);
        Assert.True(standardOutput[(int)reader.BytesConsumed..].Trim().Length == 0, $"more than one JSON value on standard output:\n{standardOutput}");
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return JsonNode.Parse(standardOutput)!.AsObject();
    }
}
