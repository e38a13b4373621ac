using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Rewrites;
using Jostle.Scim.Patching;
using Jostle.Scim.Protocol;
using Jostle.Scim.Resources;
using Jostle.Scim.Stores;
using Microsoft.Extensions.Logging;

using Jostle.Scim.AspNetCore;

namespace Jostle.Scim.Service;

/// <summary>
/// What the endpoints (and <c>/Bulk</c>) do to resources, free of HTTP: load → apply → validate → write-if-version.
/// Every call is scoped to a tenant; every client mistake is a <see cref="ScimException"/>.
/// </summary>
/// <remarks>Without a group store (a host that provisions users only) every Group operation is a 404 and a User's <c>groups</c> is empty.</remarks>
internal sealed class ScimResourceService(ScimRuntime runtime, IScimUserStore users, ScimResourceEvents events, ILogger<ScimResourceService> logger, IScimGroupStore? groups = null)
{
    public ScimRuntime Runtime => runtime;

    /// <summary>Whether a group store is registered, so <c>/Groups</c> is served.</summary>
    public bool ServesGroups => groups is not null;

    /// <summary>The answer to any Group operation when no group store is registered.</summary>
    public static ScimException GroupsNotServed() => new(404, null, "This service provider does not serve Groups; it provisions Users only.");

    private IScimGroupStore Groups => groups ?? throw GroupsNotServed();

    /// <summary>The rules of the current request: a selected profile's, else the configured ones.</summary>
    private ScimCompatibility Compatibility => ScimOperation.Current?.SelectedCompatibility ?? runtime.Options.Compatibility;

    public async Task<StoredResource> CreateAsync(ScimResourceKind kind, string tenant, JsonNode? body, Uri baseUrl, CancellationToken ct)
    {
        var engine = runtime.Engine(kind, Compatibility);
        var validated = engine.ValidateForCreate(RequireObject(body));
        LogRules(validated.RulesApplied, kind, "POST");
        NoteIgnored(validated.IgnoredAttributes);
        var password = TakePassword(kind, validated.Document);
        var document = engine.StampCreated(validated.Document, runtime.Ids.NewId(kind.ToString()), baseUrl);
        if (kind == ScimResourceKind.Group)
        {
            await CheckDisplayNameFreeAsync(tenant, document, null, ct);
            TypeMembers(document, await CheckMembersExistAsync(tenant, MemberIds(document), ct));
        }

        var result = await Store(kind).CreateAsync(tenant, document, ct);
        var created = WithMembersOf(Written(result, kind, null), kind, document);
        await events.CreatedAsync(kind, tenant, created);
        await DeliverPasswordAsync(password, tenant, created.Id, ct);
        return created;
    }

    public async Task<StoredResource> GetAsync(ScimResourceKind kind, string tenant, string id, bool includeMembers, CancellationToken ct)
    {
        var found = kind == ScimResourceKind.Group
            ? await Groups.GetAsync(tenant, id, includeMembers, ct)
            : await users.GetAsync(tenant, id, ct);
        if (found is null)
        {
            throw NotFound(kind, id);
        }

        ScimOperation.Current?.ObserveLoaded(found);
        return found;
    }

    public Task<StoredResource> ReplaceAsync(ScimResourceKind kind, string tenant, string id, JsonNode? body, string? ifMatch, CancellationToken ct) =>
        RetryLostRaceAsync(ifMatch, () => ReplaceOnceAsync(kind, tenant, id, body, ifMatch, ct));

    private async Task<StoredResource> ReplaceOnceAsync(ScimResourceKind kind, string tenant, string id, JsonNode? body, string? ifMatch, CancellationToken ct)
    {
        var engine = runtime.Engine(kind, Compatibility);
        var existing = await GetAsync(kind, tenant, id, includeMembers: true, ct);
        CheckIfMatch(ifMatch, existing);
        var validated = engine.ValidateForReplace(RequireObject(body), ToObject(existing.Document));
        LogRules(validated.RulesApplied, kind, "PUT");
        NoteIgnored(validated.IgnoredAttributes);
        var document = validated.Document;
        var password = TakePassword(kind, document);
        engine.StampModified(document);
        if (kind == ScimResourceKind.Group)
        {
            await CheckDisplayNameFreeAsync(tenant, document, ToObject(existing.Document), ct);
            var types = await CheckMembersExistAsync(tenant, NewMembers(document, ToObject(existing.Document)), ct);
            TypeMembers(document, KnownTypes(ToObject(existing.Document), types));
        }

        var result = await Store(kind).ReplaceAsync(tenant, document, existing.Version, ct);
        var replaced = WithMembersOf(WrittenOrLostRace(result, kind, id), kind, document);
        await events.ReplacedAsync(kind, tenant, existing, replaced, document);
        await DeliverPasswordAsync(password, tenant, id, ct);
        return replaced;
    }

