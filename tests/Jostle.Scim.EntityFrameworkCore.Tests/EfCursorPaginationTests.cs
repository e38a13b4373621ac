using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Stores;
using Jostle.Scim.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>RFC 9865 cursor pagination on the EF Core user store, through the real pipeline, on whatever database a subclass provides.</summary>
public abstract class EfCursorPaginationTests : IDisposable
{
    protected EfCursorPaginationTests() => Database = CreateDatabase();

    protected ITestDatabase Database { get; }

    protected abstract ITestDatabase CreateDatabase();

    public void Dispose()
    {
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task AWalkOverTenThousandUsersWithCreatesAndDeletesBetweenPagesSeesEveryUserThatExistedThroughoutExactlyOnce()
    {
        await using var app = await StartAsync();
        using var client = await ClientAsync(app);

        await CursorWalk.RunAsync(client, app.Services.GetRequiredService<IScimUserStore>(), "tenant-a", users: 10_000, pageSize: 500, churnPerPage: 100, SeedAsync);
    }

    /// <summary>Writes the walk's initial users in a few large transactions, as the store would write them one by one.</summary>
    private async Task SeedAsync(IReadOnlyList<JsonObject> documents)
    {
        foreach (var chunk in documents.Chunk(2_500))
        {
            await using var context = await Database.Factory.CreateDbContextAsync();
            foreach (var document in chunk)
            {
                var user = new ScimUserEntity();
                EntityDocuments.Fill(user, "tenant-a", document);
                context.Users.Add(user);
            }

            await context.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task ACursorReusedWithAnotherFilterIsInvalidCursor()
    {
        await using var app = await StartAsync();
        using var client = await ClientAsync(app);
        for (var i = 0; i < 3; i++)
        {
            using var created = await client.PostAsync("Users", Json($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u{{i}}"}"""));
            created.EnsureSuccessStatusCode();
        }

        using var first = await client.GetAsync("Users?cursor=&count=2");
        var cursor = System.Text.Json.Nodes.JsonNode.Parse(await first.Content.ReadAsStringAsync())!["nextCursor"]!.GetValue<string>();
        using var reused = await client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName pr") + "&cursor=" + Uri.EscapeDataString(cursor));

        Assert.Equal(400, (int)reused.StatusCode);
        Assert.Contains("\"invalidCursor\"", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddJostleScim(o => o.MaxResults = 500).AddApiKeys().AddEntityFrameworkStores(Database.Configure);
        var app = builder.Build();
        app.MapJostleScim("/scim/v2");
        await app.Services.MigrateScimDatabaseAsync();
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpClient> ClientAsync(WebApplication app)
    {
        var (_, plaintext) = await app.Services.GetRequiredService<ScimApiKeyManager>().CreateAsync("tenant-a", "automation", "Azure");
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", plaintext);
        return client;
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/scim+json");
}

/// <summary>Cursor pagination on a SQLite file.</summary>
public sealed class SqliteEfCursorPaginationTests : EfCursorPaginationTests
{
    protected override ITestDatabase CreateDatabase() => new SqliteDatabase();
}

/// <summary>Cursor pagination on PostgreSQL.</summary>
public sealed class PostgresEfCursorPaginationTests : EfCursorPaginationTests
{
    protected override ITestDatabase CreateDatabase() => new PostgresTestDatabase();
}
