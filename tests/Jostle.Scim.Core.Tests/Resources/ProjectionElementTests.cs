using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Resources;

namespace Jostle.Scim.Tests.Resources;

/// <summary>
/// A response written straight from the stored element must be byte for byte what the projection writes from the node
/// tree of the same document: every case of Cases/resources/projection.jsonl, and documents with escapes and nulls.
/// </summary>
public sealed class ProjectionElementTests
{
    private const string File = "projection.jsonl";

    public static TheoryData<string> Cases => CaseFile.Names(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheElementPathWritesWhatTheNodePathWrites(string name)
    {
        var c = CaseFile.Find(File, name);
        if (c["error"] is JsonObject)
        {
            return; // the projection itself is refused; nothing is written either way
        }

        var engine = TestResourceTypes.Engine((string)c["type"]!);
        var projection = engine.GetProjection((string?)c["attributes"], (string?)c["excludedAttributes"]);
        var element = JsonDocument.Parse(c["resource"]!.ToJsonString()).RootElement;

        var fromElement = Write(w => projection.WriteTo(w, element));
        Assert.Equal(Write(w => projection.WriteTo(w, JsonObject.Create(element)!)), fromElement);
        Assert.Equal(c["expected"]!.ToJsonString(), fromElement);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("emails.value,name", null)]
    [InlineData(null, "emails,name.givenName")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", null)]
    public void EscapesNullsAndExtensionsAreWrittenAlike(string? attributes, string? excluded)
    {
        const string Stored = """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
             "id":"2819c223","userName":"b\u00e9nsen \"q\" <a&b> \ud83d\ude00","nickName":null,
             "name":{"givenName":"B\u0061rbara","familyName":null,"formatted":"x\ty"},
             "emails":[{"value":"b@x.org","type":"work"},null,{"type":"home"},{"value":"c\/d@x.org"}],
             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"R\u0026D","manager":{"value":"m1","displayName":null},"costCenter":null},
             "meta":{"resourceType":"User","location":"https://h/scim/v2/Users/2819c223","version":"W/\"abc\""}}
            """;
        var engine = TestResourceTypes.Engine("User");
        var projection = engine.GetProjection(attributes, excluded);
        var element = JsonDocument.Parse(Stored).RootElement;
        Assert.Equal(Write(w => projection.WriteTo(w, JsonObject.Create(element)!)), Write(w => projection.WriteTo(w, element)));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
