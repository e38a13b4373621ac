using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Where a SCIM resource lives on a host's own entity: one map serves reads (the document is composed from the
/// entity), writes (only mapped members are set), filters, sorting, paging and counts. The base of
/// <see cref="ScimUserMap{TUser}"/> and <see cref="ScimGroupMap{TGroup}"/>.
/// </summary>
/// <typeparam name="TEntity">The host's entity class.</typeparam>
/// <typeparam name="TMap">The concrete map, returned by every method so calls chain.</typeparam>
public abstract class ScimEntityMap<TEntity, TMap>
    where TEntity : class
    where TMap : ScimEntityMap<TEntity, TMap>
{
    private protected ScimEntityMap()
    {
    }

    internal EntityMapDefinition Definition { get; } = new(typeof(TEntity));

    private TMap Self => (TMap)this;

    /// <summary>
    /// The SCIM <c>id</c>: the entity's key (<see cref="int"/>, <see cref="long"/>, <see cref="Guid"/> or
    /// <see cref="string"/>; a database-generated key is fine, the store answers with the id the database chose) or a
    /// separate unique string member.
    /// </summary>
    /// <typeparam name="TKey">The member type.</typeparam>
    /// <param name="id">The member, e.g. <c>p =&gt; p.Id</c>.</param>
    /// <returns>This map.</returns>
    public TMap Id<TKey>(Expression<Func<TEntity, TKey>> id)
    {
        ArgumentNullException.ThrowIfNull(id);
        Definition.Id = EntityMember.Of(id, "id");
        return Self;
    }

    /// <summary>The tenant column. Omit it for a single-tenant app: every tenant then sees the same rows.</summary>
    /// <param name="tenant">The member holding the tenant id, e.g. <c>p =&gt; p.TenantId</c>.</param>
    /// <returns>This map.</returns>
    public TMap Tenant(Expression<Func<TEntity, string?>> tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        Definition.Tenant = EntityMember.Of(tenant, "tenant");
        return Self;
    }

    /// <summary>
    /// Maps a single-valued attribute (<c>name.givenName</c>, <c>externalId</c>, an extension attribute by its full
    /// URN path such as <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department</c>), or one slot of
    /// a multi-valued attribute: <c>emails[type eq "work"].value</c> keeps the work email in its own column, and
    /// filters on <c>emails</c> become an OR over the slots.
    /// </summary>
    /// <typeparam name="TValue">The member type: <see cref="string"/>, <see cref="bool"/>, a number, <see cref="DateTime"/> or <see cref="DateTimeOffset"/>.</typeparam>
    /// <param name="path">The SCIM attribute path.</param>
    /// <param name="member">The member, e.g. <c>p =&gt; p.FirstName</c>.</param>
    /// <param name="normalized">
    /// For a case-insensitive string, an optional member the store keeps at <see cref="Filtering.Linq.ScimAttributeMap.Normalize"/>
    /// of the value, so filters compare it with an index.
    /// </param>
    /// <returns>This map.</returns>
    public TMap Map<TValue>(string path, Expression<Func<TEntity, TValue>> member, Expression<Func<TEntity, TValue>>? normalized = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(member);
        Definition.Add(path, EntityMember.Of(member, path), normalized is null ? null : EntityMember.Of(normalized, path));
        return Self;
    }

    /// <summary><c>meta.created</c>: a <see cref="DateTime"/> (UTC) or <see cref="DateTimeOffset"/> member the store sets on create.</summary>
    /// <typeparam name="TValue">The member type.</typeparam>
    /// <param name="created">The member.</param>
    /// <returns>This map.</returns>
    public TMap Created<TValue>(Expression<Func<TEntity, TValue>> created)
    {
        ArgumentNullException.ThrowIfNull(created);
        Definition.Created = EntityMember.Of(created, "meta.created");
        return Self;
    }

    /// <summary><c>meta.lastModified</c>: a <see cref="DateTime"/> (UTC) or <see cref="DateTimeOffset"/> member the store sets on every write.</summary>
    /// <typeparam name="TValue">The member type.</typeparam>
    /// <param name="lastModified">The member.</param>
    /// <returns>This map.</returns>
    public TMap LastModified<TValue>(Expression<Func<TEntity, TValue>> lastModified)
    {
        ArgumentNullException.ThrowIfNull(lastModified);
        Definition.LastModified = EntityMember.Of(lastModified, "meta.lastModified");
        return Self;
    }

    /// <summary>
    /// <c>meta.version</c>: the entity's concurrency token (configured with <c>IsConcurrencyToken()</c> or
    /// <c>IsRowVersion()</c>), so a SCIM write after a write by the host's own code is a version conflict, never a lost
    /// update. An <see cref="int"/>/<see cref="long"/> counter (the store increments it; the host's code must too), a
    /// <see cref="DateTime"/>/<see cref="DateTimeOffset"/> timestamp (the store sets it to now; so must the host),
    /// PostgreSQL's <c>xmin</c> (<see cref="uint"/>, the database changes it), or a <see cref="string"/> (the store
    /// writes the library's content version; the host writes any new value, e.g. a new GUID).
    /// </summary>
    /// <typeparam name="TValue">The member type.</typeparam>
    /// <param name="version">The member.</param>
    /// <returns>This map.</returns>
    public TMap Version<TValue>(Expression<Func<TEntity, TValue>> version)
    {
        ArgumentNullException.ThrowIfNull(version);
        Definition.Version = EntityMember.Of(version, "meta.version");
        return Self;
    }

    /// <summary>
    /// A JSON text column that keeps the attributes the map does not name, so they round-trip (and filters on them
    /// still run in SQL: the context must call <see cref="ScimEntityFrameworkJson.HasScimJsonFunctions"/>). Without
    /// it, unmapped attributes are dropped (and named in the provisioning log) or refused, as
    /// <see cref="ScimEntityStoreOptions.UnmappedAttributes"/> says.
    /// </summary>
    /// <param name="json">The member, e.g. <c>p =&gt; p.ScimAttributes</c>.</param>
    /// <returns>This map.</returns>
    public TMap Overflow(Expression<Func<TEntity, string?>> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Definition.Overflow = EntityMember.Of(json, "overflow");
        return Self;
    }
}

