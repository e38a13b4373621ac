namespace Jostle.Scim.Administration;

/// <summary>
/// A tenant's notification settings, kept by an <see cref="IScimAdministrationStore"/>: where its failure digests and
/// key-expiry warnings go, in addition to the host's defaults (e.g. the host's <c>--notify-email</c>).
/// </summary>
public sealed record ScimNotificationSettings
{
    /// <summary>The tenant.</summary>
    public required string TenantId { get; init; }

    /// <summary>The e-mail addresses that receive the tenant's digests and warnings (empty for none).</summary>
    public IReadOnlyList<string> EmailAddresses { get; init; } = [];

    /// <summary>An absolute http(s) URL that receives them as JSON, or <see langword="null"/>.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>The least time between two failure digests of the tenant, or <see langword="null"/> for the host's interval.</summary>
    public TimeSpan? DigestInterval { get; init; }

    /// <summary>How many days before an API key or client secret expires a warning is sent. Default 14; 0 turns warnings off.</summary>
    public int KeyExpiryWarningDays { get; init; } = 14;

    /// <summary>When the settings were last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The console user who last changed them.</summary>
    public string? UpdatedBy { get; init; }
}
