using Jostle.Scim.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jostle.Scim.AspNetCore;

/// <summary>Plugs the host's provisioning event handlers into the SCIM service.</summary>
public static class ScimEventBuilderExtensions
{
    /// <summary>
    /// Registers a handler of provisioning events: every <see cref="IScimEventHandler{TEvent}"/> it implements receives
    /// its events after the store write committed and before the response is sent, in registration order. The handler
    /// is resolved from a new DI scope per write (registered scoped unless the host registered it already); an
    /// exception it throws is logged (event id 400) and never fails the request.
    /// </summary>
    /// <typeparam name="THandler">The handler type; it implements <see cref="IScimEventHandler{TEvent}"/> at least once.</typeparam>
    /// <param name="builder">The SCIM builder.</param>
    /// <param name="tenant">The one tenant whose events the handler receives, or <see langword="null"/> (the default) for every tenant's, each carrying its <see cref="ScimProvisioningEvent.Tenant"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="THandler"/> implements no <see cref="IScimEventHandler{TEvent}"/>.</exception>
    public static IJostleScimBuilder AddEventHandler<THandler>(this IJostleScimBuilder builder, string? tenant = null)
        where THandler : class, IScimEventHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (tenant is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(tenant);
        }

        if (!typeof(THandler).GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IScimEventHandler<>)))
        {
            throw new ArgumentException($"{typeof(THandler).Name} implements no IScimEventHandler<TEvent>; implement it for the events to receive (or for ScimProvisioningEvent to receive them all).", nameof(THandler));
        }

        builder.Services.TryAddScoped<THandler>();
        var registration = new ScimEventHandlerRegistration(typeof(THandler), tenant);
        builder.Services.Configure<ScimEventSetup>(setup =>
        {
            if (!setup.Handlers.Contains(registration))
            {
                setup.Handlers.Add(registration);
            }
        });
        return builder;
    }
}
