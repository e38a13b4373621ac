using Jostle.Scim.Events;
using Jostle.Scim.Service;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Schema;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Jostle SCIM 2.0 service provider.</summary>
public static class JostleScimServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SCIM services: options (validated at start-up), the schema registry, the resource engines, the default
    /// tenant resolver (a claim) and SCIM error bodies for authentication failures. Plug stores in on the returned
    /// builder, then call <c>app.MapJostleScim("/scim/v2")</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="JostleScimOptions"/>; optional.</param>
    /// <returns>The builder on which stores and schema extensions are added.</returns>
    public static IJostleScimBuilder AddJostleScim(this IServiceCollection services, Action<JostleScimOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<JostleScimOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JostleScimOptions>, JostleScimOptionsValidator>());
        services.AddOptions<ScimSchemaSetup>();
        services.TryAddSingleton(sp =>
        {
            var registry = SchemaRegistry.CreateDefault();
            foreach (var change in sp.GetRequiredService<IOptions<ScimSchemaSetup>>().Value.Changes)
            {
                change(registry);
            }

            return registry;
        });
        services.TryAddSingleton<ScimRuntime>();
        services.TryAddSingleton<ScimResourceService>();
        services.AddOptions<ScimEventSetup>();
        services.TryAddSingleton<ScimEventDispatcher>();
        services.TryAddSingleton<ScimResourceEvents>();
        services.TryAddSingleton<ScimTelemetry>();
        services.TryAddSingleton<ScimProvisioningRecorder>();
        services.TryAddSingleton<IScimTenantResolver, ClaimTenantResolver>();
        services.TryAddSingleton<ScimTenantRateLimiter>();
        services.AddAuthorization();

        // SCIM error bodies for 401/403 on the SCIM endpoints; a host's own result handler is left in place.
        var resultHandler = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (resultHandler is null || resultHandler.ImplementationType == typeof(AuthorizationMiddlewareResultHandler))
        {
            services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, ScimAuthorizationResultHandler>());
        }
        return new JostleScimBuilder(services);
    }
}
