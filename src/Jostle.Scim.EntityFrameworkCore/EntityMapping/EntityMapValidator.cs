using System.Text.RegularExpressions;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Checks a map against the schema registry and the host's EF model when the app starts, and resolves it. Every
/// problem found is reported at once, each naming the SCIM attribute and the entity member.
/// </summary>
internal static partial class EntityMapValidator
{
    [GeneratedRegex("^(?<attr>[^\\[\\]\\s]+)\\[\\s*(?<key>[A-Za-z][A-Za-z0-9_$-]*)\\s+eq\\s+\"(?<value>[^\"\\\\]*)\"\\s*\\]\\.(?<sub>[A-Za-z][A-Za-z0-9_$-]*)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SlotPattern();

    public static ResolvedEntityMap Resolve(EntityMapDefinition definition, ResourceTypeDefinition resourceType, IModel model, GroupMembersDefinition? members)
    {
        var errors = new List<string>();
        var resolved = new ResolvedEntityMap { ResourceType = resourceType, Definition = definition };
        var entityName = definition.EntityType.Name;
        var entity = model.FindEntityType(definition.EntityType);
        if (entity is null)
        {
            throw Fail(resourceType, [$"{entityName} is not an entity of the DbContext's model: add a DbSet<{entityName}> or configure it in OnModelCreating."]);
        }

        var isUser = resourceType.Name == "User";
        if (definition.Id is not { } id)
        {
            errors.Add($"The SCIM attribute 'id' is not mapped: call .Id(e => e.Key) on the {resourceType.Name} map of {entityName}.");
        }
        else if (id.ValueType != typeof(string) && id.ValueType != typeof(int) && id.ValueType != typeof(long) && id.ValueType != typeof(Guid))
        {
            errors.Add($"The SCIM attribute 'id' is mapped to {id.Describe()} ({id.Type.Name}): an id member must be a string, int, long or Guid.");
        }
        else if (id.ValueType is var t && (t == typeof(int) || t == typeof(long)) && entity.FindProperty(id.Name)?.ValueGenerated != ValueGenerated.OnAdd)
        {
            errors.Add($"The SCIM attribute 'id' is mapped to {id.Describe()} ({t.Name}), which the database does not generate: an int or long id must be a database-generated key (the store cannot choose a number).");
        }

        foreach (var path in definition.Paths)
        {
            ResolvePath(path, resourceType, resolved, errors);
        }

        foreach (var member in new[] { definition.Id, definition.Tenant, definition.Created, definition.LastModified, definition.Version, definition.Overflow }.OfType<EntityMember>()
            .Concat(definition.Paths.SelectMany(p => new[] { p.Member, p.Normalized }).OfType<EntityMember>()))
        {
            if (entity.FindProperty(member.Name) is null)
            {
                errors.Add($"The SCIM attribute '{member.Usage}' is mapped to {member.Describe()}, which is not a mapped property of the EF model.");
            }
        }

        CheckTypes(definition, errors);
        CheckRequired(resourceType, definition, isUser, errors);
        CheckVersion(definition, entity, errors);
        CheckUniqueIndex(definition, entity, isUser, errors);
        if (definition.Overflow is not null && !ScimEntityFrameworkJson.IsRegistered(model))
        {
            errors.Add($"{definition.Overflow.Describe()} is the overflow column, and filters on it run in SQL: call modelBuilder.HasScimJsonFunctions(Database) in the DbContext's OnModelCreating.");
        }

        if (members is not null)
        {
            var navigation = entity.FindNavigation(members.Navigation);
            if (navigation is null || !navigation.IsCollection || navigation.TargetEntityType.ClrType != members.MemberEntity)
            {
                errors.Add($"The SCIM attribute 'members' is mapped to {entityName}.{members.Navigation}, which is not a collection navigation to {members.MemberEntity.Name} in the EF model.");
            }
            else if (navigation.TargetEntityType.FindProperty(members.MemberId.Name) is null)
            {
                errors.Add($"The SCIM attribute 'members.value' is mapped to {members.MemberId.Describe()}, which is not a mapped property of the EF model.");
            }
        }

        if (errors.Count > 0)
        {
            throw Fail(resourceType, errors);
        }

        return resolved;
    }

    private static InvalidOperationException Fail(ResourceTypeDefinition resourceType, List<string> errors) =>
        new($"The entity map of {resourceType.Name} resources does not fit the schema or the EF model:{Environment.NewLine}- " + string.Join(Environment.NewLine + "- ", errors));

    private static void ResolvePath(MappedPath path, ResourceTypeDefinition resourceType, ResolvedEntityMap resolved, List<string> errors)
    {
        var member = path.Member.Describe();
        var slot = SlotPattern().Match(path.Path);
        var attributeText = slot.Success ? slot.Groups["attr"].Value : path.Path;
        if (!AttributePath.TryParse(attributeText, out var parsed, out var error))
        {
            errors.Add($"'{path.Path}' (mapped to {member}) is not a SCIM attribute path: {error.Message}");
            return;
        }

        if (!resourceType.TryResolve(parsed.SchemaUri, parsed.Name, out var schema, out var attribute))
        {
            errors.Add($"The SCIM attribute '{path.Path}' (mapped to {member}) is not an attribute of {resourceType.Name} resources; check the name against /Schemas.");
            return;
        }

        var isCore = ReferenceEquals(schema, resourceType.Schema) || resourceType.FindSchema(schema.Id) is null;
        if (attribute.Name is "id" or "meta" || attribute.Name == "members" && resourceType.Name == "Group")
        {
            errors.Add($"The SCIM attribute '{path.Path}' (mapped to {member}) is mapped with its own method: use .Id(...), .Created(...), .LastModified(...), .Version(...) or .Members(...).");
            return;
        }

        if (slot.Success)
        {
            if (!attribute.MultiValued || attribute.Type != AttributeType.Complex)
            {
                errors.Add($"The SCIM attribute '{path.Path}' (mapped to {member}): a slot needs a multi-valued complex attribute, and '{attribute.Name}' is not one.");
                return;
            }

            var key = attribute.FindSubAttribute(slot.Groups["key"].Value);
            var sub = attribute.FindSubAttribute(slot.Groups["sub"].Value);
            if (key is null || sub is null)
            {
                errors.Add($"The SCIM attribute '{path.Path}' (mapped to {member}): '{attribute.Name}' has no sub-attribute '{(key is null ? slot.Groups["key"].Value : slot.Groups["sub"].Value)}'.");
                return;
            }

            var group = resolved.SlotGroups.FirstOrDefault(g => ReferenceEquals(g.Attribute, attribute));
            if (group is null)
            {
                group = new SlotGroup(schema, isCore, attribute, key.Name, []);
                resolved.SlotGroups.Add(group);
            }
            else if (!string.Equals(group.Key, key.Name, StringComparison.Ordinal))
            {
                errors.Add($"The SCIM attribute '{path.Path}' (mapped to {member}): the slots of '{attribute.Name}' must all be told apart by the same sub-attribute ('{group.Key}').");
                return;
            }

            var value = slot.Groups["value"].Value;
            var target = group.Slots.FirstOrDefault(s => string.Equals(s.Value, value, StringComparison.OrdinalIgnoreCase));
            if (target is null)
            {
                target = new SlotMapping(value, []);
                group.Slots.Add(target);
            }

            target.Subs.Add((sub, path.Member, path.Normalized));
            CheckType(path.Path, sub, path.Member, errors);
            return;
        }

        AttributeDefinition? subAttribute = null;
        if (parsed.SubAttribute is not null)
        {
            subAttribute = attribute.FindSubAttribute(parsed.SubAttribute);
            if (subAttribute is null)
            {
                errors.Add($"The SCIM attribute '{path.Path}' (mapped to {member}) is not an attribute of {resourceType.Name} resources: '{attribute.Name}' has no sub-attribute '{parsed.SubAttribute}'.");
                return;
            }
        }

        if (attribute.MultiValued)
        {
            errors.Add($"The SCIM attribute '{path.Path}' (mapped to {member}) is multi-valued: map each element you keep as a slot, e.g. '{attribute.Name}[type eq \"work\"].value'.");
            return;
        }

        var leaf = subAttribute ?? attribute;
        if (leaf.Type == AttributeType.Complex)
        {
            errors.Add($"The SCIM attribute '{path.Path}' (mapped to {member}) is complex: map its sub-attributes, e.g. '{attribute.Name}.{leaf.SubAttributes.FirstOrDefault()?.Name}'.");
            return;
        }

        CheckType(path.Path, leaf, path.Member, errors);
        resolved.Scalars.Add(new ScalarMapping(path.Path, schema, isCore, attribute, subAttribute, path.Member, path.Normalized));
    }

    private static void CheckType(string path, AttributeDefinition attribute, EntityMember member, List<string> errors)
    {
        var type = member.ValueType;
        var fits = attribute.Type switch
        {
            AttributeType.String or AttributeType.Reference or AttributeType.Binary => type == typeof(string),
            AttributeType.Boolean => type == typeof(bool),
            AttributeType.Integer => type == typeof(int) || type == typeof(long) || type == typeof(short),
            AttributeType.Decimal => type == typeof(decimal) || type == typeof(double) || type == typeof(float),
            AttributeType.DateTime => type == typeof(DateTime) || type == typeof(DateTimeOffset),
            _ => false,
        };
        if (!fits)
        {
            errors.Add($"The SCIM attribute '{path}' is a {attribute.Type.ToString().ToLowerInvariant()}, but it is mapped to {member.Describe()}, a {member.Type.Name}: {Expected(attribute.Type)}.");
        }
    }

    private static string Expected(AttributeType type) => type switch
    {
        AttributeType.String or AttributeType.Reference or AttributeType.Binary => "map it to a string member",
        AttributeType.Boolean => "map it to a bool member",
        AttributeType.Integer => "map it to an int or long member",
        AttributeType.Decimal => "map it to a decimal or double member",
        AttributeType.DateTime => "map it to a DateTime or DateTimeOffset member",
        _ => "it cannot be mapped to one member",
    };

    private static void CheckTypes(EntityMapDefinition definition, List<string> errors)
    {
        foreach (var (member, name) in new[] { (definition.Created, "meta.created"), (definition.LastModified, "meta.lastModified") })
        {
            if (member is not null && member.ValueType != typeof(DateTime) && member.ValueType != typeof(DateTimeOffset))
            {
                errors.Add($"'{name}' is mapped to {member.Describe()}, a {member.Type.Name}: map it to a DateTime or DateTimeOffset member.");
            }
        }

        if (definition.Tenant is { } tenant && tenant.ValueType != typeof(string))
        {
            errors.Add($"The tenant is mapped to {tenant.Describe()}, a {tenant.Type.Name}: map it to a string member.");
        }
    }

    private static void CheckRequired(ResourceTypeDefinition resourceType, EntityMapDefinition definition, bool isUser, List<string> errors)
    {
        var required = isUser ? "userName" : "displayName";
        var mapping = definition.Find(required);
        if (mapping is null)
        {
            errors.Add($"The required SCIM attribute '{required}' is not mapped: call .{(isUser ? "UserName(p => p.Login, normalized: p => p.LoginNormalized)" : "DisplayName(t => t.Name)")} on the {resourceType.Name} map of {definition.EntityType.Name}.");
        }
        else if (isUser && mapping.Normalized is null)
        {
            errors.Add($"The SCIM attribute 'userName' is mapped to {mapping.Member.Describe()} without a normalised member: userName uniqueness needs one with a unique index.");
        }
    }

    private static void CheckVersion(EntityMapDefinition definition, IEntityType entity, List<string> errors)
    {
        if (definition.Version is not { } version)
        {
            errors.Add($"'meta.version' is not mapped: call .Version(e => e.Version) on the map of {definition.EntityType.Name} with its concurrency token (an int or long counter, a DateTime timestamp, a string, or PostgreSQL's xmin).");
            return;
        }

        var kind = EntityVersion.KindOf(version.ValueType);
        if (kind is null)
        {
            errors.Add($"'meta.version' is mapped to {version.Describe()}, a {version.Type.Name}: a version must be an int or long counter, a DateTime or DateTimeOffset timestamp, a string, or PostgreSQL's xmin (uint).");
            return;
        }

        if (entity.FindProperty(version.Name) is { } property && !property.IsConcurrencyToken)
        {
            errors.Add($"'meta.version' is mapped to {version.Describe()}, which is not a concurrency token in the EF model: configure it with .IsConcurrencyToken() (or .IsRowVersion() for xmin), so that a write after another writer's is a conflict, not a lost update.");
        }
    }

    private static void CheckUniqueIndex(EntityMapDefinition definition, IEntityType entity, bool isUser, List<string> errors)
    {
        if (!isUser || definition.Find("userName") is not { Normalized: { } normalized })
        {
            return;
        }

        if (FindUniqueIndex(entity, definition.Tenant, normalized) is null)
        {
            var columns = definition.Tenant is null ? $"p.{normalized.Name}" : $"new {{ p.{definition.Tenant.Name}, p.{normalized.Name} }}";
            errors.Add($"The SCIM attribute 'userName' is mapped with its normalised value on {normalized.Describe()}, but the EF model has no unique index on it{(definition.Tenant is null ? "" : " with the tenant (" + definition.Tenant.Describe() + ")")}: add .HasIndex(p => {columns}).IsUnique(), so that userName uniqueness is atomic.");
        }
    }

    /// <summary>A unique index on exactly (tenant, value) or (value), or <see langword="null"/>.</summary>
    public static IIndex? FindUniqueIndex(IEntityType entity, EntityMember? tenant, EntityMember value) =>
        entity.GetIndexes().FirstOrDefault(i => i.IsUnique
            && i.Properties.Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal)
                .SequenceEqual(new[] { tenant?.Name, value.Name }.OfType<string>().OrderBy(n => n, StringComparer.Ordinal)));
}
