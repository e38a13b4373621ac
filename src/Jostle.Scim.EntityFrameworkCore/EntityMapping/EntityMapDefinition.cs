using System.Linq.Expressions;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>A mapped path as the host declared it.</summary>
internal sealed record MappedPath(string Path, EntityMember Member, EntityMember? Normalized);

/// <summary>The members of a group: a collection navigation to a join entity and the join entity's member key.</summary>
internal sealed record GroupMembersDefinition(string Navigation, Type MemberEntity, EntityMember MemberId, EntityMember? MemberType, Type TableType);

/// <summary>What a <see cref="ScimEntityMap{TEntity, TMap}"/> declared, before it meets the schema registry.</summary>
internal sealed class EntityMapDefinition(Type entityType)
{
    public Type EntityType { get; } = entityType;

    public EntityMember? Id { get; set; }

    public EntityMember? Tenant { get; set; }

    public EntityMember? Created { get; set; }

    public EntityMember? LastModified { get; set; }

    public EntityMember? Version { get; set; }

    public EntityMember? Overflow { get; set; }

    public List<MappedPath> Paths { get; } = [];

    public void Add(string path, EntityMember member, EntityMember? normalized)
    {
        if (Paths.Any(p => string.Equals(p.Path, path, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"The SCIM attribute '{path}' is mapped twice.", nameof(path));
        }

        Paths.Add(new MappedPath(path, member, normalized));
    }

    public MappedPath? Find(string path) => Paths.FirstOrDefault(p => string.Equals(p.Path, path, StringComparison.OrdinalIgnoreCase));

    /// <summary>The same map as a filter map for <see cref="ScimLinqTranslator"/>: every path, <c>id</c>, <c>meta.created</c>/<c>lastModified</c> and the overflow column.</summary>
    public ScimAttributeMap<TEntity> FilterMap<TEntity>()
    {
        var map = new ScimAttributeMap<TEntity>();
        if (Id is { } id)
        {
            if (id.ValueType == typeof(string))
            {
                AddToMap(map, "id", id.Lambda, null);
            }
            else
            {
                var body = Expression.Call(id.Lambda.Body, id.Type.GetMethod(nameof(ToString), Type.EmptyTypes)!);
                AddToMap(map, "id", Expression.Lambda(body, id.Lambda.Parameters), null);
            }
        }

        foreach (var path in Paths)
        {
            AddToMap(map, path.Path, path.Member.Lambda, path.Normalized?.Lambda);
        }

        if (Created is { } created)
        {
            AddToMap(map, "meta.created", created.Lambda, null);
        }

        if (LastModified is { } lastModified)
        {
            AddToMap(map, "meta.lastModified", lastModified.Lambda, null);
        }

        if (Overflow is { } overflow)
        {
            map.MapDocument((Expression<Func<TEntity, string?>>)overflow.Lambda, ScimEntityFrameworkJson.Access);
        }

        return map;
    }

    private static void AddToMap<TEntity>(ScimAttributeMap<TEntity> map, string path, LambdaExpression member, LambdaExpression? normalized)
    {
        var method = typeof(ScimAttributeMap<TEntity>).GetMethod(nameof(ScimAttributeMap<TEntity>.Map))!.MakeGenericMethod(member.ReturnType);
        try
        {
            method.Invoke(map, [path, member, normalized]);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}

/// <summary>A single-valued attribute (or sub-attribute) on a member.</summary>
internal sealed record ScalarMapping(string Path, SchemaDefinition Schema, bool IsCore, AttributeDefinition Attribute, AttributeDefinition? Sub, EntityMember Member, EntityMember? Normalized)
{
    /// <summary>The attribute the value has (the sub-attribute, when there is one).</summary>
    public AttributeDefinition Leaf => Sub ?? Attribute;
}

/// <summary>The slots of one multi-valued attribute: elements told apart by <see cref="Key"/> (<c>type</c>).</summary>
internal sealed record SlotGroup(SchemaDefinition Schema, bool IsCore, AttributeDefinition Attribute, string Key, List<SlotMapping> Slots);

/// <summary>One slot: the discriminator value and its sub-attributes' members (the first makes the element exist).</summary>
internal sealed record SlotMapping(string Value, List<(AttributeDefinition Sub, EntityMember Member, EntityMember? Normalized)> Subs);

/// <summary>A map resolved against a resource type: what the document mapper and the store work with.</summary>
internal sealed class ResolvedEntityMap
{
    public required ResourceTypeDefinition ResourceType { get; init; }

    public required EntityMapDefinition Definition { get; init; }

    public List<ScalarMapping> Scalars { get; } = [];

    public List<SlotGroup> SlotGroups { get; } = [];

    public ScalarMapping? Scalar(string attribute) =>
        Scalars.FirstOrDefault(s => s.IsCore && s.Sub is null && string.Equals(s.Attribute.Name, attribute, StringComparison.OrdinalIgnoreCase));
}
