using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>
/// A database outage or a full disk, simulated deterministically: an EF Core command interceptor throws the exception the
/// provider itself throws in that condition (Npgsql's for a refused connection, a server shutting down or an exhausted
/// pool; SQLite's SQLITE_FULL and SQLITE_BUSY). The real pipeline must answer 503/507 with Retry-After and a SCIM error,
/// write nothing, and work again as soon as the database does. The real outages (a PostgreSQL cluster stopped under load, a
/// full tmpfs) are exercised by benchmarks/faults/ and the host tests.
/// </summary>
public sealed class StoreFailureTests : IDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly FailingCommands _failing = new();

    public void Dispose() => _database.Dispose();

    public static TheoryData<string, int, string, string> Failures => new()
    {
        { "postgres-refused", 503, "5", "unavailable" },
        { "postgres-shutdown", 503, "5", "unavailable" },
        { "postgres-pool-timeout", 503, "5", "unavailable" },
        { "postgres-disk-full", 507, "60", "full" },
        { "sqlite-full", 507, "60", "full" },
        { "sqlite-busy", 503, "2", "busy" },
    };

    /// <summary>What Npgsql and Microsoft.Data.Sqlite throw in each condition (their own public constructors).</summary>
    private static Exception Make(string kind) => kind switch
    {
        // Npgsql wraps the socket error of a refused connect in an NpgsqlException ("Failed to connect to ...").
        "postgres-refused" => new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)),
        // What an open connection gets when the server is stopped: 57P01 admin_shutdown.
        "postgres-shutdown" => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
        // Every pooled connection busy for longer than Timeout.
        "postgres-pool-timeout" => new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' (currently 100) or 'Timeout' (currently 15 seconds) in your connection string.", new TimeoutException()),
        "postgres-disk-full" => new PostgresException("could not extend file: No space left on device", "ERROR", "ERROR", PostgresErrorCodes.DiskFull),
        "sqlite-full" => new SqliteException("SQLite Error 13: 'database or disk is full'.", 13),
        "sqlite-busy" => new SqliteException("SQLite Error 5: 'database is locked'.", 5),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task AWriteDuringTheFailureIsRefusedWithRetryAfterNothingIsWrittenAndTheSameWriteWorksOnceTheDatabaseDoes(string kind, int status, string retryAfter, string detailWord)
    {
        await using var app = await StartAsync();
        using var client = await ClientAsync(app);

        _failing.Set(Make(kind), writesOnly: true);
        using var refused = await client.PostAsync("Users", User("jo@example.com"));

        Assert.Equal((HttpStatusCode)status, refused.StatusCode);
        Assert.Equal(retryAfter, refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("application/scim+json", refused.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", (string?)error["schemas"]![0]);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)error["status"]);
        Assert.Contains(detailWord, (string?)error["detail"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("retry", (string?)error["detail"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("5432", (string?)error["detail"], StringComparison.Ordinal); // no internals

        // Reads do not write: they still work while only writes fail (a full disk).
        using var read = await client.GetAsync("Users?filter=" + Uri.EscapeDataString("userName eq \"jo@example.com\""));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(0, (int)JsonNode.Parse(await read.Content.ReadAsStringAsync())!["totalResults"]!);

        _failing.Clear();
        using var retried = await client.PostAsync("Users", User("jo@example.com"));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        await using var context = await _database.Factory.CreateDbContextAsync();
        Assert.Equal(1, await context.Users.CountAsync());
    }

    /// <summary>The API key is checked in the database first: a request during an outage fails there, and is a 503 too, not a 500.</summary>
    [Fact]
    public async Task TheKeyCheckDuringAnOutageIsA503WithRetryAfterAndTheServerRecoversByItself()
    {
        await using var app = await StartAsync();
        using var client = await ClientAsync(app);

        _failing.Set(Make("postgres-refused"), writesOnly: false);
        using var refused = await client.GetAsync("Users");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Null(refused.Headers.WwwAuthenticate.FirstOrDefault()); // not a challenge: the key may be fine
        Assert.Contains("unavailable", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["detail"], StringComparison.Ordinal);

        _failing.Clear();
        using var recovered = await client.GetAsync("Users");
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    /// <summary>Only conditions of the storage become 503/507: another database error is still a bug, a 500.</summary>
    [Fact]
    public async Task AnotherDatabaseErrorIsStillA500WithoutRetryAfter()
    {
        await using var app = await StartAsync();
        using var client = await ClientAsync(app);

        _failing.Set(new SqliteException("SQLite Error 1: 'no such table: Users'.", 1), writesOnly: true);
        using var failed = await client.PostAsync("Users", User("jo@example.com"));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Null(failed.Headers.RetryAfter);
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddJostleScim().AddApiKeys().AddProvisioningLog().AddEntityFrameworkStores(db =>
        {
            _database.Configure(db);
            db.AddInterceptors(_failing);
        });
        var app = builder.Build();
        app.MapJostleScim("/scim/v2");
        await app.Services.MigrateScimDatabaseAsync();
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpClient> ClientAsync(WebApplication app)
    {
        var (_, plaintext) = await app.Services.GetRequiredService<ScimApiKeyManager>().CreateAsync("tenant-a", "automation", "Entra ID");
        var client = app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", plaintext);

        // A running server: the stores have initialised (their first use checks the schema, which takes a lock row).
        using var warm = await client.GetAsync("Users");
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        return client;
    }

    private static StringContent User(string userName) =>
        new($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{userName}}"}""", Encoding.UTF8, "application/scim+json");

    /// <summary>Throws a set exception from every command (or only from writes: INSERT, UPDATE, DELETE) until cleared.</summary>
    private sealed class FailingCommands : DbCommandInterceptor
    {
        private volatile Exception? _failure;
        private volatile bool _writesOnly;

        public void Set(Exception failure, bool writesOnly)
        {
            _writesOnly = writesOnly;
            _failure = failure;
        }

        public void Clear() => _failure = null;

        private void Check(DbCommand command)
        {
            if (_failure is { } failure && (!_writesOnly || IsWrite(command.CommandText)))
            {
                throw failure;
            }
        }

        private static bool IsWrite(string sql)
        {
            // EF Core's batches may start with a pragma or a SAVEPOINT; look for a write verb anywhere.
            return sql.Contains("INSERT ", StringComparison.OrdinalIgnoreCase) || sql.Contains("UPDATE ", StringComparison.OrdinalIgnoreCase)
                || sql.Contains("DELETE ", StringComparison.OrdinalIgnoreCase);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Check(command);
            return base.ReaderExecuting(command, eventData, result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Check(command);
            return base.NonQueryExecuting(command, eventData, result);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Check(command);
            return base.ScalarExecuting(command, eventData, result);
        }
    }
}
