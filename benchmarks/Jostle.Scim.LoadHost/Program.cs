using System.Diagnostics;
using System.Text;
using Jostle.Scim.LoadHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// A small runnable SCIM host for load runs and for the Postman collection: our endpoints on the in-memory
// stores behind a static bearer token (or, with --trivial, a fixed answer as the ceiling). Loopback only
// by default; it prints one "ready" line and then only warnings.
var options = LoadHostOptions.Parse(args);
var builder = WebApplication.CreateSlimBuilder(LoadHostOptions.HostArguments(args));
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5000");
}

builder.Services.AddAuthentication(StaticBearerAuthenticationHandler.SchemeName)
    .AddScheme<StaticBearerOptions, StaticBearerAuthenticationHandler>(StaticBearerAuthenticationHandler.SchemeName, o =>
    {
        o.Token = options.Token;
        o.Tenant = options.Tenant;
    });
builder.Services.AddAuthorization();
if (!options.Trivial)
{
    ScimSetup.AddServices(builder.Services, options.RateLimit);
}

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
if (options.Trivial)
{
    // The ceiling: same server, same authentication, no SCIM work — a fixed, small ListResponse.
    var body = Encoding.UTF8.GetBytes(
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"itemsPerPage":1,"startIndex":1,"Resources":[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"2819c223-7f76-453a-919d-413861904646","userName":"bjensen@example.com","active":true,"meta":{"resourceType":"User","version":"W/\"1\""}}]}""");
    app.MapGet(options.BasePath + "/Users", () => Results.Bytes(body, "application/scim+json; charset=utf-8")).RequireAuthorization();
}
else
{
    ScimSetup.Map(app, options.BasePath);
}

// Garbage-collector figures for load runs (heap size, collections per generation, total pause time), so a script can
// take them before and after a load and report the difference. Anonymous, like a health check; loopback only.
app.MapGet("/_diag/gc", GcReport.Get);

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
var seeded = "";
if (options.Seed > 0 && !options.Trivial)
{
    var stopwatch = Stopwatch.StartNew();
    var baseUri = new Uri(address.TrimEnd('/') + options.BasePath + "/");
    var created = options.SeedThroughBulk
        ? await Seeder.SeedAsync(baseUri, options.Token, options.Seed)
        : await Seeder.SeedInProcessAsync(app.Services, options.Tenant, baseUri, options.Seed);
    // Settle the heap as a long-running server's would be: the seed was built in seconds, so most of it still sits in
    // the young generations, with the cards of the big index arrays pointing at it — every gen0 collection during the
    // load would then scan a million of those references. One full, compacting collection promotes it all to gen2.
    if (!options.NoSettle)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    seeded = $" seeded={created} seed_seconds={stopwatch.Elapsed.TotalSeconds:0.0} query_user={Seeder.UserName(options.Seed / 2)}";
}

Console.WriteLine($"ready mode={(options.Trivial ? "trivial" : "scim")} base={address.TrimEnd('/')}{options.BasePath} pid={Environment.ProcessId}{seeded}");
await app.WaitForShutdownAsync();
