using System.Buffers.Text;
using System.Security.Cryptography;

namespace Jostle.Scim.Administration;

/// <summary>
/// Creates, redeems, lists and revokes one-time sign-in links to the provisioning console over an
/// <see cref="IScimConsoleLinkStore"/>. A token is <c>jscl_&lt;linkId&gt;_&lt;secret&gt;</c> (16 hex digits, then 256
/// random bits in base64url); only its SHA-256 is stored, and the token is returned once, by <see cref="CreateAsync"/>.
/// </summary>
public sealed class ScimConsoleLinkManager
{
    /// <summary>How long a link works when no lifetime is given: ten minutes.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);

    private const string Prefix = "jscl_";
    private const int LinkIdLength = 16;
    private const int SecretLength = 43;
    private readonly IScimConsoleLinkStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the manager.</summary>
    /// <param name="store">The link store.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ScimConsoleLinkManager(IScimConsoleLinkStore store, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates a sign-in link.</summary>
    /// <param name="role">What the person may do once signed in.</param>
    /// <param name="tenantId">The tenant of a <see cref="ScimConsoleRole.TenantAdmin"/> (required then); must be <see langword="null"/> for an operator.</param>
    /// <param name="label">Who the link is for (a name or an e-mail address).</param>
    /// <param name="createdBy">Who creates it (<c>command line</c>, or the inviting account's label).</param>
    /// <param name="lifetime">How long it works if unused; default <see cref="DefaultLifetime"/>. From one minute to seven days.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record and the token — the only time the token is available.</returns>
    public async Task<ScimCreatedConsoleLink> CreateAsync(ScimConsoleRole role, string? tenantId, string label, string createdBy, TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentException.ThrowIfNullOrWhiteSpace(createdBy);
        if (role == ScimConsoleRole.TenantAdmin && string.IsNullOrWhiteSpace(tenantId))
        {
            throw new ArgumentException("A tenant admin's link needs the tenant.", nameof(tenantId));
        }

        if (role == ScimConsoleRole.Operator && tenantId is not null)
        {
            throw new ArgumentException("An operator's link is for the whole server; it takes no tenant.", nameof(tenantId));
        }

        var life = lifetime ?? DefaultLifetime;
        if (life < TimeSpan.FromMinutes(1) || life > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), life, "A sign-in link lives from one minute to seven days.");
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (linkId, token) = Generate();
            var now = _time.GetUtcNow();
            var link = new ScimConsoleLink
            {
                LinkId = linkId,
                TokenHash = Convert.ToHexStringLower(Hash(token)),
                Role = role,
                TenantId = tenantId,
                Label = label.Trim(),
                CreatedBy = createdBy,
                CreatedAt = now,
                ExpiresAt = now + life,
            };
            if (await _store.CreateAsync(link, cancellationToken).ConfigureAwait(false))
            {
                return new ScimCreatedConsoleLink(link, token);
            }
        }

        throw new InvalidOperationException("Could not allocate a unique sign-in link id after 5 attempts; the link store keeps refusing new links.");
    }

    /// <summary>
    /// Redeems a token: finds its link, compares hashes in constant time, checks it is unused, unrevoked and unexpired,
    /// and marks it used (atomically, so a link signs in once even when presented twice at the same moment).
    /// </summary>
    /// <param name="token">The token from the sign-in URL.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome; sign the person in only on <see cref="ScimConsoleLinkRedemptionStatus.SignedIn"/>.</returns>
    public async Task<ScimConsoleLinkRedemption> RedeemAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (!TryParse(token, out var linkId))
        {
            return new(ScimConsoleLinkRedemptionStatus.Unknown, null);
        }

        var link = await _store.FindAsync(linkId, cancellationToken).ConfigureAwait(false);
        if (link is null || !HashMatches(token!, link.TokenHash))
        {
            return new(ScimConsoleLinkRedemptionStatus.Unknown, null);
        }

        var now = _time.GetUtcNow();
        if (link.RevokedAt is not null)
        {
            return new(ScimConsoleLinkRedemptionStatus.Revoked, link);
        }

        if (link.UsedAt is not null)
        {
            return new(ScimConsoleLinkRedemptionStatus.AlreadyUsed, link);
        }

        if (now >= link.ExpiresAt)
        {
            return new(ScimConsoleLinkRedemptionStatus.Expired, link);
        }

        if (!await _store.TryMarkUsedAsync(link.LinkId, now, cancellationToken).ConfigureAwait(false))
        {
            var current = await _store.FindAsync(link.LinkId, cancellationToken).ConfigureAwait(false) ?? link;
            return new(current.RevokedAt is not null ? ScimConsoleLinkRedemptionStatus.Revoked : ScimConsoleLinkRedemptionStatus.AlreadyUsed, current);
        }

        return new(ScimConsoleLinkRedemptionStatus.SignedIn, link with { UsedAt = now });
    }

    /// <summary>Lists links, newest first.</summary>
    /// <param name="tenantId">Only links for this tenant's admins, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The links.</returns>
    public Task<IReadOnlyList<ScimConsoleLink>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        _store.ListAsync(tenantId, cancellationToken);

    /// <summary>Finds a link by id.</summary>
    /// <param name="linkId">The link id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The link, or <see langword="null"/>.</returns>
    public Task<ScimConsoleLink?> FindAsync(string linkId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(linkId);
        return _store.FindAsync(linkId, cancellationToken);
    }

    /// <summary>Revokes an unused link, so it can no longer sign anyone in.</summary>
    /// <param name="linkId">The link id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when no such link exists or it was already used.</returns>
    public Task<bool> RevokeAsync(string linkId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(linkId);
        return _store.TryRevokeAsync(linkId, _time.GetUtcNow(), cancellationToken);
    }

    private static (string LinkId, string Token) Generate()
    {
        Span<byte> id = stackalloc byte[LinkIdLength / 2];
        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(id);
        RandomNumberGenerator.Fill(secret);
        var linkId = Convert.ToHexStringLower(id);
        var token = Prefix + linkId + "_" + Base64Url.EncodeToString(secret);
        CryptographicOperations.ZeroMemory(secret);
        return (linkId, token);
    }

    private static bool TryParse(string? token, out string linkId)
    {
        linkId = "";
        if (token is null || token.Length != Prefix.Length + LinkIdLength + 1 + SecretLength
            || !token.StartsWith(Prefix, StringComparison.Ordinal) || token[Prefix.Length + LinkIdLength] != '_')
        {
            return false;
        }

        var id = token.AsSpan(Prefix.Length, LinkIdLength);
        foreach (var c in id)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        foreach (var c in token.AsSpan(Prefix.Length + LinkIdLength + 1))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        linkId = id.ToString();
        return true;
    }

    private static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    private static bool HashMatches(string token, string storedHex)
    {
        if (storedHex.Length != 64)
        {
            return false;
        }

        try
        {
            return CryptographicOperations.FixedTimeEquals(Hash(token), Convert.FromHexString(storedHex));
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
