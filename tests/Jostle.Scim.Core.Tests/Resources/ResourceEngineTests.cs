using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Resources;

public class ResourceEngineTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    private static JsonObject Parse(string json) => TestResourceTypes.Parse(json);

    [Fact]
    public void CreateStampsIdAndMetaFromTheClockAndBaseUrl()
    {
        var engine = TestResourceTypes.Engine("User", clock: new ManualClock(Start));
        var document = engine.ValidateForCreate(Parse("""{"userName":"bjensen"}""")).Document;

        engine.StampCreated(document, "2819c223", new Uri("https://example.com/scim/v2/"));

        Assert.Equal("2819c223", (string)document["id"]!);
        var meta = document["meta"]!;
        Assert.Equal("User", (string)meta["resourceType"]!);
        Assert.Equal("2026-03-01T09:30:00Z", (string)meta["created"]!);
        Assert.Equal("2026-03-01T09:30:00Z", (string)meta["lastModified"]!);
        Assert.Equal("https://example.com/scim/v2/Users/2819c223", (string)meta["location"]!);
        Assert.Matches("^W/\"[0-9a-f]{32}\"$", (string)meta["version"]!);
        Assert.Equal(["schemas", "id", "userName", "meta"], document.Select(p => p.Key));
    }

    [Fact]
    public void VersionChangesWhenContentChangesAndLastModifiedMoves()
    {
        var clock = new ManualClock(Start);
        var engine = TestResourceTypes.Engine("User", clock: clock);
        var created = engine.StampCreated(engine.ValidateForCreate(Parse("""{"userName":"bjensen","active":true}""")).Document, "u1", new Uri("https://x/scim"));
        var firstVersion = (string)created["meta"]!["version"]!;

        clock.Now = Start.AddMinutes(5);
        var replaced = engine.ValidateForReplace(Parse("""{"userName":"bjensen","active":"False"}"""), created).Document;
        Assert.True(engine.StampModified(replaced));

        Assert.NotEqual(firstVersion, (string)replaced["meta"]!["version"]!);
        Assert.Equal("2026-03-01T09:35:00Z", (string)replaced["meta"]!["lastModified"]!);
        Assert.Equal("2026-03-01T09:30:00Z", (string)replaced["meta"]!["created"]!);
        Assert.Equal("u1", (string)replaced["id"]!);
    }

    [Fact]
    public void AReplaceThatChangesNothingKeepsVersionAndLastModified()
    {
        var clock = new ManualClock(Start);
        var engine = TestResourceTypes.Engine("User", clock: clock);
        var created = engine.StampCreated(engine.ValidateForCreate(Parse("""{"userName":"bjensen"}""")).Document, "u1", new Uri("https://x/scim"));

        clock.Now = Start.AddHours(1);
        var replaced = engine.ValidateForReplace(Parse("""{"USERNAME":"bjensen","id":"u1"}"""), created).Document;

        Assert.False(engine.StampModified(replaced));
        Assert.Equal(created["meta"]!.ToJsonString(), replaced["meta"]!.ToJsonString());
    }

    [Fact]
    public void VersionIsAFunctionOfContentNotOfMeta()
    {
        var a = Parse("""{"schemas":["s"],"id":"1","userName":"a","meta":{"lastModified":"2020-01-01T00:00:00Z"}}""");
        var b = Parse("""{"schemas":["s"],"id":"1","userName":"a","meta":{"lastModified":"2030-01-01T00:00:00Z"}}""");
        var c = Parse("""{"schemas":["s"],"id":"1","userName":"A"}""");

        Assert.Equal(ScimResourceEngine.ComputeVersion(a), ScimResourceEngine.ComputeVersion(b));
        Assert.NotEqual(ScimResourceEngine.ComputeVersion(a), ScimResourceEngine.ComputeVersion(c));
    }

    [Fact]
    public void NormalisedDocumentFollowsSchemaOrderWhateverTheBodyOrder()
    {
        var engine = TestResourceTypes.Engine("Thing");
        var body = Parse($$"""{"{{TestResourceTypes.ThingExtensionUri}}":{"badge":"b","owner":"o"},"spec":{"size":1,"color":"red"},"count":2,"label":"x","externalId":"e1","schemas":["{{TestResourceTypes.ThingUri}}"]}""");

        var document = engine.ValidateForCreate(body).Document;

        Assert.Equal(
            $$$"""{"schemas":["{{{TestResourceTypes.ThingUri}}}","{{{TestResourceTypes.ThingExtensionUri}}}"],"externalId":"e1","label":"x","count":2,"spec":{"color":"red","size":1},"{{{TestResourceTypes.ThingExtensionUri}}}":{"owner":"o","badge":"b"}}""",
            document.ToJsonString());
    }

    [Fact]
    public void TheBodyIsNotChangedAndTheDocumentDoesNotShareNodesWithIt()
    {
        var engine = TestResourceTypes.Engine("User");
        var body = Parse("""{"userName":"bjensen","active":"True","emails":[{"value":"a@b.c"}]}""");
        var before = body.ToJsonString();

        var document = engine.ValidateForCreate(body).Document;
        document["emails"]![0]!["value"] = "changed";

        Assert.Equal(before, body.ToJsonString());
    }

    [Fact]
    public void StringBooleansRuleIsReportedOnlyWhenItFired()
    {
        var engine = TestResourceTypes.Engine("User");

        Assert.Equal(ScimCompatibility.None, engine.ValidateForCreate(Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","active":false}""")).RulesApplied);
        Assert.Equal(ScimCompatibility.StringBooleans, engine.ValidateForCreate(Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","active":"False"}""")).RulesApplied);
    }

    [Fact]
    public void OtherRulesSwitchedOffDoNotDisableStringBooleans()
    {
        var engine = TestResourceTypes.Engine("User", ScimCompatibility.StringBooleans);

        var result = engine.ValidateForCreate(Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","active":"TRUE"}"""));

        Assert.True((bool)result.Document["active"]!);
    }

    [Fact]
    public void ValidationErrorsAre400WithInvalidValue()
    {
        var engine = TestResourceTypes.Engine("Group");

        var error = Assert.Throws<ScimException>(() => engine.ValidateForCreate(Parse("""{"displayName":5}""")));

        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorType.InvalidValue, error.ScimType);
    }

    [Fact]
    public void PasswordIsStoredButNeverProjected()
    {
        var engine = TestResourceTypes.Engine("User");
        var document = engine.StampCreated(engine.ValidateForCreate(Parse("""{"userName":"a","password":"s3cret"}""")).Document, "u1", new Uri("https://x"));

        Assert.Equal("s3cret", (string)document["password"]!);
        Assert.DoesNotContain("s3cret", engine.GetProjection().ToJsonString(document), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", engine.GetProjection("password").ToJsonString(document), StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectionWritesTheSameJsonToAWriterAsToAString()
    {
        var engine = TestResourceTypes.Engine("User");
        var document = Parse("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","userName":"a","name":{"givenName":"A","familyName":"B"},"emails":[{"value":"a@b.c","type":"work"}]}""");
        var projection = engine.GetProjection("name.givenName,emails.value");
        var buffer = new ArrayBufferWriter<byte>();

        using (var writer = new Utf8JsonWriter(buffer))
        {
            projection.WriteTo(writer, document);
        }

        Assert.Equal(projection.ToJsonString(document), Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal("""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"1","name":{"givenName":"A"},"emails":[{"value":"a@b.c"}]}""", projection.ToJsonString(document));
    }

    [Fact]
    public void ProjectionPlansAreCachedPerParameterPair()
    {
        var engine = TestResourceTypes.Engine("User");

        Assert.Same(engine.GetProjection("userName", null), engine.GetProjection("userName", null));
        Assert.Same(engine.GetProjection(), engine.GetProjection(null, " "));
        Assert.NotSame(engine.GetProjection("userName", null), engine.GetProjection(null, "userName"));
    }

    [Fact]
    public void AMalformedAttributesEntryNamesTheEntry()
    {
        var engine = TestResourceTypes.Engine("User");

        var error = Assert.Throws<ScimException>(() => engine.GetProjection("userName,emails[type"));

        Assert.Equal(ScimErrorType.InvalidPath, error.ScimType);
        Assert.StartsWith("'emails[type' in attributes is not a valid attribute path", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ComparerReportsItsCanonicalSortByAndOrder()
    {
        var engine = TestResourceTypes.Engine("User");

        var comparer = engine.CreateComparer("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:MANAGER.VALUE", "descending");

        Assert.Equal(ScimSchemaUris.EnterpriseUser + ":manager.value", comparer.SortBy);
        Assert.True(comparer.Descending);
    }

    [Fact]
    public void ComparerSortsALargeListTheSameWayListSortAndOrderByDo()
    {
        var engine = TestResourceTypes.Engine("Thing");
        var random = new Random(7);
        var resources = Enumerable.Range(0, 500)
            .Select(i => Parse(random.Next(5) == 0 ? $$"""{"id":"{{i:D4}}"}""" : $$"""{"id":"{{i:D4}}","count":{{random.Next(20)}}}"""))
            .ToList();
        var comparer = engine.CreateComparer("count", "descending");

        var viaOrder = resources.Order(comparer).Select(r => (string)r["id"]!).ToList();
        var copy = resources.ToList();
        copy.Sort(comparer);

        Assert.Equal(viaOrder, copy.Select(r => (string)r["id"]!));
        var missing = viaOrder.TakeWhile(id => resources.Single(r => (string)r["id"]! == id)["count"] is null).Count();
        Assert.Equal(resources.Count(r => r["count"] is null), missing);
    }

    [Fact]
    public void EntraUserPostCreatesAndReadsBackInRfcForm()
    {
        var engine = TestResourceTypes.Engine("User", clock: new ManualClock(Start));
        var body = Parse("""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "externalId":"ext-1","userName":"Test_User@contoso.com","active":"True","displayName":null,
             "emails":[{"primary":true,"type":"work","value":"Test_User@contoso.com"}],
             "meta":{"resourceType":"User"},"name":{"familyName":"User","givenName":"Test"},
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","employeeNumber":null}}
            """);

        var result = engine.ValidateForCreate(body);
        var stored = engine.StampCreated(result.Document, "u-1", new Uri("https://host/scim/v2"));
        var output = engine.GetProjection().Apply(stored);

        Assert.Equal(ScimCompatibility.StringBooleans, result.RulesApplied);
        Assert.Empty(result.IgnoredAttributes);
        Assert.True((bool)output["active"]!);
        Assert.Null(output["displayName"]);
        Assert.Equal("Sales", (string)output[ScimSchemaUris.EnterpriseUser]!["department"]!);
        Assert.Equal("https://host/scim/v2/Users/u-1", (string)output["meta"]!["location"]!);
    }

    [Fact]
    public void DocumentsBuiltInCodeFromClrValuesValidateAndSortLikeParsedOnes()
    {
        var engine = TestResourceTypes.Engine("Thing");
        var body = new JsonObject
        {
            ["label"] = "x",
            ["count"] = 3,
            ["ratio"] = 1.5m,
            ["seenAt"] = JsonValue.Create(new DateTimeOffset(2024, 1, 31, 12, 0, 0, TimeSpan.Zero)),
        };

        var document = engine.ValidateForCreate(body).Document;
        var comparer = engine.CreateComparer("count");

        Assert.Equal(3, (int)document["count"]!);
        Assert.True(comparer.Compare(new JsonObject { ["id"] = "a", ["count"] = 2L }, Parse("""{"id":"b","count":10}""")) < 0);
        Assert.Throws<ScimException>(() => engine.ValidateForCreate(new JsonObject { ["label"] = "x", ["count"] = 2.5 }));
    }
}
