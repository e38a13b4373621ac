using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// The filters a check of the running host found refused or wrong (issue "One filter engine for every store"), sent
/// through the real pipeline to the EF Core stores on whatever database a subclass provides: each must answer 200 with
/// exactly the right users, or 400 invalidFilter where the filter itself is malformed.
/// </summary>
public abstract class EfHttpFilterCorpusTests : IDisposable
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    protected EfHttpFilterCorpusTests() => Database = CreateDatabase();

    protected ITestDatabase Database { get; }

    protected abstract ITestDatabase CreateDatabase();

    public void Dispose()
    {
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    private static readonly (string Filter, string Expected)[] Corpus =
    [
        ("name.formatted eq \"Ms. Barbara J Jensen III\"", "bjensen"),
        ("name.formatted eq \"ms. barbara j jensen iii\"", "bjensen"),
        ("name.middleName pr", "bjensen"),
        ("not (name.middleName pr)", "amuller,ext-lower"),
        ("locale eq \"de-DE\"", "amuller"),
        ("meta.resourceType eq \"User\"", "amuller,bjensen,ext-lower"),
        ("meta.resourceType eq \"Group\"", ""),
        ("addresses.locality eq \"Berlin\"", "amuller"),
        ("addresses.country eq \"US\"", "bjensen"),
        ("addresses.postalCode ge \"10000\"", "amuller,bjensen"),
        ("addresses.postalCode ge \"90000\"", "bjensen"),
        ("addresses pr", "amuller,bjensen"),
        ("addresses[type eq \"work\" and country eq \"DE\"]", "amuller"),
        ("addresses[type eq \"home\" and country eq \"DE\"]", ""),
        ("externalId sw \"ext-\"", "ext-lower"),
        ("externalId sw \"EXT-\"", "amuller,bjensen"),
        ("externalId ew \"-1\"", "bjensen"),
        ("externalId co \"XT\"", "amuller,bjensen"),
        ("emails[type eq \"work\"].value eq \"BJENSEN@EXAMPLE.COM\"", "bjensen"),
        ("userName eq \"AMULLER\" and locale eq \"de-DE\"", "amuller"),
    ];

    [Fact]
    public async Task EveryFilterOfTheCorpusIsAnsweredInTheDatabaseWithTheRightUsers()
    {
        await using var app = await StartAsync();
        using var client = await SeededClientAsync(app);

        var wrong = new List<string>();
        foreach (var (filter, expected) in Corpus)
        {
            using var response = await client.GetAsync("Users?filter=" + Uri.EscapeDataString(filter));
            var body = await response.Content.ReadAsStringAsync();
            var actual = response.StatusCode == HttpStatusCode.OK ? string.Join(",", UserNames(body).Order(StringComparer.Ordinal)) : $"{(int)response.StatusCode} {body}";
            if (actual != expected)
            {
                wrong.Add($"{filter}: expected [{expected}], got [{actual}]");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
        Assert.Equal(20, Corpus.Length);
    }

    [Fact]
    public async Task AMultiValuedSortKeyIsThePrimaryValueElseTheFirst()
    {
        await using var app = await StartAsync();
        using var client = await SeededClientAsync(app);

        using var response = await client.GetAsync("Users?sortBy=emails.value&sortOrder=ascending");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);

        // amuller's primary email is z@…, although its first is a@…; ext-lower has no email and sorts last.
        Assert.Equal(["bjensen", "amuller", "ext-lower"], UserNames(body));
    }

    [Theory]
    [InlineData("userName eq 12abc")]
    [InlineData("name.formatted gt null")]
    [InlineData("addresses.postalCode co 5")]
    public async Task AMalformedFilterIsInvalidFilter(string filter)
    {
        await using var app = await StartAsync();
        using var client = await SeededClientAsync(app);

        using var response = await client.GetAsync("Users?filter=" + Uri.EscapeDataString(filter));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalidFilter", (string?)body["scimType"]);
    }

    private static List<string> UserNames(string listResponse) =>
        [.. JsonNode.Parse(listResponse)!["Resources"]!.AsArray().Select(r => (string)r!["userName"]!)];

    private static async Task<HttpClient> SeededClientAsync(WebApplication app)
    {
        var (_, key) = await app.Services.GetRequiredService<ScimApiKeyManager>().CreateAsync("tenant-a", "automation", "Entra");
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        foreach (var user in Users)
        {
            using var created = await client.PostAsync("Users", new StringContent(user, Encoding.UTF8, "application/scim+json"));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        return client;
    }

    private static readonly string[] Users =
    [
        $$"""
        {"schemas":["{{UserSchema}}"],"userName":"bjensen","externalId":"EXT-1","locale":"en-US",
         "name":{"formatted":"Ms. Barbara J Jensen III","givenName":"Barbara","middleName":"Jane","familyName":"Jensen"},
         "emails":[{"value":"bjensen@example.com","type":"work","primary":true}],
         "addresses":[{"type":"work","locality":"Hollywood","postalCode":"91608","country":"US"}]}
        """,
        $$"""
        {"schemas":["{{UserSchema}}"],"userName":"amuller","externalId":"EXT-2","locale":"de-DE",
         "name":{"givenName":"Anna","familyName":"Müller"},
         "emails":[{"value":"a@example.com","type":"home"},{"value":"z@example.com","type":"work","primary":true}],
         "addresses":[{"type":"work","locality":"Berlin","postalCode":"10115","country":"DE"}]}
        """,
        $$"""
        {"schemas":["{{UserSchema}}"],"userName":"ext-lower","externalId":"ext-3","name":{"givenName":"Lower","familyName":"Case"} }
        """,
    ];

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddJostleScim().AddApiKeys().AddEntityFrameworkStores(Database.Configure);
        var app = builder.Build();
        app.MapJostleScim("/scim/v2");
        await app.Services.MigrateScimDatabaseAsync();
        await app.StartAsync();
        return app;
    }
}

/// <summary>The filter corpus through the pipeline on a SQLite file.</summary>
public sealed class SqliteEfHttpFilterCorpusTests : EfHttpFilterCorpusTests
{
    protected override ITestDatabase CreateDatabase() => new SqliteDatabase();
}

/// <summary>The filter corpus through the pipeline on PostgreSQL.</summary>
public sealed class PostgresEfHttpFilterCorpusTests : EfHttpFilterCorpusTests
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}
