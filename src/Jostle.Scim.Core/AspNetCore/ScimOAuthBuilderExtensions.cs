using Jostle.Scim.OAuth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>Adds OAuth 2.0 client credentials (client secrets and workload identity federation) to the SCIM service.</summary>
public static class ScimOAuthBuilderExtensions
{
    /// <summary>
    /// Registers the <see cref="ScimOAuthDefaults.AuthenticationScheme"/> access token scheme, the
    /// <see cref="ScimOAuthClientManager"/> and, unless another store is registered, the <see cref="InMemoryOAuthStore"/>;
    /// <c>MapJostleScim</c> then maps the token endpoint at <see cref="ScimOAuthOptions.TokenPath"/> under the SCIM prefix,
    /// the SCIM endpoints accept access tokens (beside API keys when <c>AddApiKeys</c> is called too, unless the host set
    /// <see cref="JostleScimOptions.AuthenticationScheme"/> to a scheme of its own or an
    /// <see cref="JostleScimOptions.AuthorizationPolicy"/>), and <c>/ServiceProviderConfig</c> advertises the scheme.
    /// JWKS URLs of federated credentials are fetched with the named <see cref="HttpClient"/> <c>Jostle.Scim.OAuth.Jwks</c>.
    /// </summary>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="configure">Configures <see cref="ScimOAuthOptions"/>; optional.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddOAuthClients(this IJostleScimBuilder builder, Action<ScimOAuthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ScimOAuthOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ScimOAuthMarker)))
        {
            return builder;
        }

        services.AddSingleton<ScimOAuthMarker>();
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScimOAuthOptions>, ScimOAuthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IScimOAuthStore, InMemoryOAuthStore>();
        services.TryAddSingleton<ScimOAuthSigningKeys>();
        services.TryAddSingleton<ScimJwksCache>();
        services.TryAddSingleton<ScimOAuthTokenService>();
        services.TryAddSingleton<ScimOAuthTokenRateLimiter>();
        services.AddHttpClient(ScimJwksCache.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton(sp => new ScimOAuthClientManager(
            sp.GetRequiredService<IScimOAuthStore>(),
            sp.GetRequiredService<IOptions<ScimOAuthOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ScimOAuthAuthenticationHandler>(ScimOAuthDefaults.AuthenticationScheme, null);
        services.PostConfigure<JostleScimOptions>(o =>
        {
            if (o.AuthorizationPolicy is null)
            {
                var current = (o.AuthenticationScheme ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (current.All(s => s is ScimApiKeyDefaults.AuthenticationScheme or ScimOAuthDefaults.AuthenticationScheme))
                {
                    var apiKeys = services.Any(d => d.ServiceType == typeof(Jostle.Scim.Keys.ScimApiKeyManager));
                    o.AuthenticationScheme = apiKeys
                        ? ScimApiKeyDefaults.AuthenticationScheme + "," + ScimOAuthDefaults.AuthenticationScheme
                        : ScimOAuthDefaults.AuthenticationScheme;
                }
            }

            if (!o.AdvertisedAuthenticationSchemes.Any(s => s.Type == "oauth2"))
            {
                o.AdvertisedAuthenticationSchemes.Add(new ScimAuthenticationSchemeInfo(
                    "oauth2",
                    "OAuth 2.0 client credentials",
                    "Access tokens from the token endpoint at <SCIM base URL>/oauth/token (grant_type=client_credentials; client_secret_basic, client_secret_post, or a JWT client assertion for workload identity federation), sent as 'Authorization: Bearer <token>'.")
                {
                    SpecUri = "https://www.rfc-editor.org/rfc/rfc6749#section-4.4",
                });
            }
        });
        return builder;
    }

    /// <summary>Registers the host's OAuth store (a singleton) in place of the in-memory one.</summary>
    /// <typeparam name="T">The store type.</typeparam>
    /// <param name="builder">The SCIM builder.</param>
    /// <returns>The builder.</returns>
    public static IJostleScimBuilder AddOAuthStore<T>(this IJostleScimBuilder builder)
        where T : class, IScimOAuthStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IScimOAuthStore, T>());
        return builder;
    }

    /// <summary>Marks that the scheme is registered, so calling <see cref="AddOAuthClients"/> twice does not add it twice.</summary>
    private sealed class ScimOAuthMarker;
}

/// <summary>Checks <see cref="ScimOAuthOptions"/> at start-up, naming each problem.</summary>
internal sealed class ScimOAuthOptionsValidator : IValidateOptions<ScimOAuthOptions>
{
    public ValidateOptionsResult Validate(string? name, ScimOAuthOptions options)
    {
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