    /// <summary>Applies a PATCH. For a Group whose request only changes members by value, the change goes to the store as a delta and the returned group has no members.</summary>
    public Task<StoredResource> PatchAsync(ScimResourceKind kind, string tenant, string id, JsonNode? body, string? ifMatch, CancellationToken ct)
    {
        var request = PatchRequest.Parse(body, Compatibility);
        return RetryLostRaceAsync(ifMatch, () => PatchOnceAsync(kind, tenant, id, request, ifMatch, ct));
    }

    /// <summary>
    /// Runs a read-modify-write. Without <c>If-Match</c> the client asked for no version check, so a write that lost a
    /// race with another request (the store saw a newer version than the one read) is redone on the fresh resource a
    /// few times instead of answering 412 — Entra ID sends concurrent member PATCHes to one group and counts a 412 as a
    /// failure. With <c>If-Match</c> the 412 is the answer.
    /// </summary>
    private static async Task<StoredResource> RetryLostRaceAsync(string? ifMatch, Func<Task<StoredResource>> attempt)
    {
        for (var remaining = LostRaceRetries; ; remaining--)
        {
            try
            {
                return await attempt();
            }
            catch (LostRaceException) when (ifMatch is null && remaining > 0)
            {
                await Task.Yield();
            }
            catch (LostRaceException race)
            {
                throw race.ToScimException();
            }
        }
    }

    /// <summary>How often a write without <c>If-Match</c> is redone after losing a race.</summary>
    private const int LostRaceRetries = 8;

    private async Task<StoredResource> PatchOnceAsync(ScimResourceKind kind, string tenant, string id, PatchRequest request, string? ifMatch, CancellationToken ct)
    {
        var engine = runtime.Engine(kind, Compatibility);
        if (kind == ScimResourceKind.Group && PatchApplier.CanCollectMembershipDelta(request, engine.ResourceType))
        {
            var group = await GetAsync(kind, tenant, id, includeMembers: false, ct);
            CheckIfMatch(ifMatch, group);
            var delta = PatchApplier.Apply(ToObject(group.Document), request, engine.ResourceType, runtime.GroupDeltaPatchOptionsFor(Compatibility));
            // Replacing all members with handlers listening needs the members removed, so it takes the whole-document path.
            if (!delta.Changed && !(delta.Membership is { RemoveAll: true } && events.HasHandlers))
            {
                LogRules(delta.RulesFired, kind, "PATCH");
                if (delta.Membership is null || delta.Membership.IsEmpty)
                {
                    return group;
                }

                var added = delta.Membership.Added.Select(ToMember).ToList();
                var types = await CheckMembersExistAsync(tenant, added, ct);
                added = [.. added.Select(m => m.Type is null && types.TryGetValue(m.Value, out var type) ? m with { Type = type } : m)];
                var update = new MembershipUpdate
                {
                    RemoveAll = delta.Membership.RemoveAll,
                    Removed = delta.Membership.Removed,
                    Added = added,
                    LastModified = engine.Options.TimeProvider.GetUtcNow(),
                    NewVersion = NewDeltaVersion(),
                };
                // A members-only delta does not depend on the rest of the group, so without If-Match it is applied
                // unconditionally: concurrent member additions to one group all land.
                var result = await Groups.UpdateMembersAsync(tenant, id, update, ifMatch is null ? null : group.Version, ct);
                var updated = WrittenOrLostRace(result, kind, id);
                await events.MembersChangedAsync(tenant, id, update);
                return updated;
            }

            // Other attributes change too: fall through to the whole-document path, which rewrites them with the members.
        }

        var existing = await GetAsync(kind, tenant, id, includeMembers: true, ct);
        CheckIfMatch(ifMatch, existing);
        var existingDocument = ToObject(existing.Document);
        var patched = PatchApplier.Apply(existingDocument, request, engine.ResourceType, runtime.PatchOptionsFor(Compatibility));
        LogRules(patched.RulesFired, kind, "PATCH");
        if (!patched.Changed)
        {
            return existing;
        }

        var validated = engine.ValidateForReplace(patched.Resource, existingDocument);
        var document = validated.Document;
        var password = TakePassword(kind, document);
        if (!engine.StampModified(document))
        {
            // Only a password changed: nothing to store, but the password still goes where the options say.
            await DeliverPasswordAsync(password, tenant, id, ct);
            return existing;
        }

        if (kind == ScimResourceKind.Group)
        {
            await CheckDisplayNameFreeAsync(tenant, document, existingDocument, ct);
            var types = await CheckMembersExistAsync(tenant, NewMembers(document, existingDocument), ct);
            TypeMembers(document, KnownTypes(existingDocument, types));
        }

        var written = await Store(kind).ReplaceAsync(tenant, document, existing.Version, ct);
        var patchedResource = WrittenOrLostRace(written, kind, id);
        await events.ReplacedAsync(kind, tenant, existing, patchedResource, document);
        await DeliverPasswordAsync(password, tenant, id, ct);
        return patchedResource;
    }

