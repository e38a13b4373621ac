namespace Jostle.Scim.Events;

/// <summary>
/// Marks a type that handles SCIM provisioning events; implement <see cref="IScimEventHandler{TEvent}"/> once per event
/// type (or for <see cref="ScimProvisioningEvent"/> to receive them all) and register it with <c>AddEventHandler&lt;T&gt;()</c>.
/// </summary>
public interface IScimEventHandler
{
}

/// <summary>
/// Handles one kind of SCIM provisioning event. Called after the store write committed and before the response is sent,
/// in registration order, awaited: a slow handler delays the response (queue slow work). An exception is logged and
/// swallowed: it never fails or undoes the request.
/// </summary>
/// <typeparam name="TEvent">The event type, or <see cref="ScimProvisioningEvent"/> for every event.</typeparam>
public interface IScimEventHandler<in TEvent> : IScimEventHandler
    where TEvent : ScimProvisioningEvent
{
    /// <summary>Handles an event.</summary>
    /// <param name="scimEvent">The event.</param>
    /// <param name="cancellationToken">Cancelled when the application stops (not when the client disconnects: the write has committed).</param>
    /// <returns>A task that completes when the event is handled.</returns>
    Task HandleAsync(TEvent scimEvent, CancellationToken cancellationToken);
}
