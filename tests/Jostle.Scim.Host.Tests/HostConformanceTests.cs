using System.Net.Http.Headers;
using Jostle.Scim.Keys;
using Jostle.Scim.Testing;

namespace Jostle.Scim.Host.Tests;

/// <summary>
/// The conformance kit against the real, built host as a child process, over a real socket: one server for the class,
/// an API key for a new tenant per client (written to the host's database in-process, as <c>keys create</c> does).
/// Response times are not asserted here: the host runs beside the test process on a shared machine.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class HostConformanceTests(HostConformanceTests.Server server) : ScimConformanceTests, IClassFixture<HostConformanceTests.Server>
{
    protected override bool AssertOktaResponseTimes => false;

    protected override Task<HttpClient> CreateClientAsync() => server.ClientForNewTenantAsync();

    /// <summary>The host process and the in-process services that write keys to its database.</summary>
    public class Server : IAsyncLifetime
    {
        /// <summary>Extra options of the host process.</summary>
        protected virtual string[] Options => [];

        private readonly TempFolder _folder = new();
        private ServiceProvider? _services;
        private HostProcess? _host;

        public async Task InitializeAsync()
        {
            var options = new ScimHostOptions { DataDirectory = _folder.Data };
            var collection = new ServiceCollection();
            collection.AddLogging();
            ScimComposition.AddScim(collection, options);
            _services = collection.BuildServiceProvider();
            await ScimComposition.PrepareDatabaseAsync(_services, options, CancellationToken.None);
            _host = await HostProcess.StartServerAsync(_folder, Options);
        }

        public async Task<HttpClient> ClientForNewTenantAsync()
        {
            var (_, key) = await _services!.GetRequiredService<ScimApiKeyManager>().CreateAsync("conformance-" + Guid.NewGuid().ToString("N"), "automation", "Conformance kit");
            var client = new HttpClient { BaseAddress = _host!.ScimAddress, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        public async Task DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }

            if (_services is not null)
            {
                await _services.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _folder.Dispose();
        }
    }
}

/// <summary>The kit's Okta suite against the host process started with <c>--profile Okta</c>.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class HostOktaConformanceTests(HostOktaConformanceTests.OktaServer server) : OktaConformanceTests, IClassFixture<HostOktaConformanceTests.OktaServer>
{
    protected override Task<HttpClient> CreateClientAsync() => server.ClientForNewTenantAsync();

    /// <summary>The host with every tenant under the Okta profile.</summary>
    public sealed class OktaServer : HostConformanceTests.Server
    {
        protected override string[] Options => ["--profile", "Okta"];
    }
}

/// <summary>The kit's OneLogin suite against the host process started with <c>--profile OneLogin</c>.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class HostOneLoginConformanceTests(HostOneLoginConformanceTests.OneLoginServer server) : OneLoginConformanceTests, IClassFixture<HostOneLoginConformanceTests.OneLoginServer>
{
    protected override Task<HttpClient> CreateClientAsync() => server.ClientForNewTenantAsync();

    /// <summary>The host with every tenant under the OneLogin profile.</summary>
    public sealed class OneLoginServer : HostConformanceTests.Server
    {
        protected override string[] Options => ["--profile", "OneLogin"];
    }
}

/// <summary>The kit's JumpCloud suite against the host process started with <c>--profile JumpCloud</c>.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class HostJumpCloudConformanceTests(HostJumpCloudConformanceTests.JumpCloudServer server) : JumpCloudConformanceTests, IClassFixture<HostJumpCloudConformanceTests.JumpCloudServer>
{
    protected override Task<HttpClient> CreateClientAsync() => server.ClientForNewTenantAsync();

    /// <summary>The host with every tenant under the JumpCloud profile.</summary>
    public sealed class JumpCloudServer : HostConformanceTests.Server
    {
        protected override string[] Options => ["--profile", "JumpCloud"];
    }
}

/// <summary>The kit's Google suite against the host process started with <c>--profile Google</c>.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class HostGoogleConformanceTests(HostGoogleConformanceTests.GoogleServer server) : GoogleConformanceTests, IClassFixture<HostGoogleConformanceTests.GoogleServer>
{
    protected override Task<HttpClient> CreateClientAsync() => server.ClientForNewTenantAsync();

    /// <summary>The host with every tenant under the Google profile.</summary>
    public sealed class GoogleServer : HostConformanceTests.Server
    {
        protected override string[] Options => ["--profile", "Google"];
    }
}