    /// <summary>A User's <c>password</c> is never stored: taken out of the document here (or refused), delivered after the write.</summary>
    private string? TakePassword(ScimResourceKind kind, JsonObject document) =>
        kind == ScimResourceKind.User ? ScimPasswordHandler.Take(document, runtime.Options.Passwords) : null;

    private Task DeliverPasswordAsync(string? password, string tenant, string id, CancellationToken ct) =>
        ScimPasswordHandler.DeliverAsync(password, runtime.Options.Passwords, runtime.PasswordSink, tenant, id, ct);

    public async Task DeleteAsync(ScimResourceKind kind, string tenant, string id, string? ifMatch, CancellationToken ct)
    {
        string? expected = null;
        if (ifMatch is not null)
        {
            var existing = await GetAsync(kind, tenant, id, includeMembers: false, ct);
            CheckIfMatch(ifMatch, existing);
            expected = existing.Version;
        }

        var result = await Store(kind).DeleteAsync(tenant, id, expected, ct);
        Written(result, kind, id);
        if (groups is not null)
        {
            await groups.RemoveMemberEverywhereAsync(tenant, id, NewDeltaVersion(), runtime.Engine(ScimResourceKind.Group).Options.TimeProvider.GetUtcNow(), ct);
        }

        await events.DeletedAsync(kind, tenant, id);
    }

    /// <summary>Whether the stores page by keyset, so cursor pagination (RFC 9865) is offered.</summary>
    public bool SupportsCursorPaging => users.SupportsKeysetPaging && (groups?.SupportsKeysetPaging ?? true);

    /// <summary>
    /// Runs a query. With a <c>cursor</c> (RFC 9865) the store pages by keyset in its default order: the cursor carries
    /// the position after which the page starts, signed and bound to this tenant, resource type, filter and sort.
    /// </summary>
    public async Task<ScimQueryPage> QueryAsync(ScimResourceKind kind, string tenant, ScimQueryParameters query, CancellationToken ct)
    {
        var engine = runtime.Engine(kind);
        var filter = ParseFilter(query.Filter);
        var sortBy = ParseSortBy(engine, query);
        string? after = null;
        byte[]? queryHash = null;
        if (query.IsCursorPaging)
        {
            if (!Store(kind).SupportsKeysetPaging)
            {
                throw new ScimException(ScimErrorType.InvalidValue, $"This service provider's {kind} store does not support cursor pagination (RFC 9865); page with startIndex and count instead.");
            }

            if (sortBy is not null)
            {
                throw new ScimException(ScimErrorType.InvalidValue, "Cursor pagination supports the default order only: drop sortBy and sortOrder, or page with startIndex and count to sort.");
            }

            queryHash = ScimCursorCodec.QueryHash(tenant, engine.ResourceType.Name, filter?.ToString(), query.SortBy, query.Descending);
            after = query.Cursor!.Length == 0 ? null : Cursors.Open(query.Cursor, queryHash);
        }

        var storeQuery = new StoreQuery
        {
            ResourceType = engine.ResourceType,
            Filter = filter,
            SortBy = sortBy,
            Descending = query.Descending,
            StartIndex = query.StartIndex,
            Count = query.Count,
            IncludeMembers = kind == ScimResourceKind.Group && ScimAttributeSelection.WantsMembers(query.Attributes, query.ExcludedAttributes),
            Keyset = query.IsCursorPaging,
            After = after,
        };
        var result = await Store(kind).QueryAsync(tenant, storeQuery, ct);
        var next = queryHash is not null && result.NextAfter is { } position ? Cursors.Issue(queryHash, position) : null;
        return new ScimQueryPage(result, next);
    }