/// <summary>Where the SCIM User lives on the host's person entity (see <see cref="ScimEntityMap{TEntity, TMap}"/>).</summary>
/// <typeparam name="TUser">The host's person entity.</typeparam>
public sealed class ScimUserMap<TUser> : ScimEntityMap<TUser, ScimUserMap<TUser>>
    where TUser : class
{
    internal ScimUserMap()
    {
    }

    /// <summary>
    /// <c>userName</c> (required) and its normalised twin, which the store keeps at
    /// <see cref="Filtering.Linq.ScimAttributeMap.Normalize"/> of the name. The EF model must have a unique index on the
    /// normalised member (with the tenant member first, when mapped): it makes uniqueness atomic.
    /// </summary>
    /// <param name="userName">The member holding the name as given.</param>
    /// <param name="normalized">The member holding the normalised name.</param>
    /// <returns>This map.</returns>
    public ScimUserMap<TUser> UserName(Expression<Func<TUser, string?>> userName, Expression<Func<TUser, string?>> normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        return Map("userName", userName, normalized);
    }

    /// <summary><c>active</c> on a boolean member.</summary>
    /// <param name="active">The member, e.g. <c>p =&gt; p.Enabled</c>.</param>
    /// <returns>This map.</returns>
    public ScimUserMap<TUser> Active(Expression<Func<TUser, bool>> active) => Map("active", active);
}

