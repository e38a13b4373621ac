namespace Jostle.Scim.Tests.AspNetCore;

public abstract class ScimHostTestBase : IAsyncLifetime
{
    protected ScimTestHost Host { get; private set; } = null!;

    protected HttpClient Client => Host.Client;

    protected virtual Task<ScimTestHost> StartHostAsync() => ScimTestHost.StartAsync();

    public async Task InitializeAsync() => Host = await StartHostAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