    private ScimCursorCodec Cursors => _cursors ??= new ScimCursorCodec(
        runtime.Options.Pagination.CursorSigningKey, runtime.Options.Pagination.CursorTimeout, runtime.Users.Options.TimeProvider);

    private ScimCursorCodec? _cursors;

    /// <summary>
    /// The root <c>/.search</c>: Users then Groups, one page over both, the total across them. The filter runs against
    /// each type with the attributes that type lacks read as having no value (<see cref="CrossTypeFilter"/>); an
    /// attribute no type defines, or a filter invalid for a type that has its attributes, is a 400.
    /// </summary>
    public async Task<(int Total, List<(ScimResourceKind Kind, StoredResource Resource)> Page)> QueryAllAsync(string tenant, ScimQueryParameters query, CancellationToken ct)
    {
        if (query.IsCursorPaging)
        {
            throw new ScimException(ScimErrorType.InvalidValue, "Cursor pagination is not supported on a search across resource types (/.search); search /Users/.search or /Groups/.search with a cursor, or page with startIndex and count.");
        }

        var filter = ParseFilter(query.Filter);
        ScimResourceKind[] allKinds = groups is null ? [ScimResourceKind.User] : [ScimResourceKind.User, ScimResourceKind.Group];
        if (filter is not null)
        {
            CrossTypeFilter.CheckEveryAttributeIsKnown(filter, [.. allKinds.Select(k => runtime.Engine(k).ResourceType)]);
        }

        var kinds = new List<(ScimResourceKind Kind, FilterExpression? Filter)>();
        foreach (var kind in allKinds)
        {
            var resourceType = runtime.Engine(kind).ResourceType;
            if (filter is null)
            {
                kinds.Add((kind, null));
                continue;
            }

            var narrowed = CrossTypeFilter.Narrow(filter, resourceType);
            if (narrowed.MatchesNothing)
            {
                continue;
            }

            if (narrowed.Filter is not null && !ScimFilter.TryCompile(narrowed.Filter, resourceType, out _, out var error))
            {
                throw new ScimException(ScimErrorType.InvalidFilter, error.Message);
            }

            kinds.Add((kind, narrowed.Filter));
        }

        if (query.SortBy is not null)
        {
            throw new ScimException(ScimErrorType.InvalidValue, "sortBy is not supported on a search across resource types (/.search); search /Users or /Groups to sort.");
        }

        var page = new List<(ScimResourceKind, StoredResource)>();
        var total = 0;
        var skip = query.StartIndex - 1;
        var remaining = query.Count;
        foreach (var (kind, typeFilter) in kinds)
        {
            var engine = runtime.Engine(kind);
            var counted = await Store(kind).QueryAsync(tenant, new StoreQuery { ResourceType = engine.ResourceType, Filter = typeFilter, Count = 0 }, ct);
            var typeTotal = counted.TotalResults;
            total += typeTotal;
            if (remaining > 0 && skip < typeTotal)
            {
                var result = await Store(kind).QueryAsync(tenant, new StoreQuery
                {
                    ResourceType = engine.ResourceType,
                    Filter = typeFilter,
                    StartIndex = skip + 1,
                    Count = remaining,
                    IncludeMembers = kind == ScimResourceKind.Group && ScimAttributeSelection.WantsMembers(query.Attributes, query.ExcludedAttributes),
                }, ct);
                page.AddRange(result.Resources.Select(r => (kind, r)));
                remaining -= result.Resources.Count;
            }

            skip = Math.Max(0, skip - typeTotal);
        }

        return (total, page);
    }

