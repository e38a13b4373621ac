using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IntranetApp.Data;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace IntranetApp.Tests;

/// <summary>A temporary folder, deleted (with its SQLite files) on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("intranet-tests-").FullName;

    public string Data => System.IO.Path.Combine(Path, "data");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a pool being torn down; the temp folder is cleaned by the system.
        }
    }
}

/// <summary>
/// The sample app in-process on a test server, exactly as its command line composes it (<see cref="IntranetApplication"/>),
/// on a fresh data folder, with an API key for one tenant created through the library's key store.
/// </summary>
public sealed class IntranetHost : IAsyncDisposable
{
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string JostleExtension = "urn:ietf:params:scim:schemas:extension:jostle:2.0:User";

    private readonly TempFolder _folder;
    private readonly WebApplication _app;

    private IntranetHost(TempFolder folder, WebApplication app, string key)
    {
        _folder = folder;
        _app = app;
        Key = key;
        Scim = NewScimClient(key);
        App = _app.GetTestClient();
    }

    /// <summary>The API key.</summary>
    public string Key { get; }

    /// <summary>A client of the SCIM endpoints (base address <c>http://localhost/scim/v2/</c>) carrying the key.</summary>
    public HttpClient Scim { get; }

    /// <summary>A client of the app's own pages and API.</summary>
    public HttpClient App { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<IntranetHost> StartAsync(bool groups = true)
    {
        var folder = new TempFolder();
        var settings = new IntranetSettings { DataDirectory = folder.Data, Groups = groups };
        var builder = IntranetApplication.CreateBuilder(settings);
        builder.WebHost.UseTestServer();
        var app = IntranetApplication.Build(builder);
        await IntranetApplication.PrepareDatabasesAsync(app.Services);
        await app.StartAsync();
        var (_, key) = await app.Services.GetRequiredService<ScimApiKeyManager>().CreateAsync("intranet", "automation", "Entra ID");
        return new IntranetHost(folder, app, key);
    }

    /// <summary>A new client of the SCIM endpoints with the given key (the caller disposes it).</summary>
    public HttpClient NewScimClient(string? key)
    {
        var client = _app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A new context on the app's own database: what the tests read the rows with.</summary>
    public IntranetDbContext Db() => Services.GetRequiredService<IDbContextFactory<IntranetDbContext>>().CreateDbContext();

    /// <summary>The person row with <paramref name="id"/> (the SCIM id), read fresh from the app's table.</summary>
    public async Task<Person?> PersonAsync(string id)
    {
        await using var db = Db();
        return await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == int.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The person ids in the team's member rows, sorted.</summary>
    public async Task<List<string>> MemberRowsAsync(string teamId)
    {
        await using var db = Db();
        var team = int.Parse(teamId, System.Globalization.CultureInfo.InvariantCulture);
        var ids = await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == team).Select(m => m.PersonId).ToListAsync();
        return [.. ids.Select(i => i.ToString()).Order(StringComparer.Ordinal)];
    }

    /// <summary>Sends a SCIM request and checks its status; returns the body (null when empty).</summary>
    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, string? body = null, HttpStatusCode expected = HttpStatusCode.OK, string? ifMatch = null)
    {
        using var response = await SendRawAsync(method, path, body, ifMatch);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} {body}\nexpected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/scim+json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await Scim.SendAsync(request);
    }

    public Task<JsonNode?> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK) => SendAsync(HttpMethod.Get, path, null, expected);

    public Task<JsonNode?> PostAsync(string path, string body, HttpStatusCode expected = HttpStatusCode.Created) => SendAsync(HttpMethod.Post, path, body, expected);

    public Task<JsonNode?> PatchAsync(string path, string operations, HttpStatusCode expected = HttpStatusCode.OK, string? ifMatch = null) =>
        SendAsync(HttpMethod.Patch, path, $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{{operations}}}""", expected, ifMatch);

    public Task<JsonNode?> DeleteAsync(string path, HttpStatusCode expected = HttpStatusCode.NoContent) => SendAsync(HttpMethod.Delete, path, null, expected);

    public async Task<JsonNode> ListUsersAsync(string filter) => (await GetAsync("Users?filter=" + Uri.EscapeDataString(filter)))!;

    public async ValueTask DisposeAsync()
    {
        Scim.Dispose();
        App.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _folder.Dispose();
    }
}
