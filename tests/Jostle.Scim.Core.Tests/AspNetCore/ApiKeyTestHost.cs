using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>Starts a <see cref="ScimTestHost"/> whose SCIM endpoints authenticate with provisioning API keys, capturing every log entry.</summary>
internal static class ApiKeyTestHost
{
    public static Task<ScimTestHost> StartAsync(
        CapturingLoggerProvider? logs = null,
        Action<JostleScimOptions>? configure = null,
        Action<IJostleScimBuilder>? scim = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? map = null) =>
        ScimTestHost.StartAsync(
            configure,
            b =>
            {
                b.AddInMemoryStores().AddApiKeys();
                scim?.Invoke(b);
            },
            s =>
            {
                if (logs is not null)
                {
                    s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddFilter(_ => true).AddProvider(logs));
                }

                services?.Invoke(s);
            },
            map);

    public static Task<ScimCreatedApiKey> CreateKeyAsync(this ScimTestHost host, string tenant, string actor = "automation", string description = "Azure") =>
        host.Services.GetRequiredService<ScimApiKeyManager>().CreateAsync(tenant, actor, description);
}