    /// <summary>
    /// A User's <c>groups</c> (RFC 7643 §4.1.2): the groups that hold it as a direct member, from the group store's
    /// membership index (one query), as <c>{value, $ref, display, type: "direct"}</c>. Computed only when asked for.
    /// </summary>
    public async Task<JsonArray> GroupsOfAsync(string tenant, string userId, Uri baseUrl, CancellationToken ct)
    {
        if (groups is null)
        {
            return [];
        }

        var groupType = runtime.Groups.ResourceType;
        var filter = ScimFilter.Parse("members[value eq " + JsonSerializer.Serialize(userId) + "]");
        var result = await Groups.QueryAsync(tenant, new StoreQuery { ResourceType = groupType, Filter = filter, StartIndex = 1, Count = MaxGroupsOfUser }, ct);
        var list = new JsonArray();
        foreach (var group in result.Resources)
        {
            var item = new JsonObject
            {
                ["value"] = group.Id,
                ["$ref"] = baseUrl.OriginalString.TrimEnd('/') + "/Groups/" + Uri.EscapeDataString(group.Id),
            };
            if (group.Document.ValueKind == JsonValueKind.Object && group.Document.TryGetProperty("displayName", out var name) && name.ValueKind == JsonValueKind.String)
            {
                item["display"] = name.GetString();
            }

            item["type"] = "direct";
            list.Add(item);
        }

        return list;
    }

    /// <summary>The most groups a User's <c>groups</c> lists.</summary>
    private const int MaxGroupsOfUser = 10_000;

    public static JsonObject ToObject(JsonElement element) =>
        JsonObject.Create(element) ?? throw new InvalidOperationException("A store returned a resource document that is not a JSON object.");

