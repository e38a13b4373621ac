using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;
using Jostle.Scim.Stores;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore.Tests;

/// <summary>The translator on the store's own entities: the SQL it makes EF Core generate, and what it matches.</summary>
public sealed class ScimLinqTranslatorTests : IDisposable
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();
    private static readonly ResourceTypeDefinition UserType = Registry.GetResourceType("User");
    private static readonly ResourceTypeDefinition GroupType = Registry.GetResourceType("Group");
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    private readonly SqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private string UserSql(string filter)
    {
        using var context = new ScimDbContext(_database.Options);
        return context.Users.Where(ScimLinqTranslator.Translate(ScimFilter.Parse(filter), UserType, EntityDocuments.UserMap)).ToQueryString();
    }

    private static int Occurrences(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private async Task<string[]> MatchesAsync(string filter)
    {
        var store = new EfScimUserStore(_database.Factory);
        var result = await store.QueryAsync("t", new StoreQuery { ResourceType = UserType, Filter = ScimFilter.Parse(filter) });
        return [.. result.Resources.Select(r => r.Id)];
    }

    private async Task SeedAsync()
    {
        var store = new EfScimUserStore(_database.Factory);
        await store.CreateAsync("t", User("u1", "Björn@Example.com", active: true, created: "2026-01-01T00:00:00Z", department: "Sales",
            emails: [("work", "bjorn@example.com"), ("home", "b@home.example")]));
        await store.CreateAsync("t", User("u2", "alice_50%@example.com", active: false, created: "2026-03-01T00:00:00Z", department: null,
            emails: [("home", "alice@work.example")]));
        await store.CreateAsync("t", User("u3", "carol500@example.org", active: true, created: "2026-06-01T12:00:00+02:00", department: "sales",
            emails: []));
    }

    private static JsonObject User(string id, string userName, bool active, string created, string? department, (string Type, string Value)[] emails)
    {
        var document = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.User),
            ["id"] = id,
            ["userName"] = userName,
            ["active"] = active,
            ["name"] = new JsonObject { ["givenName"] = userName[..3] },
            ["emails"] = new JsonArray([.. emails.Select(e => (JsonNode)new JsonObject { ["type"] = e.Type, ["value"] = e.Value })]),
            ["meta"] = new JsonObject { ["resourceType"] = "User", ["created"] = created, ["lastModified"] = created, ["version"] = "W/\"1\"" },
        };
        if (id == "u1")
        {
            document["phoneNumbers"] = new JsonArray(new JsonObject { ["type"] = "workmobilephone", ["value"] = "+1 555 0100" });
        }

        if (department is not null)
        {
            document[Enterprise] = new JsonObject { ["department"] = department, ["manager"] = new JsonObject { ["value"] = "boss" } };
        }

        return document;
    }

    // ---- The SQL ----

    [Fact]
    public void UserNameEqComparesTheNormalisedColumnWithEqualsAndAnUpperCaseParameter()
    {
        var sql = UserSql("userName eq \"bjensen@example.com\"");

        Assert.Matches("\"normalized_user_name\" = @", sql);
        Assert.Contains("'BJENSEN@EXAMPLE.COM'", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("upper(", sql, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ExternalIdEqComparesTheColumnAsSent()
    {
        var sql = UserSql("externalId eq \"Emp-1\"");

        Assert.Matches("\"external_id\" = @", sql);
        Assert.Contains("'Emp-1'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueFilterIsOneExistsSubQueryTestingTheSameElement()
    {
        var sql = UserSql("emails[type eq \"work\" and value co \"@x\"]");

        Assert.Equal(1, Occurrences(sql, "EXISTS"));
        Assert.Contains("\"scim_user_emails\"", sql, StringComparison.Ordinal);
        Assert.Contains("\"normalized_value\"", sql, StringComparison.Ordinal);
        Assert.Contains("'WORK'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void EntrasValuePathWithASubAttributeIsAlsoOneExists()
    {
        var sql = UserSql("emails[type eq \"work\"].value eq \"A@B.C\"");

        Assert.Equal(1, Occurrences(sql, "EXISTS"));
        Assert.Contains("'A@B.C'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void SeparateConditionsOnAMultiValuedAttributeAreSeparateExists()
    {
        Assert.Equal(2, Occurrences(UserSql("emails.type eq \"work\" and emails.value co \"@x\""), "EXISTS"));
    }

    [Fact]
    public void ContainsOnACaseInsensitiveAttributeSearchesTheNormalisedColumnInSql()
    {
        var sql = UserSql("userName co \"jen\"");

        Assert.Contains("\"normalized_user_name\"", sql, StringComparison.Ordinal);
        Assert.Contains("'JEN'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtensionAttributesAreColumnsToo()
    {
        var sql = UserSql($"{Enterprise}:manager.value eq \"boss\" and {Enterprise}:department pr");

        Assert.Contains("\"manager_id\" = @", sql, StringComparison.Ordinal);
        Assert.Contains("\"department\" IS NOT NULL", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void SortingAndPagingRunInSql()
    {
        using var context = new ScimDbContext(_database.Options);
        var sql = ScimLinqTranslator.ApplySort(context.Users.AsQueryable(), AttributePath.Parse("userName"), descending: true, UserType, EntityDocuments.UserMap)
            .Skip(10).Take(5).ToQueryString();

        Assert.Contains("ORDER BY", sql, StringComparison.Ordinal);
        Assert.Contains("\"normalized_user_name\" DESC", sql, StringComparison.Ordinal);
        Assert.Contains("LIMIT", sql, StringComparison.Ordinal);
        Assert.Contains("OFFSET", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void AGroupMembersValueFilterIsAnExistsOnTheMembersTable()
    {
        using var context = new ScimDbContext(_database.Options);
        var sql = context.Groups.Where(ScimLinqTranslator.Translate(ScimFilter.Parse("members[value eq \"u1\"]"), GroupType, EntityDocuments.GroupMap)).ToQueryString();

        Assert.Equal(1, Occurrences(sql, "EXISTS"));
        Assert.Contains("\"scim_group_members\"", sql, StringComparison.Ordinal);
        Assert.Contains("\"member_id\" = @", sql, StringComparison.Ordinal);
    }

    // ---- Errors ----

    [Theory]
    [InlineData("addresses.locality eq \"x\"", "addresses")]
    [InlineData("name.formatted eq \"x\"", "name.formatted")]
    [InlineData("emails[display eq \"x\"]", "emails.display")]
    [InlineData("x509Certificates pr", "x509Certificates")]
    public void AFilterOnAnUnmappedAttributeOfAMapWithoutADocumentIsAnInvalidFilterErrorNamingIt(string filter, string attribute)
    {
        // Columns only: without MapDocument, nothing else can be read.
        var columnsOnly = new ScimAttributeMap<ScimUserEntity>()
            .Map("userName", u => u.UserName, normalized: u => u.NormalizedUserName)
            .Map("name.givenName", u => u.GivenName)
            .MapCollection("emails", u => u.Emails, email => email.Map("value", e => e.Value).Map("type", e => e.Type));

        var error = Assert.Throws<ScimException>(() => ScimLinqTranslator.Translate(ScimFilter.Parse(filter), UserType, columnsOnly));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Equal($"The attribute '{attribute}' cannot be filtered by this store.", error.Message);
    }

    [Theory]
    [InlineData("noSuchAttribute eq \"x\"", "Unknown attribute 'noSuchAttribute' in filter.")]
    [InlineData("active gt true", "Operator 'gt' cannot be used with boolean attribute 'active'.")]
    [InlineData("active eq \"yes\"", "Cannot compare boolean attribute 'active' with the string \"yes\"; use true or false.")]
    [InlineData("meta.created gt \"soon\"", "\"soon\" is not a valid dateTime for attribute 'meta.created'; use the xsd:dateTime form, e.g. \"2011-05-13T04:42:34Z\".")]
    [InlineData("userName co null", "Operator 'co' cannot compare attribute 'userName' with null; only 'eq null' (not present) and 'ne null' (present) are allowed.")]
    public void AFilterTheTypesDoNotAllowIsAnInvalidFilterError(string filter, string message)
    {
        var error = Assert.Throws<ScimException>(() => UserSql(filter));

        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Equal(message, error.Message);
    }

    // ---- What matches ----

    [Theory]
    [InlineData("userName eq \"björn@example.COM\"", "u1")]
    [InlineData("userName sw \"ALICE_\"", "u2")]
    [InlineData("userName co \"50%\"", "u2")]
    [InlineData("userName co \"_50\"", "u2")]
    [InlineData("userName ew \".ORG\"", "u3")]
    [InlineData("userName gt \"b\"", "u1,u3")]
    [InlineData("userName le \"alice_50%@example.com\"", "u2")]
    [InlineData("active eq false", "u2")]
    [InlineData("active ne false", "u1,u3")]
    [InlineData("meta.created gt \"2026-02-01T00:00:00Z\"", "u2,u3")]
    [InlineData("meta.created lt \"2026-06-01T10:00:00Z\"", "u1,u2")]
    [InlineData("meta.created le \"2026-06-01T10:00:00Z\"", "u1,u2,u3")]
    [InlineData("meta.created eq \"2026-06-01T10:00:00Z\"", "u3")]
    [InlineData("emails[type eq \"work\" and value co \"@EXAMPLE\"]", "u1")]
    [InlineData("emails[type eq \"home\" and value co \"work\"]", "u2")]
    [InlineData("emails[type eq \"work\"].value eq \"BJORN@example.com\"", "u1")]
    [InlineData("emails.type eq \"work\" and emails.value co \"home\"", "u1")]
    [InlineData("emails co \"home\"", "u1")]
    [InlineData("emails pr", "u1,u2")]
    [InlineData("not (emails pr)", "u3")]
    [InlineData("emails.value ne \"alice@work.example\"", "u1,u3")]
    [InlineData("name.givenName eq \"bjö\"", "u1")]
    [InlineData("phoneNumbers[type eq \"workmobilephone\" and value sw \"+1 555\"]", "u1")]
    [InlineData("phoneNumbers.value pr", "u1")]
    [InlineData("name pr", "u1,u2,u3")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"SALES\"", "u1,u3")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq null", "u2")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department ne \"x\"", "u1,u2,u3")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq \"boss\"", "u1,u3")]
    [InlineData("department pr and not (active eq false)", "u1,u3")]
    [InlineData("userName eq \"nobody\" or (active eq true and title pr)", "")]
    public async Task FiltersRunInTheDatabaseWithScimSemantics(string filter, string expected)
    {
        await SeedAsync();

        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), await MatchesAsync(filter));
    }

    [Fact]
    public async Task AnEmailLookupNeverFindsAnotherTenantsUser()
    {
        await SeedAsync();
        var store = new EfScimUserStore(_database.Factory);
        await store.CreateAsync("other", User("o1", "someone", active: true, created: "2026-01-01T00:00:00Z", department: null, emails: [("work", "bjorn@example.com")]));

        var found = await store.QueryAsync("other", new StoreQuery { ResourceType = UserType, Filter = ScimFilter.Parse("emails[type eq \"work\"].value eq \"bjorn@example.com\"") });

        Assert.Equal(["o1"], found.Resources.Select(r => r.Id));
        Assert.Equal(1, found.TotalResults);
        Assert.Equal(["u1"], await MatchesAsync("emails.value eq \"BJORN@example.com\""));
    }

    [Fact]
    public async Task TheDatabaseIsSwitchedToWriteAheadLogging()
    {
        var store = new EfScimUserStore(_database.Factory);
        await store.InitializeAsync();

        using var context = new ScimDbContext(_database.Options);
        await context.Database.OpenConnectionAsync();
        using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }
}

/// <summary>SQLite's own query plans: the lookups Entra makes on every object are index seeks, not scans.</summary>
public sealed class QueryPlanTests : IDisposable
{
    private static readonly Schema.ResourceTypeDefinition UserType = Schema.SchemaRegistry.CreateDefault().GetResourceType("User");
    private static readonly Schema.ResourceTypeDefinition GroupType = Schema.SchemaRegistry.CreateDefault().GetResourceType("Group");

    private readonly SqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private async Task<string> PlanAsync<T>(Func<ScimDbContext, IQueryable<T>> query)
    {
        await new EfScimUserStore(_database.Factory).InitializeAsync();
        await using var context = new ScimDbContext(_database.Options);
        await using var command = query(context).CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await context.Database.OpenConnectionAsync();
        command.Connection = context.Database.GetDbConnection();
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(reader.GetOrdinal("detail")));
        }

        return string.Join("\n", plan);
    }

    private static IQueryable<ScimUserEntity> Users(ScimDbContext context, string filter) =>
        context.Users.Where(u => u.TenantId == "t").Where(ScimLinqTranslator.Translate(Filtering.ScimFilter.Parse(filter), UserType, EntityDocuments.UserMap));

    [Fact]
    public async Task UserNameEqSeeksTheUniqueIndex()
    {
        var plan = await PlanAsync(c => Users(c, "userName eq \"bjensen\""));

        Assert.Contains("SEARCH", plan, StringComparison.Ordinal);
        Assert.Contains(ScimDbContext.UserNameIndex, plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExternalIdEqSeeksAnIndex()
    {
        var plan = await PlanAsync(c => Users(c, "externalId eq \"e1\""));

        Assert.Matches("SEARCH .* USING INDEX .*external_id", plan);
    }

    [Fact]
    public async Task GroupDisplayNameEqSeeksAnIndex()
    {
        var plan = await PlanAsync(c => c.Groups.Where(g => g.TenantId == "t")
            .Where(ScimLinqTranslator.Translate(Filtering.ScimFilter.Parse("displayName eq \"Sales\""), GroupType, EntityDocuments.GroupMap)));

        Assert.Matches("SEARCH .* USING INDEX .*normalized_display_name", plan);
    }

    [Fact]
    public async Task AWorkEmailLookupStartsFromTheEmailIndex()
    {
        // The shape EfScimUserStore.QueryAsync gives Entra's work-email lookup: the implied key IN (…) in place of the
        // tenant condition, the translated EXISTS, and the page order.
        var plan = await PlanAsync(c =>
        {
            var owners = c.UserEmails.Where(e => e.TenantId == "t" && e.NormalizedValue == "A@B.C").Select(e => e.UserKey);
            return c.Users.Where(u => owners.Contains(u.Key))
                .Where(ScimLinqTranslator.Translate(Filtering.ScimFilter.Parse("emails[type eq \"work\"].value eq \"a@b.c\""), UserType, EntityDocuments.UserMap))
                .OrderBy(u => u.Key).Take(100);
        });

        Assert.Matches("SEARCH .* USING (COVERING )?INDEX .*normalized_value", plan);
        Assert.Matches("SEARCH s USING INTEGER PRIMARY KEY", plan);
        Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindingTheGroupsOfAMemberSeeksTheMemberIndex()
    {
        var plan = await PlanAsync(c => c.GroupMembers.Where(m => m.TenantId == "t" && m.MemberId == "u1"));

        Assert.Matches("SEARCH .* USING (COVERING )?INDEX .*member_id", plan);
    }
}