/// <summary>Where the SCIM Group lives on the host's team entity (see <see cref="ScimEntityMap{TEntity, TMap}"/>).</summary>
/// <typeparam name="TGroup">The host's team entity.</typeparam>
public sealed class ScimGroupMap<TGroup> : ScimEntityMap<TGroup, ScimGroupMap<TGroup>>
    where TGroup : class
{
    internal ScimGroupMap()
    {
    }

    internal GroupMembersDefinition? MembersDefinition { get; private set; }

    /// <summary>
    /// <c>displayName</c> (required). With a unique index on it (or on <paramref name="normalized"/>, with the tenant
    /// first) in the EF model, the store answers a clash with 409 <c>uniqueness</c> atomically.
    /// </summary>
    /// <param name="displayName">The member.</param>
    /// <param name="normalized">An optional member the store keeps at the normalised name.</param>
    /// <returns>This map.</returns>
    public ScimGroupMap<TGroup> DisplayName(Expression<Func<TGroup, string?>> displayName, Expression<Func<TGroup, string?>>? normalized = null) =>
        Map("displayName", displayName, normalized);

    /// <summary>
    /// <c>members</c> on a join entity: one row per member, reached by a collection navigation of the group with a
    /// foreign key to it; <paramref name="memberId"/> holds the member User's key. A membership change inserts or
    /// deletes only the rows it names. Without <paramref name="type"/> members are Users (adding a Group as a member is a
    /// 400 <c>invalidValue</c>); with it, the join entity keeps each member's type (<c>User</c> or <c>Group</c>) and
    /// nested groups are allowed.
    /// </summary>
    /// <typeparam name="TMember">The join entity.</typeparam>
    /// <typeparam name="TMemberKey">The type of the member's key (the User map's <c>Id</c> type).</typeparam>
    /// <param name="members">The navigation, e.g. <c>t =&gt; t.Members</c>.</param>
    /// <param name="memberId">The join entity's member holding the User's key, e.g. <c>m =&gt; m.PersonId</c>.</param>
    /// <param name="type">Optional: the join entity's string member holding the member's type, for nested groups.</param>
    /// <returns>This map.</returns>
    public ScimGroupMap<TGroup> Members<TMember, TMemberKey>(Expression<Func<TGroup, IEnumerable<TMember>>> members, Expression<Func<TMember, TMemberKey>> memberId, Expression<Func<TMember, string?>>? type = null)
        where TMember : class
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(memberId);
        MembersDefinition = new GroupMembersDefinition(
            EntityMember.NavigationName(members),
            typeof(TMember),
            EntityMember.Of(memberId, "members.value"),
            type is null ? null : EntityMember.Of(type, "members.type"),
            typeof(GroupMembersTable<,,>).MakeGenericType(typeof(TGroup), typeof(TMember), typeof(TMemberKey)));
        return this;
    }
}

/// <summary>What an entity-mapped store does with a SCIM attribute its map does not name (when there is no overflow column).</summary>
public enum ScimUnmappedAttributes
{
    /// <summary>Not stored; the request succeeds and its provisioning log record names the attributes dropped.</summary>
    Drop,

    /// <summary>The request is refused: 400 <c>invalidValue</c> naming the attributes; nothing is written.</summary>
    Refuse,
}

/// <summary>Options of the entity-mapped stores.</summary>
public sealed class ScimEntityStoreOptions
{
    /// <summary>What to do with attributes no map entry names, when the map has no overflow column. Default <see cref="ScimUnmappedAttributes.Drop"/>.</summary>
    public ScimUnmappedAttributes UnmappedAttributes { get; set; } = ScimUnmappedAttributes.Drop;
}

/// <summary>Declares the entity-mapped stores on a host's <see cref="DbContext"/>: <see cref="Users{TUser}"/> (required) and, optionally, <see cref="Groups{TGroup}"/>.</summary>
/// <typeparam name="TContext">The host's context.</typeparam>
public sealed class ScimEntityStoreBuilder<TContext>
    where TContext : DbContext
{
    internal ScimEntityStoreBuilder()
    {
    }

    internal EntityMapDefinition? UserMap { get; private set; }

    internal Type? UserEntity { get; private set; }

    internal EntityMapDefinition? GroupMap { get; private set; }

    internal Type? GroupEntity { get; private set; }

    internal GroupMembersDefinition? Members { get; private set; }

    /// <summary>Users live on <typeparamref name="TUser"/>.</summary>
    /// <typeparam name="TUser">The host's person entity.</typeparam>
    /// <param name="map">Maps the User attributes onto it.</param>
    /// <returns>This builder.</returns>
    public ScimEntityStoreBuilder<TContext> Users<TUser>(Action<ScimUserMap<TUser>> map)
        where TUser : class
    {
        ArgumentNullException.ThrowIfNull(map);
        var users = new ScimUserMap<TUser>();
        map(users);
        UserMap = users.Definition;
        UserEntity = typeof(TUser);
        return this;
    }

    /// <summary>Groups live on <typeparamref name="TGroup"/>. Without this call the host serves Users only.</summary>
    /// <typeparam name="TGroup">The host's team entity.</typeparam>
    /// <param name="map">Maps the Group attributes onto it.</param>
    /// <returns>This builder.</returns>
    public ScimEntityStoreBuilder<TContext> Groups<TGroup>(Action<ScimGroupMap<TGroup>> map)
        where TGroup : class
    {
        ArgumentNullException.ThrowIfNull(map);
        var groups = new ScimGroupMap<TGroup>();
        map(groups);
        GroupMap = groups.Definition;
        GroupEntity = typeof(TGroup);
        Members = groups.MembersDefinition;
        return this;
    }
}
