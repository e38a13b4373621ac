using Jostle.Scim.Provisioning;

namespace Jostle.Scim.Administration;

/// <summary>What an administrator did, as recorded by <see cref="ScimAdministrationAudit"/>.</summary>
public enum ScimAdministrationAction
{
    /// <summary>An API key was created.</summary>
    KeyCreated = 0,

    /// <summary>An API key was revoked.</summary>
    KeyRevoked,

    /// <summary>A rotation started: a second credential was issued.</summary>
    RotationStarted,

    /// <summary>The identity provider first used the new credential of a rotation.</summary>
    RotationNewCredentialUsed,

    /// <summary>A rotation ended: the old credential was revoked.</summary>
    RotationCompleted,

    /// <summary>An OAuth client was created.</summary>
    ClientCreated,

    /// <summary>An OAuth client was revoked.</summary>
    ClientRevoked,

    /// <summary>An OAuth client secret was added.</summary>
    SecretCreated,

    /// <summary>An OAuth client secret was revoked.</summary>
    SecretRevoked,

    /// <summary>Settings (notifications, …) were changed.</summary>
    SettingsChanged,

    /// <summary>An administrator was invited (a sign-in link issued).</summary>
    AdminInvited,

    /// <summary>An invitation or sign-in link was revoked.</summary>
    AdminInvitationRevoked,

    /// <summary>Personal values of a request log record were revealed.</summary>
    PersonalDataRevealed,

    /// <summary>A test connection was run.</summary>
    ConnectionTested,

    /// <summary>A test notification was sent.</summary>
    TestNotificationSent,
}

/// <summary>
/// Records console actions in the tenant's provisioning log, as <see cref="ProvisioningOperation.Administration"/> records:
/// <see cref="ProvisioningLogEntry.Actor"/> is the console user, <see cref="ProvisioningLogEntry.ResourceType"/> the action's
/// name (<c>KeyCreated</c>, …), <see cref="ProvisioningLogEntry.ResourceId"/> the credential or setting concerned and
/// <see cref="ProvisioningLogEntry.Detail"/> a sentence. They appear in <see cref="IProvisioningLogReader"/> queries like any record.
/// </summary>
public sealed class ScimAdministrationAudit
{
    private readonly IProvisioningLogSink[] _sinks;
    private readonly TimeProvider _time;

    /// <summary>Creates the audit over the registered log sinks.</summary>
    /// <param name="sinks">The provisioning log sinks.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ScimAdministrationAudit(IEnumerable<IProvisioningLogSink> sinks, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        _sinks = [.. sinks];
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Records an action in a tenant's log.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="consoleUser">Who did it (the console user's name or e-mail, or a service's name).</param>
    /// <param name="action">What was done.</param>
    /// <param name="subjectId">The key, secret, client, rotation or setting concerned, or <see langword="null"/>.</param>
    /// <param name="detail">A sentence an admin reads in the log; never a secret.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The record written.</returns>
    public async Task<ProvisioningLogEntry> RecordAsync(string tenantId, string consoleUser, ScimAdministrationAction action, string? subjectId, string detail, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        ArgumentNullException.ThrowIfNull(detail);
        var entry = new ProvisioningLogEntry
        {
            Timestamp = _time.GetUtcNow(),
            Tenant = tenantId,
            Actor = consoleUser,
            Operation = ProvisioningOperation.Administration,
            ResourceType = action.ToString(),
            ResourceId = subjectId,
            Status = 200,
            Detail = detail,
            CorrelationId = Guid.NewGuid().ToString("N"),
        };
        foreach (var sink in _sinks)
        {
            await sink.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        return entry;
    }
}
