using System.Text.Json.Nodes;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimUserStore"/> on EF Core (<see cref="ScimDbContext"/>). Filters, sorting, paging and the total
/// run in SQL; <c>userName</c> uniqueness is a unique index on the normalised name per tenant; replaces and deletes
/// are optimistic on the version column. Each call uses its own short-lived context.
/// </summary>
/// <param name="contextFactory">Creates the contexts.</param>
public sealed class EfScimUserStore(IDbContextFactory<ScimDbContext> contextFactory) : EfScimStoreBase(contextFactory), IScimUserStore
{
    /// <inheritdoc />
    public async ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(document);
        var user = new ScimUserEntity();
        EntityDocuments.Fill(user, tenantId, document);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            context.Users.Add(user);
            try
            {
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException e) when (IsUniqueViolation(e, out var userName))
            {
                return StoreResult.Conflict(userName ? "userName" : "id");
            }
        }

        return StoreResult.Success(new StoredResource(user.Id, user.Version, EntityDocuments.Element(user.Document)));
    }

    /// <inheritdoc />
    public async ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var row = await context.Users.AsNoTracking()
                .Where(u => u.TenantId == tenantId && u.Id == id)
                .Select(u => new { u.Id, u.Version, u.Document })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return row is null ? null : new StoredResource(row.Id, row.Version, EntityDocuments.Element(row.Document));
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = EntityDocuments.RequiredString(document, "id");
        for (var attempt = 1; ; attempt++)
        {
            var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                var user = await context.Users
                    .Include(u => u.Emails)
                    .Include(u => u.PhoneNumbers)
                    .AsSplitQuery()
                    .FirstOrDefaultAsync(u => u.TenantId == tenantId && u.Id == id, cancellationToken).ConfigureAwait(false);
                if (user is null)
                {
                    return StoreResult.NotFound;
                }

                if (expectedVersion is not null && !string.Equals(user.Version, expectedVersion, StringComparison.Ordinal))
                {
                    return StoreResult.VersionMismatch;
                }

                EntityDocuments.Fill(user, tenantId, document);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(new StoredResource(user.Id, user.Version, EntityDocuments.Element(user.Document)));
                }
                catch (DbUpdateConcurrencyException) when (expectedVersion is not null)
                {
                    return StoreResult.VersionMismatch;
                }
                catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
                {
                    // Lost a race to another writer and the caller did not ask for a version: read again and retry.
                }
                catch (DbUpdateException e) when (IsUniqueViolation(e, out var userName))
                {
                    return StoreResult.Conflict(userName ? "userName" : "id");
                }
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var users = context.Users.Where(u => u.TenantId == tenantId && u.Id == id);
            var deleted = expectedVersion is null
                ? await users.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false)
                : await users.Where(u => u.Version == expectedVersion).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                return StoreResult.Success(null);
            }

            return await users.AnyAsync(cancellationToken).ConfigureAwait(false) ? StoreResult.VersionMismatch : StoreResult.NotFound;
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var users = context.Users.AsNoTracking();
            if (query.Filter is not null && EmailLookupHint.Find(query.Filter) is { } email)
            {
                // Every match has this email: start from the email index. The email rows carry the tenant, so the
                // tenant condition is implied, and leaving it out keeps SQLite from scanning the tenant's users instead.
                var normalized = ScimAttributeMap.Normalize(email);
                var owners = context.UserEmails.Where(e => e.TenantId == tenantId && e.NormalizedValue == normalized).Select(e => e.UserKey);
                users = users.Where(u => owners.Contains(u.Key));
            }
            else
            {
                users = users.Where(u => u.TenantId == tenantId);
            }

            if (query.Filter is not null)
            {
                users = users.Where(ScimLinqTranslator.Translate(query.Filter, query.ResourceType, EntityDocuments.UserMap));
            }

            var ordered = query.SortBy is null
                ? users.OrderBy(u => u.Key)
                : ScimLinqTranslator.ApplySort(users, query.SortBy, query.Descending, query.ResourceType, EntityDocuments.UserMap).ThenBy(u => u.Key);
            var total = await users.CountAsync(cancellationToken).ConfigureAwait(false);
            if (query.Count <= 0 || total < query.StartIndex)
            {
                return new StoreQueryResult([], total);
            }

            var rows = await ordered
                .Skip(Math.Max(query.StartIndex, 1) - 1)
                .Take(query.Count)
                .Select(u => new { u.Id, u.Version, u.Document })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return new StoreQueryResult([.. rows.Select(r => new StoredResource(r.Id, r.Version, EntityDocuments.Element(r.Document)))], total);
        }
    }
}
