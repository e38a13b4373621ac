using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;

namespace Jostle.Scim.Testing;

/// <summary>
/// The store contract as tests: derive from this class in an xUnit test project, return fresh stores from the two
/// factories, and every test here runs against your <see cref="IScimUserStore"/> and <see cref="IScimGroupStore"/>:
/// create, read, replace and delete with versions, <c>userName</c> uniqueness, tenant isolation, the queries Microsoft
/// Entra ID makes, sorting and paging, group membership deltas and concurrent writers.
/// </summary>
/// <remarks>Each test calls the factories once; the stores it gets must be empty.</remarks>
public abstract class ScimStoreContractTests
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();

    /// <summary>The tenant most tests use.</summary>
    protected const string TenantA = "tenant-a";

    /// <summary>A second tenant, for isolation tests.</summary>
    protected const string TenantB = "tenant-b";

    /// <summary>The built-in User resource type the queries are compiled against.</summary>
    protected static ResourceTypeDefinition UserType { get; } = Registry.GetResourceType("User");

    /// <summary>The built-in Group resource type the queries are compiled against.</summary>
    protected static ResourceTypeDefinition GroupType { get; } = Registry.GetResourceType("Group");

    /// <summary>Creates an empty user store.</summary>
    /// <returns>The store under test.</returns>
    protected abstract IScimUserStore CreateUserStore();

    /// <summary>Creates an empty group store.</summary>
    /// <returns>The store under test.</returns>
    protected abstract IScimGroupStore CreateGroupStore();

    /// <summary>A complete User document as the library hands it to a store.</summary>
    /// <param name="id">The id.</param>
    /// <param name="userName">The userName.</param>
    /// <param name="version">The <c>meta.version</c>.</param>
    /// <param name="externalId">The externalId, if any.</param>
    /// <returns>The document.</returns>
    protected static JsonObject UserDocument(string id, string userName, string version = "W/\"1\"", string? externalId = null)
    {
        var document = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.User),
            ["id"] = id,
            ["userName"] = userName,
            ["active"] = true,
            ["meta"] = Meta("User", version),
        };
        if (externalId is not null)
        {
            document["externalId"] = externalId;
        }

        return document;
    }

    /// <summary>A complete Group document as the library hands it to a store.</summary>
    /// <param name="id">The id.</param>
    /// <param name="displayName">The displayName.</param>
    /// <param name="version">The <c>meta.version</c>.</param>
    /// <param name="memberIds">Members (of type User) the document carries.</param>
    /// <returns>The document.</returns>
    protected static JsonObject GroupDocument(string id, string displayName, string version = "W/\"1\"", params string[] memberIds)
    {
        var document = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Group),
            ["id"] = id,
            ["displayName"] = displayName,
            ["meta"] = Meta("Group", version),
        };
        if (memberIds.Length > 0)
        {
            document["members"] = new JsonArray([.. memberIds.Select(m => (JsonNode)new JsonObject { ["value"] = m, ["type"] = "User" })]);
        }

        return document;
    }

    /// <summary>A query of one page.</summary>
    /// <param name="type">The resource type.</param>
    /// <param name="filter">The filter text, or <see langword="null"/>.</param>
    /// <param name="sortBy">The sortBy path, or <see langword="null"/>.</param>
    /// <param name="descending">Whether to sort descending.</param>
    /// <param name="startIndex">The 1-based start index.</param>
    /// <param name="count">The page size.</param>
    /// <param name="includeMembers">For groups, whether to include members.</param>
    /// <returns>The query.</returns>
    protected static StoreQuery Query(ResourceTypeDefinition type, string? filter = null, string? sortBy = null, bool descending = false, int startIndex = 1, int count = 100, bool includeMembers = true) => new()
    {
        ResourceType = type,
        Filter = filter is null ? null : ScimFilter.Parse(filter),
        SortBy = sortBy is null ? null : AttributePath.Parse(sortBy),
        Descending = descending,
        StartIndex = startIndex,
        Count = count,
        IncludeMembers = includeMembers,
    };

    /// <summary>A membership delta with a fresh version.</summary>
    /// <param name="version">The new version.</param>
    /// <param name="added">Member ids to add (type User).</param>
    /// <param name="removed">Member ids to remove.</param>
    /// <param name="removeAll">Whether to remove every member first.</param>
    /// <returns>The delta.</returns>
    protected static MembershipUpdate Members(string version, string[]? added = null, string[]? removed = null, bool removeAll = false) => new()
    {
        Added = added is null ? [] : [.. added.Select(a => new GroupMember(a, "User"))],
        Removed = removed ?? [],
        RemoveAll = removeAll,
        LastModified = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        NewVersion = version,
    };

    /// <summary>A top-level string attribute of a document.</summary>
    /// <param name="document">The document.</param>
    /// <param name="name">The attribute name (exact).</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    protected static string? StringOf(JsonElement document, string name) =>
        document.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The member ids a group document carries, in order; empty when it has no <c>members</c>.</summary>
    /// <param name="document">The group document.</param>
    /// <returns>The ids.</returns>
    protected static string[] MemberIdsOf(JsonElement document) =>
        document.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array
            ? [.. members.EnumerateArray().Select(m => m.GetProperty("value").GetString()!)]
            : [];

    private static JsonObject Meta(string resourceType, string version) => new()
    {
        ["resourceType"] = resourceType,
        ["created"] = "2026-01-01T00:00:00Z",
        ["lastModified"] = "2026-01-01T00:00:00Z",
        ["version"] = version,
    };

    private static string[] IdsOf(StoreQueryResult result) => [.. result.Resources.Select(r => r.Id)];

    private async Task<IScimUserStore> UsersAsync(params (string Id, string UserName)[] users)
    {
        var store = CreateUserStore();
        foreach (var (id, userName) in users)
        {
            Assert.Equal(StoreStatus.Ok, (await store.CreateAsync(TenantA, UserDocument(id, userName))).Status);
        }

        return store;
    }

    // ---- Create, read, replace, delete ----

    /// <summary>A created user can be read back by id.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ACreatedUserCanBeReadBackById()
    {
        var store = CreateUserStore();
        var created = await store.CreateAsync(TenantA, UserDocument("u1", "bjensen"));

        Assert.Equal(StoreStatus.Ok, created.Status);
        Assert.Equal("u1", created.Resource!.Id);
        var read = await store.GetAsync(TenantA, "u1");
        Assert.NotNull(read);
        Assert.Equal("bjensen", StringOf(read.Document, "userName"));
        Assert.Equal("u1", StringOf(read.Document, "id"));
    }

    /// <summary>The stored version is the documents meta version.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TheStoredVersionIsTheDocumentsMetaVersion()
    {
        var store = CreateUserStore();
        var created = await store.CreateAsync(TenantA, UserDocument("u1", "bjensen", "W/\"abc\""));

        Assert.Equal("W/\"abc\"", created.Resource!.Version);
        Assert.Equal("W/\"abc\"", (await store.GetAsync(TenantA, "u1"))!.Version);
    }

    /// <summary>Reading an unknown id returns null.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReadingAnUnknownIdReturnsNull()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Null(await store.GetAsync(TenantA, "nope"));
    }

    /// <summary>Later changes to the callers document do not reach the store.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task LaterChangesToTheCallersDocumentDoNotReachTheStore()
    {
        var store = CreateUserStore();
        var document = UserDocument("u1", "bjensen");
        await store.CreateAsync(TenantA, document);
        document["userName"] = "changed";

        Assert.Equal("bjensen", StringOf((await store.GetAsync(TenantA, "u1"))!.Document, "userName"));
    }

    /// <summary>Replacing with the current version stores the new document.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReplacingWithTheCurrentVersionStoresTheNewDocument()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        var replaced = await store.ReplaceAsync(TenantA, UserDocument("u1", "barbara", "W/\"2\""), "W/\"1\"");

        Assert.Equal(StoreStatus.Ok, replaced.Status);
        Assert.Equal("W/\"2\"", replaced.Resource!.Version);
        var read = (await store.GetAsync(TenantA, "u1"))!;
        Assert.Equal("barbara", StringOf(read.Document, "userName"));
        Assert.Equal("W/\"2\"", read.Version);
    }

    /// <summary>Replacing without an expected version replaces unconditionally.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReplacingWithoutAnExpectedVersionReplacesUnconditionally()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        var replaced = await store.ReplaceAsync(TenantA, UserDocument("u1", "barbara", "W/\"9\""), null);

        Assert.Equal(StoreStatus.Ok, replaced.Status);
        Assert.Equal("barbara", StringOf((await store.GetAsync(TenantA, "u1"))!.Document, "userName"));
    }

    /// <summary>Replacing an unknown id is not found.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReplacingAnUnknownIdIsNotFound()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Equal(StoreStatus.NotFound, (await store.ReplaceAsync(TenantA, UserDocument("u2", "x"), null)).Status);
        Assert.Null(await store.GetAsync(TenantA, "u2"));
    }

    /// <summary>Replacing with a stale version is a mismatch and leaves the resource unchanged.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReplacingWithAStaleVersionIsAMismatchAndLeavesTheResourceUnchanged()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        var replaced = await store.ReplaceAsync(TenantA, UserDocument("u1", "barbara", "W/\"3\""), "W/\"2\"");

        Assert.Equal(StoreStatus.VersionMismatch, replaced.Status);
        var read = (await store.GetAsync(TenantA, "u1"))!;
        Assert.Equal("bjensen", StringOf(read.Document, "userName"));
        Assert.Equal("W/\"1\"", read.Version);
    }

    /// <summary>Versions are compared exactly.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task VersionsAreComparedExactly()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Equal(StoreStatus.VersionMismatch, (await store.ReplaceAsync(TenantA, UserDocument("u1", "b", "W/\"2\""), "\"1\"")).Status);
        Assert.Equal(StoreStatus.VersionMismatch, (await store.DeleteAsync(TenantA, "u1", "w/\"1\"")).Status);
    }

    /// <summary>Deleting removes the resource.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeletingRemovesTheResource()
    {
        var store = await UsersAsync(("u1", "bjensen"), ("u2", "other"));

        Assert.Equal(StoreStatus.Ok, (await store.DeleteAsync(TenantA, "u1", "W/\"1\"")).Status);

        Assert.Null(await store.GetAsync(TenantA, "u1"));
        Assert.Equal(["u2"], IdsOf(await store.QueryAsync(TenantA, Query(UserType))));
    }

    /// <summary>Deleting an unknown id is not found.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeletingAnUnknownIdIsNotFound()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Equal(StoreStatus.NotFound, (await store.DeleteAsync(TenantA, "u2", null)).Status);
    }

    /// <summary>Deleting with a stale version is a mismatch and keeps the resource.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task DeletingWithAStaleVersionIsAMismatchAndKeepsTheResource()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Equal(StoreStatus.VersionMismatch, (await store.DeleteAsync(TenantA, "u1", "W/\"0\"")).Status);
        Assert.NotNull(await store.GetAsync(TenantA, "u1"));
    }

    // ---- Uniqueness ----

    /// <summary>Creating a user whose user name differs only in case is a uniqueness conflict.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CreatingAUserWhoseUserNameDiffersOnlyInCaseIsAUniquenessConflict()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        var clash = await store.CreateAsync(TenantA, UserDocument("u2", "BJensen"));

        Assert.Equal(StoreStatus.UniquenessConflict, clash.Status);
        Assert.Equal("userName", clash.ConflictingAttribute);
        Assert.Null(await store.GetAsync(TenantA, "u2"));
    }

    /// <summary>Replacing a user with another users user name is a conflict and changes nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReplacingAUserWithAnotherUsersUserNameIsAConflictAndChangesNothing()
    {
        var store = await UsersAsync(("u1", "bjensen"), ("u2", "jsmith"));

        var clash = await store.ReplaceAsync(TenantA, UserDocument("u2", "BJENSEN", "W/\"2\""), "W/\"1\"");

        Assert.Equal(StoreStatus.UniquenessConflict, clash.Status);
        Assert.Equal("userName", clash.ConflictingAttribute);
        var read = (await store.GetAsync(TenantA, "u2"))!;
        Assert.Equal("jsmith", StringOf(read.Document, "userName"));
        Assert.Equal("W/\"1\"", read.Version);
    }

    /// <summary>
    /// Whether the group store keeps <c>displayName</c> unique per tenant, case-insensitively (Group <c>displayName</c> is
    /// not <c>caseExact</c>), as the library's stores do under <c>JostleScimOptions.UniqueGroupDisplayNames</c> (the
    /// default): the store, not a lookup before the write, decides between racing creates and renames. Override with
    /// <see langword="false"/> for a store of an app that turns the option off; the display name tests then prove that
    /// duplicates are kept instead.
    /// </summary>
    protected virtual bool GroupDisplayNamesAreUnique => true;

    /// <summary>Asserts the outcome of a write that gives a group another group's display name.</summary>
    private void AssertDisplayNameClash(StoreResult result)
    {
        if (GroupDisplayNamesAreUnique)
        {
            Assert.Equal(StoreStatus.UniquenessConflict, result.Status);
            Assert.Equal("displayName", result.ConflictingAttribute);
        }
        else
        {
            Assert.Equal(StoreStatus.Ok, result.Status);
        }
    }

    /// <summary>Creating a group whose display name differs only in case follows the display name uniqueness.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CreatingAGroupWhoseDisplayNameDiffersOnlyInCaseFollowsTheDisplayNameUniqueness()
    {
        var groups = CreateGroupStore();
        Assert.Equal(StoreStatus.Ok, (await groups.CreateAsync(TenantA, GroupDocument("g1", "Sales Team"))).Status);

        var clash = await groups.CreateAsync(TenantA, GroupDocument("g2", "SALES team"));

        AssertDisplayNameClash(clash);
        Assert.Equal(GroupDisplayNamesAreUnique, await groups.GetAsync(TenantA, "g2") is null);
    }

    /// <summary>Renaming a group onto another groups display name follows the display name uniqueness and a clash changes nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RenamingAGroupOntoAnotherGroupsDisplayNameFollowsTheDisplayNameUniquenessAndAClashChangesNothing()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "Sales"));
        await groups.CreateAsync(TenantA, GroupDocument("g2", "Support", "W/\"1\"", "u1"));

        var clash = await groups.ReplaceAsync(TenantA, GroupDocument("g2", "sales", "W/\"2\""), "W/\"1\"");

        AssertDisplayNameClash(clash);
        if (GroupDisplayNamesAreUnique)
        {
            var read = (await groups.GetAsync(TenantA, "g2", includeMembers: true))!;
            Assert.Equal("Support", StringOf(read.Document, "displayName"));
            Assert.Equal("W/\"1\"", read.Version);
            Assert.Equal(["u1"], MemberIdsOf(read.Document));
        }
    }

    /// <summary>A group may change the case of its own display name and its other attributes.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AGroupMayChangeTheCaseOfItsOwnDisplayNameAndItsOtherAttributes()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "Sales"));
        var document = GroupDocument("g1", "SALES", "W/\"2\"");
        document["externalId"] = "ext-sales";

        var result = await groups.ReplaceAsync(TenantA, document, "W/\"1\"");

        Assert.Equal(StoreStatus.Ok, result.Status);
        Assert.Equal("SALES", StringOf((await groups.GetAsync(TenantA, "g1"))!.Document, "displayName"));
    }

    /// <summary>A deleted or renamed groups display name is free again.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ADeletedOrRenamedGroupsDisplayNameIsFreeAgain()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "Sales"));
        await groups.CreateAsync(TenantA, GroupDocument("g2", "Support"));
        await groups.DeleteAsync(TenantA, "g1", null);
        await groups.ReplaceAsync(TenantA, GroupDocument("g2", "Support (old)", "W/\"2\""), null);

        Assert.Equal(StoreStatus.Ok, (await groups.CreateAsync(TenantA, GroupDocument("g3", "sales"))).Status);
        Assert.Equal(StoreStatus.Ok, (await groups.CreateAsync(TenantA, GroupDocument("g4", "SUPPORT"))).Status);
    }

    /// <summary>A group display name is unique within a tenant only.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AGroupDisplayNameIsUniqueWithinATenantOnly()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "Sales"));
        await groups.CreateAsync(TenantB, GroupDocument("g9", "Marketing"));

        Assert.Equal(StoreStatus.Ok, (await groups.CreateAsync(TenantB, GroupDocument("g1", "Sales"))).Status);
        Assert.Equal(StoreStatus.Ok, (await groups.ReplaceAsync(TenantA, GroupDocument("g1", "Marketing", "W/\"2\""), null)).Status);
        Assert.Equal("Sales", StringOf((await groups.GetAsync(TenantB, "g1"))!.Document, "displayName"));
    }

    /// <summary>A user may change the case of its own user name.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AUserMayChangeTheCaseOfItsOwnUserName()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Equal(StoreStatus.Ok, (await store.ReplaceAsync(TenantA, UserDocument("u1", "BJensen", "W/\"2\""), "W/\"1\"")).Status);
    }

    /// <summary>A user name freed by a delete or a rename can be taken again.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AUserNameFreedByADeleteOrARenameCanBeTakenAgain()
    {
        var store = await UsersAsync(("u1", "bjensen"), ("u2", "jsmith"));
        await store.DeleteAsync(TenantA, "u1", null);
        await store.ReplaceAsync(TenantA, UserDocument("u2", "jsmith2", "W/\"2\""), null);

        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync(TenantA, UserDocument("u3", "bjensen"))).Status);
        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync(TenantA, UserDocument("u4", "JSMITH"))).Status);
    }

    /// <summary>The same user name is allowed in another tenant.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TheSameUserNameIsAllowedInAnotherTenant()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Equal(StoreStatus.Ok, (await store.CreateAsync(TenantB, UserDocument("u2", "bjensen"))).Status);
    }

    // ---- Tenant isolation ----

    /// <summary>Another tenant cannot read or find a resource.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AnotherTenantCannotReadOrFindAResource()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Null(await store.GetAsync(TenantB, "u1"));
        var found = await store.QueryAsync(TenantB, Query(UserType, "userName eq \"bjensen\""));
        Assert.Empty(found.Resources);
        Assert.Equal(0, (await store.QueryAsync(TenantB, Query(UserType))).TotalResults);
    }

    /// <summary>Another tenant cannot replace or delete a resource.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AnotherTenantCannotReplaceOrDeleteAResource()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        Assert.Equal(StoreStatus.NotFound, (await store.ReplaceAsync(TenantB, UserDocument("u1", "evil", "W/\"2\""), null)).Status);
        Assert.Equal(StoreStatus.NotFound, (await store.DeleteAsync(TenantB, "u1", null)).Status);
        var read = (await store.GetAsync(TenantA, "u1"))!;
        Assert.Equal("bjensen", StringOf(read.Document, "userName"));
    }

    /// <summary>Another tenant cannot change a groups members.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AnotherTenantCannotChangeAGroupsMembers()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "Staff", "W/\"1\"", "u1"));

        Assert.Equal(StoreStatus.NotFound, (await groups.UpdateMembersAsync(TenantB, "g1", Members("W/\"2\"", added: ["u2"]), null)).Status);
        await groups.RemoveMemberEverywhereAsync(TenantB, "u1", "W/\"9\"", DateTimeOffset.UnixEpoch);

        var read = (await groups.GetAsync(TenantA, "g1", includeMembers: true))!;
        Assert.Equal(["u1"], MemberIdsOf(read.Document));
        Assert.Equal("W/\"1\"", read.Version);
    }

    // ---- Queries ----

    /// <summary>User name eq matches in any case.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task UserNameEqMatchesInAnyCase()
    {
        var store = await UsersAsync(("u1", "bjensen@example.com"), ("u2", "jsmith@example.com"));

        var found = await store.QueryAsync(TenantA, Query(UserType, "userName eq \"BJensen@Example.com\""));

        Assert.Equal(["u1"], IdsOf(found));
        Assert.Equal(1, found.TotalResults);
    }

    /// <summary>External id eq matches only the exact case.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ExternalIdEqMatchesOnlyTheExactCase()
    {
        var store = CreateUserStore();
        await store.CreateAsync(TenantA, UserDocument("u1", "a", externalId: "Emp-1"));
        await store.CreateAsync(TenantA, UserDocument("u2", "b", externalId: "emp-2"));

        Assert.Equal(["u1"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, "externalId eq \"Emp-1\""))));
        Assert.Empty((await store.QueryAsync(TenantA, Query(UserType, "externalId eq \"emp-1\""))).Resources);
    }

    /// <summary>Id eq finds the resource.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task IdEqFindsTheResource()
    {
        var store = await UsersAsync(("u1", "a"), ("u2", "b"));

        Assert.Equal(["u2"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, "id eq \"u2\""))));
    }

    /// <summary>A random id finds nothing with a total of zero.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ARandomIdFindsNothingWithATotalOfZero()
    {
        var store = await UsersAsync(("u1", "a"));

        var found = await store.QueryAsync(TenantA, Query(UserType, $"userName eq \"{Guid.NewGuid()}\""));

        Assert.Empty(found.Resources);
        Assert.Equal(0, found.TotalResults);
    }

    /// <summary>Group display name eq matches in any case.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GroupDisplayNameEqMatchesInAnyCase()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "Sales Team"));
        await groups.CreateAsync(TenantA, GroupDocument("g2", "Support"));

        Assert.Equal(["g1"], IdsOf(await groups.QueryAsync(TenantA, Query(GroupType, "displayName eq \"sales team\""))));
    }

    /// <summary>Work email value eq finds the user with that work email.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WorkEmailValueEqFindsTheUserWithThatWorkEmail()
    {
        var store = CreateUserStore();
        var u1 = UserDocument("u1", "a");
        u1["emails"] = new JsonArray(new JsonObject { ["type"] = "work", ["value"] = "a@example.com" });
        var u2 = UserDocument("u2", "b");
        u2["emails"] = new JsonArray(new JsonObject { ["type"] = "home", ["value"] = "a@example.com" });
        await store.CreateAsync(TenantA, u1);
        await store.CreateAsync(TenantA, u2);

        Assert.Equal(["u1"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, "emails[type eq \"work\"].value eq \"A@example.com\""))));
    }

    /// <summary>An indexed lookup inside and still applies every condition.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AnIndexedLookupInsideAndStillAppliesEveryCondition()
    {
        var store = CreateUserStore();
        await store.CreateAsync(TenantA, UserDocument("u1", "a", externalId: "x1"));
        await store.CreateAsync(TenantA, UserDocument("u2", "b", externalId: "x2"));

        Assert.Equal(["u1"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, "userName eq \"A\" and externalId eq \"x1\""))));
        Assert.Empty((await store.QueryAsync(TenantA, Query(UserType, "userName eq \"a\" and externalId eq \"x2\""))).Resources);
    }

    /// <summary>Or matches either side and not excludes.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task OrMatchesEitherSideAndNotExcludes()
    {
        var store = await UsersAsync(("u1", "a"), ("u2", "b"), ("u3", "c"));

        Assert.Equal(["u1", "u3"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, "userName eq \"c\" or userName eq \"a\""))));
        Assert.Equal(["u2", "u3"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, "not (userName eq \"a\")"))));
    }

    /// <summary>Without a filter every resource comes in creation order.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task WithoutAFilterEveryResourceComesInCreationOrder()
    {
        var store = await UsersAsync(("u3", "c"), ("u1", "a"), ("u2", "b"));
        await store.ReplaceAsync(TenantA, UserDocument("u3", "cc", "W/\"2\""), null);

        var all = await store.QueryAsync(TenantA, Query(UserType));

        Assert.Equal(["u3", "u1", "u2"], IdsOf(all));
        Assert.Equal(3, all.TotalResults);
    }

    /// <summary>A filter on an unknown attribute is an invalid filter error.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AFilterOnAnUnknownAttributeIsAnInvalidFilterError()
    {
        var store = await UsersAsync(("u1", "a"));

        var error = await Assert.ThrowsAsync<ScimException>(async () => await store.QueryAsync(TenantA, Query(UserType, "noSuchAttribute eq \"x\"")));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
    }

    /// <summary>Sorting ascending orders by the attribute with missing values last.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task SortingAscendingOrdersByTheAttributeWithMissingValuesLast()
    {
        var store = CreateUserStore();
        await store.CreateAsync(TenantA, UserDocument("u1", "a", externalId: "m"));
        await store.CreateAsync(TenantA, UserDocument("u2", "b"));
        await store.CreateAsync(TenantA, UserDocument("u3", "c", externalId: "b"));
        await store.CreateAsync(TenantA, UserDocument("u4", "d", externalId: "z"));

        Assert.Equal(["u3", "u1", "u4", "u2"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, sortBy: "externalId"))));
    }

    /// <summary>Sorting descending reverses the order of present values.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task SortingDescendingReversesTheOrderOfPresentValues()
    {
        var store = CreateUserStore();
        await store.CreateAsync(TenantA, UserDocument("u1", "a", externalId: "m"));
        await store.CreateAsync(TenantA, UserDocument("u2", "b"));
        await store.CreateAsync(TenantA, UserDocument("u3", "c", externalId: "b"));
        await store.CreateAsync(TenantA, UserDocument("u4", "d", externalId: "z"));

        var ids = IdsOf(await store.QueryAsync(TenantA, Query(UserType, sortBy: "externalId", descending: true)));

        Assert.Equal(["u4", "u1", "u3"], ids.Where(id => id != "u2"));
        Assert.Equal(4, ids.Length);
    }

    /// <summary>Sorting by user name ignores case.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task SortingByUserNameIgnoresCase()
    {
        var store = await UsersAsync(("u1", "Charlie"), ("u2", "alice"), ("u3", "Bob"));

        Assert.Equal(["u2", "u3", "u1"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, sortBy: "userName"))));
    }

    /// <summary>Paging returns the requested slice and the full total.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task PagingReturnsTheRequestedSliceAndTheFullTotal()
    {
        var store = await UsersAsync(("u1", "a"), ("u2", "b"), ("u3", "c"), ("u4", "d"), ("u5", "e"));

        var page = await store.QueryAsync(TenantA, Query(UserType, sortBy: "userName", startIndex: 2, count: 2));

        Assert.Equal(["u2", "u3"], IdsOf(page));
        Assert.Equal(5, page.TotalResults);
    }

    /// <summary>Count zero returns only the total.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task CountZeroReturnsOnlyTheTotal()
    {
        var store = await UsersAsync(("u1", "a"), ("u2", "b"));

        var page = await store.QueryAsync(TenantA, Query(UserType, count: 0));

        Assert.Empty(page.Resources);
        Assert.Equal(2, page.TotalResults);
    }

    /// <summary>A start index past the end returns an empty page with the total.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AStartIndexPastTheEndReturnsAnEmptyPageWithTheTotal()
    {
        var store = await UsersAsync(("u1", "a"), ("u2", "b"));

        var page = await store.QueryAsync(TenantA, Query(UserType, startIndex: 3, count: 10));

        Assert.Empty(page.Resources);
        Assert.Equal(2, page.TotalResults);
    }

    /// <summary>The last page is short when fewer resources remain.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TheLastPageIsShortWhenFewerResourcesRemain()
    {
        var store = await UsersAsync(("u1", "a"), ("u2", "b"), ("u3", "c"));

        Assert.Equal(["u3"], IdsOf(await store.QueryAsync(TenantA, Query(UserType, startIndex: 3, count: 10))));
    }

    /// <summary>A members value filter finds the groups that hold the member.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AMembersValueFilterFindsTheGroupsThatHoldTheMember()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1", "u2"));
        await groups.CreateAsync(TenantA, GroupDocument("g2", "Two", "W/\"1\"", "u3"));
        await groups.CreateAsync(TenantA, GroupDocument("g3", "Three"));
        await groups.UpdateMembersAsync(TenantA, "g3", Members("W/\"2\"", added: ["u2"]), null);

        var found = await groups.QueryAsync(TenantA, Query(GroupType, "members[value eq \"u2\"]", includeMembers: false));

        Assert.Equal(["g1", "g3"], IdsOf(found));
        Assert.All(found.Resources, r => Assert.Empty(MemberIdsOf(r.Document)));
    }

    /// <summary>Group queries include members only when asked.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task GroupQueriesIncludeMembersOnlyWhenAsked()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1", "u2"));

        var with = await groups.QueryAsync(TenantA, Query(GroupType, "displayName eq \"One\"", includeMembers: true));
        var without = await groups.QueryAsync(TenantA, Query(GroupType, "displayName eq \"One\"", includeMembers: false));

        Assert.Equal(["u1", "u2"], MemberIdsOf(with.Resources.Single().Document));
        Assert.False(without.Resources.Single().Document.TryGetProperty("members", out _));
    }

    // ---- Keyset paging (RFC 9865 cursors) ----

    /// <summary>A keyset query: the page after <paramref name="after"/> in the default order.</summary>
    /// <param name="type">The resource type.</param>
    /// <param name="after">The position the previous page returned, or <see langword="null"/> for the first page.</param>
    /// <param name="count">The page size.</param>
    /// <param name="filter">The filter text, or <see langword="null"/>.</param>
    /// <returns>The query.</returns>
    protected static StoreQuery KeysetQuery(ResourceTypeDefinition type, string? after, int count, string? filter = null) => new()
    {
        ResourceType = type,
        Filter = filter is null ? null : ScimFilter.Parse(filter),
        Count = count,
        Keyset = true,
        After = after,
    };

    /// <summary>Keyset paging walks every resource once in creation order and ends without a position.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task KeysetPagingWalksEveryResourceOnceInCreationOrderAndEndsWithoutAPosition()
    {
        var store = await UsersAsync(("u3", "c"), ("u1", "a"), ("u2", "b"), ("u5", "e"), ("u4", "d"));
        if (!store.SupportsKeysetPaging)
        {
            return;
        }

        var first = await store.QueryAsync(TenantA, KeysetQuery(UserType, null, 2));
        var second = await store.QueryAsync(TenantA, KeysetQuery(UserType, first.NextAfter, 2));
        var last = await store.QueryAsync(TenantA, KeysetQuery(UserType, second.NextAfter, 2));

        Assert.Equal(["u3", "u1", "u2", "u5", "u4"], [.. IdsOf(first), .. IdsOf(second), .. IdsOf(last)]);
        Assert.Equal([5, 5, 5], new[] { first.TotalResults, second.TotalResults, last.TotalResults });
        Assert.NotNull(first.NextAfter);
        Assert.Null(last.NextAfter);
    }

    /// <summary>A keyset page that ends at the last resource has no next position.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AKeysetPageThatEndsAtTheLastResourceHasNoNextPosition()
    {
        var store = await UsersAsync(("u1", "a"), ("u2", "b"));
        if (!store.SupportsKeysetPaging)
        {
            return;
        }

        var page = await store.QueryAsync(TenantA, KeysetQuery(UserType, null, 2));
        var none = await store.QueryAsync(TenantA, KeysetQuery(UserType, null, 0));

        Assert.Equal(["u1", "u2"], IdsOf(page));
        Assert.Null(page.NextAfter);
        Assert.Equal((0, 2, null), (none.Resources.Count, none.TotalResults, none.NextAfter));
    }

    /// <summary>Keyset paging survives deletes and creates between pages.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task KeysetPagingSurvivesDeletesAndCreatesBetweenPages()
    {
        var store = await UsersAsync(("u1", "a"), ("u2", "b"), ("u3", "c"), ("u4", "d"), ("u5", "e"));
        if (!store.SupportsKeysetPaging)
        {
            return;
        }

        var first = await store.QueryAsync(TenantA, KeysetQuery(UserType, null, 2));
        // The page's last row and a row not yet seen go; a row is renamed; a new one comes.
        await store.DeleteAsync(TenantA, "u2", null);
        await store.DeleteAsync(TenantA, "u4", null);
        await store.ReplaceAsync(TenantA, UserDocument("u3", "cc", "W/\"2\""), null);
        await store.CreateAsync(TenantA, UserDocument("u6", "f"));
        var second = await store.QueryAsync(TenantA, KeysetQuery(UserType, first.NextAfter, 2));
        var last = await store.QueryAsync(TenantA, KeysetQuery(UserType, second.NextAfter, 2));

        Assert.Equal(["u1", "u2"], IdsOf(first));
        Assert.Equal(["u3", "u5", "u6"], [.. IdsOf(second), .. IdsOf(last)]);
        Assert.Null(last.NextAfter);
        Assert.Equal(4, second.TotalResults);
    }

    /// <summary>Keyset paging applies the filter and counts only the matches.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task KeysetPagingAppliesTheFilterAndCountsOnlyTheMatches()
    {
        var store = await UsersAsync(("u1", "ann"), ("u2", "bob"), ("u3", "amy"), ("u4", "abe"), ("u5", "al"));
        if (!store.SupportsKeysetPaging)
        {
            return;
        }

        var first = await store.QueryAsync(TenantA, KeysetQuery(UserType, null, 2, "userName sw \"a\""));
        var last = await store.QueryAsync(TenantA, KeysetQuery(UserType, first.NextAfter, 2, "userName sw \"a\""));

        Assert.Equal(["u1", "u3", "u4", "u5"], [.. IdsOf(first), .. IdsOf(last)]);
        Assert.Equal(4, last.TotalResults);
        Assert.Null(last.NextAfter);
    }

    /// <summary>Keyset paging of groups carries members when asked.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task KeysetPagingOfGroupsCarriesMembersWhenAsked()
    {
        var store = CreateGroupStore();
        if (!store.SupportsKeysetPaging)
        {
            return;
        }

        await store.CreateAsync(TenantA, GroupDocument("g1", "one", "W/\"1\"", "m1"));
        await store.CreateAsync(TenantA, GroupDocument("g2", "two", "W/\"1\"", "m2"));

        var first = await store.QueryAsync(TenantA, KeysetQuery(GroupType, null, 1));
        var last = await store.QueryAsync(TenantA, KeysetQuery(GroupType, first.NextAfter, 1));

        Assert.Equal(["g1", "g2"], [.. IdsOf(first), .. IdsOf(last)]);
        Assert.Equal(["m2"], MemberIdsOf(last.Resources[0].Document));
        Assert.Null(last.NextAfter);
    }

    // ---- Membership ----

    /// <summary>Members of a created group are stored with their type.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task MembersOfACreatedGroupAreStoredWithTheirType()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1"));

        var member = (await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document.GetProperty("members")[0];

        Assert.Equal("u1", member.GetProperty("value").GetString());
        Assert.Equal("User", member.GetProperty("type").GetString());
    }

    /// <summary>Added members come back in the order they were added.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AddedMembersComeBackInTheOrderTheyWereAdded()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u5"));

        await groups.UpdateMembersAsync(TenantA, "g1", Members("W/\"2\"", added: ["u3", "u1"]), "W/\"1\"");
        await groups.UpdateMembersAsync(TenantA, "g1", Members("W/\"3\"", added: ["u2"]), "W/\"2\"");

        Assert.Equal(["u5", "u3", "u1", "u2"], MemberIdsOf((await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document));
    }

    /// <summary>Many members added at once are all stored in order once each.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ManyMembersAddedAtOnceAreAllStoredInOrderOnceEach()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "m0003"));
        var added = Enumerable.Range(0, 600).Select(i => new GroupMember($"m{i:0000}", i % 3 == 0 ? null : i % 3 == 1 ? "User" : "Group")).ToList();
        added.Add(new GroupMember("m0007", "User")); // Listed twice: stored once.

        var result = await groups.UpdateMembersAsync(TenantA, "g1", new MembershipUpdate { Added = added, LastModified = DateTimeOffset.UnixEpoch, NewVersion = "W/\"2\"" }, "W/\"1\"");

        Assert.Equal(StoreStatus.Ok, result.Status);
        string[] expected = ["m0003", .. Enumerable.Range(0, 600).Where(i => i != 3).Select(i => $"m{i:0000}")];
        var document = (await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document;
        Assert.Equal(expected, MemberIdsOf(document));
        var m0002 = document.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("value").GetString() == "m0002");
        Assert.Equal("Group", m0002.GetProperty("type").GetString());
    }

    /// <summary>Find existing answers the tenants ids that exist and no others.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindExistingAnswersTheTenantsIdsThatExistAndNoOthers()
    {
        var users = await UsersAsync(("u1", "one"), ("u2", "two"));
        Assert.Equal(StoreStatus.Ok, (await users.CreateAsync(TenantB, UserDocument("u3", "three"))).Status);
        var groups = CreateGroupStore();
        Assert.Equal(StoreStatus.Ok, (await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1"))).Status);
        IScimResourceStore userStore = users, groupStore = groups;

        Assert.Equal(["u1", "u2"], (await userStore.FindExistingAsync(TenantA, ["u2", "u3", "g1", "nope", "u1", "u2"])).Order(StringComparer.Ordinal));
        Assert.Equal(["u3"], (await userStore.FindExistingAsync(TenantB, ["u1", "u3"])).Order(StringComparer.Ordinal));
        Assert.Equal(["g1"], (await groupStore.FindExistingAsync(TenantA, ["u1", "g1"])).Order(StringComparer.Ordinal));
        Assert.Empty(await groupStore.FindExistingAsync(TenantB, ["g1"]));
        Assert.Empty(await userStore.FindExistingAsync(TenantA, []));
        Assert.Empty(await userStore.FindExistingAsync(TenantA, ["U1"])); // ids are exact
    }

    /// <summary>Find existing answers for thousands of ids at once.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task FindExistingAnswersForThousandsOfIdsAtOnce()
    {
        var users = await UsersAsync(("u1", "one"), ("u2", "two"), ("u3", "three"));
        var ids = Enumerable.Range(0, 2_500).Select(i => $"x{i}").Append("u3").Prepend("u1").ToList();

        Assert.Equal(["u1", "u3"], (await ((IScimResourceStore)users).FindExistingAsync(TenantA, ids)).Order(StringComparer.Ordinal));
    }

    /// <summary>Removing members leaves the others in order.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RemovingMembersLeavesTheOthersInOrder()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1", "u2", "u3", "u4"));

        var result = await groups.UpdateMembersAsync(TenantA, "g1", Members("W/\"2\"", removed: ["u2", "u4"]), "W/\"1\"");

        Assert.Equal(StoreStatus.Ok, result.Status);
        Assert.Equal(["u1", "u3"], MemberIdsOf((await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document));
    }

    /// <summary>Remove all is applied before removals and additions.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RemoveAllIsAppliedBeforeRemovalsAndAdditions()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1", "u2"));

        await groups.UpdateMembersAsync(TenantA, "g1", Members("W/\"2\"", added: ["u2", "u3"], removed: ["u3"], removeAll: true), null);

        Assert.Equal(["u2", "u3"], MemberIdsOf((await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document));
    }

    /// <summary>Adding a present member or removing an absent one is not an error.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AddingAPresentMemberOrRemovingAnAbsentOneIsNotAnError()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1", "u2"));

        var result = await groups.UpdateMembersAsync(TenantA, "g1", Members("W/\"2\"", added: ["u1"], removed: ["u9"]), null);

        Assert.Equal(StoreStatus.Ok, result.Status);
        Assert.Equal(["u1", "u2"], MemberIdsOf((await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document));
    }

    /// <summary>A membership update sets the new version and returns the group without members.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AMembershipUpdateSetsTheNewVersionAndReturnsTheGroupWithoutMembers()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1"));

        var result = await groups.UpdateMembersAsync(TenantA, "g1", Members("W/\"2\"", added: ["u2"]), "W/\"1\"");

        Assert.Equal(StoreStatus.Ok, result.Status);
        Assert.Equal("W/\"2\"", result.Resource!.Version);
        Assert.Empty(MemberIdsOf(result.Resource.Document));
        var read = (await groups.GetAsync(TenantA, "g1", includeMembers: false))!;
        Assert.Equal("W/\"2\"", read.Version);
        var meta = read.Document.GetProperty("meta");
        Assert.Equal("W/\"2\"", meta.GetProperty("version").GetString());
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), meta.GetProperty("lastModified").GetDateTimeOffset());
        Assert.Equal("One", StringOf(read.Document, "displayName"));
    }

    /// <summary>A membership update with a stale version changes nothing.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AMembershipUpdateWithAStaleVersionChangesNothing()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1"));

        var result = await groups.UpdateMembersAsync(TenantA, "g1", Members("W/\"3\"", added: ["u2"], removeAll: true), "W/\"2\"");

        Assert.Equal(StoreStatus.VersionMismatch, result.Status);
        var read = (await groups.GetAsync(TenantA, "g1", includeMembers: true))!;
        Assert.Equal(["u1"], MemberIdsOf(read.Document));
        Assert.Equal("W/\"1\"", read.Version);
    }

    /// <summary>A membership update of an unknown group is not found.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task AMembershipUpdateOfAnUnknownGroupIsNotFound()
    {
        var groups = CreateGroupStore();

        Assert.Equal(StoreStatus.NotFound, (await groups.UpdateMembersAsync(TenantA, "g9", Members("W/\"2\"", added: ["u1"]), null)).Status);
    }

    /// <summary>Reading a group without members leaves them out.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReadingAGroupWithoutMembersLeavesThemOut()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1"));

        var read = (await groups.GetAsync(TenantA, "g1", includeMembers: false))!;

        Assert.False(read.Document.TryGetProperty("members", out _));
        Assert.Equal("One", StringOf(read.Document, "displayName"));
    }

    /// <summary>Replacing a group replaces its members with the documents.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ReplacingAGroupReplacesItsMembersWithTheDocuments()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1", "u2"));

        await groups.ReplaceAsync(TenantA, GroupDocument("g1", "Uno", "W/\"2\"", "u3", "u1"), "W/\"1\"");

        var read = (await groups.GetAsync(TenantA, "g1", includeMembers: true))!;
        Assert.Equal(["u3", "u1"], MemberIdsOf(read.Document));
        Assert.Equal("Uno", StringOf(read.Document, "displayName"));
        Assert.Equal(["g1"], IdsOf(await groups.QueryAsync(TenantA, Query(GroupType, "members[value eq \"u3\"]"))));
        Assert.Empty((await groups.QueryAsync(TenantA, Query(GroupType, "members[value eq \"u2\"]"))).Resources);
    }

    /// <summary>Removing a member everywhere takes it out of every group of the tenant.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RemovingAMemberEverywhereTakesItOutOfEveryGroupOfTheTenant()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1", "u2"));
        await groups.CreateAsync(TenantA, GroupDocument("g2", "Two", "W/\"1\"", "u2"));
        await groups.CreateAsync(TenantA, GroupDocument("g3", "Three", "W/\"1\"", "u3"));
        await groups.CreateAsync(TenantB, GroupDocument("g1", "One", "W/\"1\"", "u2"));

        await groups.RemoveMemberEverywhereAsync(TenantA, "u2", "W/\"2\"", DateTimeOffset.UnixEpoch);

        Assert.Equal(["u1"], MemberIdsOf((await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document));
        Assert.Empty(MemberIdsOf((await groups.GetAsync(TenantA, "g2", includeMembers: true))!.Document));
        Assert.Equal(["u3"], MemberIdsOf((await groups.GetAsync(TenantA, "g3", includeMembers: true))!.Document));
        Assert.Equal(["u2"], MemberIdsOf((await groups.GetAsync(TenantB, "g1", includeMembers: true))!.Document));
    }

    /// <summary>Removing a member everywhere gives each group that lost it a new version and last modified.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task RemovingAMemberEverywhereGivesEachGroupThatLostItANewVersionAndLastModified()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1", "u2"));
        await groups.CreateAsync(TenantA, GroupDocument("g2", "Two", "W/\"1\"", "u2"));
        await groups.CreateAsync(TenantA, GroupDocument("g3", "Three", "W/\"1\"", "u3"));
        var when = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

        await groups.RemoveMemberEverywhereAsync(TenantA, "u2", "W/\"2\"", when);

        foreach (var id in new[] { "g1", "g2" })
        {
            var read = (await groups.GetAsync(TenantA, id, includeMembers: false))!;
            Assert.Equal("W/\"2\"", read.Version);
            var meta = read.Document.GetProperty("meta");
            Assert.Equal("W/\"2\"", meta.GetProperty("version").GetString());
            Assert.Equal(when, DateTimeOffset.Parse(meta.GetProperty("lastModified").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("W/\"1\"", (await groups.GetAsync(TenantA, "g3", includeMembers: false))!.Version);
    }

    /// <summary>A deleted group is gone and its id can be reused empty.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task ADeletedGroupIsGoneAndItsIdCanBeReusedEmpty()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One", "W/\"1\"", "u1"));

        Assert.Equal(StoreStatus.Ok, (await groups.DeleteAsync(TenantA, "g1", "W/\"1\"")).Status);
        Assert.Null(await groups.GetAsync(TenantA, "g1", includeMembers: true));
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One again"));

        Assert.Empty(MemberIdsOf((await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document));
        Assert.Empty((await groups.QueryAsync(TenantA, Query(GroupType, "members[value eq \"u1\"]"))).Resources);
    }

    // ---- Concurrency ----

    /// <summary>Of fifty parallel creates of one user name exactly one succeeds.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task OfFiftyParallelCreatesOfOneUserNameExactlyOneSucceeds()
    {
        var store = CreateUserStore();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(async () => await store.CreateAsync(TenantA, UserDocument($"u{i}", i % 2 == 0 ? "same" : "SAME")))));

        Assert.Equal(1, results.Count(r => r.Status == StoreStatus.Ok));
        Assert.Equal(49, results.Count(r => r.Status == StoreStatus.UniquenessConflict));
        Assert.Equal(1, (await store.QueryAsync(TenantA, Query(UserType, "userName eq \"same\""))).TotalResults);
    }

    /// <summary>Of fifty parallel creates of one group display name exactly one succeeds when display names are unique.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task OfFiftyParallelCreatesOfOneGroupDisplayNameExactlyOneSucceedsWhenDisplayNamesAreUnique()
    {
        var groups = CreateGroupStore();

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(async () => await groups.CreateAsync(TenantA, GroupDocument($"g{i}", i % 2 == 0 ? "Racing" : "RACING")))));

        var expected = GroupDisplayNamesAreUnique ? 1 : 50;
        Assert.Equal(expected, results.Count(r => r.Status == StoreStatus.Ok));
        Assert.All(results.Where(r => r.Status != StoreStatus.Ok), r => Assert.Equal("displayName", r.ConflictingAttribute));
        Assert.Equal(expected, (await groups.QueryAsync(TenantA, Query(GroupType, "displayName eq \"racing\""))).TotalResults);
    }

    /// <summary>Of parallel renames of different groups onto one display name at most one succeeds when display names are unique.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task OfParallelRenamesOfDifferentGroupsOntoOneDisplayNameAtMostOneSucceedsWhenDisplayNamesAreUnique()
    {
        var groups = CreateGroupStore();
        for (var i = 0; i < 20; i++)
        {
            await groups.CreateAsync(TenantA, GroupDocument($"g{i}", $"Group {i}"));
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(async () => await groups.ReplaceAsync(TenantA, GroupDocument($"g{i}", "Target", "W/\"2\""), null))));
        var create = await groups.CreateAsync(TenantA, GroupDocument("late", "target"));

        var expected = GroupDisplayNamesAreUnique ? 1 : 20;
        Assert.Equal(expected, results.Count(r => r.Status == StoreStatus.Ok));
        AssertDisplayNameClash(create);
        Assert.Equal(GroupDisplayNamesAreUnique ? 1 : 21, (await groups.QueryAsync(TenantA, Query(GroupType, "displayName eq \"TARGET\""))).TotalResults);
    }

    /// <summary>Twenty parallel member additions all land.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task TwentyParallelMemberAdditionsAllLand()
    {
        var groups = CreateGroupStore();
        await groups.CreateAsync(TenantA, GroupDocument("g1", "One"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(async () => await groups.UpdateMembersAsync(TenantA, "g1", Members($"W/\"{i + 2}\"", added: [$"u{i}"]), null))));

        var members = MemberIdsOf((await groups.GetAsync(TenantA, "g1", includeMembers: true))!.Document);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"u{i}").Order(), members.Order());
    }

    /// <summary>Of parallel replaces with the same expected version exactly one succeeds.</summary>
    /// <returns>A task.</returns>
    [Fact]
    public async Task OfParallelReplacesWithTheSameExpectedVersionExactlyOneSucceeds()
    {
        var store = await UsersAsync(("u1", "bjensen"));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(async () => await store.ReplaceAsync(TenantA, UserDocument("u1", $"name{i}", $"W/\"2-{i}\""), "W/\"1\""))));

        Assert.Equal(1, results.Count(r => r.Status == StoreStatus.Ok));
        Assert.Equal(19, results.Count(r => r.Status == StoreStatus.VersionMismatch));
        var winner = results.Single(r => r.Status == StoreStatus.Ok).Resource!;
        Assert.Equal(winner.Version, (await store.GetAsync(TenantA, "u1"))!.Version);
    }
}
