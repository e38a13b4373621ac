using System.Text.Json;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;
using static Jostle.Scim.Filtering.ComparisonOperator;
using static Jostle.Scim.Tests.Filtering.FilterAst;

namespace Jostle.Scim.Tests.Filtering;

public class FilterCompilerTests
{
    private const string Enterprise = ScimSchemaUris.EnterpriseUser;

    private static readonly ResourceTypeDefinition User = SchemaRegistry.CreateDefault().GetResourceType("User");
    private static readonly ResourceTypeDefinition Group = SchemaRegistry.CreateDefault().GetResourceType("Group");

    /// <summary>A resource type with one attribute of every type, and two extensions that share a name.</summary>
    private static readonly ResourceTypeDefinition Device = new(
        "Device",
        "/Devices",
        new SchemaDefinition("urn:test:Device", "Device",
        [
            new("port", AttributeType.Integer),
            new("weight", AttributeType.Decimal),
            new("enabled", AttributeType.Boolean),
            new("cert", AttributeType.Binary) { CaseExact = true },
            new("seenAt", AttributeType.DateTime),
            new("homepage", AttributeType.Reference) { CaseExact = true },
            new("aliases", AttributeType.String) { MultiValued = true },
            new("tags", AttributeType.Complex) { MultiValued = true, SubAttributes = [new("label", AttributeType.String), new("color", AttributeType.String)] },
        ]),
        [
            new SchemaExtension(new SchemaDefinition("urn:test:A", "A", [new("site", AttributeType.String), new("rack", AttributeType.Integer)]), false),
            new SchemaExtension(new SchemaDefinition("urn:test:B", "B", [new("site", AttributeType.String)]), false),
        ]);

