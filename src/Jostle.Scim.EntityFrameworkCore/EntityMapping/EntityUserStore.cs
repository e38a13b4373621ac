using System.Text.Json.Nodes;
using Jostle.Scim.Filtering.Analysis;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimUserStore"/> over the host's own person entity, through a <see cref="ScimUserMap{TUser}"/>:
/// documents are composed from the mapped members (and the overflow column); <c>userName</c> uniqueness is the
/// host's unique index; versions are the entity's concurrency token, so a host's own write is a conflict for a SCIM
/// write that read before it.
/// </summary>
internal sealed class EntityUserStore<TContext, TUser>(IServiceProvider services, EntityMapDefinition definition, ScimEntityStoreOptions options)
    : EntityStoreBase<TContext, TUser>(services, definition, "User", options, null), IScimUserStore, IScimEntityStore
    where TContext : DbContext
    where TUser : class
{
    public async ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(document);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var user = NewEntity(tenantId, document);
        var notStored = Fill(user, document, create: true);
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var context = lease.Context;
        using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
        context.Add(user);
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException e) when (UniqueViolation(e) is { } attribute)
        {
            return StoreResult.Conflict(attribute);
        }

        return StoreResult.Success(Stored(user)) with { NotStored = notStored };
    }

    public async ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) =>
        await ReadAsync(async context =>
        {
            var user = await WithId(InTenant(context.Set<TUser>().AsNoTracking(), tenantId), id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return user is null ? null : Stored(user);
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlySet<string>> FindExistingAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return await ReadAsync<IReadOnlySet<string>>(async context =>
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(1000))
            {
                var rows = await WithIds(InTenant(context.Set<TUser>().AsNoTracking(), tenantId), chunk).ToListAsync(cancellationToken).ConfigureAwait(false);
                found.UnionWith(rows.Select(Mapper.Id));
            }

            found.IntersectWith(ids);
            return found;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = document["id"]?.GetValue<string>() ?? throw new ArgumentException("The document has no id.", nameof(document));
        for (var attempt = 1; ; attempt++)
        {
            await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
            var context = lease.Context;
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var user = await WithId(InTenant(context.Set<TUser>(), tenantId), id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                return StoreResult.NotFound;
            }

            if (expectedVersion is not null && !string.Equals(Mapper.Version(user), expectedVersion, StringComparison.Ordinal))
            {
                return StoreResult.VersionMismatch;
            }

            var notStored = Fill(user, document, create: false);
            try
            {
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return StoreResult.Success(Stored(user)) with { NotStored = notStored };
            }
            catch (DbUpdateConcurrencyException) when (expectedVersion is not null)
            {
                return StoreResult.VersionMismatch;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another writer (the host's own code, or another request) changed the row between our read and our write: read again.
            }
            catch (DbUpdateException e) when (UniqueViolation(e) is { } attribute)
            {
                return StoreResult.Conflict(attribute);
            }
        }
    }

    public async ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
            var context = lease.Context;
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var user = await WithId(InTenant(context.Set<TUser>(), tenantId), id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                return StoreResult.NotFound;
            }

            if (expectedVersion is not null && !string.Equals(Mapper.Version(user), expectedVersion, StringComparison.Ordinal))
            {
                return StoreResult.VersionMismatch;
            }

            context.Remove(user);
            try
            {
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return StoreResult.Success(null);
            }
            catch (DbUpdateConcurrencyException) when (expectedVersion is not null)
            {
                return StoreResult.VersionMismatch;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Changed or deleted meanwhile: read again (a row deleted meanwhile is then NotFound).
            }
        }
    }

    public async ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await ReadAsync(async context =>
        {
            if (query is { SortBy: null, StartIndex: <= 1, Count: >= 1, After: null } && ScimFilterAnalysis.UserNameEquality(query.Filter) is { } userName
                && LookupFor(query.ResourceType) is { } lookup)
            {
                // Entra's lookup: a compiled query, the same rows the general path reads for this filter. Fewer rows
                // than asked for is the whole result (the general path's total too); a full page (userName without a
                // unique index) goes the general way, for its count.
                var rows = await lookup.FindAsync(context, tenantId, userName, query.Count, cancellationToken).ConfigureAwait(false);
                if (rows.Count < query.Count)
                {
                    return new StoreQueryResult([.. rows.Select(u => Stored(u))], rows.Count);
                }
            }

            var (page, total, nextAfter) = await QueryEntitiesAsync(context, tenantId, query, cancellationToken).ConfigureAwait(false);
            return new StoreQueryResult([.. page.Select(u => Stored(u))], total) { NextAfter = nextAfter };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The compiled <c>userName eq</c> lookup for a resource type (translated once; <see langword="null"/> when the map does not allow one).</summary>
    private UserNameLookup<TContext, TUser>? LookupFor(ResourceTypeDefinition resourceType)
    {
        var slot = _userNameLookup;
        if (slot is null || !ReferenceEquals(slot.ResourceType, resourceType))
        {
            slot = new LookupSlot(resourceType, UserNameLookup<TContext, TUser>.Create(resourceType, FilterMap, Definition.Tenant, OrderKey));
            _userNameLookup = slot;
        }

        return slot.Lookup;
    }

    private volatile LookupSlot? _userNameLookup;

    private sealed record LookupSlot(ResourceTypeDefinition ResourceType, UserNameLookup<TContext, TUser>? Lookup);
}

/// <summary>An entity-mapped store, checked at start-up.</summary>
internal interface IScimEntityStore
{
    Task EnsureReadyAsync(CancellationToken cancellationToken = default);
}
