using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.EntityFrameworkCore.Tests.EntityMapping;

/// <summary>A host's person table on PostgreSQL whose concurrency token is the system column <c>xmin</c>.</summary>
public sealed class XminPerson
{
    public int Id { get; set; }

    public string Login { get; set; } = "";

    public string LoginNormalized { get; set; } = "";

    public bool Enabled { get; set; }

    public string? FirstName { get; set; }

    /// <summary>PostgreSQL's <c>xmin</c>: the database moves it on every update (Npgsql: a <c>uint</c> configured with <c>IsRowVersion()</c>).</summary>
    public uint Xmin { get; set; }
}

public sealed class XminContext(DbContextOptions<XminContext> options) : DbContext(options)
{
    public DbSet<XminPerson> People => Set<XminPerson>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<XminPerson>(p =>
        {
            p.HasIndex(x => x.LoginNormalized).IsUnique();
            p.Property(x => x.Xmin).IsRowVersion();
        });
}

/// <summary><c>.Version(p => p.Xmin)</c>: the ETag is the row's <c>xmin</c>, so a write by the host's own code is seen by SCIM.</summary>
public sealed class XminVersionTests : IAsyncLifetime
{
    private readonly string _name = PostgresServer.NewDatabaseName("xmin");
    private PostgresServer? _server;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        var connectionString = await _server.CreateDatabaseAsync(_name);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<XminContext>(o => o.UseNpgsql(connectionString));
        builder.Services.AddJostleScim().AddApiKeys().AddEntityStores<XminContext>(
            scim => scim.Users<XminPerson>(user => user
                .Id(p => p.Id)
                .UserName(p => p.Login, normalized: p => p.LoginNormalized)
                .Active(p => p.Enabled)
                .Map("name.givenName", p => p.FirstName)
                .Version(p => p.Xmin)),
            options => options.UnmappedAttributes = ScimUnmappedAttributes.Drop);
        _app = builder.Build();
        _app.MapJostleScim("/scim/v2");
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<XminContext>().Database.EnsureCreatedAsync();
        }

        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(_name);
        }
    }

    [Fact]
    public async Task AHostWriteMovesTheVersionAndAnOlderIfMatchIsAPreconditionFailure()
    {
        var (_, key) = await _app.Services.GetRequiredService<ScimApiKeyManager>().CreateAsync("acme", "automation", "tests");
        var client = _app.GetTestClient();
        client.BaseAddress = new Uri("http://localhost/scim/v2/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        JsonObject Body(string givenName) => new()
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = "bjensen",
            ["active"] = true,
            ["name"] = new JsonObject { ["givenName"] = givenName },
        };

        var created = await client.PostAsJsonAsync("Users", Body("Barbara"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var before = created.Headers.ETag!;

        // The host's own code writes the row; it does nothing about the version, PostgreSQL moves xmin.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<XminContext>();
            var person = await db.People.SingleAsync();
            Assert.Equal($"W/\"{person.Xmin}\"", before.ToString());
            person.FirstName = "Babs";
            await db.SaveChangesAsync();
        }

        var read = await client.GetAsync("Users/" + id);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var after = read.Headers.ETag!;
        Assert.NotEqual(before.ToString(), after.ToString());
        Assert.Equal("Babs", JsonNode.Parse(await read.Content.ReadAsStringAsync())!["name"]!["givenName"]!.GetValue<string>());

        var stale = new HttpRequestMessage(HttpMethod.Put, "Users/" + id) { Content = JsonContent.Create(Body("Stale")) };
        stale.Headers.IfMatch.Add(before);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);

        var fresh = new HttpRequestMessage(HttpMethod.Put, "Users/" + id) { Content = JsonContent.Create(Body("Fresh")) };
        fresh.Headers.IfMatch.Add(after);
        var replaced = await client.SendAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.NotEqual(after.ToString(), replaced.Headers.ETag!.ToString());
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            Assert.Equal("Fresh", (await scope.ServiceProvider.GetRequiredService<XminContext>().People.SingleAsync()).FirstName);
        }
    }
}
