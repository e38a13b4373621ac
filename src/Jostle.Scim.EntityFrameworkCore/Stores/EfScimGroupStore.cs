using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Stores;
using Jostle.Scim.AspNetCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimGroupStore"/> on EF Core (<see cref="ScimDbContext"/>). Members live in their own table, one
/// row each, so a membership delta inserts or deletes only the rows it names (insert-or-ignore, in the order
/// added); the group row's version column makes replaces, deletes and deltas optimistic. Filters, sorting, paging
/// and the total run in SQL. Each call uses its own short-lived context.
/// </summary>
/// <remarks>
/// Under <see cref="JostleScimOptions.UniqueGroupDisplayNames"/> (the default) <c>displayName</c> is unique per tenant,
/// case-insensitively: a unique index on (<c>tenant_id</c>, <c>unique_display_name</c>) decides between racing creates
/// and renames, and the loser gets <see cref="StoreStatus.UniquenessConflict"/> on <c>displayName</c>. A group that
/// already shared its name with an older group when the index was added keeps its name (and may be changed) until it is
/// renamed; see <c>docs/entity-framework.md</c>.
/// </remarks>
/// <param name="contextFactory">Creates the contexts.</param>
/// <param name="options">The SCIM options (<see cref="JostleScimOptions.UniqueGroupDisplayNames"/>), or <see langword="null"/> for unique display names.</param>
public sealed class EfScimGroupStore(IDbContextFactory<ScimDbContext> contextFactory, IOptions<JostleScimOptions>? options) : EfScimStoreBase(contextFactory), IScimGroupStore
{
    private readonly bool _uniqueDisplayNames = options?.Value.UniqueGroupDisplayNames ?? true;

    /// <summary>A store whose group display names are unique per tenant (case-insensitively).</summary>
    /// <param name="contextFactory">Creates the contexts.</param>
    public EfScimGroupStore(IDbContextFactory<ScimDbContext> contextFactory)
        : this(contextFactory, null)
    {
    }

    /// <inheritdoc />
    public async ValueTask<StoreResult> CreateAsync(string tenantId, JsonObject document, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(document);
        var group = new ScimGroupEntity();
        var members = EntityDocuments.Fill(group, tenantId, document);
        group.UniqueDisplayName = _uniqueDisplayNames ? group.NormalizedDisplayName : null;
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                context.Groups.Add(group);
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbUpdateException e) when (IsUniqueViolation(e, out _))
                {
                    return StoreResult.Conflict(IsDisplayNameViolation(e) ? "displayName" : "id");
                }

                await AddMembersAsync(context, tenantId, group.Id, members, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return StoreResult.Success(Stored(group));
    }