    public static bool VersionMatches(string ifMatch, string version)
    {
        foreach (var part in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*" || string.Equals(Opaque(part), Opaque(version), StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Opaque(string tag) => tag.StartsWith("W/", StringComparison.OrdinalIgnoreCase) ? tag[2..] : tag;

    private static void CheckIfMatch(string? ifMatch, StoredResource existing)
    {
        if (ifMatch is not null && !VersionMatches(ifMatch, existing.Version))
        {
            throw new ScimException(412, null, $"The resource's version is {existing.Version}, not the one given in If-Match; read it again and retry.");
        }
    }

    private FilterExpression? ParseFilter(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!ScimFilter.TryParse(text, runtime.Options.FilterOptions, out var filter, out var error, out var rules))
        {
            throw new ScimException(ScimErrorType.InvalidFilter, error.Message);
        }

        if (rules != FilterCompatibility.None)
        {
            ScimOperation.Current?.AddFilterRules(rules);
            Log.FilterCompatibilityApplied(logger, rules);
        }

        return filter;
    }

    private static AttributePath? ParseSortBy(ScimResourceEngine engine, ScimQueryParameters query)
    {
        if (query.SortBy is null)
        {
            return null;
        }

        engine.CreateComparer(query.SortBy, query.SortOrder);
        return AttributePath.TryParse(query.SortBy, out var path, out var error)
            ? path
            : throw new ScimException(ScimErrorType.InvalidPath, "sortBy: " + error.Message);
    }

    private IScimResourceStore Store(ScimResourceKind kind) => kind == ScimResourceKind.User ? users : Groups;

    private static JsonObject RequireObject(JsonNode? body) =>
        body as JsonObject ?? throw new ScimException(ScimErrorType.InvalidSyntax, "The request body must be a JSON object.");

    private static ScimException NotFound(ScimResourceKind kind, string id) =>
        new(404, null, $"No {kind} has the id \"{id}\".");

    private static StoredResource Written(StoreResult result, ScimResourceKind kind, string? id) => result.Status switch
    {
        StoreStatus.Ok => Observed(NoteNotStored(result))!,
        StoreStatus.NotFound => throw NotFound(kind, id ?? ""),
        StoreStatus.VersionMismatch => throw new LostRaceException(kind).ToScimException(),
        StoreStatus.UniquenessConflict => throw new ScimException(409, ScimErrorType.Uniqueness, $"The value of {result.ConflictingAttribute ?? "a unique attribute"} is already in use by another {kind}."),
        _ => throw new InvalidOperationException("Unknown store status " + result.Status),
    };

    /// <summary>Like <see cref="Written"/>, but a version mismatch is a <see cref="LostRaceException"/> for <see cref="RetryLostRaceAsync"/>.</summary>
    private static StoredResource WrittenOrLostRace(StoreResult result, ScimResourceKind kind, string id) =>
        result.Status == StoreStatus.VersionMismatch ? throw new LostRaceException(kind) : Written(result, kind, id);

    /// <summary>A write found a newer version than the one it read; <see cref="RetryLostRaceAsync"/> redoes it or answers 412.</summary>
    private sealed class LostRaceException(ScimResourceKind kind) : Exception
    {
        public ScimException ToScimException() => new(412, null, $"The {kind} was changed by another request; read it again and retry.");
    }

    /// <summary>What the store did not keep goes into the request's log record (names only).</summary>
    private static StoredResource? NoteNotStored(StoreResult result)
    {
        if (result.NotStored is { Count: > 0 } dropped)
        {
            ScimOperation.Current?.AddNote("Not stored (the store has no place for them): " + string.Join(", ", dropped.Take(20)) + ".");
        }

        return result.Resource;
    }

    private static StoredResource? Observed(StoredResource? written)
    {
        if (written is not null)
        {
            ScimOperation.Current?.ObserveWritten(written);
        }

        return written;
    }

    private static GroupMember ToMember(JsonObject member)
    {
        var value = member["value"]?.GetValue<string>() ?? "";
        var type = member["type"] is JsonValue t && t.TryGetValue<string>(out var text) ? text : null;
        return new GroupMember(value, type);
    }

    private static List<GroupMember> MemberIds(JsonObject document)
    {
        var list = new List<GroupMember>();
        if (document["members"] is JsonArray members)
        {
            foreach (var member in members.OfType<JsonObject>())
            {
                if (member["value"] is JsonValue v && v.TryGetValue<string>(out var value))
                {
                    list.Add(new GroupMember(value, member["type"] is JsonValue t && t.TryGetValue<string>(out var type) ? type : null));
                }
            }
        }

        return list;
    }

    /// <summary>The members of <paramref name="document"/> that <paramref name="existing"/> does not have: only these need checking.</summary>
    private static List<GroupMember> NewMembers(JsonObject document, JsonObject existing)
    {
        var current = MemberIds(existing).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        return [.. MemberIds(document).Where(m => !current.Contains(m.Value))];
    }

    /// <summary>
    /// Every member must be a User (or, when typed so, a Group) of the tenant: 400 invalidValue names the first that is
    /// not. One <see cref="IScimResourceStore.FindExistingAsync"/> per store, not one read per member; an untyped
    /// member that is no User may be a Group.
    /// </summary>
    /// <returns>Each checked member's resource type, <c>User</c> or <c>Group</c>, by id.</returns>
    private async Task<Dictionary<string, string>> CheckMembersExistAsync(string tenant, IReadOnlyList<GroupMember> members, CancellationToken ct)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        if (members.Count == 0)
        {
            return types;
        }

        var userIds = members.Where(m => !IsGroupMember(m)).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        var foundUsers = userIds.Count == 0 ? NoIds : await users.FindExistingAsync(tenant, userIds, ct);
        var groupIds = members.Where(m => IsGroupMember(m) || (m.Type is null && !foundUsers.Contains(m.Value)))
            .Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        var foundGroups = groupIds.Count == 0 ? NoIds : await Groups.FindExistingAsync(tenant, groupIds, ct);
        foreach (var member in members)
        {
            var isGroup = IsGroupMember(member);
            var found = isGroup
                ? foundGroups.Contains(member.Value)
                : foundUsers.Contains(member.Value) || (member.Type is null && foundGroups.Contains(member.Value));
            if (!found)
            {
                throw new ScimException(ScimErrorType.InvalidValue, $"The member \"{member.Value}\" is not a {(isGroup ? "Group" : "User")} of this tenant.");
            }

            types[member.Value] = isGroup || !foundUsers.Contains(member.Value) ? "Group" : "User";
        }

        return types;
    }

