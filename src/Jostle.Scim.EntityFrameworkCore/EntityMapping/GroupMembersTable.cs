using System.Linq.Expressions;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>The rows of a group's members on the host's join entity, without knowing its types at compile time.</summary>
internal interface IGroupMembersTable<TGroup>
{
    /// <summary>Reads the model: the foreign key from the join entity to the group, and the join entity's key (the order of members).</summary>
    void Prepare(IModel model, GroupMembersDefinition definition, ScimAttributeMap<TGroup> filterMap);

    /// <summary>Whether the join entity keeps member types (so Groups can be members).</summary>
    bool KeepsTypes { get; }

    /// <summary>The members of the groups with these principal keys, in insertion (join key) order.</summary>
    Task<List<(object Group, GroupMember Member)>> ReadAsync(DbContext context, IReadOnlyList<object> groups, CancellationToken cancellationToken);

    /// <summary>Adds the members the group does not have yet (saved by the caller's <c>SaveChanges</c>).</summary>
    Task AddAsync(DbContext context, object group, IReadOnlyList<GroupMember> members, CancellationToken cancellationToken);

    /// <summary>Deletes the member rows (all of them when <paramref name="members"/> is <see langword="null"/>).</summary>
    Task RemoveAsync(DbContext context, IReadOnlyList<object> groups, IReadOnlyList<string>? members, CancellationToken cancellationToken);

    /// <summary>A predicate on the group: it has this member.</summary>
    Expression<Func<TGroup, bool>>? HasMember(string member);

    /// <summary>The group's principal key (the foreign key's target) as the database holds it.</summary>
    object PrincipalKey(DbContext context, TGroup group);
}

