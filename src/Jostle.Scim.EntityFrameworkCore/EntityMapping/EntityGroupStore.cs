using System.Text.Json.Nodes;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimGroupStore"/> over the host's own team entity and its member join entity, through a
/// <see cref="ScimGroupMap{TGroup}"/>. A membership change inserts or deletes only the join rows it names; every
/// change to the members advances the group's concurrency token. Members are Users.
/// </summary>
internal sealed class EntityGroupStore<TContext, TGroup> : EntityStoreBase<TContext, TGroup>, IScimGroupStore, IScimEntityStore
    where TContext : DbContext
    where TGroup : class
{
    private readonly IGroupMembersTable<TGroup>? _members;

    public EntityGroupStore(IServiceProvider services, EntityMapDefinition definition, GroupMembersDefinition? members, ScimEntityStoreOptions options)
        : base(services, definition, "Group", options, members)
    {
        _members = members is null ? null : (IGroupMembersTable<TGroup>)Activator.CreateInstance(members.TableType)!;
    }

    protected override void Prepare(IModel model, ScimAttributeMap<TGroup> filterMap)
    {
        if (_members is not null && MembersDefinition is not null)
        {
            _members.Prepare(model, MembersDefinition, filterMap);
        }
    }

    private IGroupMembersTable<TGroup> Members => _members ?? throw new ScimException(ScimErrorType.InvalidValue, "This service provider keeps no group members (its group map has no Members(...)).");

    /// <summary>A document's members, each once, in order; a member of type Group is refused when the map has no place for nested groups.</summary>
    private List<GroupMember> MemberIds(JsonObject document)
    {
        var list = new List<GroupMember>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (document["members"] is JsonArray members)
        {
            foreach (var member in members.OfType<JsonObject>())
            {
                var type = member["type"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : null;
                RefuseGroup(type);
                if (member["value"] is JsonValue v && v.TryGetValue<string>(out var value) && seen.Add(value))
                {
                    list.Add(new GroupMember(value, type));
                }
            }
        }

        return list;
    }

    private void RefuseGroup(string? type)
    {
        if (_members is not { KeepsTypes: true } && string.Equals(type, "Group", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScimException(ScimErrorType.InvalidValue, "This service provider keeps only Users as group members; a Group cannot be a member of a Group here.");
        }
    }

    private static JsonArray MembersArray(IEnumerable<GroupMember> members) =>
        [.. members.Select(m => (JsonNode)(m.Type is null ? new JsonObject { ["value"] = m.Value } : new JsonObject { ["value"] = m.Value, ["type"] = m.Type }))];

    public async ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(document);
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var members = MemberIds(document);
        var group = NewEntity(tenantId, document);
        var notStored = Fill(group, document, create: true);
        await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var context = lease.Context;
        using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
        var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            context.Add(group);
            try
            {
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateException e) when (UniqueViolation(e) is { } attribute)
            {
                return StoreResult.Conflict(attribute);
            }

            if (members.Count > 0)
            {
                await Members.AddAsync(context, Members.PrincipalKey(context, group), members, cancellationToken).ConfigureAwait(false);
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return StoreResult.Success(Stored(group, members.Count > 0 ? MembersArray(members) : null)) with { NotStored = notStored };
    }

    public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) =>
        GetAsync(tenantId, id, includeMembers: true, cancellationToken);

    public async ValueTask<StoredResource?> GetAsync(string tenantId, string id, bool includeMembers, CancellationToken cancellationToken = default) =>
        await ReadAsync(async context =>
        {
            var group = await WithId(InTenant(context.Set<TGroup>().AsNoTracking(), tenantId), id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (group is null)
            {
                return null;
            }

            if (!includeMembers || _members is null)
            {
                return Stored(group);
            }

            var rows = await _members.ReadAsync(context, [_members.PrincipalKey(context, group)], cancellationToken).ConfigureAwait(false);
            return Stored(group, MembersArray(rows.Select(r => r.Member)));
        }, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IReadOnlySet<string>> FindExistingAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return await ReadAsync<IReadOnlySet<string>>(async context =>
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(1000))
            {
                var rows = await WithIds(InTenant(context.Set<TGroup>().AsNoTracking(), tenantId), chunk).ToListAsync(cancellationToken).ConfigureAwait(false);
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
        var members = MemberIds(document);
        IReadOnlyList<string> notStored = [];
        var result = await WriteAsync(tenantId, id, expectedVersion, async (context, group) =>
        {
            notStored = Fill(group, document, create: false);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            if (_members is null)
            {
                return;
            }

            // Only the rows that change when the kept members keep their order and the new ones come after them;
            // otherwise the members are written again in the document's order.
            var key = _members.PrincipalKey(context, group);
            var current = (await _members.ReadAsync(context, [key], cancellationToken).ConfigureAwait(false)).Select(r => r.Member.Value).ToList();
            var wanted = members.Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            var kept = current.Where(wanted.Contains).ToList();
            var inDocument = members.Select(m => m.Value).ToList();
            var delta = inDocument.Take(kept.Count).SequenceEqual(kept);
            if (delta)
            {
                var have = current.ToHashSet(StringComparer.Ordinal);
                await _members.RemoveAsync(context, [key], [.. current.Where(m => !wanted.Contains(m))], cancellationToken).ConfigureAwait(false);
                await _members.AddAsync(context, key, [.. members.Where(m => !have.Contains(m.Value))], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _members.RemoveAsync(context, [key], null, cancellationToken).ConfigureAwait(false);
                await _members.AddAsync(context, key, members, cancellationToken).ConfigureAwait(false);
            }

            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }, includeMembers: true, cancellationToken).ConfigureAwait(false);
        return result.Status == StoreStatus.Ok ? result with { NotStored = notStored } : result;
    }

    public async ValueTask<StoreResult> UpdateMembersAsync(string tenantId, string groupId, MembershipUpdate update, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        foreach (var added in update.Added)
        {
            RefuseGroup(added.Type);
        }

        return await WriteAsync(tenantId, groupId, expectedVersion, async (context, group) =>
        {
            Touch(context, group, update.NewVersion, update.LastModified);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            var key = Members.PrincipalKey(context, group);
            if (update.RemoveAll)
            {
                await Members.RemoveAsync(context, [key], null, cancellationToken).ConfigureAwait(false);
            }
            else if (update.Removed.Count > 0)
            {
                await Members.RemoveAsync(context, [key], [.. update.Removed], cancellationToken).ConfigureAwait(false);
            }

            await Members.AddAsync(context, key, update.Added, cancellationToken).ConfigureAwait(false);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }, includeMembers: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks a group changed without rewriting its attributes: a new version, and the new lastModified.</summary>
    private void Touch(DbContext context, TGroup group, string newVersion, DateTimeOffset lastModified)
    {
        EntityVersion.Advance(group, Definition.Version!, newVersion, lastModified);
        if (Definition.LastModified is { } modified)
        {
            modified.Set(group, modified.ValueType == typeof(DateTime) ? (object)lastModified.UtcDateTime : lastModified);
        }

        if (EntityVersion.KindOf(Definition.Version!.ValueType) == EntityVersionKind.Xmin && Definition.LastModified is null)
        {
            // xmin changes only when the row is updated: write the displayName over itself.
            context.Entry(group).Property(Definition.Find("displayName")!.Member.Name).IsModified = true;
        }
    }

    public async ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
            var context = lease.Context;
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var group = await ReadForWriteAsync(context, tenantId, id, cancellationToken).ConfigureAwait(false);
                if (group is null)
                {
                    return StoreResult.NotFound;
                }

                if (expectedVersion is not null && !string.Equals(Mapper.Version(group), expectedVersion, StringComparison.Ordinal))
                {
                    return StoreResult.VersionMismatch;
                }

                if (_members is not null)
                {
                    await _members.RemoveAsync(context, [_members.PrincipalKey(context, group)], null, cancellationToken).ConfigureAwait(false);
                }

                context.Remove(group);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(null);
                }
                catch (DbUpdateConcurrencyException) when (expectedVersion is not null)
                {
                    return StoreResult.VersionMismatch;
                }
                catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
                {
                    // Changed meanwhile: read again.
                }
            }
        }
    }

    public async ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await ReadAsync(async context =>
        {
            var (page, total, nextAfter) = await QueryEntitiesAsync(context, tenantId, query, cancellationToken).ConfigureAwait(false);
            if (!query.IncludeMembers || _members is null || page.Count == 0)
            {
                return new StoreQueryResult([.. page.Select(g => Stored(g))], total) { NextAfter = nextAfter };
            }

            var keys = page.Select(g => _members.PrincipalKey(context, g)).ToList();
            var rows = (await _members.ReadAsync(context, keys, cancellationToken).ConfigureAwait(false)).ToLookup(r => r.Group, r => r.Member);
            return new StoreQueryResult([.. page.Select((g, i) => Stored(g, MembersArray(rows[keys[i]])))], total) { NextAfter = nextAfter };
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveMemberEverywhereAsync(string tenantId, string memberId, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken = default)
    {
        if (_members?.HasMember(memberId) is not { } hasMember)
        {
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
            var context = lease.Context;
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var affected = await InTenant(context.Set<TGroup>(), tenantId).Where(hasMember).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var group in affected)
                {
                    Touch(context, group, newVersion, lastModified);
                }

                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
                {
                    continue;
                }

                await _members.RemoveAsync(context, [.. affected.Select(g => _members.PrincipalKey(context, g))], [memberId], cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Reads the group for a write in a transaction, checks the version, runs <paramref name="write"/> (which saves) and commits; a lost race is a mismatch, or a retry without an expected version.</summary>
    private async Task<StoreResult> WriteAsync(string tenantId, string id, string? expectedVersion, Func<TContext, TGroup, Task> write, bool includeMembers, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var lease = await OpenAsync(cancellationToken).ConfigureAwait(false);
            var context = lease.Context;
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var group = await ReadForWriteAsync(context, tenantId, id, cancellationToken).ConfigureAwait(false);
                if (group is null)
                {
                    return StoreResult.NotFound;
                }

                if (expectedVersion is not null && !string.Equals(Mapper.Version(group), expectedVersion, StringComparison.Ordinal))
                {
                    return StoreResult.VersionMismatch;
                }

                try
                {
                    await write(context, group).ConfigureAwait(false);
                    JsonArray? members = null;
                    if (includeMembers && _members is not null)
                    {
                        var rows = await _members.ReadAsync(context, [_members.PrincipalKey(context, group)], cancellationToken).ConfigureAwait(false);
                        members = MembersArray(rows.Select(r => r.Member));
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return StoreResult.Success(Stored(group, members));
                }
                catch (DbUpdateConcurrencyException) when (expectedVersion is not null)
                {
                    return StoreResult.VersionMismatch;
                }
                catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
                {
                    // Another writer changed the group between our read and our write: read again.
                }
                catch (DbUpdateException e) when (UniqueViolation(e) is { } attribute)
                {
                    return StoreResult.Conflict(attribute);
                }
            }
        }
    }
}
