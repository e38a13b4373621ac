using System.Text.Json;

namespace Jostle.Scim.Administration;

/// <summary>What a <see cref="ScimAdministrationNotification"/> is about.</summary>
public enum ScimAdministrationNotificationKind
{
    /// <summary>A test sent from the console's notification settings.</summary>
    Test = 0,

    /// <summary>An API key or client secret expires soon.</summary>
    CredentialExpiring,
}

/// <summary>A console notification (not a failure digest): a key-expiry warning or a test, sent to the tenant's e-mail addresses and webhooks.</summary>
public sealed record ScimAdministrationNotification
{
    /// <summary>The kind.</summary>
    public required ScimAdministrationNotificationKind Kind { get; init; }

    /// <summary>The tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>A one-line subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The message, plain text, never a secret.</summary>
    public required string Message { get; init; }

    /// <summary>The key or secret concerned, or <see langword="null"/>.</summary>
    public string? CredentialId { get; init; }

    /// <summary>When that credential expires, or <see langword="null"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The webhook body: <c>{"type":"credentialExpiring"|"test","tenant":…,"subject":…,"message":…,"credentialId":…,"expiresAt":…}</c>.</summary>
    /// <param name="notification">The notification.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] ToJson(ScimAdministrationNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", notification.Kind == ScimAdministrationNotificationKind.Test ? "test" : "credentialExpiring");
            w.WriteString("tenant", notification.Tenant);
            w.WriteString("subject", notification.Subject);
            w.WriteString("message", notification.Message);
            if (notification.CredentialId is { } id)
            {
                w.WriteString("credentialId", id);
            }

            if (notification.ExpiresAt is { } expires)
            {
                w.WriteString("expiresAt", expires);
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

/// <summary>Delivers console notifications (a webhook, e-mail); registered beside the failure notifiers.</summary>
public interface IScimAdministrationNotifier
{
    /// <summary>Delivers one notification to wherever this notifier sends the tenant's notifications.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>Whether it was delivered to at least one recipient (<see langword="false"/> when the notifier has none for the tenant, or every delivery failed).</returns>
    Task<bool> NotifyAsync(ScimAdministrationNotification notification, CancellationToken cancellationToken);
}
