using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>Adds provisioning API key authentication to the SCIM service.</summary>
public static class ScimApiKeyBuilderExtensions
{
    /// <summary>
    /// Registers the <see cref="ScimApiKeyDefaults.AuthenticationScheme"/> bearer scheme, the <see cref="ScimApiKeyManager"/>
    /// and, unless another store is registered, the <see cref="InMemoryApiKeyStore"/>; and makes the SCIM endpoints
    /// authenticate with that scheme (unless the host set <see cref="JostleScimOptions.AuthenticationScheme"/> or
    /// <see cref="JostleScimOptions.AuthorizationPolicy"/> itself). The key's tenant becomes the request's tenant.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Configures <see cref="ScimApiKeyOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddApiKeys(this IJostleScimBuilder builder, Action<ScimApiKeyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ScimApiKeyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.Pepper is null || o.Pepper.Length >= 32, "ScimApiKeyOptions.Pepper must be at least 32 bytes when set.")
            .Validate(o => o.LastUsedUpdateInterval >= TimeSpan.Zero, "ScimApiKeyOptions.LastUsedUpdateInterval must not be negative.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Realm), "ScimApiKeyOptions.Realm must not be empty.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IScimApiKeyStore, InMemoryApiKeyStore>();
        services.TryAddSingleton(sp => new ScimApiKeyManager(
            sp.GetRequiredService<IScimApiKeyStore>(),
            sp.GetRequiredService<IOptions<ScimApiKeyOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        if (!services.Any(d => d.ServiceType == typeof(ScimApiKeyMarker)))
        {
            services.AddSingleton<ScimApiKeyMarker>();
            services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ScimApiKeyAuthenticationHandler>(ScimApiKeyDefaults.AuthenticationScheme, null);
            services.PostConfigure<JostleScimOptions>(o =>
            {
                if (o.AuthorizationPolicy is null)
                {
                    o.AuthenticationScheme ??= ScimApiKeyDefaults.AuthenticationScheme;
                }
            });
        }

        return builder;
    }

    /// <summary>Registers the host's API key store (a singleton) in place of the in-memory one.</summary>
    /// <typeparam name="T">The store type.</typeparam>
    /// <param name="builder">The SCIM builder.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddApiKeyStore<T>(this IJostleScimBuilder builder)
        where T : class, IScimApiKeyStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IScimApiKeyStore, T>());
        return builder;
    }

    /// <summary>Marks that the scheme is registered, so calling <see cref="AddApiKeys"/> twice does not add it twice.</summary>
    private sealed class ScimApiKeyMarker;
}
