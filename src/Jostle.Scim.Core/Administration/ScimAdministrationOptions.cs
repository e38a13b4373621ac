namespace Jostle.Scim.Administration;

/// <summary>Settings of the console's services (<c>AddAdministration</c>).</summary>
public sealed class ScimAdministrationOptions
{
    /// <summary>How often <see cref="ScimCredentialRotationService"/> looks for first uses and due grace periods, and key-expiry warnings are checked. Default one minute.</summary>
    public TimeSpan RotationCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The window over which <see cref="ScimConnectionStatusService"/> computes the recent failure rate. Default one hour.</summary>
    public TimeSpan ConnectionWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The failure rate above which the health page warns. Default 0.2 (20 %).</summary>
    public double WarningFailureRate { get; set; } = 0.2;

    /// <summary>The failure rate above which Microsoft Entra ID quarantines a provisioning job. Default 0.4 (40 %).</summary>
    public double QuarantineFailureRate { get; set; } = 0.4;

    /// <summary>How long after a <c>userName eq</c> lookup that found nothing a create counts as its follow-up (likely-duplicate warning). Default 10 minutes.</summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the provisioning log keeps records, as stated on the console's log page; <see langword="null"/> when unknown. The host sets it from <c>--log-retention</c>.</summary>
    public TimeSpan? LogRetention { get; set; }

    /// <summary>The path the SCIM endpoints are mapped at, for <see cref="ScimConnectionTester"/>. Default <c>/scim/v2</c>.</summary>
    public string ScimPath { get; set; } = "/scim/v2";
}