/// <summary>The members of <typeparamref name="TGroup"/> as rows of <typeparamref name="TMember"/>, each holding a <typeparamref name="TMemberKey"/>.</summary>
internal sealed class GroupMembersTable<TGroup, TMember, TMemberKey> : IGroupMembersTable<TGroup>
    where TGroup : class
    where TMember : class
    where TMemberKey : notnull
{
    private string _foreignKey = "";
    private Type _foreignKeyType = typeof(object);
    private string _principalKey = "";
    private IReadOnlyList<IProperty> _order = [];
    private EntityMember _memberId = null!;
    private EntityMember? _memberType;
    private Expression<Func<TGroup, IEnumerable<TMember>>> _navigation = null!;

    public void Prepare(IModel model, GroupMembersDefinition definition, ScimAttributeMap<TGroup> filterMap)
    {
        var navigation = model.FindEntityType(typeof(TGroup))!.FindNavigation(definition.Navigation)!;
        if (navigation.ForeignKey.Properties.Count != 1)
        {
            throw new InvalidOperationException($"The SCIM attribute 'members' is mapped to {typeof(TGroup).Name}.{definition.Navigation}, whose foreign key has {navigation.ForeignKey.Properties.Count} columns: the store needs a single-column foreign key to the group.");
        }

        _foreignKey = navigation.ForeignKey.Properties[0].Name;
        _foreignKeyType = navigation.ForeignKey.Properties[0].ClrType;
        _principalKey = navigation.ForeignKey.PrincipalKey.Properties[0].Name;
        _order = navigation.TargetEntityType.FindPrimaryKey()?.Properties ?? [];
        _memberId = definition.MemberId;
        _memberType = definition.MemberType;
        var group = Expression.Parameter(typeof(TGroup), "g");
        _navigation = Expression.Lambda<Func<TGroup, IEnumerable<TMember>>>(Expression.Convert(Expression.Property(group, definition.Navigation), typeof(IEnumerable<TMember>)), group);

        // members[value eq "…"] (a User's groups) and members.value filters: an EXISTS on the join rows.
        filterMap.MapCollection("members", _navigation, element =>
        {
            element.Map("value", MemberIdText());
            if (_memberType is not null)
            {
                element.Map("type", (Expression<Func<TMember, string?>>)_memberType.Lambda);
            }
        });
    }

    /// <summary>The member id as text, for filters: the member itself for a string key, else its <c>ToString()</c>.</summary>
    private Expression<Func<TMember, string?>> MemberIdText()
    {
        var body = _memberId.Lambda.Body;
        return Expression.Lambda<Func<TMember, string?>>(
            _memberId.ValueType == typeof(string) ? body : Expression.Call(body, _memberId.Type.GetMethod(nameof(ToString), Type.EmptyTypes)!),
            _memberId.Lambda.Parameters);
    }

    private Expression ForeignKey(ParameterExpression member) =>
        Expression.Call(typeof(EF), nameof(EF.Property), [_foreignKeyType], member, Expression.Constant(_foreignKey));

    private Expression<Func<TMember, bool>> OfGroups(IReadOnlyList<object> groups)
    {
        var member = Expression.Parameter(typeof(TMember), "m");
        var array = Array.CreateInstance(_foreignKeyType, groups.Count);
        for (var i = 0; i < groups.Count; i++)
        {
            array.SetValue(groups[i], i);
        }

        var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [_foreignKeyType], Expression.Constant(array), ForeignKey(member));
        return Expression.Lambda<Func<TMember, bool>>(contains, member);
    }

    private Expression<Func<TMember, bool>> OfMembers(List<TMemberKey> keys)
    {
        var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TMemberKey)], Expression.Constant(keys), _memberId.Lambda.Body);
        return Expression.Lambda<Func<TMember, bool>>(contains, _memberId.Lambda.Parameters);
    }

    private static List<TMemberKey> Keys(IEnumerable<string> members) =>
        [.. members.Select(m => EntityMember.ParseKey(m, typeof(TMemberKey))).OfType<TMemberKey>().Distinct()];

    private IQueryable<TMember> Ordered(IQueryable<TMember> rows)
    {
        IOrderedQueryable<TMember>? ordered = null;
        foreach (var property in _order)
        {
            var member = Expression.Parameter(typeof(TMember), "m");
            var key = Expression.Lambda(Expression.Call(typeof(EF), nameof(EF.Property), [property.ClrType], member, Expression.Constant(property.Name)), member);
            ordered = (IOrderedQueryable<TMember>)rows.Provider.CreateQuery<TMember>(Expression.Call(typeof(Queryable),
                ordered is null ? nameof(Queryable.OrderBy) : nameof(Queryable.ThenBy), [typeof(TMember), property.ClrType], (ordered ?? rows).Expression, Expression.Quote(key)));
        }

        return ordered ?? rows;
    }

    public bool KeepsTypes => _memberType is not null;

    public async Task<List<(object Group, GroupMember Member)>> ReadAsync(DbContext context, IReadOnlyList<object> groups, CancellationToken cancellationToken)
    {
        if (groups.Count == 0)
        {
            return [];
        }

        var rows = await Ordered(context.Set<TMember>().AsNoTracking().Where(OfGroups(groups))).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => (context.Entry(r).Property(_foreignKey).CurrentValue!,
            new GroupMember(EntityMember.KeyToString(_memberId.Get(r))!, _memberType is null ? "User" : _memberType.Get(r) as string)))];
    }

    public async Task AddAsync(DbContext context, object group, IReadOnlyList<GroupMember> members, CancellationToken cancellationToken)
    {
        var types = new Dictionary<TMemberKey, string?>();
        foreach (var member in members)
        {
            if (EntityMember.ParseKey(member.Value, typeof(TMemberKey)) is TMemberKey parsed)
            {
                types.TryAdd(parsed, member.Type);
            }
        }

        var keys = Keys(members.Select(m => m.Value));
        if (keys.Count == 0)
        {
            return;
        }

        var present = new HashSet<TMemberKey>();
        foreach (var chunk in keys.Chunk(1000))
        {
            var rows = await context.Set<TMember>().AsNoTracking().Where(OfGroups([group])).Where(OfMembers([.. chunk])).ToListAsync(cancellationToken).ConfigureAwait(false);
            present.UnionWith(rows.Select(r => (TMemberKey)_memberId.Get(r)!));
        }

        foreach (var key in keys.Where(k => !present.Contains(k)))
        {
            var row = Activator.CreateInstance<TMember>();
            _memberId.Set(row, key);
            _memberType?.Set(row, types.GetValueOrDefault(key));
            context.Entry(row).Property(_foreignKey).CurrentValue = group;
            context.Add(row);
        }
    }

    public async Task RemoveAsync(DbContext context, IReadOnlyList<object> groups, IReadOnlyList<string>? members, CancellationToken cancellationToken)
    {
        if (groups.Count == 0)
        {
            return;
        }

        var rows = context.Set<TMember>().Where(OfGroups(groups));
        if (members is not null)
        {
            var keys = Keys(members);
            if (keys.Count == 0)
            {
                return;
            }

            rows = rows.Where(OfMembers(keys));
        }

        await rows.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public Expression<Func<TGroup, bool>>? HasMember(string member)
    {
        if (EntityMember.ParseKey(member, typeof(TMemberKey)) is not TMemberKey key)
        {
            return null;
        }

        var row = _memberId.Lambda.Parameters[0];
        var value = Expression.Property(Expression.Constant(new Parameter<TMemberKey>(key)), nameof(Parameter<TMemberKey>.Value));
        var test = Expression.Lambda<Func<TMember, bool>>(Expression.Equal(_memberId.Lambda.Body, value), row);
        var any = Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [typeof(TMember)], _navigation.Body, test);
        return Expression.Lambda<Func<TGroup, bool>>(any, _navigation.Parameters);
    }

    public object PrincipalKey(DbContext context, TGroup group) => context.Entry(group).Property(_principalKey).CurrentValue!;
}
