using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// Compiling filters against the User resource type and evaluating them on a realistic (~1 KB) user document:
/// the lookups Entra ID makes on every object of every cycle, and a compound filter.
/// </summary>
[MemoryDiagnoser]
public class FilterEvaluateBenchmarks
{
    private const string UserJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "urn:ietf:params:scim:schemas:extension:jostle:2.0:User"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "701984",
          "userName": "bjensen@example.com",
          "name": { "formatted": "Ms. Barbara J Jensen, III", "familyName": "Jensen", "givenName": "Barbara", "middleName": "Jane", "honorificPrefix": "Ms.", "honorificSuffix": "III" },
          "displayName": "Babs Jensen",
          "nickName": "Babs",
          "profileUrl": "https://login.example.com/bjensen",
          "emails": [
            { "value": "bjensen@example.com", "type": "work", "primary": true },
            { "value": "babs@jensen.org", "type": "home" }
          ],
          "addresses": [
            { "type": "work", "streetAddress": "100 Universal City Plaza", "locality": "Hollywood", "region": "CA", "postalCode": "91608", "country": "USA", "primary": true }
          ],
          "phoneNumbers": [ { "value": "555-555-5555", "type": "work" }, { "value": "555-555-4444", "type": "mobile" } ],
          "userType": "Employee",
          "title": "Tour Guide",
          "preferredLanguage": "en-US",
          "locale": "en-US",
          "timezone": "America/Los_Angeles",
          "active": true,
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984", "costCenter": "4130", "organization": "Universal Studios", "division": "Theme Park", "department": "Tour Operations",
            "manager": { "value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith" }
          },
          "urn:ietf:params:scim:schemas:extension:jostle:2.0:User": { "alternateEmail1Label": "Backup" },
          "meta": {
            "resourceType": "User", "created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z",
            "version": "W/\"3694e05e9dff591\"", "location": "https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646"
          }
        }
        """;

    private static readonly ResourceTypeDefinition User = SchemaRegistry.CreateDefault().GetResourceType("User");

    private static readonly FilterExpression UserNameEqFilter =
        new ComparisonExpression(new AttributePath(null, "userName"), ComparisonOperator.Equal, FilterValue.FromString("BJensen@example.com"));

    private JsonDocument _document = null!;
    private JsonElement _user;
    private CompiledFilter _userNameEq = null!;
    private CompiledFilter _externalIdEq = null!;
    private CompiledFilter _workEmailEq = null!;
    private CompiledFilter _compound = null!;

    [GlobalSetup]
    public void Setup()
    {
        _document = JsonDocument.Parse(UserJson);
        _user = _document.RootElement;
        _userNameEq = ScimFilter.Compile(UserNameEqFilter, User);
        _externalIdEq = ScimFilter.Compile(Eq("externalId", "701984"), User);

        // Entra ID's emails[type eq "work"].value eq "…", as the parser lowers it.
        _workEmailEq = ScimFilter.Compile(
            new ValuePathExpression(new AttributePath(null, "emails"), new LogicalExpression(LogicalOperator.And, Eq("type", "work"), Eq("value", "bjensen@example.com"))),
            User);

        // active eq true and (title sw "tour" or meta.lastModified gt "2011-01-01T00:00:00Z") and not (emails co "@example.org")
        _compound = ScimFilter.Compile(
            new LogicalExpression(LogicalOperator.And,
            [
                new ComparisonExpression(new AttributePath(null, "active"), ComparisonOperator.Equal, FilterValue.True),
                new LogicalExpression(LogicalOperator.Or,
                    new ComparisonExpression(new AttributePath(null, "title"), ComparisonOperator.StartsWith, FilterValue.FromString("tour")),
                    new ComparisonExpression(new AttributePath(null, "meta", "lastModified"), ComparisonOperator.GreaterThan, FilterValue.FromString("2011-01-01T00:00:00Z"))),
                new NotExpression(new ComparisonExpression(new AttributePath(null, "emails"), ComparisonOperator.Contains, FilterValue.FromString("@example.org"))),
            ]),
            User);
    }

    [GlobalCleanup]
    public void Cleanup() => _document.Dispose();

    [Benchmark]
    public CompiledFilter CompileUserNameEq() => ScimFilter.Compile(UserNameEqFilter, User);

    [Benchmark(Baseline = true)]
    public bool EvaluateUserNameEq() => _userNameEq.Matches(_user);

    [Benchmark]
    public bool EvaluateExternalIdEq() => _externalIdEq.Matches(_user);

    [Benchmark]
    public bool EvaluateWorkEmailValueEq() => _workEmailEq.Matches(_user);

    [Benchmark]
    public bool EvaluateCompound() => _compound.Matches(_user);

    private static ComparisonExpression Eq(string name, string value) =>
        new(new AttributePath(null, name), ComparisonOperator.Equal, FilterValue.FromString(value));
}
