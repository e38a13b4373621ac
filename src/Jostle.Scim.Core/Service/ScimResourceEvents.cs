using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Events;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;

namespace Jostle.Scim.Service;

/// <summary>
/// Turns the writes of <see cref="ScimResourceService"/> into provisioning events — from the documents before and after,
/// so every write path (POST, PUT, PATCH, Bulk) raises the same events — and hands them to the dispatcher. Called only
/// after the store reported success; builds nothing when no handler is registered.
/// </summary>
internal sealed class ScimResourceEvents(ScimRuntime runtime, ScimEventDispatcher dispatcher)
{
    public bool HasHandlers => dispatcher.HasHandlers;

    public Task CreatedAsync(ScimResourceKind kind, string tenant, StoredResource written)
    {
        if (!dispatcher.HasHandlers)
        {
            return Task.CompletedTask;
        }

        ScimProvisioningEvent created = kind == ScimResourceKind.User
            ? Stamp(new ScimUserCreated { Tenant = tenant, ResourceType = "User", ResourceId = written.Id, Resource = written.Document, OccurredAt = default })
            : Stamp(new ScimGroupCreated { Tenant = tenant, ResourceType = "Group", ResourceId = written.Id, Resource = written.Document, MemberIds = MemberIds(written.Document), OccurredAt = default });
        return dispatcher.RaiseAsync([created]);
    }

    /// <summary>
    /// A PUT or a whole-document PATCH: the attributes that differ between <paramref name="before"/> and the
    /// <paramref name="document"/> written (which, unlike what a store answers, always lists a group's members), then
    /// what they mean (deactivated, renamed, members added and removed).
    /// </summary>
    public Task ReplacedAsync(ScimResourceKind kind, string tenant, StoredResource before, StoredResource written, JsonObject document)
    {
        if (!dispatcher.HasHandlers)
        {
            return Task.CompletedTask;
        }

        var events = new List<ScimProvisioningEvent>();
        var after = written with { Document = JsonSerializer.SerializeToElement(document) };
        var changes = Diff(runtime.Engine(kind).ResourceType, before.Document, after.Document, skipMembers: kind == ScimResourceKind.Group);
        if (kind == ScimResourceKind.User)
        {
            if (changes.Count > 0)
            {
                events.Add(Stamp(new ScimUserUpdated { Tenant = tenant, ResourceType = "User", ResourceId = after.Id, Changes = changes, Resource = written.Document, OccurredAt = default }));
            }

            var wasInactive = IsFalse(before.Document, "active");
            var isInactive = IsFalse(after.Document, "active");
            if (!wasInactive && isInactive)
            {
                events.Add(Stamp(new ScimUserDeactivated { Tenant = tenant, ResourceType = "User", ResourceId = after.Id, OccurredAt = default }));
            }
            else if (wasInactive && IsTrue(after.Document, "active"))
            {
                events.Add(Stamp(new ScimUserReactivated { Tenant = tenant, ResourceType = "User", ResourceId = after.Id, OccurredAt = default }));
            }
        }
        else
        {
            if (changes.Count > 0)
            {
                events.Add(Stamp(new ScimGroupUpdated { Tenant = tenant, ResourceType = "Group", ResourceId = after.Id, Changes = changes, OccurredAt = default }));
            }

            var oldName = Text(before.Document, "displayName");
            var newName = Text(after.Document, "displayName");
            if (!string.Equals(oldName, newName, StringComparison.Ordinal))
            {
                events.Add(Stamp(new ScimGroupRenamed { Tenant = tenant, ResourceType = "Group", ResourceId = after.Id, OldDisplayName = oldName, NewDisplayName = newName, OccurredAt = default }));
            }

            var oldMembers = MemberIds(before.Document);
            var newMembers = MemberIds(after.Document);
            AddMembershipEvents(events, tenant, after.Id, [.. newMembers.Except(oldMembers, StringComparer.Ordinal)], [.. oldMembers.Except(newMembers, StringComparer.Ordinal)]);
        }

        return dispatcher.RaiseAsync(events);
    }

    /// <summary>A members-only PATCH applied as a delta: the ids the request added and removed.</summary>
    public Task MembersChangedAsync(string tenant, string groupId, MembershipUpdate update)
    {
        if (!dispatcher.HasHandlers)
        {
            return Task.CompletedTask;
        }

        var events = new List<ScimProvisioningEvent>();
        var added = update.Added.Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        var removed = update.Removed.Distinct(StringComparer.Ordinal).Where(id => !added.Contains(id, StringComparer.Ordinal)).ToList();
        AddMembershipEvents(events, tenant, groupId, added, removed);
        return dispatcher.RaiseAsync(events);
    }