    private const string Barbara = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "BJensen",
          "meta": { "resourceType": "User", "created": "2011-08-01T18:29:49.793Z", "lastModified": "2011-08-01T20:31:02Z" },
          "userName": "bjensen@example.com",
          "displayName": "Babs Jensen",
          "active": true,
          "name": { "givenName": "Barbara", "familyName": "Jensen", "formatted": "Ms. Barbara J Jensen III" },
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "employeeNumber": "701984", "department": "Tour Operations", "manager": { "value": "26118915-6090-4610-87e4-49d8ca9f808d" } }
        }
        """;

    private static bool Matches(FilterExpression filter, string json, ResourceTypeDefinition? type = null)
    {
        using var document = JsonDocument.Parse(json);
        return ScimFilter.Compile(filter, type ?? User).Matches(document.RootElement);
    }

    private static string CompileError(FilterExpression filter, ResourceTypeDefinition? type = null)
    {
        Assert.False(ScimFilter.TryCompile(filter, type ?? User, out var compiled, out var error));
        Assert.Null(compiled);
        Assert.Null(error!.Position);
        return error.Message;
    }

    [Theory]
    [InlineData("bjensen@example.com", true)]
    [InlineData("BJENSEN@Example.COM", true)]
    [InlineData("bjensen@example.co", false)]
    [InlineData("bjensen@example.comm", false)]
    public void UserNameIsMatchedCaseInsensitively(string value, bool expected) =>
        Assert.Equal(expected, Matches(Eq("userName", value), Barbara));

    [Theory]
    [InlineData("BJensen", true)]
    [InlineData("bjensen", false)]
    public void ExternalIdIsMatchedCaseExactly(string value, bool expected) =>
        Assert.Equal(expected, Matches(Eq("externalId", value), Barbara));

    [Fact]
    public void IdIsMatchedCaseExactly()
    {
        Assert.True(Matches(Eq("id", "2819c223-7f76-453a-919d-413861904646"), Barbara));
        Assert.False(Matches(Eq("id", "2819C223-7F76-453A-919D-413861904646"), Barbara));
    }

    [Fact]
    public void AttributeNamesInTheDocumentAreMatchedCaseInsensitively()
    {
        Assert.True(Matches(Eq("userName", "a@b.c"), """{"USERNAME": "a@b.c"}"""));
        Assert.True(Matches(Eq("name.givenName", "Jo"), """{"Name": {"GIVENNAME": "Jo"}}"""));
        Assert.True(Matches(Eq("employeeNumber", "7"), """{"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": {"employeenumber": "7"}}"""));
        Assert.True(Matches(Eq("userName", "x"), """{"user\u004eame": "x"}"""));
    }

    [Fact]
    public void AnExactlySpelledPropertyWinsOverOneThatDiffersOnlyInCase()
    {
        const string doc = """{"USERNAME": "shadow", "userName": "real"}""";
        Assert.True(Matches(Eq("userName", "real"), doc));
        Assert.False(Matches(Eq("userName", "shadow"), doc));
    }

    [Fact]
    public void AttributeNamesInTheFilterAreMatchedCaseInsensitively()
    {
        Assert.True(Matches(Eq("USERNAME", "bjensen@example.com"), Barbara));
        Assert.True(Matches(Eq("NAME.GIVENNAME", "barbara"), Barbara));
        Assert.True(Matches(Eq(Enterprise.ToUpperInvariant() + ":EMPLOYEENUMBER", "701984"), Barbara));
    }

    [Fact]
    public void EscapedAndNonAsciiStringsAreCompared()
    {
        const string doc = """{"userName": "\u00c9lodie \"Q\" \\o/", "externalId": "caf\u00e9", "displayName": "ÉLODIE Ünal"}""";
        Assert.True(Matches(Eq("userName", "élodie \"q\" \\O/"), doc));
        Assert.True(Matches(Eq("externalId", "café"), doc));
        Assert.False(Matches(Eq("externalId", "CAFÉ"), doc));
        Assert.True(Matches(Eq("displayName", "élodie ünal"), doc));
        Assert.True(Matches(Cmp("displayName", Contains, "e ü"), doc));
        Assert.True(Matches(Cmp("userName", EndsWith, "\\O/"), doc));
    }

    [Fact]
    public void EscapesInTheDocumentAreDecodedBeforeComparingIgnoringCase()
    {
        Assert.True(Matches(Eq("userName", "abc"), """{"userName": "\u0041BC"}"""));
        Assert.False(Matches(Eq("userName", "\\u0041bc"), """{"userName": "\u0041BC"}"""));
        Assert.True(Matches(Eq("userName", "\\U0041bc"), """{"userName": "\\u0041BC"}"""));
        Assert.False(Matches(Eq("userName", "abc"), """{"userName": "\\u0041BC"}"""));
        Assert.False(Matches(Eq("userName", "abcd"), """{"userName": "abc"}"""));
        Assert.False(Matches(Eq("userName", "ab"), """{"userName": "abc"}"""));
    }

    [Fact]
    public void SubstringOperatorsFollowTheAttributesCaseRule()
    {
        Assert.True(Matches(Cmp("userName", StartsWith, "BJEN"), Barbara));
        Assert.True(Matches(Cmp("userName", EndsWith, "EXAMPLE.COM"), Barbara));
        Assert.True(Matches(Cmp("displayName", Contains, "s j"), Barbara));
        Assert.True(Matches(Cmp("externalId", StartsWith, "BJ"), Barbara));
        Assert.False(Matches(Cmp("externalId", StartsWith, "bj"), Barbara));
        Assert.False(Matches(Cmp("externalId", Contains, "JENSEN"), Barbara));
    }

    [Fact]
    public void LongStringValuesAreCompared()
    {
        var longName = new string('a', 400) + "Needle" + new string('b', 400);
        var doc = JsonSerializer.Serialize(new { displayName = longName });
        Assert.True(Matches(Cmp("displayName", Contains, "needle"), doc));
        Assert.True(Matches(Eq("displayName", longName.ToUpperInvariant()), doc));
        Assert.False(Matches(Cmp("displayName", Contains, "haystack"), doc));
    }

    [Fact]
    public void StringsAreOrderedLexically()
    {
        Assert.True(Matches(Cmp("userName", GreaterThan, "A"), Barbara));
        Assert.True(Matches(Cmp("userName", GreaterThan, "BA"), Barbara));
        Assert.True(Matches(Cmp("userName", LessThan, "C"), Barbara));
        Assert.True(Matches(Cmp("userName", GreaterThanOrEqual, "BJENSEN@EXAMPLE.COM"), Barbara));
        Assert.True(Matches(Cmp("userName", LessThanOrEqual, "bjensen@example.com"), Barbara));
        Assert.False(Matches(Cmp("externalId", GreaterThan, "a"), Barbara));
    }

    [Theory]
    [InlineData(GreaterThan, 8080, false)]
    [InlineData(GreaterThan, 80, true)]
    [InlineData(GreaterThanOrEqual, 443, true)]
    [InlineData(LessThan, 443, false)]
    [InlineData(LessThanOrEqual, 443, true)]
    [InlineData(Equal, 443, true)]
    [InlineData(NotEqual, 443, false)]
    public void IntegersAreComparedNumerically(ComparisonOperator op, int value, bool expected) =>
        Assert.Equal(expected, Matches(Cmp("port", op, value), """{"port": 443}""", Device));

    [Fact]
    public void DecimalsAreComparedNumerically()
    {
        Assert.True(Matches(Cmp("weight", Equal, 2.5m), """{"weight": 2.50}""", Device));
        Assert.True(Matches(Cmp("weight", GreaterThan, 2.49m), """{"weight": 2.5}""", Device));
        Assert.True(Matches(Cmp("port", Equal, 5m), """{"port": 5.0}""", Device));
        Assert.True(Matches(new ComparisonExpression(Path("weight"), LessThan, FilterValue.FromNumber("1e400")), """{"weight": 1e300}""", Device));
        Assert.False(Matches(Cmp("weight", Equal, 2.5m), """{"weight": "2.5"}""", Device));
    }

    [Fact]
    public void DateTimesAreComparedChronologically()
    {
        Assert.True(Matches(Cmp("meta.created", GreaterThan, "2011-08-01T18:29:49Z"), Barbara));
        Assert.True(Matches(Cmp("meta.created", LessThan, "2011-08-01T18:29:50Z"), Barbara));
        Assert.True(Matches(Cmp("meta.lastModified", Equal, "2011-08-01T22:31:02+02:00"), Barbara));
        Assert.True(Matches(Cmp("meta.lastModified", GreaterThanOrEqual, "2011-08-01"), Barbara));
        Assert.True(Matches(Cmp("seenAt", Equal, "2020-01-02T03:04:05Z"), """{"seenAt": "2020-01-02T03:04:05"}""", Device));
        Assert.False(Matches(Cmp("seenAt", LessThan, "2030-01-01T00:00:00Z"), """{"seenAt": "next tuesday"}""", Device));
        Assert.False(Matches(Cmp("seenAt", LessThan, "2030-01-01T00:00:00Z"), """{"seenAt": 20200102}""", Device));
    }

    [Fact]
    public void DateTimesWithoutAnOffsetAreReadAsUtc()
    {
        Assert.True(Matches(Cmp("seenAt", Equal, "2020-01-02T00:00:00Z"), """{"seenAt": "2020-01-02"}""", Device));
        Assert.True(Matches(Cmp("seenAt", Equal, "2020-01-02"), """{"seenAt": "2020-01-02T00:00:00+00:00"}""", Device));
        Assert.True(Matches(Cmp("seenAt", Equal, "2020-01-02T01:30:00Z"), """{"seenAt": "2020-01-01T20:30:00-05:00"}""", Device));
        Assert.True(Matches(Cmp("seenAt", GreaterThan, "2020-01-02T03:04:05Z"), """{"seenAt": "2020-01-02T03:04:05.0000001"}""", Device));
        Assert.True(Matches(Cmp("seenAt", Equal, "2020-01-02T03:04:05Z"), """{"seenAt": "2020\u002d01-02T03:04:05Z"}""", Device));
    }

    [Fact]
    public void BooleansAreMatchedByValue()
    {
        Assert.True(Matches(Eq("active", true), Barbara));
        Assert.False(Matches(Eq("active", false), Barbara));
        Assert.True(Matches(Ne("active", false), Barbara));
        Assert.False(Matches(Eq("active", true), """{"active": "true"}"""));
    }

    [Theory]
    [InlineData(GreaterThan, "Operator 'gt' cannot be used with boolean attribute 'active'.")]
    [InlineData(LessThanOrEqual, "Operator 'le' cannot be used with boolean attribute 'active'.")]
    [InlineData(Contains, "Operator 'co' cannot be used with boolean attribute 'active'.")]
    public void OrderingAndSubstringOperatorsOnBooleansAreCompileErrors(ComparisonOperator op, string message) =>
        Assert.Equal(message, CompileError(Cmp("active", op, true)));

    [Fact]
    public void OperatorsThatDoNotFitTheTypeAreCompileErrors()
    {
        Assert.Equal("Operator 'co' cannot be used with dateTime attribute 'meta.created'.", CompileError(Cmp("meta.created", Contains, "2011")));
        Assert.Equal("Operator 'sw' cannot be used with integer attribute 'port'.", CompileError(Cmp("port", StartsWith, 4), Device));
        Assert.Equal("Operator 'ew' cannot be used with decimal attribute 'weight'.", CompileError(Cmp("weight", EndsWith, 4), Device));
        Assert.Equal("Operator 'gt' cannot be used with binary attribute 'cert'.", CompileError(Cmp("cert", GreaterThan, "AA=="), Device));
    }

    [Fact]
    public void ComparingWithTheWrongKindOfValueIsACompileError()
    {
        Assert.Equal("Cannot compare boolean attribute 'active' with the string \"yes\"; use true or false.", CompileError(Eq("active", "yes")));
        Assert.Equal("Cannot compare string attribute 'userName' with the number 5; use a quoted string.", CompileError(Eq("userName", 5)));
        Assert.Equal("Cannot compare string attribute 'userName' with the boolean true; use a quoted string.", CompileError(Eq("userName", true)));
        Assert.Equal("Cannot compare integer attribute 'port' with the string \"5\"; use a number.", CompileError(Eq("port", "5"), Device));
        Assert.Equal("Cannot compare dateTime attribute 'meta.created' with the number 2011; use a quoted dateTime such as \"2011-05-13T04:42:34Z\".", CompileError(Cmp("meta.created", GreaterThan, 2011)));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("May 13 2011")]
    [InlineData("2011-13-45T00:00:00Z")]
    public void ADateTimeFilterValueThatIsNotADateTimeIsACompileError(string value) =>
        Assert.Equal($"\"{value}\" is not a valid dateTime for attribute 'meta.created'; use the xsd:dateTime form, e.g. \"2011-05-13T04:42:34Z\".", CompileError(Cmp("meta.created", GreaterThan, value)));

    [Fact]
    public void BinaryAndReferenceAttributesCompareAsCaseExactStrings()
    {
        Assert.True(Matches(Eq("cert", "QUJD"), """{"cert": "QUJD"}""", Device));
        Assert.False(Matches(Eq("cert", "qujd"), """{"cert": "QUJD"}""", Device));
        Assert.True(Matches(Cmp("homepage", StartsWith, "https://"), """{"homepage": "https://example.com"}""", Device));
    }

    [Fact]
    public void EqualsNullMeansNotPresentAndNotEqualsNullMeansPresent()
    {
        Assert.True(Matches(Eq("displayName", null), """{"userName": "x"}"""));
        Assert.True(Matches(Eq("displayName", null), """{"displayName": ""}"""));
        Assert.False(Matches(Eq("displayName", null), """{"displayName": "D"}"""));
        Assert.True(Matches(Ne("displayName", null), """{"displayName": "D"}"""));
        Assert.True(Matches(Eq("name", null), """{"name": {}}"""));
        Assert.Equal("Operator 'gt' cannot compare attribute 'userName' with null; only 'eq null' (not present) and 'ne null' (present) are allowed.", CompileError(Cmp("userName", GreaterThan, null)));
    }

    [Fact]
    public void NotEqualIsTheNegationOfEqual()
    {
        Assert.True(Matches(Ne("displayName", "x"), """{"userName": "u"}"""));
        Assert.False(Matches(Ne("userName", "U"), """{"userName": "u"}"""));
        Assert.False(Matches(Ne("emails.type", "work"), Barbara));
        Assert.True(Matches(Ne("emails.type", "other"), Barbara));
    }

    [Theory]
    [InlineData("""{}""", false)]
    [InlineData("""{"displayName": null}""", false)]
    [InlineData("""{"displayName": ""}""", false)]
    [InlineData("""{"displayName": " "}""", true)]
    [InlineData("""{"displayName": "D"}""", true)]
    public void PresentIsFalseForMissingNullAndEmptyStrings(string doc, bool expected) =>
        Assert.Equal(expected, Matches(Pr("displayName"), doc));

    [Theory]
    [InlineData("""{"emails": []}""", false)]
    [InlineData("""{"emails": [null]}""", false)]
    [InlineData("""{"emails": [{}]}""", false)]
    [InlineData("""{"emails": [{"value": ""}]}""", false)]
    [InlineData("""{"emails": [{"value": "a@b.c"}]}""", true)]
    [InlineData("""{"emails": [{"primary": false}]}""", true)]
    public void PresentIsFalseForEmptyArraysAndObjects(string doc, bool expected) =>
        Assert.Equal(expected, Matches(Pr("emails"), doc));

    [Fact]
    public void PresentOnASubAttributeLooksAtEveryElement()
    {
        Assert.True(Matches(Pr("emails.primary"), Barbara));
        Assert.False(Matches(Pr("emails.primary"), """{"emails": [{"value": "a@b.c"}, {"primary": null}]}"""));
        Assert.True(Matches(Pr("name.givenName"), Barbara));
        Assert.False(Matches(Pr("name.givenName"), """{"name": {"givenName": null}}"""));
    }

    [Fact]
    public void AComplexMultiValuedAttributeWithoutASubAttributeComparesItsValue()
    {
        Assert.True(Matches(Cmp("emails", Contains, "jensen.org"), Barbara));
        Assert.True(Matches(Eq("emails", "BABS@jensen.org"), Barbara));
        Assert.False(Matches(Eq("emails", "work"), Barbara));
        Assert.True(Matches(Eq(Enterprise + ":manager", "26118915-6090-4610-87e4-49d8ca9f808d"), Barbara));
    }

    [Fact]
    public void AComplexAttributeWithoutAValueSubAttributeCannotBeCompared()
    {
        Assert.Equal("Complex attribute 'name' cannot be compared with a value; compare one of its sub-attributes, e.g. 'name.formatted'.", CompileError(Eq("name", "x")));
        Assert.Equal("Complex attribute 'tags' cannot be compared with a value; compare one of its sub-attributes, e.g. 'tags.label'.", CompileError(Cmp("tags", Contains, "x"), Device));
    }

    [Fact]
    public void ASubAttributeOfAMultiValuedAttributeMatchesAnyElement()
    {
        Assert.True(Matches(Eq("emails.value", "bjensen@example.com"), Barbara));
        Assert.True(Matches(Eq("emails.value", "babs@jensen.org"), Barbara));
        Assert.True(Matches(Eq("emails.type", "home"), Barbara));
        Assert.False(Matches(Eq("emails.type", "other"), Barbara));
    }

    [Fact]
    public void AMultiValuedSimpleAttributeMatchesAnyValue()
    {
        const string doc = """{"aliases": ["alpha", "Beta"]}""";
        Assert.True(Matches(Eq("aliases", "beta"), doc, Device));
        Assert.False(Matches(Eq("aliases", "gamma"), doc, Device));
        Assert.True(Matches(Pr("aliases"), doc, Device));
    }

    [Fact]
    public void AValuePathNeedsOneElementToSatisfyTheWholeFilter()
    {
        var sameElement = Vp("emails", And(Eq("type", "work"), Eq("value", "babs@jensen.org")));
        var anyElements = And(Eq("emails.type", "work"), Eq("emails.value", "babs@jensen.org"));
        Assert.False(Matches(sameElement, Barbara));
        Assert.True(Matches(anyElements, Barbara));
        Assert.True(Matches(Vp("emails", And(Eq("type", "home"), Eq("value", "babs@jensen.org"))), Barbara));
    }

    [Fact]
    public void AValuePathSupportsOrAndNotInside()
    {
        Assert.True(Matches(Vp("emails", Or(Eq("type", "other"), Eq("primary", true))), Barbara));
        Assert.True(Matches(Vp("emails", Not(Eq("type", "work"))), Barbara));
        Assert.False(Matches(Vp("emails", And(Not(Eq("type", "work")), Pr("primary"))), Barbara));
        Assert.True(Matches(Vp("EMAILS", Eq("TYPE", "WORK")), Barbara));
    }

    [Fact]
    public void AValuePathWorksOnASingleValuedComplexAttribute()
    {
        Assert.True(Matches(Vp("name", And(Eq("givenName", "barbara"), Cmp("familyName", StartsWith, "J"))), Barbara));
        Assert.True(Matches(Vp(Enterprise + ":manager", Pr("value")), Barbara));
        Assert.False(Matches(Vp("name", Eq("givenName", "Babs")), Barbara));
    }

    [Fact]
    public void AValuePathOnAnAttributeThatIsNotComplexIsACompileError()
    {
        Assert.Equal("Attribute 'userName' is not complex, so it cannot have a value filter ('userName[…]').", CompileError(Vp("userName", Eq("value", "x"))));
        Assert.Equal("Unknown attribute 'emails.foo' in filter.", CompileError(Vp("emails", Eq("foo", "x"))));
        Assert.Equal("Value filters cannot be nested: 'emails[…]' is inside the value filter of 'emails'.", CompileError(Vp("emails", Vp("emails", Pr("value")))));
        Assert.Equal("Attribute 'emails.type' has no sub-attributes, so 'emails.type.x' is not valid.", CompileError(Vp("emails", Eq("type.x", "a"))));
        Assert.Equal("Inside the value filter of 'emails', 'urn:x:type' must name a sub-attribute of 'emails'.", CompileError(Vp("emails", Eq("urn:x:type", "a"))));
    }

    [Fact]
    public void ExtensionAttributesAreFoundByUrnOrByName()
    {
        Assert.True(Matches(Eq(Enterprise + ":employeeNumber", "701984"), Barbara));
        Assert.True(Matches(Eq("employeeNumber", "701984"), Barbara));
        Assert.True(Matches(Eq(Enterprise + ":manager.value", "26118915-6090-4610-87e4-49d8ca9f808d"), Barbara));
        Assert.True(Matches(Eq("department", "tour operations"), Barbara));
        Assert.False(Matches(Eq("employeeNumber", "701984"), """{"employeeNumber": "701984"}"""));
        Assert.True(Matches(Eq(ScimSchemaUris.User + ":userName", "bjensen@example.com"), Barbara));
        Assert.True(Matches(Eq(ScimSchemaUris.User + ":id", "2819c223-7f76-453a-919d-413861904646"), Barbara));
    }

    [Fact]
    public void UnknownAttributesAreCompileErrorsNamingThePath()
    {
        Assert.Equal("Unknown attribute 'foo' in filter.", CompileError(Eq("foo", "x")));
        Assert.Equal("Unknown attribute 'name.middle' in filter.", CompileError(Eq("name.middle", "x")));
        Assert.Equal("Unknown attribute 'foo' in filter.", CompileError(Pr("foo.bar")));
        Assert.Equal("Attribute 'userName' has no sub-attributes, so 'userName.first' is not valid.", CompileError(Eq("userName.first", "x")));
        Assert.Equal("Unknown attribute 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:foo' in filter.", CompileError(Eq(Enterprise + ":foo", "x")));
        Assert.Equal("Unknown schema 'urn:example:nope' in filter attribute 'urn:example:nope:foo'; resource type 'User' has no such schema.", CompileError(Eq("urn:example:nope:foo", "x")));
        Assert.Equal("Unknown attribute 'members' in filter.", CompileError(Pr("members")));
    }

    [Fact]
    public void AnAttributeNameSharedByTwoExtensionsMustBeQualified()
    {
        Assert.Equal("Attribute 'site' is defined by more than one schema extension; qualify it with the schema URN.", CompileError(Eq("site", "x"), Device));
        Assert.True(Matches(Eq("urn:test:B:site", "north"), """{"urn:test:A": {"site": "south"}, "urn:test:B": {"site": "north"}}""", Device));
        Assert.True(Matches(Cmp("rack", GreaterThan, 3), """{"urn:test:A": {"rack": 4}}""", Device));
    }

    [Fact]
    public void CompileThrowsAScimFilterExceptionWithoutAPosition()
    {
        var e = Assert.Throws<ScimFilterException>(() => ScimFilter.Compile(Eq("foo", "x"), User));
        Assert.Equal("Unknown attribute 'foo' in filter.", e.Message);
        Assert.Null(e.Position);
    }

    [Fact]
    public void AndOrAndNotCombineAsUsual()
    {
        Assert.True(Matches(And(Eq("userName", "bjensen@example.com"), Eq("active", true), Pr("name")), Barbara));
        Assert.False(Matches(And(Eq("userName", "bjensen@example.com"), Eq("active", false)), Barbara));
        Assert.True(Matches(Or(Eq("userName", "nobody"), Eq("externalId", "nope"), Eq("displayName", "babs jensen")), Barbara));
        Assert.False(Matches(Or(Eq("userName", "nobody"), Eq("externalId", "nope")), Barbara));
        Assert.True(Matches(Or(Eq("userName", "nobody"), And(Eq("active", true), Not(Eq("externalId", "nope")))), Barbara));
    }

    [Fact]
    public void AWideOrOfManyOperandsIsEvaluatedWithoutRecursingPerOperand()
    {
        var operands = Enumerable.Range(0, 5000).Select(i => (FilterExpression)Eq("externalId", "x" + i)).Append(Eq("externalId", "BJensen"));
        Assert.True(Matches(new LogicalExpression(LogicalOperator.Or, operands), Barbara));
    }

    [Fact]
    public void MatchesNeverThrowsOnDocumentsOfTheWrongShape()
    {
        var filter = ScimFilter.Compile(
            Or(Eq("userName", "x"), Cmp("meta.created", GreaterThan, "2011-01-01T00:00:00Z"), Vp("emails", Eq("type", "work")), Eq(Enterprise + ":manager.value", "m"), Pr("name.givenName")),
            User);
        string[] docs =
        [
            "[]", "\"text\"", "42", "null", "{}",
            """{"userName": 5, "meta": "yesterday", "emails": "a@b.c", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": [1, 2], "name": [[{"givenName": ""}]]}""",
            """{"userName": {"value": "x"}, "meta": {"created": true}, "emails": [1, "two", [3], null], "name": "Jo"}""",
        ];
        foreach (var doc in docs)
        {
            using var document = JsonDocument.Parse(doc);
            Assert.False(filter.Matches(document.RootElement), doc);
        }

        Assert.False(filter.Matches(default));
    }

    [Fact]
    public void GroupMembersAreMatchedByValue()
    {
        const string group = """{"id": "g1", "displayName": "Tour Guides", "members": [{"value": "u1", "type": "User"}, {"value": "u2"}]}""";
        Assert.True(Matches(Eq("members.value", "u2"), group, Group));
        Assert.True(Matches(Vp("members", Eq("value", "u1")), group, Group));
        Assert.True(Matches(Eq("members", "u1"), group, Group));
        Assert.True(Matches(Eq("displayName", "tour guides"), group, Group));
    }

    [Fact]
    public void CompiledFilterRemembersItsSourceFilter()
    {
        var filter = Eq("userName", "bjensen");
        Assert.Same(filter, ScimFilter.Compile(filter, User).Filter);
    }

    [Fact]
    public void EvaluatingCommonLookupsDoesNotAllocate()
    {
        using var document = JsonDocument.Parse(Barbara);
        var resource = document.RootElement;
        CompiledFilter[] filters =
        [
            ScimFilter.Compile(Eq("userName", "BJENSEN@example.com"), User),
            ScimFilter.Compile(Eq("externalId", "BJensen"), User),
            ScimFilter.Compile(Vp("emails", And(Eq("type", "work"), Eq("value", "bjensen@example.com"))), User),
            ScimFilter.Compile(Cmp("meta.lastModified", GreaterThan, "2011-01-01T00:00:00Z"), User),
            ScimFilter.Compile(Cmp("displayName", Contains, "jen"), User),
            ScimFilter.Compile(Eq("externalId", "missing"), User),
        ];
        foreach (var filter in filters)
        {
            filter.Matches(resource);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var matched = 0;
        for (var i = 0; i < 100; i++)
        {
            foreach (var filter in filters)
            {
                matched += filter.Matches(resource) ? 1 : 0;
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(500, matched);
    }
}