    /// <inheritdoc />
    public ValueTask<StoredResource?> GetAsync(string tenantId, string id, CancellationToken cancellationToken = default) =>
        GetAsync(tenantId, id, includeMembers: true, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<StoredResource?> GetAsync(string tenantId, string id, bool includeMembers, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var row = await context.Groups.AsNoTracking()
                .Where(g => g.TenantId == tenantId && g.Id == id)
                .Select(g => new { g.Id, g.Version, g.Document })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                return null;
            }

            if (!includeMembers)
            {
                return new StoredResource(row.Id, row.Version, EntityDocuments.Element(row.Document));
            }

            var members = await context.GroupMembers.AsNoTracking()
                .Where(m => m.TenantId == tenantId && m.GroupId == id)
                .OrderBy(m => m.Key)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return new StoredResource(row.Id, row.Version, EntityDocuments.WithMembers(row.Document, members));
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlySet<string>> FindExistingAsync(string tenantId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            return await FindExistingAsync(ids, chunk => context.Groups.AsNoTracking().Where(g => g.TenantId == tenantId && chunk.Contains(g.Id)).Select(g => g.Id), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoreResult> ReplaceAsync(string tenantId, JsonObject document, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = EntityDocuments.RequiredString(document, "id");
        return await WriteAsync(tenantId, id, expectedVersion, async (context, group) =>
        {
            var (oldName, oldKey) = (group.NormalizedDisplayName, group.UniqueDisplayName);
            var members = EntityDocuments.Fill(group, tenantId, document);
            // A group that shared its name with an older one when the index was added (no key) keeps it until renamed.
            var grandfathered = oldKey is null && oldName is not null && string.Equals(oldName, group.NormalizedDisplayName, StringComparison.Ordinal);
            group.UniqueDisplayName = _uniqueDisplayNames && !grandfathered ? group.NormalizedDisplayName : null;
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await context.GroupMembers.Where(m => m.TenantId == tenantId && m.GroupId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await AddMembersAsync(context, tenantId, id, members, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<StoreResult> UpdateMembersAsync(string tenantId, string groupId, MembershipUpdate update, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            if (SqliteWriteGate.ForBatchedWrites(context) is { } gate)
            {
                return await gate.CommitAsync(new MembersUpdate(context, tenantId, groupId, update, expectedVersion), context, cancellationToken).ConfigureAwait(false);
            }
        }

        return await WriteAsync(tenantId, groupId, expectedVersion, async (context, group) =>
        {
            group.Version = update.NewVersion;
            group.LastModified = update.LastModified.UtcDateTime;
            group.Document = EntityDocuments.WithMeta(group.Document, update.NewVersion, update.LastModified);
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

            var members = context.GroupMembers.Where(m => m.TenantId == tenantId && m.GroupId == groupId);
            if (update.RemoveAll)
            {
                await members.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (update.Removed.Count > 0)
            {
                var removed = update.Removed.ToList();
                await members.Where(m => removed.Contains(m.MemberId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await AddMembersAsync(context, tenantId, groupId, [.. update.Added.Select(a => (a.Value, a.Type))], cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<StoreResult> DeleteAsync(string tenantId, string id, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
            var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var groups = context.Groups.Where(g => g.TenantId == tenantId && g.Id == id);
                var deleted = expectedVersion is null
                    ? await groups.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false)
                    : await groups.Where(g => g.Version == expectedVersion).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                if (deleted == 0)
                {
                    return await groups.AnyAsync(cancellationToken).ConfigureAwait(false) ? StoreResult.VersionMismatch : StoreResult.NotFound;
                }

                // The foreign key cascades too; deleting explicitly keeps a database without enforced keys clean.
                await context.GroupMembers.Where(m => m.TenantId == tenantId && m.GroupId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return StoreResult.Success(null);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Keyset paging seeks on the surrogate primary key (creation order).</remarks>
    public bool SupportsKeysetPaging => true;

    /// <inheritdoc />
    public async ValueTask<StoreQueryResult> QueryAsync(string tenantId, StoreQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var groups = context.Groups.AsNoTracking().Where(g => g.TenantId == tenantId);
            if (query.Filter is not null)
            {
                groups = groups.Where(ScimLinqTranslator.Translate(query.Filter, query.ResourceType, EntityDocuments.GroupMap));
            }

            List<ResourceRow> rows;
            int total;
            string? nextAfter = null;
            if (query.Keyset)
            {
                (rows, total, nextAfter) = await KeysetPageAsync(
                    groups, (q, after) => q.Where(g => g.Key > after), q => q.OrderBy(g => g.Key), g => new KeyedResourceRow(g.Key, g.Id, g.Version, g.Document), query, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var ordered = query.SortBy is null
                    ? groups.OrderBy(g => g.Key)
                    : ScimLinqTranslator.ApplySort(groups, query.SortBy, query.Descending, query.ResourceType, EntityDocuments.GroupMap).ThenBy(g => g.Key);
                (rows, total) = await PageAsync(groups, ordered, g => new ResourceRow(g.Id, g.Version, g.Document), query, cancellationToken).ConfigureAwait(false);
            }

            if (rows.Count == 0)
            {
                return new StoreQueryResult([], total) { NextAfter = nextAfter };
            }

            if (!query.IncludeMembers)
            {
                return new StoreQueryResult([.. rows.Select(r => new StoredResource(r.Id, r.Version, EntityDocuments.Element(r.Document)))], total) { NextAfter = nextAfter };
            }

            var ids = rows.Select(r => r.Id).ToList();
            var members = (await context.GroupMembers.AsNoTracking()
                    .Where(m => m.TenantId == tenantId && ids.Contains(m.GroupId))
                    .OrderBy(m => m.Key)
                    .ToListAsync(cancellationToken).ConfigureAwait(false))
                .ToLookup(m => m.GroupId, StringComparer.Ordinal);
            return new StoreQueryResult([.. rows.Select(r => new StoredResource(r.Id, r.Version, EntityDocuments.WithMembers(r.Document, members[r.Id])))], total) { NextAfter = nextAfter };
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One transaction: the groups holding the member are read with one query, take the new version and lastModified (in
    /// their columns and their document's <c>meta</c>) in one batched save, and the member rows go with one delete. A
    /// concurrent write to one of those groups makes the save a concurrency conflict; the whole step is then redone.
    /// </remarks>
    public async ValueTask RemoveMemberEverywhereAsync(string tenantId, string memberId, string newVersion, DateTimeOffset lastModified, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newVersion);
        for (var attempt = 1; ; attempt++)
        {
            var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
                var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var memberships = context.GroupMembers.Where(m => m.TenantId == tenantId && m.MemberId == memberId);
                    var affected = await context.Groups
                        .Where(g => g.TenantId == tenantId && memberships.Any(m => m.GroupId == g.Id))
                        .ToListAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var group in affected)
                    {
                        group.Version = newVersion;
                        group.LastModified = lastModified.UtcDateTime;
                        group.Document = EntityDocuments.WithMeta(group.Document, newVersion, lastModified);
                    }

                    try
                    {
                        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (DbUpdateConcurrencyException) when (attempt < 8)
                    {
                        continue;
                    }

                    await memberships.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Loads the group in a transaction, checks the version, applies <paramref name="write"/> (which saves) and commits;
    /// a lost race is a version mismatch, or a retry when no version was expected.
    /// </summary>
    private async Task<StoreResult> WriteAsync(string tenantId, string id, string? expectedVersion, Func<ScimDbContext, ScimGroupEntity, Task> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
                var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var group = await ReadForWriteAsync(context, tenantId, id, cancellationToken).ConfigureAwait(false);
                    if (group is null)
                    {
                        return StoreResult.NotFound;
                    }

                    if (expectedVersion is not null && !string.Equals(group.Version, expectedVersion, StringComparison.Ordinal))
                    {
                        return StoreResult.VersionMismatch;
                    }

                    try
                    {
                        await write(context, group).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return StoreResult.Success(Stored(group));
                    }
                    catch (DbUpdateConcurrencyException) when (expectedVersion is not null)
                    {
                        return StoreResult.VersionMismatch;
                    }
                    catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
                    {
                        // Another writer changed the group between our read and our write: read again.
                    }
                    catch (DbUpdateException e) when (IsDisplayNameViolation(e))
                    {
                        return StoreResult.Conflict("displayName");
                    }
                }
            }
        }
    }

    /// <summary>
    /// Reads the group to change. PostgreSQL locks the row (<c>FOR UPDATE</c>) so that concurrent writers to one group
    /// queue behind each other instead of all but one failing their version check and retrying; SQLite has one writer
    /// at a time anyway.
    /// </summary>
    private static async Task<ScimGroupEntity?> ReadForWriteAsync(ScimDbContext context, string tenantId, string id, CancellationToken cancellationToken)
    {
        if (!context.Database.IsNpgsql())
        {
            return await context.Groups.FirstOrDefaultAsync(g => g.TenantId == tenantId && g.Id == id, cancellationToken).ConfigureAwait(false);
        }

        var rows = await context.Groups
            .FromSql($"SELECT * FROM scim_groups WHERE tenant_id = {tenantId} AND id = {id} FOR UPDATE")
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.FirstOrDefault();
    }

    /// <summary>Inserts members in order, ignoring those already in the group (one row each; nothing else is read or written).</summary>
    /// <summary>
    /// Inserts members in multi-row statements (up to <see cref="MembersPerInsert"/> rows each); a member the group
    /// already has is skipped by the unique key. Only parameter placeholders are put into the SQL text.
    /// </summary>
    private static async Task AddMembersAsync(ScimDbContext context, string tenantId, string groupId, IReadOnlyList<(string Value, string? Type)> members, CancellationToken cancellationToken)
    {
        for (var start = 0; start < members.Count; start += MembersPerInsert)
        {
            var count = Math.Min(MembersPerInsert, members.Count - start);
            var sql = new StringBuilder("INSERT INTO scim_group_members (tenant_id, group_id, member_id, member_type) VALUES ");
            var parameters = new object?[2 + (2 * count)];
            parameters[0] = tenantId;
            parameters[1] = groupId;
            for (var i = 0; i < count; i++)
            {
                var (value, type) = members[start + i];
                parameters[2 + (2 * i)] = value;
                parameters[3 + (2 * i)] = type; // EF Core sends a null argument as NULL (DBNull has no type mapping).
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({{0}}, {{1}}, {{{2 + (2 * i)}}}, {{{3 + (2 * i)}}})");
            }

            sql.Append(" ON CONFLICT DO NOTHING");
            await context.Database.ExecuteSqlRawAsync(sql.ToString(), parameters!, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A membership delta in SQLite's group commit (<see cref="SqliteWriteGate.CommitAsync"/>): the member PATCHes of a
    /// provisioning cycle arrive several at once, and share one transaction and one sync to disk. Inside the batch (the
    /// write lock held) it reads the group's version and document, checks the expected version, writes the new version,
    /// lastModified and <c>meta</c>, deletes the removed member rows and inserts the added ones (insert-or-ignore, in
    /// order) — the statements the EF Core path runs, without the change tracker.
    /// </summary>
    private sealed class MembersUpdate(DbContext context, string tenantId, string groupId, MembershipUpdate update, string? expectedVersion) : SqliteBatchedWrite
    {
        private readonly RelationalTypeMapping _lastModifiedMapping = LastModifiedMapping(context);

        public override StoreResult Execute(SqliteBatch batch)
        {
            var read = batch.Command("SELECT \"key\", \"version\", \"document\" FROM \"scim_groups\" WHERE \"tenant_id\" = @tenant AND \"id\" = @id");
            read.Parameters.AddWithValue("@tenant", tenantId);
            read.Parameters.AddWithValue("@id", groupId);
            long key;
            string version, document;
            using (var reader = read.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return StoreResult.NotFound;
                }

                (key, version, document) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
            }

            if (expectedVersion is not null && !string.Equals(version, expectedVersion, StringComparison.Ordinal))
            {
                return StoreResult.VersionMismatch;
            }

            var newDocument = EntityDocuments.WithMeta(document, update.NewVersion, update.LastModified);
            var write = batch.Command("UPDATE \"scim_groups\" SET \"version\" = @version, \"last_modified\" = @lastModified, \"document\" = @document WHERE \"key\" = @key");
            write.Parameters.AddWithValue("@version", update.NewVersion);
            write.Parameters.Add(_lastModifiedMapping.CreateParameter(write, "@lastModified", (DateTime?)update.LastModified.UtcDateTime, nullable: true));
            write.Parameters.AddWithValue("@document", newDocument);
            write.Parameters.AddWithValue("@key", key);
            write.ExecuteNonQuery();

            if (update.RemoveAll)
            {
                var delete = batch.Command($"DELETE FROM \"{ScimDbContext.MembersTable}\" WHERE \"tenant_id\" = @tenant AND \"group_id\" = @group");
                delete.Parameters.AddWithValue("@tenant", tenantId);
                delete.Parameters.AddWithValue("@group", groupId);
                delete.ExecuteNonQuery();
            }
            else
            {
                foreach (var removed in update.Removed.Distinct(StringComparer.Ordinal))
                {
                    var delete = batch.Command($"DELETE FROM \"{ScimDbContext.MembersTable}\" WHERE \"tenant_id\" = @tenant AND \"group_id\" = @group AND \"member_id\" = @member");
                    delete.Parameters.AddWithValue("@tenant", tenantId);
                    delete.Parameters.AddWithValue("@group", groupId);
                    delete.Parameters.AddWithValue("@member", removed);
                    delete.ExecuteNonQuery();
                }
            }

            foreach (var added in update.Added)
            {
                var insert = batch.Command($"INSERT INTO \"{ScimDbContext.MembersTable}\" (\"tenant_id\", \"group_id\", \"member_id\", \"member_type\") VALUES (@tenant, @group, @member, @type) ON CONFLICT DO NOTHING");
                insert.Parameters.AddWithValue("@tenant", tenantId);
                insert.Parameters.AddWithValue("@group", groupId);
                insert.Parameters.AddWithValue("@member", added.Value);
                insert.Parameters.AddWithValue("@type", (object?)added.Type ?? DBNull.Value);
                insert.ExecuteNonQuery();
            }

            return StoreResult.Success(new StoredResource(groupId, update.NewVersion, EntityDocuments.Element(newDocument)));
        }

        private static RelationalTypeMapping LastModifiedMapping(DbContext context) =>
            context.Model.FindEntityType(typeof(ScimGroupEntity))!.FindProperty(nameof(ScimGroupEntity.LastModified))!.GetRelationalTypeMapping();
    }

    /// <summary>Rows per member insert: 2 + 2 × 250 parameters, far below SQLite's and PostgreSQL's limits.</summary>
    private const int MembersPerInsert = 250;

    private static StoredResource Stored(ScimGroupEntity group) => new(group.Id, group.Version, EntityDocuments.Element(group.Document));
}
