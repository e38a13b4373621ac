namespace Jostle.Scim.Administration;

/// <summary>
/// Persists console sign-in links (token hashes only). Implementations must be thread-safe, and
/// <see cref="TryMarkUsedAsync"/> must be atomic so that two requests presenting the same link cannot both sign in.
/// </summary>
public interface IScimConsoleLinkStore
{
    /// <summary>Adds a new link.</summary>
    /// <param name="link">The record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when a link with the same <see cref="ScimConsoleLink.LinkId"/> exists (nothing is changed).</returns>
    Task<bool> CreateAsync(ScimConsoleLink link, CancellationToken cancellationToken = default);

    /// <summary>Finds a link by its id.</summary>
    /// <param name="linkId">The link id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The link, or <see langword="null"/>.</returns>
    Task<ScimConsoleLink?> FindAsync(string linkId, CancellationToken cancellationToken = default);

    /// <summary>Lists links, newest first.</summary>
    /// <param name="tenantId">Only the links for this tenant's admins, or <see langword="null"/> for all (operators' links included).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The links, used, expired and revoked ones included.</returns>
    Task<IReadOnlyList<ScimConsoleLink>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default);

    /// <summary>Marks a link used, only if it is neither used nor revoked (atomically).</summary>
    /// <param name="linkId">The link id.</param>
    /// <param name="usedAt">The time of use.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when this call marked it; <see langword="false"/> when it was missing, used or revoked.</returns>
    Task<bool> TryMarkUsedAsync(string linkId, DateTimeOffset usedAt, CancellationToken cancellationToken = default);

    /// <summary>Revokes a link, only if it is unused (atomically). Revoking a revoked link keeps its first revocation time.</summary>
    /// <param name="linkId">The link id.</param>
    /// <param name="revokedAt">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the link is now revoked; <see langword="false"/> when it is missing or was already used.</returns>
    Task<bool> TryRevokeAsync(string linkId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);
}
