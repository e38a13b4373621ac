namespace Jostle.Scim.Administration;

/// <summary>What kind of credential a <see cref="ScimCredentialRotation"/> replaces.</summary>
public enum ScimCredentialKind
{
    /// <summary>A provisioning API key (<c>jscim_…</c>); the credential ids are key ids.</summary>
    ApiKey = 0,

    /// <summary>A secret of an OAuth client; the credential ids are secret ids and <see cref="ScimCredentialRotation.ClientId"/> names the client.</summary>
    ClientSecret,
}

/// <summary>Where a <see cref="ScimCredentialRotation"/> stands.</summary>
public enum ScimCredentialRotationState
{
    /// <summary>Both credentials are valid; the identity provider has not used the new one yet.</summary>
    WaitingForNewCredential = 0,

    /// <summary>The identity provider has used the new credential; the old one is still valid until the admin (or the grace period) revokes it.</summary>
    NewCredentialInUse,

    /// <summary>The old credential was revoked; the rotation is over.</summary>
    Completed,
}

/// <summary>
/// A rotation without downtime: a second credential was issued for the same tenant and actor while the first stays valid;
/// when the identity provider first uses the new one is recorded; then the old one is revoked — by an admin, or by
/// <see cref="ScimCredentialRotationService"/> once <see cref="GracePeriod"/> has passed since that first use.
/// </summary>
public sealed record ScimCredentialRotation
{
    /// <summary>The rotation's id (16 lowercase hex digits).</summary>
    public required string RotationId { get; init; }

    /// <summary>The tenant both credentials belong to.</summary>
    public required string TenantId { get; init; }

    /// <summary>Whether API keys or client secrets are rotated.</summary>
    public required ScimCredentialKind Kind { get; init; }

    /// <summary>The OAuth client whose secrets are rotated, or <see langword="null"/> for API keys.</summary>
    public string? ClientId { get; init; }

    /// <summary>The id of the credential being replaced.</summary>
    public required string OldCredentialId { get; init; }

    /// <summary>The id of the credential issued by the rotation.</summary>
    public required string NewCredentialId { get; init; }

    /// <summary>When the rotation started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The console user who started it.</summary>
    public required string StartedBy { get; init; }

    /// <summary>How long after the new credential's first use the old one is revoked automatically, or <see langword="null"/> to wait for an admin.</summary>
    public TimeSpan? GracePeriod { get; init; }

    /// <summary>When the identity provider first authenticated with the new credential, or <see langword="null"/> while it has not.</summary>
    public DateTimeOffset? NewCredentialFirstUsedAt { get; init; }

    /// <summary>When the old credential was revoked and the rotation ended, or <see langword="null"/>.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Who ended it: a console user, or <see cref="ScimCredentialRotationService.Actor"/> for the grace-period revocation.</summary>
    public string? CompletedBy { get; init; }

    /// <summary>Where the rotation stands.</summary>
    public ScimCredentialRotationState State =>
        CompletedAt is not null ? ScimCredentialRotationState.Completed
        : NewCredentialFirstUsedAt is not null ? ScimCredentialRotationState.NewCredentialInUse
        : ScimCredentialRotationState.WaitingForNewCredential;

    /// <summary>When the old credential will be revoked automatically, or <see langword="null"/> (no grace period, new credential not used yet, or completed).</summary>
    public DateTimeOffset? AutomaticRevocationAt =>
        CompletedAt is null && GracePeriod is { } grace && NewCredentialFirstUsedAt is { } first ? first + grace : null;
}
