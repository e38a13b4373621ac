using System.Text.Json;

namespace Jostle.Scim.Events;

/// <summary>
/// Something a SCIM client changed, raised after the store write committed and before the response is sent. Every event
/// carries the tenant it happened in; a handler registered for one tenant receives only that tenant's events.
/// </summary>
public abstract record ScimProvisioningEvent
{
    /// <summary>The tenant the resource belongs to.</summary>
    public required string Tenant { get; init; }

    /// <summary>The resource type: <c>User</c> or <c>Group</c>.</summary>
    public required string ResourceType { get; init; }

    /// <summary>The resource's id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The authenticated caller (the automation user or client of the key or token), when known.</summary>
    public string? Actor { get; init; }

    /// <summary>The request's correlation id, shared with the provisioning log and the logs (one per HTTP request; a Bulk request's operations share it).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Within a Bulk request, the operation's <c>bulkId</c>, when it has one.</summary>
    public string? BulkId { get; init; }

    /// <summary>When the write was made (the service's clock).</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>One attribute a write changed, with its value before and after (absent = <see langword="null"/>).</summary>
/// <param name="Path">
/// The attribute: a core attribute by name (<c>active</c>, <c>name</c>, <c>emails</c>), an extension attribute by its
/// schema URN and name (<c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager</c>). A complex or
/// multi-valued attribute is reported whole.
/// </param>
/// <param name="OldValue">The value before the write, or <see langword="null"/> when it had none — and always for an attribute that is never returned (<c>password</c>).</param>
/// <param name="NewValue">The value after the write, or <see langword="null"/> when it has none — and always for an attribute that is never returned (<c>password</c>).</param>
public sealed record ScimAttributeChange(string Path, JsonElement? OldValue, JsonElement? NewValue);

/// <summary>A User was created (POST, or a Bulk POST).</summary>
public sealed record ScimUserCreated : ScimProvisioningEvent
{
    /// <summary>The User as stored.</summary>
    public required JsonElement Resource { get; init; }
}

/// <summary>A User's attributes changed (PUT or PATCH that changed something). Raised before <see cref="ScimUserDeactivated"/> or <see cref="ScimUserReactivated"/> when <c>active</c> changed too.</summary>
public sealed record ScimUserUpdated : ScimProvisioningEvent
{
    /// <summary>The attributes that changed, old and new values; never empty.</summary>
    public required IReadOnlyList<ScimAttributeChange> Changes { get; init; }

    /// <summary>The User as stored after the write.</summary>
    public required JsonElement Resource { get; init; }
}

/// <summary>A User's <c>active</c> became <see langword="false"/> (it was <see langword="true"/> or absent). Follows the <see cref="ScimUserUpdated"/> of the same write.</summary>
public sealed record ScimUserDeactivated : ScimProvisioningEvent;

/// <summary>A User's <c>active</c> became <see langword="true"/> (it was <see langword="false"/>). Follows the <see cref="ScimUserUpdated"/> of the same write.</summary>
public sealed record ScimUserReactivated : ScimProvisioningEvent;

/// <summary>A User was deleted (its group memberships go with it, without member events).</summary>
public sealed record ScimUserDeleted : ScimProvisioningEvent;

/// <summary>A Group was created.</summary>
public sealed record ScimGroupCreated : ScimProvisioningEvent
{
    /// <summary>The Group as stored (a store may leave its members out; see <see cref="MemberIds"/>).</summary>
    public required JsonElement Resource { get; init; }

    /// <summary>The ids of the members it was created with.</summary>
    public required IReadOnlyList<string> MemberIds { get; init; }
}

/// <summary>A Group's attributes other than <c>members</c> changed (PUT or PATCH). Raised before <see cref="ScimGroupRenamed"/> when <c>displayName</c> changed.</summary>
public sealed record ScimGroupUpdated : ScimProvisioningEvent
{
    /// <summary>The attributes that changed (never <c>members</c>: see <see cref="ScimGroupMembersAdded"/> and <see cref="ScimGroupMembersRemoved"/>); never empty.</summary>
    public required IReadOnlyList<ScimAttributeChange> Changes { get; init; }
}

/// <summary>A Group's <c>displayName</c> changed.</summary>
public sealed record ScimGroupRenamed : ScimProvisioningEvent
{
    /// <summary>The name before the write.</summary>
    public string? OldDisplayName { get; init; }

    /// <summary>The name after the write.</summary>
    public string? NewDisplayName { get; init; }
}

/// <summary>A Group was deleted.</summary>
public sealed record ScimGroupDeleted : ScimProvisioningEvent;

/// <summary>
/// Members were added to a Group (PATCH <c>add</c>, or a PUT/PATCH whose member list gained ids). For a members-only
/// PATCH the ids are the ones the request added, which may include an id that was already a member.
/// </summary>
public sealed record ScimGroupMembersAdded : ScimProvisioningEvent
{
    /// <summary>The ids of the added members; never empty.</summary>
    public required IReadOnlyList<string> MemberIds { get; init; }
}

/// <summary>
/// Members were removed from a Group (PATCH <c>remove</c>, a replace of all members, or a PUT/PATCH whose member list lost
/// ids). For a members-only PATCH the ids are the ones the request removed, which may include an id that was not a member.
/// </summary>
public sealed record ScimGroupMembersRemoved : ScimProvisioningEvent
{
    /// <summary>The ids of the removed members; never empty.</summary>
    public required IReadOnlyList<string> MemberIds { get; init; }
}
