using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Linq;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Filtering;

/// <summary>
/// Runs Cases/filters.eval.txt through the LINQ lowering without a database: each filter is translated against a map
/// of plain members and collections over the users of Cases/eval-users.json and run with LINQ-to-Objects. A case must
/// select the same users as the case file says, fail with the same message, or name an attribute this map leaves out
/// (then it is the exact 400 "cannot be filtered by this store"). JSON document attributes need a database's JSON
/// functions, so this map has no document.
/// </summary>
public class LinqLoweringCaseTests
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser + ":";

    private static readonly ResourceTypeDefinition User = SchemaRegistry.CreateDefault().GetResourceType("User");

    private static readonly ScimAttributeMap<EvalUser> Map = new ScimAttributeMap<EvalUser>()
        .Map("id", u => u.Id)
        .Map("externalId", u => u.ExternalId)
        .Map("userName", u => u.UserName, normalized: u => u.UserNameUpper)
        .Map("displayName", u => u.DisplayName, normalized: u => u.DisplayNameUpper)
        .Map("nickName", u => u.NickName, normalized: u => u.NickNameUpper)
        .Map("title", u => u.Title, normalized: u => u.TitleUpper)
        .Map("userType", u => u.UserType, normalized: u => u.UserTypeUpper)
        .Map("active", u => u.Active)
        .Map("name.givenName", u => u.GivenName, normalized: u => u.GivenNameUpper)
        .Map("name.familyName", u => u.FamilyName, normalized: u => u.FamilyNameUpper)
        .Map("name.middleName", u => u.MiddleName, normalized: u => u.MiddleNameUpper)
        .Map("name.formatted", u => u.Formatted, normalized: u => u.FormattedUpper)
        .Map("meta.created", u => u.Created)
        .Map("meta.lastModified", u => u.LastModified)
        .Map(Enterprise + "department", u => u.Department, normalized: u => u.DepartmentUpper)
        .Map(Enterprise + "employeeNumber", u => u.EmployeeNumber, normalized: u => u.EmployeeNumberUpper)
        .Map(Enterprise + "manager.value", u => u.ManagerId, normalized: u => u.ManagerIdUpper)
        .MapCollection("emails", u => u.Emails, MapElement)
        .MapCollection("phoneNumbers", u => u.PhoneNumbers, MapElement);

    private static readonly Lazy<EvalUser[]> Users = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cases", "eval-users.json")));
        return [.. document.RootElement.EnumerateArray().Select(EvalUser.Read)];
    });

    [Fact]
    public void EveryCaseSelectsTheSameUsersThroughLinqToObjectsOrIsUnmapped()
    {
        var failures = new List<string>();
        var ran = 0;
        var unmapped = 0;
        foreach (var row in EvalCases.Load("filters.eval.txt"))
        {
            var (line, text, expected) = ((int)row[0], (string)row[1], (string)row[2]);
            var filter = ScimFilter.Parse(text);
            Expression<Func<EvalUser, bool>> predicate;
            try
            {
                predicate = ScimLinqTranslator.Translate(filter, User, Map);
            }
            catch (ScimException e) when (e.Status == 400 && e.ScimType == ScimErrorType.InvalidFilter)
            {
                if (expected.StartsWith('!') ? e.Message == expected[1..] : IsUnmapped(e.Message))
                {
                    unmapped += expected.StartsWith('!') ? 0 : 1;
                    continue;
                }

                failures.Add($"line {line}: {text} ⇒ 400 {e.Message}");
                continue;
            }

            if (expected.StartsWith('!'))
            {
                failures.Add($"line {line}: {text} translated, expected {expected}");
                continue;
            }

            var matches = ((Expression<Func<EvalUser, bool>>)new OrdinalStrings().Visit(predicate)).Compile();
            var actual = string.Join(",", Users.Value.Where(matches).Select(u => u.Id));
            ran++;
            if (actual != expected)
            {
                failures.Add($"line {line}: {text} ⇒ {actual}, expected {expected}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(ran >= 60, $"only {ran} cases ran through LINQ-to-Objects ({unmapped} unmapped)");
    }

    [Fact]
    public void SortByRunsThroughLinqToObjects()
    {
        var sorted = ScimLinqTranslator.ApplySort(Users.Value.AsQueryable(), AttributePath.Parse("emails.value"), descending: false, User, Map);
        var ids = sorted.Provider.CreateQuery<EvalUser>(new OrdinalStrings().Visit(sorted.Expression)).Select(u => u.Id);
        Assert.Equal("u3,u1,u2,u10,u5,u9,u8,u12,u6,u11,u4,u7", string.Join(",", ids));
    }

    [Theory]
    [InlineData("addresses.locality", "The attribute 'addresses' cannot be filtered by this store.")]
    [InlineData("noSuchAttribute", "Unknown attribute 'noSuchAttribute' in filter.")]
    [InlineData("name", "Complex attribute 'name' cannot be compared with a value; compare one of its sub-attributes, e.g. 'name.formatted'.")]
    public void SortByUsesTheBindersMessages(string sortBy, string message)
    {
        var error = Assert.Throws<ScimException>(() => ScimLinqTranslator.ApplySort(Users.Value.AsQueryable(), AttributePath.Parse(sortBy), false, User, Map));
        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidFilter, error.ScimType);
        Assert.Equal(message, error.Message);
    }

    private static bool IsUnmapped(string message) =>
        message.StartsWith("The attribute '", StringComparison.Ordinal) && message.EndsWith("' cannot be filtered by this store.", StringComparison.Ordinal);

    private static void MapElement(ScimAttributeMap<EvalElement> element) => element
        .Map("value", e => e.Value, normalized: e => e.ValueUpper)
        .Map("type", e => e.Type, normalized: e => e.TypeUpper)
        .Map("display", e => e.Display, normalized: e => e.DisplayUpper)
        .Map("primary", e => e.Primary);

    /// <summary>
    /// What a database's binary collation does and LINQ-to-Objects does not by default: ordinal string ordering and
    /// affixes (<c>string.Compare</c>, <c>StartsWith</c>, <c>EndsWith</c> and <c>OrderBy</c> on strings are
    /// culture-sensitive in .NET).
    /// </summary>
    private sealed class OrdinalStrings : ExpressionVisitor
    {
        protected override Expression VisitExtension(Expression node) => node;

        private static readonly MethodInfo CompareOrdinal = typeof(string).GetMethod(nameof(string.CompareOrdinal), [typeof(string), typeof(string)])!;
        private static readonly MethodInfo StartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string), typeof(StringComparison)])!;
        private static readonly MethodInfo EndsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string), typeof(StringComparison)])!;

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var call = (MethodCallExpression)base.VisitMethodCall(node);
            if (call.Method.DeclaringType == typeof(Queryable) && call.Arguments.Count == 2 && call.Method.Name.Contains("By", StringComparison.Ordinal)
                && call.Method.GetGenericArguments()[1] == typeof(string))
            {
                return Expression.Call(typeof(Queryable), call.Method.Name, call.Method.GetGenericArguments(), call.Arguments[0], call.Arguments[1],
                    Expression.Constant(StringComparer.Ordinal, typeof(IComparer<string>)));
            }

            if (call.Method.DeclaringType != typeof(string) || call.Arguments.Count != (call.Object is null ? 2 : 1))
            {
                return call;
            }

            var ordinal = Expression.Constant(StringComparison.Ordinal);
            return call.Method.Name switch
            {
                nameof(string.Compare) => Expression.Call(CompareOrdinal, call.Arguments),
                nameof(string.StartsWith) => Expression.Call(call.Object, StartsWith, call.Arguments[0], ordinal),
                nameof(string.EndsWith) => Expression.Call(call.Object, EndsWith, call.Arguments[0], ordinal),
                _ => call,
            };
        }
    }

    /// <summary>A user as a host might keep it: strictly typed columns (a value of the wrong JSON kind is no value).</summary>
    public sealed class EvalUser
    {
        public string Id { get; init; } = "";

        public string? ExternalId { get; init; }

        public string? UserName { get; init; }

        public string? UserNameUpper => ScimAttributeMap.Normalize(UserName);

        public string? DisplayName { get; init; }

        public string? DisplayNameUpper => ScimAttributeMap.Normalize(DisplayName);

        public string? NickName { get; init; }

        public string? NickNameUpper => ScimAttributeMap.Normalize(NickName);

        public string? Title { get; init; }

        public string? TitleUpper => ScimAttributeMap.Normalize(Title);

        public string? UserType { get; init; }

        public string? UserTypeUpper => ScimAttributeMap.Normalize(UserType);

        public bool? Active { get; init; }

        public string? GivenName { get; init; }

        public string? GivenNameUpper => ScimAttributeMap.Normalize(GivenName);

        public string? FamilyName { get; init; }

        public string? FamilyNameUpper => ScimAttributeMap.Normalize(FamilyName);

        public string? MiddleName { get; init; }

        public string? MiddleNameUpper => ScimAttributeMap.Normalize(MiddleName);

        public string? Formatted { get; init; }

        public string? FormattedUpper => ScimAttributeMap.Normalize(Formatted);

        public DateTimeOffset? Created { get; init; }

        public DateTimeOffset? LastModified { get; init; }

        public string? Department { get; init; }

        public string? DepartmentUpper => ScimAttributeMap.Normalize(Department);

        public string? EmployeeNumber { get; init; }

        public string? EmployeeNumberUpper => ScimAttributeMap.Normalize(EmployeeNumber);

        public string? ManagerId { get; init; }

        public string? ManagerIdUpper => ScimAttributeMap.Normalize(ManagerId);

        public List<EvalElement> Emails { get; init; } = [];

        public List<EvalElement> PhoneNumbers { get; init; } = [];

        public static EvalUser Read(JsonElement user)
        {
            var name = Object(user, "name");
            var meta = Object(user, "meta");
            var enterprise = Object(user, ScimSchemaUris.EnterpriseUser);
            return new EvalUser
            {
                Id = String(user, "id")!,
                ExternalId = String(user, "externalId"),
                UserName = String(user, "userName"),
                DisplayName = String(user, "displayName"),
                NickName = String(user, "nickName"),
                Title = String(user, "title"),
                UserType = String(user, "userType"),
                Active = user.TryGetProperty("active", out var active) && active.ValueKind is JsonValueKind.True or JsonValueKind.False ? active.GetBoolean() : null,
                GivenName = String(name, "givenName"),
                FamilyName = String(name, "familyName"),
                MiddleName = String(name, "middleName"),
                Formatted = String(name, "formatted"),
                Created = String(meta, "created") is { } created ? DateTimeOffset.Parse(created, System.Globalization.CultureInfo.InvariantCulture) : null,
                LastModified = String(meta, "lastModified") is { } modified ? DateTimeOffset.Parse(modified, System.Globalization.CultureInfo.InvariantCulture) : null,
                Department = String(enterprise, "department"),
                EmployeeNumber = String(enterprise, "employeeNumber"),
                ManagerId = String(Object(enterprise, "manager"), "value"),
                Emails = Elements(user, "emails"),
                PhoneNumbers = Elements(user, "phoneNumbers"),
            };
        }

        private static JsonElement? Object(JsonElement? parent, string name) =>
            parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

        private static string? String(JsonElement? parent, string name) =>
            parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary>The object elements of an array, as a store keeps them in a child table.</summary>
        private static List<EvalElement> Elements(JsonElement user, string name) =>
            user.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
                ? [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e => new EvalElement
                {
                    Value = String(e, "value"),
                    Type = String(e, "type"),
                    Display = String(e, "display"),
                    Primary = e.TryGetProperty("primary", out var primary) && primary.ValueKind is JsonValueKind.True or JsonValueKind.False ? primary.GetBoolean() : null,
                })]
                : [];
    }

    /// <summary>One element of a multi-valued attribute, as a row of a child table.</summary>
    public sealed class EvalElement
    {
        public string? Value { get; init; }

        public string? ValueUpper => ScimAttributeMap.Normalize(Value);

        public string? Type { get; init; }

        public string? TypeUpper => ScimAttributeMap.Normalize(Type);

        public string? Display { get; init; }

        public string? DisplayUpper => ScimAttributeMap.Normalize(Display);

        public bool? Primary { get; init; }
    }
}
