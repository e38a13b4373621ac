using Jostle.Scim.Testing;
using Jostle.Scim.Tests.AspNetCore;

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

        public async Task InitializeAsync() => Host = await ScimTestHost.StartAsync();

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}

/// <summary>Runs the conformance kit alone: Okta's spec test asserts response-time limits.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConformanceCollection
{
    public const string Name = "Conformance kit (timed)";
}
