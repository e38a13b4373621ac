using Jostle.Scim.Administration;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimConsoleLinkStore"/> on the <see cref="ScimDbContext"/> (table <c>scim_console_links</c>): sign-in links
/// created by <c>console link</c> on the command line are seen by the server, and a link is used once across every process
/// on the database (marking it used is one conditional UPDATE). Only the hash of a link's token is stored.
/// </summary>
public sealed class EfScimConsoleLinkStore : EfScimStoreBase, IScimConsoleLinkStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="contextFactory">Creates the short-lived contexts each call uses.</param>
    public EfScimConsoleLinkStore(IDbContextFactory<ScimDbContext> contextFactory)
        : base(contextFactory)
    {
    }

    /// <inheritdoc/>
    public async Task<bool> CreateAsync(ScimConsoleLink link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            context.ConsoleLinks.Add(new ScimConsoleLinkEntity
            {
                LinkId = link.LinkId,
                TokenHash = link.TokenHash,
                Role = (int)link.Role,
                TenantId = link.TenantId,
                Label = link.Label,
                CreatedBy = link.CreatedBy,
                CreatedAt = link.CreatedAt.UtcDateTime,
                ExpiresAt = link.ExpiresAt.UtcDateTime,
                UsedAt = link.UsedAt?.UtcDateTime,
                RevokedAt = link.RevokedAt?.UtcDateTime,
            });
            try
            {
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DbUpdateException exception) when (IsUniqueViolation(exception, out _))
            {
                return false;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<ScimConsoleLink?> FindAsync(string linkId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entity = await context.ConsoleLinks.AsNoTracking().FirstOrDefaultAsync(l => l.LinkId == linkId, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : ToLink(entity);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimConsoleLink>> ListAsync(string? tenantId = null, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var query = context.ConsoleLinks.AsNoTracking();
            if (tenantId is not null)
            {
                query = query.Where(l => l.TenantId == tenantId);
            }

            var entities = await query.OrderByDescending(l => l.CreatedAt).ThenBy(l => l.LinkId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(ToLink)];
        }
    }

    /// <inheritdoc/>
    public async Task<bool> TryMarkUsedAsync(string linkId, DateTimeOffset usedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        var at = usedAt.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            return await context.ConsoleLinks
                .Where(l => l.LinkId == linkId && l.UsedAt == null && l.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, at), cancellationToken)
                .ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> TryRevokeAsync(string linkId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(linkId);
        var at = revokedAt.UtcDateTime;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var updated = await context.ConsoleLinks
                .Where(l => l.LinkId == linkId && l.UsedAt == null && l.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.RevokedAt, at), cancellationToken)
                .ConfigureAwait(false);
            return updated > 0
                || await context.ConsoleLinks.AnyAsync(l => l.LinkId == linkId && l.UsedAt == null && l.RevokedAt != null, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ScimConsoleLink ToLink(ScimConsoleLinkEntity entity) => new()
    {
        LinkId = entity.LinkId,
        TokenHash = entity.TokenHash,
        Role = (ScimConsoleRole)entity.Role,
        TenantId = entity.TenantId,
        Label = entity.Label,
        CreatedBy = entity.CreatedBy,
        CreatedAt = Utc(entity.CreatedAt),
        ExpiresAt = Utc(entity.ExpiresAt),
        UsedAt = entity.UsedAt is { } used ? Utc(used) : null,
        RevokedAt = entity.RevokedAt is { } revoked ? Utc(revoked) : null,
    };

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
