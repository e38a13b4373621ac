using Jostle.Scim.Testing;

namespace IntranetApp.Tests;

/// <summary>
/// The conformance kit (Entra's provisioning cycle, Microsoft's validator checklist, Okta's spec test) over HTTP against
/// the sample. The sample is a single-tenant app (its tables have no tenant column), so every client the kit asks for
/// is a fresh app on a fresh data folder: a new, empty "tenant". Response times are not asserted (a shared machine).
/// </summary>
public sealed class IntranetConformanceTests : ScimConformanceTests, IAsyncLifetime
{
    private readonly List<IntranetHost> _hosts = [];

    protected override bool AssertOktaResponseTimes => false;

    protected override async Task<HttpClient> CreateClientAsync()
    {
        var host = await IntranetHost.StartAsync();
        _hosts.Add(host);
        return host.NewScimClient(host.Key);
    }

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    // The kit disposes its clients; the apps behind them are stopped and their data folders deleted here.
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}
