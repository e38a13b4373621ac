namespace Jostle.Scim.Administration;

/// <summary>What a console account may see and do.</summary>
public enum ScimConsoleRole
{
    /// <summary>An operator of the whole server: every tenant, and the sign-in links of everyone.</summary>
    Operator = 0,

    /// <summary>An admin of one tenant: that tenant's pages only.</summary>
    TenantAdmin = 1,
}

/// <summary>
/// A one-time sign-in link to the provisioning console: who it is for, what it grants, and when it expires. Only a hash of
/// the link's token is stored; the token is returned once, by <see cref="ScimConsoleLinkManager.CreateAsync"/>.
/// </summary>
public sealed record ScimConsoleLink
{
    /// <summary>The link's public id (16 hex digits, also embedded in its token); shown in lists and logs.</summary>
    public required string LinkId { get; init; }

    /// <summary>The lowercase hex SHA-256 of the whole token. Not the token.</summary>
    public required string TokenHash { get; init; }

    /// <summary>What the account signed in with this link may do.</summary>
    public required ScimConsoleRole Role { get; init; }

    /// <summary>The tenant of a <see cref="ScimConsoleRole.TenantAdmin"/>; <see langword="null"/> for an operator.</summary>
    public string? TenantId { get; init; }

    /// <summary>Who the link is for (a name or an e-mail address), as the inviter wrote it.</summary>
    public required string Label { get; init; }

    /// <summary>Who created the link: <c>command line</c>, or the label of the console account that invited.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When the link was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the link stops working if unused.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the link was used to sign in, or <see langword="null"/> while unused. A link works once.</summary>
    public DateTimeOffset? UsedAt { get; init; }

    /// <summary>When an operator revoked the (unused) link, or <see langword="null"/>.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Whether the link can still be used at <paramref name="now"/>: not used, not revoked, not expired.</summary>
    /// <param name="now">The time to judge by.</param>
    /// <returns><see langword="true"/> when the link would sign someone in.</returns>
    public bool IsUsable(DateTimeOffset now) => UsedAt is null && RevokedAt is null && now < ExpiresAt;

    /// <summary>Describes the link by id, role and tenant; never prints the hash.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"Console link {LinkId} ({Role}{(TenantId is null ? "" : " of " + TenantId)}, for {Label})";
}

/// <summary>
/// The result of <see cref="ScimConsoleLinkManager.CreateAsync"/>: the stored record and the token, which exists only here.
/// <see cref="ToString"/> withholds the token.
/// </summary>
public sealed class ScimCreatedConsoleLink
{
    internal ScimCreatedConsoleLink(ScimConsoleLink link, string token)
    {
        Link = link;
        Token = token;
    }

    /// <summary>The stored record.</summary>
    public ScimConsoleLink Link { get; }

    /// <summary>The secret token to put in the sign-in URL. It cannot be retrieved again.</summary>
    public string Token { get; }

    /// <summary>Describes the link without its token.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => Link + " (token withheld)";
}

/// <summary>How a presented token fared in <see cref="ScimConsoleLinkManager.RedeemAsync"/>.</summary>
public enum ScimConsoleLinkRedemptionStatus
{
    /// <summary>The link was unused and valid; it is now used, and the caller may sign the person in.</summary>
    SignedIn = 0,

    /// <summary>No link has this token (or the text is not a token at all).</summary>
    Unknown,

    /// <summary>The link was already used: a link works once.</summary>
    AlreadyUsed,

    /// <summary>The link expired before it was used.</summary>
    Expired,

    /// <summary>An operator revoked the link.</summary>
    Revoked,
}

/// <summary>The outcome of redeeming a sign-in link.</summary>
/// <param name="Status">How it fared.</param>
/// <param name="Link">The record, unless <paramref name="Status"/> is <see cref="ScimConsoleLinkRedemptionStatus.Unknown"/>.</param>
public readonly record struct ScimConsoleLinkRedemption(ScimConsoleLinkRedemptionStatus Status, ScimConsoleLink? Link);
