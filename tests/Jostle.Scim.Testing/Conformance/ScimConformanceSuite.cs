using System.Net.Http.Headers;

namespace Jostle.Scim.Testing;

/// <summary>
/// What every HTTP suite of the kit shares: the app under test is reached through clients from
/// <see cref="CreateClientAsync"/>, one per new, empty tenant, and every request is checked and named in failures.
/// Derive from a suite (<see cref="ScimConformanceTests"/>, <see cref="OktaConformanceTests"/>,
/// <see cref="OneLoginConformanceTests"/>, <see cref="JumpCloudConformanceTests"/>, <see cref="GoogleConformanceTests"/>),
/// not from this class.
/// </summary>
/// <remarks>
/// <para>Each test calls <see cref="CreateClientAsync"/> once (a few tests twice, for a second tenant). Every call must
/// return a client whose requests reach a new, <em>empty</em> tenant: a fresh tenant of one shared app (cheap), or a
/// fresh app.</para>
/// <para>The client's <see cref="HttpClient.BaseAddress"/> is the SCIM base URL with a trailing slash
/// (<c>http://localhost/scim/v2/</c>), and its credentials are in
/// <c>DefaultRequestHeaders.Authorization</c>: the kit moves that header onto each request it sends, so that it can also
/// send one without it (to see a 401). The kit disposes the clients it is given.</para>
/// </remarks>
public abstract class ScimConformanceSuite : IAsyncLifetime
{
    private readonly List<HttpClient> _clients = [];
    private ScimConformanceHttp? _scim;

    /// <summary>Only the kit's suites derive from this class.</summary>
    private protected ScimConformanceSuite()
    {
    }

    /// <summary>
    /// Returns a client for a new, empty tenant of the app under test: <see cref="HttpClient.BaseAddress"/> set to the
    /// SCIM base URL (with a trailing slash) and the tenant's credentials in <c>DefaultRequestHeaders.Authorization</c>.
    /// A profile suite expects the tenant to run under that profile (e.g. <c>ScimProfiles.Okta</c>).
    /// </summary>
    /// <returns>The client; the kit disposes it.</returns>
    protected abstract Task<HttpClient> CreateClientAsync();

    /// <summary>Opens the first tenant.</summary>
    /// <returns>A task.</returns>
    public async Task InitializeAsync() => _scim = await ConnectAsync();

    /// <summary>Disposes every client the test was given.</summary>
    /// <returns>A task.</returns>
    public Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>The first tenant's connection.</summary>
    private protected ScimConformanceHttp Scim => _scim ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>A client for another new, empty tenant.</summary>
    private protected async Task<ScimConformanceHttp> ConnectAsync()
    {
        var client = await CreateClientAsync();
        _clients.Add(client);
        Assert.True(client.BaseAddress is { } b && b.AbsoluteUri.EndsWith('/'),
            $"CreateClientAsync must set HttpClient.BaseAddress to the SCIM base URL with a trailing slash (got '{client.BaseAddress}').");
        var authorization = client.DefaultRequestHeaders.Authorization;
        client.DefaultRequestHeaders.Authorization = null;
        return new ScimConformanceHttp(client, authorization);
    }

    /// <summary>A <c>filter=</c> query parameter, escaped.</summary>
    private protected static string Filter(string filter) => "filter=" + Uri.EscapeDataString(filter);
}
