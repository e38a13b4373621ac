using Jostle.Scim.AspNetCore;
using Jostle.Scim.Testing;
using Jostle.Scim.Tests.AspNetCore;
using Jostle.Scim.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.Tests.Clients;

/// <summary>
/// The conformance kit (Entra cycle, Microsoft's validator checklist, Okta's spec test) against the in-memory stores:
/// one app for the class, a new tenant per client.
/// </summary>
[Collection(ConformanceCollection.Name)]
public sealed class InMemoryConformanceTests(InMemoryConformanceTests.App app) : ScimConformanceTests, IClassFixture<InMemoryConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => Task.FromResult(app.Host.ClientFor("conformance-" + Guid.NewGuid().ToString("N")));

    /// <summary>The app, started once for the class.</summary>
    public sealed class App : IAsyncLifetime
    {
        public ScimTestHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await ScimTestHost.StartAsync(
            services: s => s.AddSingleton<IScimCompatibilitySelector, TenantPrefixProfileSelector>());

        /// <summary>A client for a new tenant whose requests run under <paramref name="profile"/>.</summary>
        public Task<HttpClient> ClientForProfileAsync(string profile) => Task.FromResult(Host.ClientFor(TenantPrefixProfileSelector.NewTenant(profile)));

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}

/// <summary>Runs the conformance kit alone: Okta's spec test asserts response-time limits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConformanceCollection
{
    public const string Name = "Conformance kit (timed)";
}

/// <summary>The kit's Okta suite against the in-memory stores, each tenant under the Okta profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class InMemoryOktaConformanceTests(InMemoryConformanceTests.App app) : OktaConformanceTests, IClassFixture<InMemoryConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForProfileAsync("Okta");
}

/// <summary>The kit's OneLogin suite against the in-memory stores, each tenant under the OneLogin profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class InMemoryOneLoginConformanceTests(InMemoryConformanceTests.App app) : OneLoginConformanceTests, IClassFixture<InMemoryConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForProfileAsync("OneLogin");
}

/// <summary>The kit's JumpCloud suite against the in-memory stores, each tenant under the JumpCloud profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class InMemoryJumpCloudConformanceTests(InMemoryConformanceTests.App app) : JumpCloudConformanceTests, IClassFixture<InMemoryConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForProfileAsync("JumpCloud");
}

/// <summary>The kit's Google suite against the in-memory stores, each tenant under the Google profile.</summary>
[Collection(ConformanceCollection.Name)]
public sealed class InMemoryGoogleConformanceTests(InMemoryConformanceTests.App app) : GoogleConformanceTests, IClassFixture<InMemoryConformanceTests.App>
{
    protected override Task<HttpClient> CreateClientAsync() => app.ClientForProfileAsync("Google");
}
