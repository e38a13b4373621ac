namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>A credential rotation (table <c>scim_credential_rotations</c>).</summary>
internal sealed class ScimCredentialRotationEntity
{
    public string RotationId { get; set; } = "";

    public string TenantId { get; set; } = "";

    /// <summary>The <see cref="Administration.ScimCredentialKind"/> name.</summary>
    public string Kind { get; set; } = "";

    public string? ClientId { get; set; }

    public string OldCredentialId { get; set; } = "";

    public string NewCredentialId { get; set; } = "";

    /// <summary>UTC.</summary>
    public DateTime StartedAt { get; set; }

    public string StartedBy { get; set; } = "";

    public long? GracePeriodTicks { get; set; }

    /// <summary>UTC.</summary>
    public DateTime? NewCredentialFirstUsedAt { get; set; }

    /// <summary>UTC.</summary>
    public DateTime? CompletedAt { get; set; }

    public string? CompletedBy { get; set; }
}

/// <summary>A tenant's notification settings (table <c>scim_notification_settings</c>).</summary>
internal sealed class ScimNotificationSettingsEntity
{
    public string TenantId { get; set; } = "";

    /// <summary>The addresses, one per line.</summary>
    public string EmailAddresses { get; set; } = "";

    public string? WebhookUrl { get; set; }

    public long? DigestIntervalTicks { get; set; }

    public int KeyExpiryWarningDays { get; set; }

    /// <summary>UTC.</summary>
    public DateTime UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}
