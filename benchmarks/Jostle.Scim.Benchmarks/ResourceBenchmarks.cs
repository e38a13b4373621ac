using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Benchmarks;

/// <summary>
/// The resource engine on the shapes Entra ID sends and reads: validating a user POST body, projecting a stored
/// user to a writer (default and with <c>attributes</c>), and sorting 10 000 users by <c>userName</c>.
/// </summary>
[MemoryDiagnoser]
public class ResourceBenchmarks
{
    private const string EntraPost = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee@testuser.com","active":"True",
         "addresses":[{"primary":true,"type":"work","formatted":"1 Main St"}],"displayName":"Test User",
         "emails":[{"primary":true,"type":"work","value":"Test_User_ab6490ee@testuser.com"}],"meta":{"resourceType":"User"},
         "name":{"familyName":"User","givenName":"Test"},"roles":[],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","employeeNumber":null}}
        """;

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private ScimResourceEngine _engine = null!;
    private JsonObject _body = null!;
    private JsonObject _stored = null!;
    private JsonObject[] _users = [];
    private Utf8JsonWriter _writer = null!;

    /// <summary>Builds the engine, the body and the stored documents.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _engine = new ScimResourceEngine(SchemaRegistry.CreateDefault().GetResourceType("User"));
        _body = JsonNode.Parse(EntraPost)!.AsObject();
        _stored = _engine.StampCreated(_engine.ValidateForCreate(_body).Document, "2819c223", new Uri("https://example.com/scim/v2"));
        var random = new Random(42);
        _users = [.. Enumerable.Range(0, 10_000).Select(i => new JsonObject
        {
            ["id"] = i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
            ["userName"] = "user" + random.Next(1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        })];
        _writer = new Utf8JsonWriter(_buffer);
    }

    /// <summary>Validates and normalises an Entra ID user POST body.</summary>
    /// <returns>The document.</returns>
    [Benchmark]
    public JsonObject ValidateEntraPost() => _engine.ValidateForCreate(_body).Document;

    /// <summary>Writes a stored user with the default projection.</summary>
    /// <returns>The bytes written.</returns>
    [Benchmark]
    public int ProjectDefault() => Write(_engine.GetProjection());

    /// <summary>Writes a stored user with <c>attributes=userName,emails.value</c> (plan from the cache).</summary>
    /// <returns>The bytes written.</returns>
    [Benchmark]
    public int ProjectAttributes() => Write(_engine.GetProjection("userName,emails.value"));

    /// <summary>Sorts 10 000 users by <c>userName</c>.</summary>
    /// <returns>The first id.</returns>
    [Benchmark]
    public string? Sort10000ByUserName()
    {
        var copy = (JsonObject[])_users.Clone();
        Array.Sort(copy, _engine.CreateComparer("userName"));
        return (string?)copy[0]["id"];
    }

    private int Write(ResourceProjection projection)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        projection.WriteTo(_writer, _stored);
        _writer.Flush();
        return _buffer.WrittenCount;
    }
}
