using System.Data.Common;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>A context for one store call: from the host's <see cref="IDbContextFactory{TContext}"/>, or from a DI scope of its own.</summary>
internal readonly struct ContextLease<TContext>(TContext context, AsyncServiceScope? scope) : IAsyncDisposable
    where TContext : DbContext
{
    public TContext Context { get; } = context;

    public async ValueTask DisposeAsync()
    {
        if (scope is { } owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await Context.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A value EF Core sends as a SQL parameter (a member of a constant, not the constant itself).</summary>
internal sealed class Parameter<T>(T value)
{
    public T Value { get; } = value;
}

/// <summary>
/// What the entity-mapped user and group stores share: the context, the map checked against the schema and the EF
/// model on first use (and at start-up), tenant and id conditions, paging and the reading of unique-index violations.
/// </summary>
internal abstract class EntityStoreBase<TContext, TEntity> : IAsyncDisposable, IDisposable
    where TContext : DbContext
    where TEntity : class
{
    private readonly IServiceProvider _services;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ReadContextPool<TContext> _readers = new();
    private volatile State? _state;

    protected EntityStoreBase(IServiceProvider services, EntityMapDefinition definition, string resourceType, ScimEntityStoreOptions options, GroupMembersDefinition? members)
    {
        _services = services;
        Definition = definition;
        ResourceTypeName = resourceType;
        Options = options;
        MembersDefinition = members;
        Time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    }

    protected EntityMapDefinition Definition { get; }

    protected string ResourceTypeName { get; }

    protected ScimEntityStoreOptions Options { get; }

    protected GroupMembersDefinition? MembersDefinition { get; }

    protected TimeProvider Time { get; }

    protected EntityDocumentMapper Mapper => _state!.Mapper;

    protected ScimAttributeMap<TEntity> FilterMap => _state!.FilterMap;

    protected IEntityType EntityType => _state!.EntityType;

    /// <summary>How often a write without an expected version retries after losing a race.</summary>
    protected const int MaxAttempts = 10;

    private sealed record State(EntityDocumentMapper Mapper, ScimAttributeMap<TEntity> FilterMap, IEntityType EntityType, EntityMember OrderKey);

    /// <summary>
    /// The stable default order (and keyset position): a database-generated int or long primary key, which is creation
    /// order, when the entity has one; else the id member.
    /// </summary>
    private EntityMember OrderKeyOf(IEntityType entity)
    {
        if (entity.FindPrimaryKey()?.Properties is [{ ValueGenerated: ValueGenerated.OnAdd, PropertyInfo: { } property }]
            && (property.PropertyType == typeof(int) || property.PropertyType == typeof(long)))
        {
            var e = Expression.Parameter(typeof(TEntity), "e");
            return EntityMember.Of(Expression.Lambda(Expression.Property(e, property), e), "order");
        }

        return Definition.Id!;
    }

    /// <summary>The default order (see <see cref="OrderKeyOf"/>).</summary>
    protected EntityMember OrderKey => _state!.OrderKey;

    /// <summary>Checks the map against the schema registry and the EF model (once); throws naming every problem.</summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        if (_state is not null)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state is not null)
            {
                return;
            }

            var registry = _services.GetRequiredService<SchemaRegistry>();
            await using var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false);
            var model = lease.Context.Model;
            var resolved = EntityMapValidator.Resolve(Definition, registry.GetResourceType(ResourceTypeName), model, MembersDefinition);
            var filterMap = Definition.FilterMap<TEntity>();
            Prepare(model, filterMap);
            var entityType = model.FindEntityType(typeof(TEntity))!;
            _state = new State(new EntityDocumentMapper(resolved), filterMap, entityType, OrderKeyOf(entityType));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Lets a store add to the filter map and read the model once (the group store's members).</summary>
    protected virtual void Prepare(IModel model, ScimAttributeMap<TEntity> filterMap)
    {
    }

    private async ValueTask<ContextLease<TContext>> LeaseAsync(CancellationToken cancellationToken)
    {
        if (_services.GetService<IDbContextFactory<TContext>>() is { } factory)
        {
            return new ContextLease<TContext>(await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false), null);
        }

        var scope = _services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        return new ContextLease<TContext>(scope.ServiceProvider.GetRequiredService<TContext>(), scope);
    }

    /// <summary>A context for one call, on a checked map.</summary>
    protected async ValueTask<ContextLease<TContext>> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await LeaseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a read (untracked queries only) on a context the store's reads reuse (see <see cref="ReadContextPool{TContext}"/>):
    /// the context goes back to the pool when the read completed, and is disposed when it threw or was cancelled.
    /// </summary>
    protected async ValueTask<T> ReadAsync<T>(Func<TContext, Task<T>> read, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var lease = _readers.TryRent(out var idle) ? idle : await LeaseAsync(cancellationToken).ConfigureAwait(false);
        var completed = false;
        try
        {
            var result = await read(lease.Context).ConfigureAwait(false);
            completed = true;
            return result;
        }
        finally
        {
            await _readers.ReturnAsync(lease, completed).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the contexts the reads kept.</summary>
    public ValueTask DisposeAsync() => _readers.DisposeAsync();

    /// <summary>Disposes the contexts the reads kept.</summary>
    public void Dispose() => _readers.Dispose();

    /// <summary>The tenant's rows (all rows for a map without a tenant).</summary>
    protected IQueryable<TEntity> InTenant(IQueryable<TEntity> source, string tenantId) =>
        Definition.Tenant is { } tenant ? source.Where(Equal<string>(tenant, tenantId)) : source;

    /// <summary>The row with a SCIM id (none when the id cannot be a key of the id member's type).</summary>
    protected IQueryable<TEntity> WithId(IQueryable<TEntity> source, string id)
    {
        var id_ = Definition.Id!;
        var key = EntityMember.ParseKey(id, id_.Type);
        if (key is null)
        {
            return source.Where(_ => false);
        }

        var parameter = Activator.CreateInstance(typeof(Parameter<>).MakeGenericType(id_.ValueType), key)!;
        var value = Expression.Property(Expression.Constant(parameter), "Value");
        var body = Expression.Equal(id_.Lambda.Body, id_.Type == id_.ValueType ? value : Expression.Convert(value, id_.Type));
        return source.Where(Expression.Lambda<Func<TEntity, bool>>(body, id_.Lambda.Parameters));
    }

    /// <summary>The rows whose ids are among <paramref name="ids"/>.</summary>
    protected IQueryable<TEntity> WithIds(IQueryable<TEntity> source, IEnumerable<string> ids)
    {
        var id = Definition.Id!;
        var keys = ids.Select(i => EntityMember.ParseKey(i, id.Type)).OfType<object>().ToList();
        var array = Array.CreateInstance(id.Type, keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            array.SetValue(keys[i], i);
        }

        var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [id.Type], Expression.Constant(array), id.Lambda.Body);
        return source.Where(Expression.Lambda<Func<TEntity, bool>>(contains, id.Lambda.Parameters));
    }

    protected static Expression<Func<TEntity, bool>> Equal<T>(EntityMember member, T value)
    {
        Expression constant = Expression.Property(Expression.Constant(new Parameter<T>(value)), nameof(Parameter<T>.Value));
        if (constant.Type != member.Type)
        {
            constant = Expression.Convert(constant, member.Type);
        }

        return Expression.Lambda<Func<TEntity, bool>>(Expression.Equal(member.Lambda.Body, constant), member.Lambda.Parameters);
    }

    /// <summary>A new entity for a create: tenant set, and the id when the store chooses it (a string or Guid key).</summary>
    protected TEntity NewEntity(string tenantId, JsonObject document)
    {
        var entity = Activator.CreateInstance<TEntity>();
        Definition.Tenant?.Set(entity, tenantId);
        var id = Definition.Id!;
        var documentId = document["id"]?.GetValue<string>();
        if (documentId is not null && (id.ValueType == typeof(string) || id.ValueType == typeof(Guid)) && EntityMember.ParseKey(documentId, id.Type) is { } key)
        {
            id.Set(entity, key);
        }

        return entity;
    }

    /// <summary>Sets the mapped members from a document and advances the version; refuses (or reports) what has no place.</summary>
    protected IReadOnlyList<string> Fill(TEntity entity, JsonObject document, bool create)
    {
        var now = Time.GetUtcNow();
        var notStored = Mapper.Apply(document, entity, create, now);
        if (notStored.Count > 0 && Options.UnmappedAttributes == ScimUnmappedAttributes.Refuse)
        {
            throw new ScimException(ScimErrorType.InvalidValue,
                $"This service provider has no place to store {string.Join(", ", notStored.Select(p => "'" + p + "'"))}; leave {(notStored.Count == 1 ? "it" : "them")} out of the request.");
        }

        var version = document["meta"]?["version"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : "W/\"" + Guid.NewGuid().ToString("N") + "\"";
        EntityVersion.Advance(entity, Definition.Version!, version, now);
        return notStored;
    }

    protected StoredResource Stored(TEntity entity, JsonArray? members = null)
    {
        var document = Mapper.Compose(entity, members);
        return new StoredResource(Mapper.Id(entity), Mapper.Version(entity), JsonSerializer.SerializeToElement(document));
    }

    /// <summary>
    /// Which unique index a failed save broke: the SCIM attribute whose mapped member (or normalised member) it
    /// covers, else <c>id</c>; <see langword="null"/> when it was no unique violation.
    /// </summary>
    protected string? UniqueViolation(DbUpdateException exception)
    {
        for (Exception? inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            var unique = inner switch
            {
                SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
                DbException db => db.SqlState == "23505",
                _ => false,
            };
            if (!unique)
            {
                continue;
            }

            var constraint = inner is Npgsql.PostgresException pg ? pg.ConstraintName : null;
            foreach (var path in Definition.Paths)
            {
                var names = new[] { path.Member.Name, path.Normalized?.Name }.OfType<string>().ToList();
                foreach (var index in EntityType.GetIndexes().Where(i => i.IsUnique && i.Properties.Any(p => names.Contains(p.Name))))
                {
                    var columns = index.Properties.Select(p => p.GetColumnName()).ToList();
                    if (constraint is not null ? string.Equals(constraint, index.GetDatabaseName(), StringComparison.Ordinal)
                        : columns.All(c => inner.Message.Contains("." + c, StringComparison.OrdinalIgnoreCase)))
                    {
                        return path.Path;
                    }
                }
            }

            return "id";
        }

        return null;
    }

    /// <summary>
    /// Reads the entity to change, tracked. On PostgreSQL the row is locked (<c>FOR UPDATE</c>) inside the caller's
    /// transaction, so concurrent writers to one row queue instead of failing their version check; SQLite has one
    /// writer at a time anyway.
    /// </summary>
    protected async Task<TEntity?> ReadForWriteAsync(TContext context, string tenantId, string id, CancellationToken cancellationToken)
    {
        var rows = InTenant(context.Set<TEntity>(), tenantId);
        if (context.Database.IsNpgsql() && context.Database.CurrentTransaction is not null && EntityMember.ParseKey(id, Definition.Id!.Type) is { } key)
        {
            var table = EntityType.GetSchemaQualifiedTableName()!;
            var quoted = string.Join(".", table.Split('.').Select(part => "\"" + part.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
            var column = EntityType.FindProperty(Definition.Id!.Name)!.GetColumnName();
            var sql = $"SELECT * FROM {quoted} WHERE \"{column.Replace("\"", "\"\"", StringComparison.Ordinal)}\" = {{0}} FOR UPDATE";
            rows = InTenant(context.Set<TEntity>().FromSqlRaw(sql, key), tenantId);
        }

        return await WithId(rows, id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether keyset paging is possible: an ordered key (int, long or string).</summary>
    public bool SupportsKeysetPaging
    {
        get
        {
            EnsureReadyAsync().GetAwaiter().GetResult();
            var key = OrderKey.ValueType;
            return key == typeof(int) || key == typeof(long) || key == typeof(string);
        }
    }

    /// <summary>Filter, sort, page and total of a query, in SQL; the page's entities untracked.</summary>
    protected async Task<(List<TEntity> Page, int Total, string? NextAfter)> QueryEntitiesAsync(TContext context, string tenantId, StoreQuery query, CancellationToken cancellationToken)
    {
        var matching = InTenant(context.Set<TEntity>().AsNoTracking(), tenantId);
        if (query.Filter is not null)
        {
            matching = matching.Where(ScimLinqTranslator.Translate(query.Filter, query.ResourceType, FilterMap));
        }

        if (query.Count <= 0)
        {
            return ([], await matching.CountAsync(cancellationToken).ConfigureAwait(false), null);
        }

        if (query.Keyset)
        {
            var seek = query.After is null ? matching : matching.Where(After(query.After));
            var rows = await OrderByKey(seek).Take(query.Count + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
            var more = rows.Count > query.Count;
            if (more)
            {
                rows.RemoveAt(rows.Count - 1);
            }

            var all = query.After is null && !more ? rows.Count : await matching.CountAsync(cancellationToken).ConfigureAwait(false);
            return (rows, all, more ? EntityMember.KeyToString(OrderKey.Get(rows[^1])) : null);
        }

        var ordered = query.SortBy is null
            ? OrderByKey(matching)
            : ThenByKey(ScimLinqTranslator.ApplySort(matching, query.SortBy, query.Descending, query.ResourceType, FilterMap));
        var start = Math.Max(query.StartIndex, 1);
        var page = await ordered.Skip(start - 1).Take(query.Count).ToListAsync(cancellationToken).ConfigureAwait(false);
        var total = page.Count < query.Count && (page.Count > 0 || start == 1)
            ? start - 1 + page.Count
            : await matching.CountAsync(cancellationToken).ConfigureAwait(false);
        return (page, total, null);
    }

    private IOrderedQueryable<TEntity> OrderByKey(IQueryable<TEntity> source) =>
        (IOrderedQueryable<TEntity>)source.Provider.CreateQuery<TEntity>(Expression.Call(typeof(Queryable), nameof(Queryable.OrderBy),
            [typeof(TEntity), OrderKey.Type], source.Expression, Expression.Quote(OrderKey.Lambda)));

    private IOrderedQueryable<TEntity> ThenByKey(IOrderedQueryable<TEntity> source) =>
        (IOrderedQueryable<TEntity>)source.Provider.CreateQuery<TEntity>(Expression.Call(typeof(Queryable), nameof(Queryable.ThenBy),
            [typeof(TEntity), OrderKey.Type], source.Expression, Expression.Quote(OrderKey.Lambda)));

    /// <summary>The rows after a keyset position (the id of the previous page's last row): <c>key &gt; @after</c>.</summary>
    private Expression<Func<TEntity, bool>> After(string after)
    {
        var id = OrderKey;
        var key = EntityMember.ParseKey(after, id.Type)
            ?? throw new ScimException(ScimErrorType.InvalidCursor, "The cursor does not name a position in this store; start again with cursor= (empty).");
        var parameter = Activator.CreateInstance(typeof(Parameter<>).MakeGenericType(id.ValueType), key)!;
        Expression value = Expression.Property(Expression.Constant(parameter), "Value");
        Expression body = id.ValueType == typeof(string)
            ? Expression.GreaterThan(Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, id.Lambda.Body, value), Expression.Constant(0))
            : Expression.GreaterThan(id.Lambda.Body, id.Type == id.ValueType ? value : Expression.Convert(value, id.Type));
        return Expression.Lambda<Func<TEntity, bool>>(body, id.Lambda.Parameters);
    }
}
