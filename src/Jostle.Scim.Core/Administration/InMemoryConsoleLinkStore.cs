using System.Collections.Concurrent;

namespace Jostle.Scim.Administration;

/// <summary>A thread-safe in-memory <see cref="IScimConsoleLinkStore"/> (tests, quick starts); links are lost when the process ends.</summary>
public sealed class InMemoryConsoleLinkStore : IScimConsoleLinkStore
{
    private readonly ConcurrentDictionary<string, ScimConsoleLink> _links = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<bool> CreateAsync(ScimConsoleLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        return Task.FromResult(_links.TryAdd(link.LinkId, link));
    }

    /// <inheritdoc/>
    public Task<ScimConsoleLink?> FindAsync(string linkId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        return Task.FromResult(_links.TryGetValue(linkId, out var link) ? link : null);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimConsoleLink>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimConsoleLink>>(
        [
            .. _links.Values
                .Where(l => tenantId is null || string.Equals(l.TenantId, tenantId, StringComparison.Ordinal))
                .OrderByDescending(l => l.CreatedAt)
                .ThenBy(l => l.LinkId, StringComparer.Ordinal),
        ]);

    /// <inheritdoc/>
    public Task<bool> TryMarkUsedAsync(string linkId, DateTimeOffset usedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        while (_links.TryGetValue(linkId, out var link))
        {
            if (link.UsedAt is not null || link.RevokedAt is not null)
            {
                return Task.FromResult(false);
            }

            if (_links.TryUpdate(linkId, link with { UsedAt = usedAt }, link))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    /// <inheritdoc/>
    public Task<bool> TryRevokeAsync(string linkId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        while (_links.TryGetValue(linkId, out var link))
        {
            if (link.UsedAt is not null)
            {
                return Task.FromResult(false);
            }

            if (link.RevokedAt is not null || _links.TryUpdate(linkId, link with { RevokedAt = revokedAt }, link))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }
}