    public Task DeletedAsync(ScimResourceKind kind, string tenant, string id)
    {
        if (!dispatcher.HasHandlers)
        {
            return Task.CompletedTask;
        }

        ScimProvisioningEvent deleted = kind == ScimResourceKind.User
            ? Stamp(new ScimUserDeleted { Tenant = tenant, ResourceType = "User", ResourceId = id, OccurredAt = default })
            : Stamp(new ScimGroupDeleted { Tenant = tenant, ResourceType = "Group", ResourceId = id, OccurredAt = default });
        return dispatcher.RaiseAsync([deleted]);
    }

    private void AddMembershipEvents(List<ScimProvisioningEvent> events, string tenant, string groupId, List<string> added, List<string> removed)
    {
        if (removed.Count > 0)
        {
            events.Add(Stamp(new ScimGroupMembersRemoved { Tenant = tenant, ResourceType = "Group", ResourceId = groupId, MemberIds = removed, OccurredAt = default }));
        }

        if (added.Count > 0)
        {
            events.Add(Stamp(new ScimGroupMembersAdded { Tenant = tenant, ResourceType = "Group", ResourceId = groupId, MemberIds = added, OccurredAt = default }));
        }
    }

    /// <summary>Adds what the current operation knows: actor, correlation id, bulkId, and the time.</summary>
    private T Stamp<T>(T scimEvent)
        where T : ScimProvisioningEvent
    {
        var operation = ScimOperation.Current;
        return scimEvent with
        {
            Actor = operation?.Actor,
            CorrelationId = operation?.CorrelationId,
            BulkId = operation?.BulkId,
            OccurredAt = runtime.Users.Options.TimeProvider.GetUtcNow(),
        };
    }

    /// <summary>
    /// The attributes whose values differ between two documents: core attributes by name, extension attributes by
    /// URN and name. <c>id</c>, <c>schemas</c> and <c>meta</c> are bookkeeping, not changes; the values of an attribute
    /// that is never returned (a password) are not carried.
    /// </summary>
    internal static List<ScimAttributeChange> Diff(ResourceTypeDefinition resourceType, JsonElement before, JsonElement after, bool skipMembers)
    {
        var changes = new List<ScimAttributeChange>();
        var old = Members(before);
        var now = Members(after);
        foreach (var name in old.Keys.Union(now.Keys, StringComparer.OrdinalIgnoreCase))
        {
            if (name is "id" or "schemas" or "meta" || (skipMembers && name.Equals("members", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var oldValue = ValueOf(old, name);
            var newValue = ValueOf(now, name);
            if (resourceType.FindSchema(name) is { } extension && extension.Id != resourceType.Schema.Id)
            {
                var oldExtension = Members(oldValue);
                var newExtension = Members(newValue);
                foreach (var sub in oldExtension.Keys.Union(newExtension.Keys, StringComparer.OrdinalIgnoreCase))
                {
                    AddIfChanged(changes, resourceType, extension.Id, sub, ValueOf(oldExtension, sub), ValueOf(newExtension, sub));
                }

                continue;
            }

            AddIfChanged(changes, resourceType, null, name, oldValue, newValue);
        }

        return changes;
    }

    private static void AddIfChanged(List<ScimAttributeChange> changes, ResourceTypeDefinition resourceType, string? schemaUri, string name, JsonElement? oldValue, JsonElement? newValue)
    {
        if (oldValue is { } o && newValue is { } n ? JsonElement.DeepEquals(o, n) : oldValue is null && newValue is null)
        {
            return;
        }

        var path = schemaUri is null ? name : schemaUri + ":" + name;
        var hidden = resourceType.TryResolve(schemaUri, name, out _, out var attribute) && attribute.Returned == Returned.Never;
        changes.Add(hidden ? new ScimAttributeChange(path, null, null) : new ScimAttributeChange(path, oldValue, newValue));
    }

    private static JsonElement? ValueOf(Dictionary<string, JsonElement> members, string name) =>
        members.TryGetValue(name, out var value) ? value : null;

    /// <summary>An object's members by name (a JSON <see langword="null"/> counts as absent).</summary>
    private static Dictionary<string, JsonElement> Members(JsonElement? element)
    {
        var members = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (element is { ValueKind: JsonValueKind.Object } value)
        {
            foreach (var property in value.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Null)
                {
                    members[property.Name] = property.Value.Clone();
                }
            }
        }

        return members;
    }

    private static bool IsFalse(JsonElement document, string name) =>
        document.ValueKind == JsonValueKind.Object && document.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.False;

    private static bool IsTrue(JsonElement document, string name) =>
        document.ValueKind == JsonValueKind.Object && document.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string? Text(JsonElement document, string name) =>
        document.ValueKind == JsonValueKind.Object && document.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> MemberIds(JsonElement document)
    {
        var ids = new List<string>();
        if (document.ValueKind == JsonValueKind.Object && document.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array)
        {
            foreach (var member in members.EnumerateArray())
            {
                if (member.ValueKind == JsonValueKind.Object && member.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    ids.Add(value.GetString()!);
                }
            }
        }

        return ids;
    }
}
