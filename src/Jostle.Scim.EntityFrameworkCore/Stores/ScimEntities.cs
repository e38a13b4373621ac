namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// A SCIM User as the EF Core store keeps it: the full document as JSON text, plus the attributes filters and sorts
/// use, each in its own column (case-insensitive ones with a normalised, upper-case twin).
/// </summary>
public sealed class ScimUserEntity
{
    /// <summary>The surrogate key; its order is creation order.</summary>
    public long Key { get; set; }

    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The SCIM <c>id</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary><c>userName</c>, as sent.</summary>
    public string UserName { get; set; } = "";

    /// <summary><c>userName</c> normalised (upper-case invariant); unique per tenant.</summary>
    public string NormalizedUserName { get; set; } = "";

    /// <summary><c>externalId</c> (case-exact).</summary>
    public string? ExternalId { get; set; }

    /// <summary><c>displayName</c>.</summary>
    public string? DisplayName { get; set; }

    /// <summary><c>displayName</c> normalised.</summary>
    public string? NormalizedDisplayName { get; set; }

    /// <summary><c>active</c>.</summary>
    public bool? Active { get; set; }

    /// <summary><c>name.givenName</c>.</summary>
    public string? GivenName { get; set; }

    /// <summary><c>name.givenName</c> normalised.</summary>
    public string? NormalizedGivenName { get; set; }

    /// <summary><c>name.familyName</c>.</summary>
    public string? FamilyName { get; set; }

    /// <summary><c>name.familyName</c> normalised.</summary>
    public string? NormalizedFamilyName { get; set; }

    /// <summary><c>nickName</c>.</summary>
    public string? NickName { get; set; }

    /// <summary><c>title</c>.</summary>
    public string? Title { get; set; }

    /// <summary><c>userType</c>.</summary>
    public string? UserType { get; set; }

    /// <summary>Enterprise extension <c>employeeNumber</c>.</summary>
    public string? EmployeeNumber { get; set; }

    /// <summary>Enterprise extension <c>costCenter</c>.</summary>
    public string? CostCenter { get; set; }

    /// <summary>Enterprise extension <c>organization</c>.</summary>
    public string? Organization { get; set; }

    /// <summary>Enterprise extension <c>division</c>.</summary>
    public string? Division { get; set; }

    /// <summary>Enterprise extension <c>department</c>.</summary>
    public string? Department { get; set; }

    /// <summary>Enterprise extension <c>manager.value</c> (the manager's id).</summary>
    public string? ManagerId { get; set; }

    /// <summary>Jostle extension <c>alternateEmail1Label</c>.</summary>
    public string? AlternateEmail1Label { get; set; }

    /// <summary>Jostle extension <c>alternateEmail2Label</c>.</summary>
    public string? AlternateEmail2Label { get; set; }

    /// <summary><c>meta.created</c> (UTC).</summary>
    public DateTime? Created { get; set; }

    /// <summary><c>meta.lastModified</c> (UTC).</summary>
    public DateTime? LastModified { get; set; }

    /// <summary><c>meta.version</c>; the optimistic concurrency token.</summary>
    public string Version { get; set; } = "";

    /// <summary>The full resource document, as JSON text.</summary>
    public string Document { get; set; } = "";

    /// <summary>The user's <c>emails</c>.</summary>
    public List<ScimUserEmailEntity> Emails { get; set; } = [];

    /// <summary>The user's <c>phoneNumbers</c>.</summary>
    public List<ScimUserPhoneNumberEntity> PhoneNumbers { get; set; } = [];
}

/// <summary>One element of a user's <c>emails</c>.</summary>
public sealed class ScimUserEmailEntity
{
    /// <summary>The surrogate key.</summary>
    public long Key { get; set; }

    /// <summary>The owning user's <see cref="ScimUserEntity.Key"/>.</summary>
    public long UserKey { get; set; }

    /// <summary>The tenant (for the lookup index).</summary>
    public string TenantId { get; set; } = "";

    /// <summary><c>value</c>.</summary>
    public string? Value { get; set; }

    /// <summary><c>value</c> normalised (upper-case invariant).</summary>
    public string? NormalizedValue { get; set; }

    /// <summary><c>type</c>.</summary>
    public string? Type { get; set; }

    /// <summary><c>primary</c>.</summary>
    public bool? Primary { get; set; }
}

/// <summary>One element of a user's <c>phoneNumbers</c>.</summary>
public sealed class ScimUserPhoneNumberEntity
{
    /// <summary>The surrogate key.</summary>
    public long Key { get; set; }

    /// <summary>The owning user's <see cref="ScimUserEntity.Key"/>.</summary>
    public long UserKey { get; set; }

    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary><c>value</c>.</summary>
    public string? Value { get; set; }

    /// <summary><c>value</c> normalised (upper-case invariant).</summary>
    public string? NormalizedValue { get; set; }

    /// <summary><c>type</c>.</summary>
    public string? Type { get; set; }

    /// <summary><c>primary</c>.</summary>
    public bool? Primary { get; set; }
}

/// <summary>A SCIM Group as the EF Core store keeps it: the document without <c>members</c>, and its filterable attributes.</summary>
public sealed class ScimGroupEntity
{
    /// <summary>The surrogate key; its order is creation order.</summary>
    public long Key { get; set; }

    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The SCIM <c>id</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary><c>displayName</c>.</summary>
    public string? DisplayName { get; set; }

    /// <summary><c>displayName</c> normalised.</summary>
    public string? NormalizedDisplayName { get; set; }

    /// <summary>
    /// <c>displayName</c> normalised, under a unique index per tenant, while display names are unique
    /// (<c>JostleScimOptions.UniqueGroupDisplayNames</c>); otherwise <see langword="null"/>. Also <see langword="null"/> for
    /// a group that shared its name with an older group when the index was added, until it is renamed.
    /// </summary>
    public string? UniqueDisplayName { get; set; }

    /// <summary><c>externalId</c>.</summary>
    public string? ExternalId { get; set; }

    /// <summary><c>meta.created</c> (UTC).</summary>
    public DateTime? Created { get; set; }

    /// <summary><c>meta.lastModified</c> (UTC).</summary>
    public DateTime? LastModified { get; set; }

    /// <summary><c>meta.version</c>; the optimistic concurrency token.</summary>
    public string Version { get; set; } = "";

    /// <summary>The resource document without <c>members</c>, as JSON text.</summary>
    public string Document { get; set; } = "";

    /// <summary>The members (one row each).</summary>
    public List<ScimGroupMemberEntity> Members { get; set; } = [];
}

/// <summary>One member of a group: its own row, so that membership changes touch only the rows they change.</summary>
public sealed class ScimGroupMemberEntity
{
    /// <summary>The surrogate key; its order is the order members were added.</summary>
    public long Key { get; set; }

    /// <summary>The tenant.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The group's SCIM id.</summary>
    public string GroupId { get; set; } = "";

    /// <summary>The member's SCIM id (<c>members.value</c>).</summary>
    public string MemberId { get; set; } = "";

    /// <summary>The member's type (<c>User</c> or <c>Group</c>), if known.</summary>
    public string? MemberType { get; set; }
}
