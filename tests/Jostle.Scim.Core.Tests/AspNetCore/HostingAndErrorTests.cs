using System.Net;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Jostle.Scim.Tests.AspNetCore.ScimTestHost;

namespace Jostle.Scim.Tests.AspNetCore;

public sealed class HostingAndErrorTests : ScimHostTestBase
{
    [Fact]
    public async Task AnUnauthenticatedCallIs401WithAScimBodyAndWwwAuthenticate()
    {
        using var anonymous = Host.ClientFor(null);
        using var response = await anonymous.GetAsync("Users");
        await AssertErrorAsync(response, 401, null);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task AnUnauthenticatedCallToDiscoveryIsAlso401()
    {
        using var anonymous = Host.ClientFor(null);
        using var response = await anonymous.GetAsync("ServiceProviderConfig");
        await AssertErrorAsync(response, 401, null);
    }

    [Fact]
    public async Task ACallerWithoutATenantIs403()
    {
        using var client = Host.ClientFor("notenant");
        using var response = await client.GetAsync("Users");
        await AssertErrorAsync(response, 403, null);
    }

    [Fact]
    public async Task AnUnknownRouteUnderTheBasePathIs404ScimError()
    {
        using var response = await Client.GetAsync("Printers/1");
        await AssertErrorAsync(response, 404, null);
    }

    [Theory]
    [InlineData("DELETE", "Users", "GET, POST")]
    [InlineData("PUT", "Groups", "GET, POST")]
    [InlineData("POST", "Users/some-id", "GET, PUT, PATCH, DELETE")]
    public async Task AMethodAResourceEndpointDoesNotSupportIs405WithAllow(string method, string path, string allow)
    {
        using var response = await Host.SendAsync(new HttpMethod(method), path, method == "DELETE" ? null : "{}");
        await AssertErrorAsync(response, 405, null);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task MeIs501WithoutAResolver()
    {
        using var response = await Client.GetAsync("Me");
        await AssertErrorAsync(response, 501, null);
    }

    [Fact]
    public async Task ABodyLargerThanMaxRequestBodySizeIs413()
    {
        var big = new string('x', 300_000);
        using var response = await Client.PostAsync("Users", Body($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{big}}"}"""));
        await AssertErrorAsync(response, 413, null);
    }

    [Fact]
    public async Task AnEmptyBodyIs400InvalidSyntax()
    {
        using var response = await Client.PostAsync("Users", Body(""));
        await AssertErrorAsync(response, 400, "invalidSyntax");
    }

    [Fact]
    public async Task AnInvalidAttributesParameterIs400()
    {
        var user = await Host.CreateUserAsync("attrs");
        using var response = await Client.GetAsync($"Users/{user["id"]}?attributes=" + Uri.EscapeDataString("name[x"));
        await AssertErrorAsync(response, 400, "invalidPath");
    }
}

public sealed class HostingConfigurationTests
{
    [Fact]
    public async Task MapJostleScimWithoutAUserStoreFailsNamingTheMissingCall()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ScimTestHost.StartAsync(scim: _ => { }));
        Assert.Equal("No IScimUserStore is registered: call AddJostleScim(...).AddUserStore<T>() or AddInMemoryStores().", error.Message);
    }

    [Fact]
    public async Task InvalidOptionsFailAtStartUp()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ScimTestHost.StartAsync(o => o.MaxResults = 0));
        Assert.Contains("MaxResults", error.Message);
    }

    [Fact]
    public async Task MapJostleScimReturnsTheRouteGroupForTheHostsConventions()
    {
        await using var host = await ScimTestHost.StartAsync(map: app => app.MapJostleScim("/scim/v2").AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers["X-Host-Convention"] = "yes";
            return await next(context);
        }));
        using var response = await host.Client.GetAsync("ServiceProviderConfig");
        Assert.Equal("yes", response.Headers.GetValues("X-Host-Convention").Single());
    }

    [Fact]
    public async Task AHostStoreIsUsedInsteadOfTheDefault()
    {
        await using var host = await ScimTestHost.StartAsync(scim: b => b.AddInMemoryStores().AddUserStore<ThrowingUserStore>());
        using var response = await host.Client.GetAsync("Users/x");
        await AssertErrorAsync(response, 500, null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret internals", body);
    }

    [Fact]
    public async Task AnUnexpectedExceptionIsLoggedWithItsEventId()
    {
        var sink = new CapturingLoggerProvider();
        await using var host = await ScimTestHost.StartAsync(scim: b => b.AddInMemoryStores().AddUserStore<ThrowingUserStore>(), services: s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(sink));
        using var response = await host.Client.GetAsync("Users/x");
        await AssertErrorAsync(response, 500, null);
        var entry = Assert.Single(sink.Entries, e => e.EventId == 1 && e.Exception is not null);
        Assert.Equal("secret internals", entry.Exception!.Message);
    }

    [Fact]
    public async Task AConcurrentWriteTheStoreDetectsIs412()
    {
        await using var host = await ScimTestHost.StartAsync(scim: b => b.AddInMemoryStores().AddUserStore<LosingRaceUserStore>());
        var user = await host.CreateUserAsync("race");
        using var response = await host.SendAsync(HttpMethod.Patch, $"Users/{user["id"]}",
            """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}""");
        await AssertErrorAsync(response, 412, null);
    }

    [Fact]
    public async Task MeReturnsTheCallersUserWhenTheHostMapsIt()
    {
        await using var host = await ScimTestHost.StartAsync(services: s => s.AddSingleton<IScimMeResolver, FirstUserMeResolver>());
        var user = await host.CreateUserAsync("me");
        FirstUserMeResolver.Id = user["id"]!.GetValue<string>();
        using var response = await host.Client.GetAsync("Me");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("me", (await JsonAsync(response))["userName"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAuthorizationPolicyNameIsApplied()
    {
        await using var host = await ScimTestHost.StartAsync(
            o => o.AuthorizationPolicy = "TenantB",
            services: s => s.AddAuthorization(a => a.AddPolicy("TenantB", p => p.RequireClaim("scim:tenant", "tenant-b"))));
        using var denied = await host.Client.GetAsync("Users");
        await AssertErrorAsync(denied, 403, null);
        using var allowed = host.ClientFor("tenant-b");
        using var ok = await allowed.GetAsync("Users");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private sealed class CapturingLoggerProvider : Microsoft.Extensions.Logging.ILoggerProvider, Microsoft.Extensions.Logging.ILogger
    {
        public System.Collections.Concurrent.ConcurrentBag<(int EventId, Exception? Exception)> Entries { get; } = [];

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId.Id, exception));

        public void Dispose()
        {
        }
    }

    /// <summary>A store that always loses the optimistic-concurrency race on replace, as if another instance wrote first.</summary>
    private sealed class LosingRaceUserStore : Jostle.Scim.Stores.IScimUserStore
    {
        private readonly Jostle.Scim.Stores.InMemoryUserStore _inner = new();

        public ValueTask<Jostle.Scim.Stores.StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default) => _inner.CreateAsync(tenantId, document, cancellationToken);

        public ValueTask<Jostle.Scim.Stores.StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) => _inner.GetAsync(tenantId, id, cancellationToken);

        public ValueTask<Jostle.Scim.Stores.StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Jostle.Scim.Stores.StoreResult.VersionMismatch);

        public ValueTask<Jostle.Scim.Stores.StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default) => _inner.DeleteAsync(tenantId, id, expectedVersion, cancellationToken);

        public ValueTask<Jostle.Scim.Stores.StoreQueryResult> QueryAsync(string tenantId, Jostle.Scim.Stores.StoreQuery query, CancellationToken cancellationToken = default) => _inner.QueryAsync(tenantId, query, cancellationToken);
    }

    private sealed class FirstUserMeResolver : IScimMeResolver
    {
        public static string? Id { get; set; }

        public ValueTask<string?> ResolveUserIdAsync(HttpContext context, string tenantId) => ValueTask.FromResult(Id);
    }

    internal sealed class ThrowingUserStore : Jostle.Scim.Stores.IScimUserStore
    {
        private static Exception Boom() => new InvalidOperationException("secret internals");

        public ValueTask<Jostle.Scim.Stores.StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default) => throw Boom();

        public ValueTask<Jostle.Scim.Stores.StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) => throw Boom();

        public ValueTask<Jostle.Scim.Stores.StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default) => throw Boom();

        public ValueTask<Jostle.Scim.Stores.StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default) => throw Boom();

        public ValueTask<Jostle.Scim.Stores.StoreQueryResult> QueryAsync(string tenantId, Jostle.Scim.Stores.StoreQuery query, CancellationToken cancellationToken = default) => throw Boom();
    }
}
