using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Stores;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>Keys and the provisioning log in the database, through the real pipeline, on whatever database a subclass provides.</summary>
public abstract class EfEndToEndTests : IDisposable
{
    protected EfEndToEndTests() => Database = CreateDatabase();

    protected ITestDatabase Database { get; }

    protected abstract ITestDatabase CreateDatabase();

    public void Dispose()
    {
        Database.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task AKeyInTheDatabaseAuthenticatesAWriteThatIsLoggedInTheDatabaseUntilTheKeyIsRevoked()
    {
        await using var app = await StartAsync();
        var (key, plaintext) = await app.Services.GetRequiredService<ScimApiKeyManager>().CreateAsync("tenant-a", "automation", "Azure");
        await using (var context = await Database.Factory.CreateDbContextAsync())
        {
            Assert.Equal(key.KeyId, (await context.ApiKeys.SingleAsync()).KeyId);
        }

        using var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", plaintext);

        using var created = await client.PostAsync("Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jo@example.com","externalId":"e-1"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await app.Services.GetRequiredService<EfProvisioningLog>().FlushAsync();
        await using (var context = await Database.Factory.CreateDbContextAsync())
        {
            var row = await context.ProvisioningLog.AsNoTracking().SingleAsync();
            Assert.Equal(("tenant-a", "Create", "User", 201, key.KeyId, "automation", "jo@example.com"), (row.TenantId, row.Operation, row.ResourceType, row.Status, row.KeyId, row.Actor, row.UserName));
        }

        var page = await app.Services.GetRequiredService<IProvisioningLogReader>().QueryAsync(new() { Tenant = "tenant-a" });
        Assert.Equal("e-1", Assert.Single(page.Entries).ExternalId);

        Assert.True(await app.Services.GetRequiredService<ScimApiKeyManager>().RevokeAsync(key.KeyId));
        using var refused = await client.GetAsync("Users");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    /// <summary>
    /// The race two scaled-out hosts run when both create one userName: the second insert breaks the unique index. That
    /// is a 409, an expected outcome, and must not put EF Core's command and save failures in the log at Error level.
    /// </summary>
    [Fact]
    public async Task AUserNameTakenAtTheDatabaseIsAConflictAndLogsNoError()
    {
        var levels = new LevelRecorder();
        await using var app = await StartAsync(levels);
        var users = app.Services.GetRequiredService<IScimUserStore>();

        var first = await users.CreateAsync("tenant-a", TestDocuments.User("u-1", "jo@example.com"));
        var second = await users.CreateAsync("tenant-a", TestDocuments.User("u-2", "JO@example.com"));

        Assert.Equal(StoreStatus.Ok, first.Status);
        Assert.Equal((StoreStatus.UniquenessConflict, "userName"), (second.Status, second.ConflictingAttribute));
        Assert.Empty(levels.AtErrorOrAbove);
    }

    /// <summary>
    /// Entra ID's match query over HTTP (on SQLite it runs on kept-open prepared statements): it sees a create, a rename
    /// and a delete on the very next request, never another tenant's user, and a filter that does not parse is still
    /// a 400 invalidFilter.
    /// </summary>
    [Fact]
    public async Task TheUserNameLookupSeesEveryWriteAtOnceStaysInItsTenantAndABadFilterIsStillA400()
    {
        await using var app = await StartAsync();
        var keys = app.Services.GetRequiredService<ScimApiKeyManager>();
        using var a = Client(app, (await keys.CreateAsync("tenant-a", "automation", "Azure")).PlaintextKey);
        using var b = Client(app, (await keys.CreateAsync("tenant-b", "automation", "Azure")).PlaintextKey);
        const string byJo = "Users?filter=userName%20eq%20%22jo%40example.com%22";
        const string byJoanna = "Users?filter=userName%20eq%20%22joanna%40example.com%22";

        Assert.Equal(0, await TotalAsync(a, byJo));
        using var created = await a.PostAsync("Users", Json("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jo@example.com"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        using (var found = await a.GetAsync(byJo))
        {
            var body = JsonNode.Parse(await found.Content.ReadAsStringAsync())!;
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal(1, body["totalResults"]!.GetValue<int>());
            Assert.Equal(id, body["Resources"]![0]!["id"]!.GetValue<string>());
            Assert.Equal("jo@example.com", body["Resources"]![0]!["userName"]!.GetValue<string>());
        }

        Assert.Equal(0, await TotalAsync(b, byJo));
        using (var other = await b.GetAsync($"Users/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        using (var renamed = await a.PatchAsync($"Users/{id}", Json("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"userName","value":"joanna@example.com"}]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        }

        Assert.Equal(0, await TotalAsync(a, byJo));
        Assert.Equal(1, await TotalAsync(a, byJoanna));

        using (var deleted = await a.DeleteAsync($"Users/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(0, await TotalAsync(a, byJoanna));
        using (var gone = await a.GetAsync($"Users/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        using var bad = await a.GetAsync("Users?filter=userName%20eq");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalidFilter", JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["scimType"]!.GetValue<string>());
    }

    private static HttpClient Client(WebApplication app, string key)
    {
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task<int> TotalAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["totalResults"]!.GetValue<int>();
    }

    private async Task<WebApplication> StartAsync(ILoggerProvider? logger = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (logger is not null)
        {
            builder.Logging.AddProvider(logger).SetMinimumLevel(LogLevel.Trace);
        }

        builder.Services.AddJostleScim().AddApiKeys().AddProvisioningLog().AddEntityFrameworkStores(Database.Configure);
        var app = builder.Build();
        app.MapJostleScim("/scim/v2");
        await app.Services.MigrateScimDatabaseAsync();
        await app.StartAsync();
        return app;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/scim+json");
}

/// <summary>Records the category and message of every log entry at Error level or above.</summary>
internal sealed class LevelRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();

    public IReadOnlyCollection<string> AtErrorOrAbove => _errors;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _errors);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                errors.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)}");
            }
        }
    }
}

/// <summary>Keys and the provisioning log through the real pipeline on a SQLite file.</summary>
public sealed class SqliteEfEndToEndTests : EfEndToEndTests
{
    protected override ITestDatabase CreateDatabase() => new SqliteDatabase();
}