    /// <summary>
    /// Under <see cref="JostleScimOptions.UniqueGroupDisplayNames"/>, a group's new or changed <c>displayName</c> may not be
    /// another group's (in any case): <c>409 uniqueness</c>, as Microsoft's validator expects. One indexed
    /// <c>displayName eq</c> lookup; stores do not enforce it, so two racing creates can still both land.
    /// </summary>
    private async Task CheckDisplayNameFreeAsync(string tenant, JsonObject document, JsonObject? existing, CancellationToken ct)
    {
        if (!runtime.Options.UniqueGroupDisplayNames || document["displayName"] is not JsonValue v || !v.TryGetValue<string>(out var name))
        {
            return;
        }

        if (existing?["displayName"] is JsonValue old && old.TryGetValue<string>(out var oldName) && string.Equals(oldName, name, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var filter = ScimFilter.Parse("displayName eq " + JsonSerializer.Serialize(name));
        var found = await Groups.QueryAsync(tenant, new StoreQuery { ResourceType = runtime.Groups.ResourceType, Filter = filter, StartIndex = 1, Count = 2 }, ct);
        var ownId = existing?["id"]?.GetValue<string>();
        if (found.Resources.Any(g => g.Id != ownId))
        {
            throw new ScimException(409, ScimErrorType.Uniqueness, "The value of displayName is already in use by another Group.");
        }
    }

    /// <summary>The types the existing members already carry, then the ones just checked.</summary>
    private static Dictionary<string, string> KnownTypes(JsonObject existing, Dictionary<string, string> types)
    {
        foreach (var member in MemberIds(existing))
        {
            if (member.Type is not null)
            {
                types.TryAdd(member.Value, member.Type);
            }
        }

        return types;
    }

    /// <summary>Gives each member without a <c>type</c> the one its id was found as, so responses say <c>User</c> or <c>Group</c> (RFC 7643 §4.2).</summary>
    private static void TypeMembers(JsonObject document, Dictionary<string, string> types)
    {
        if (types.Count == 0 || document["members"] is not JsonArray members)
        {
            return;
        }

        foreach (var member in members.OfType<JsonObject>())
        {
            if (member["type"] is null && member["value"] is JsonValue v && v.TryGetValue<string>(out var value) && types.TryGetValue(value, out var type))
            {
                member["type"] = type;
            }
        }
    }

    /// <summary>
    /// A store may answer a group write without its members (members are a set kept apart); the response to POST and PUT
    /// still shows the members the group now has, which are the ones written.
    /// </summary>
    private static StoredResource WithMembersOf(StoredResource written, ScimResourceKind kind, JsonObject document)
    {
        if (kind != ScimResourceKind.Group || document["members"] is not JsonArray members || members.Count == 0
            || (written.Document.ValueKind == JsonValueKind.Object && written.Document.TryGetProperty("members", out _)))
        {
            return written;
        }

        var composed = ToObject(written.Document);
        composed["members"] = members.DeepClone();
        if (composed["meta"] is { } meta)
        {
            composed.Remove("meta");
            composed["meta"] = meta;
        }

        return written with { Document = JsonSerializer.SerializeToElement(composed) };
    }

    /// <summary>The version of a group changed by a membership delta (its document is not rewritten, so no content hash).</summary>
    private string NewDeltaVersion() => "W/\"" + runtime.Ids.NewVersion() + "\"";

    private static readonly IReadOnlySet<string> NoIds = new HashSet<string>(StringComparer.Ordinal);

    private static bool IsGroupMember(GroupMember member) => string.Equals(member.Type, "Group", StringComparison.OrdinalIgnoreCase);

    private static void NoteIgnored(IReadOnlyList<string> names)
    {
        if (names.Count > 0)
        {
            ScimOperation.Current?.AddIgnored(names);
        }
    }

    private void LogRules(ScimCompatibility rules, ScimResourceKind kind, string method)
    {
        if (rules != ScimCompatibility.None)
        {
            ScimOperation.Current?.AddRules(rules);
            Log.CompatibilityApplied(logger, method, kind.ToString(), rules);
        }
    }
}

/// <summary>A page of a query and, with cursor pagination, the cursor of the next page (<see langword="null"/> on the last).</summary>
internal sealed record ScimQueryPage(StoreQueryResult Result, string? NextCursor);

/// <summary>Reads whether <c>attributes</c> / <c>excludedAttributes</c> ask for a Group's <c>members</c>.</summary>
internal static class ScimAttributeSelection
{
    public static bool WantsMembers(string? attributes, string? excludedAttributes)
    {
        if (excludedAttributes is not null && Names(excludedAttributes).Any(n => IsMembers(n, wholeOnly: true)))
        {
            return false;
        }

        return attributes is null || Names(attributes).Any(n => IsMembers(n, wholeOnly: false));
    }

    private static IEnumerable<string> Names(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool IsMembers(string name, bool wholeOnly)
    {
        const string GroupPrefix = "urn:ietf:params:scim:schemas:core:2.0:Group:";
        if (name.StartsWith(GroupPrefix, StringComparison.OrdinalIgnoreCase))
        {
            name = name[GroupPrefix.Length..];
        }

        return name.Equals("members", StringComparison.OrdinalIgnoreCase)
            || (!wholeOnly && name.StartsWith("members.", StringComparison.OrdinalIgnoreCase));
    }
}
