namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>A console sign-in link as <see cref="EfScimConsoleLinkStore"/> keeps it: the record and the token's hash, never the token.</summary>
internal sealed class ScimConsoleLinkEntity
{
    public string LinkId { get; set; } = "";

    public string TokenHash { get; set; } = "";

    public int Role { get; set; }

    public string? TenantId { get; set; }

    public string Label { get; set; } = "";

    public string CreatedBy { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? UsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
