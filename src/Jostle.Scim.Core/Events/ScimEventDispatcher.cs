using Jostle.Scim.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Events;

/// <summary>The event handlers the host registered, in registration order, each for every tenant or for one.</summary>
internal sealed class ScimEventSetup
{
    public List<ScimEventHandlerRegistration> Handlers { get; } = [];
}

/// <param name="HandlerType">The handler, resolved from a scope per dispatch.</param>
/// <param name="Tenant">The one tenant whose events it receives, or <see langword="null"/> for every tenant.</param>
internal sealed record ScimEventHandlerRegistration(Type HandlerType, string? Tenant)
{
    public bool Receives(ScimProvisioningEvent scimEvent) =>
        (Tenant is null || string.Equals(Tenant, scimEvent.Tenant, StringComparison.Ordinal))
        && ScimEventDispatcher.HandlerInterface(scimEvent.GetType()).IsAssignableFrom(HandlerType);
}

/// <summary>
/// Delivers the events of one write to the registered handlers: inline and awaited (after the store committed, before the
/// response), in registration order, each handler isolated — an exception is logged with a stable event id and never
/// reaches the request. Handlers are resolved from a fresh scope per write.
/// </summary>
internal sealed class ScimEventDispatcher(IOptions<ScimEventSetup> setup, IServiceScopeFactory scopes, ILogger<ScimEventDispatcher> logger, IHostApplicationLifetime? lifetime = null)
{
    private readonly IReadOnlyList<ScimEventHandlerRegistration> _handlers = setup.Value.Handlers;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Type> Interfaces = new();

    /// <summary>Whether any handler is registered (when none, no event is even built).</summary>
    public bool HasHandlers => _handlers.Count > 0;

    public static Type HandlerInterface(Type eventType) => Interfaces.GetOrAdd(eventType, t => typeof(IScimEventHandler<>).MakeGenericType(t));

    public async Task RaiseAsync(IReadOnlyList<ScimProvisioningEvent> events)
    {
        if (events.Count == 0 || _handlers.Count == 0)
        {
            return;
        }

        var stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        await using var scope = scopes.CreateAsyncScope();
        foreach (var scimEvent in events)
        {
            foreach (var registration in _handlers)
            {
                if (!registration.Receives(scimEvent))
                {
                    continue;
                }

                try
                {
                    var handler = scope.ServiceProvider.GetRequiredService(registration.HandlerType);
                    await InvokeAsync(handler, scimEvent, stopping);
                }
#pragma warning disable CA1031 // A host's handler must never fail or undo a committed SCIM write.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Log.EventHandlerFailed(logger, registration.HandlerType.Name, scimEvent.GetType().Name, scimEvent.ResourceType, scimEvent.ResourceId, scimEvent.Tenant, scimEvent.CorrelationId, e);
                }
            }
        }
    }

    /// <summary>Calls the handler's <c>HandleAsync</c> for the event's type (a handler of a base type receives it through contravariance).</summary>
    private static Task InvokeAsync(object handler, ScimProvisioningEvent scimEvent, CancellationToken ct) => scimEvent switch
    {
        ScimUserCreated e => ((IScimEventHandler<ScimUserCreated>)handler).HandleAsync(e, ct),
        ScimUserUpdated e => ((IScimEventHandler<ScimUserUpdated>)handler).HandleAsync(e, ct),
        ScimUserDeactivated e => ((IScimEventHandler<ScimUserDeactivated>)handler).HandleAsync(e, ct),
        ScimUserReactivated e => ((IScimEventHandler<ScimUserReactivated>)handler).HandleAsync(e, ct),
        ScimUserDeleted e => ((IScimEventHandler<ScimUserDeleted>)handler).HandleAsync(e, ct),
        ScimGroupCreated e => ((IScimEventHandler<ScimGroupCreated>)handler).HandleAsync(e, ct),
        ScimGroupUpdated e => ((IScimEventHandler<ScimGroupUpdated>)handler).HandleAsync(e, ct),
        ScimGroupRenamed e => ((IScimEventHandler<ScimGroupRenamed>)handler).HandleAsync(e, ct),
        ScimGroupDeleted e => ((IScimEventHandler<ScimGroupDeleted>)handler).HandleAsync(e, ct),
        ScimGroupMembersAdded e => ((IScimEventHandler<ScimGroupMembersAdded>)handler).HandleAsync(e, ct),
        ScimGroupMembersRemoved e => ((IScimEventHandler<ScimGroupMembersRemoved>)handler).HandleAsync(e, ct),
        _ => throw new InvalidOperationException("Unknown SCIM event " + scimEvent.GetType().Name),
    };
}
