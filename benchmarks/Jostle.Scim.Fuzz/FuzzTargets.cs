using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Filtering;
using Jostle.Scim.Patching;
using Jostle.Scim.Protocol;
using Jostle.Scim.Resources;
using Jostle.Scim.Schema;
using Jostle.Scim.Service;

namespace Jostle.Scim.Fuzz;

/// <summary>
/// One target per parser that takes input from the network. Each calls the entry points the HTTP pipeline calls, in
/// the same order. The documented failure is a <see cref="ScimException"/> with a 4xx status (or a
/// <see cref="ScimFilterException"/>, which the pipeline answers with 400 invalidFilter); anything else escaping a
/// target, a ScimException of 500 or more, or a broken invariant, is a crash.
/// </summary>
internal static class FuzzTargets
{
    private static readonly Dictionary<string, Action<byte[]>> All = new(StringComparer.Ordinal)
    {
        ["filter"] = Filter,
        ["path"] = Path,
        ["patch"] = Patch,
        ["bulk"] = bytes => PipelineTarget.Send("POST /Bulk", bytes),
        ["resource"] = Resource,
        ["attributes"] = Attributes,
        ["body"] = Body,
        ["http"] = PipelineTarget.Http,
        ["selftest"] = SelfTest,
    };

    private static readonly Uri BaseUrl = new("https://scim.example/scim/v2");

    // Library code runs only inside a target: instrumented code must not run before SharpFuzz maps afl's coverage memory.
    private static ScimResourceEngine Users => Fixtures.Users;

    private static ScimResourceEngine Groups => Fixtures.Groups;

    private static JsonElement UserElement => Fixtures.UserElement;

    private static JsonElement GroupElement => Fixtures.GroupElement;

    internal const string UserJson = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "id":"2819c223-7f76-453a-919d-413861904646","externalId":"bjensen","userName":"bjensen@example.com",
         "name":{"formatted":"Ms. Barbara J Jensen III","familyName":"Jensen","givenName":"Barbara"},
         "displayName":"Babs Jensen","nickName":"Babs","title":"Tour Guide","active":true,
         "emails":[{"value":"bjensen@example.com","type":"work","primary":true},{"value":"babs@jensen.org","type":"home"}],
         "phoneNumbers":[{"value":"555-555-8377","type":"work"}],
         "addresses":[{"type":"work","streetAddress":"100 Universal City Plaza","locality":"Hollywood","region":"CA","postalCode":"91608","country":"USA","primary":true}],
         "roles":[{"value":"admin","type":"x","primary":false}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","costCenter":"4130","department":"Tour Operations","manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}},
         "meta":{"resourceType":"User","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:42:34Z","version":"W/\"3694e05e9dff590\""}}
        """;

    private const string OtherUserJson = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u2","userName":"alice","active":false,
         "name":{"familyName":"Zed","givenName":"Alice"},"emails":[{"value":"alice@example.com","type":"home"}],
         "meta":{"resourceType":"User","created":"2012-01-23T04:56:22Z","lastModified":"2012-05-13T04:42:34Z","version":"W/\"1\""}}
        """;

    internal const string GroupJson = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"e9e30dba-f08f-4109-8486-d5c6a331660a",
         "displayName":"Tour Guides","externalId":"g1",
         "members":[{"value":"2819c223-7f76-453a-919d-413861904646","display":"Babs Jensen","type":"User"},{"value":"u2","type":"User"}],
         "meta":{"resourceType":"Group","created":"2010-01-23T04:56:22Z","lastModified":"2011-05-13T04:56:22Z","version":"W/\"3694e05e9dff592\""}}
        """;


    public static IEnumerable<string> Names => All.Keys;

    public static bool TryGet(string name, [NotNullWhen(true)] out Action<byte[]>? target) => All.TryGetValue(name, out target);

    /// <summary>Checks the engine, not the library: an input starting with <c>C</c> crashes, one starting with <c>H</c> hangs; afl-fuzz must save both within seconds.</summary>
    private static void SelfTest(byte[] bytes)
    {
        AttributePath.TryParse(Text(bytes), out _, out _); // Some instrumented code, or afl-fuzz refuses the target.
        if (bytes is [(byte)'C', ..])
        {
            throw new FuzzInvariantException("selftest crash");
        }

        if (bytes is [(byte)'H', ..])
        {
            Thread.Sleep(Timeout.Infinite);
        }
    }

    /// <summary>Text as the query string gives it to the service: UTF-8, invalid sequences replaced.</summary>
    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Runs <paramref name="action"/>; the documented SCIM errors are expected outcomes, nothing else is.</summary>
    private static void Expect(Action action)
    {
        try
        {
            action();
        }
        catch (ScimException e) when (e.Status is >= 400 and < 500)
        {
        }
        catch (ScimFilterException)
        {
        }
    }

    private static void Check([DoesNotReturnIf(false)] bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(what);
        }
    }

    /// <summary>The <c>filter</c> parameter: parse (default options: every compatibility rule), then compile and run against both resource types as the stores do; the canonical text must parse to itself.</summary>
    private static void Filter(byte[] bytes)
    {
        var text = Text(bytes);
        var options = new JostleScimOptions().FilterOptions;
        if (!ScimFilter.TryParse(text, options, out var filter, out var error, out _))
        {
            Check(!string.IsNullOrWhiteSpace(error.Message), "a filter error has a message");
            return;
        }

        var canonical = filter.ToString();
        Check(ScimFilter.TryParse(canonical, options, out var again, out var againError, out _), $"the canonical text of a parsed filter parses: {canonical} ({againError?.Message})");
        Check(again.ToString() == canonical, $"the canonical text is a fixed point: {canonical} -> {again}");
        foreach (var (engine, element) in new[] { (Users, UserElement), (Groups, GroupElement) })
        {
            if (ScimFilter.TryCompile(filter, engine.ResourceType, out var compiled, out var compileError))
            {
                compiled.Matches(element);
            }
            else
            {
                Check(!string.IsNullOrWhiteSpace(compileError.Message), "a compile error has a message");
            }
        }
    }

    /// <summary>PATCH operation paths and attribute paths (<c>sortBy</c>, the <c>attributes</c> items).</summary>
    private static void Path(byte[] bytes)
    {
        var text = Text(bytes);
        if (PatchPath.TryParse(text, out var path, out var error))
        {
            var canonical = path.ToString();
            Check(PatchPath.TryParse(canonical, out var again, out _) && again.ToString() == canonical, $"the canonical PATCH path parses to itself: {canonical}");
        }
        else
        {
            Check(!string.IsNullOrWhiteSpace(error.Message), "a path error has a message");
        }

        if (AttributePath.TryParse(text, out var attribute, out _))
        {
            var canonical = attribute.ToString();
            Check(AttributePath.TryParse(canonical, out var again, out _) && again.ToString() == canonical, $"the canonical attribute path parses to itself: {canonical}");
        }
    }

    /// <summary>A PATCH body, read as the request reader reads it, parsed and applied to a User and a Group, then validated as a replace, as <see cref="ScimResourceService"/> does.</summary>
    private static void Patch(byte[] bytes) => Expect(() =>
    {
        var body = ScimRequestContext.ParseBody(bytes);
        var request = PatchRequest.Parse(body);
        foreach (var (engine, json) in new[] { (Users, UserJson), (Groups, GroupJson) })
        {
            Expect(() =>
            {
                var existing = JsonNode.Parse(json)!.AsObject();
                var patched = PatchApplier.Apply(existing.DeepClone().AsObject(), request, engine.ResourceType);
                engine.ValidateForReplace(patched.Resource, existing);
            });
        }

        // The string overload (a fast path for the usual body) must agree with the node overload on valid UTF-8 JSON.
        PatchRequest? fromText = null;
        Expect(() => fromText = PatchRequest.Parse(Encoding.UTF8.GetString(bytes)));
        Check(fromText is not null && fromText.Operations.Count == request.Operations.Count, "PatchRequest.Parse(string) accepts what Parse(JsonNode) accepts");
    });

    /// <summary>A resource body through validation for create and replace, stamped and versioned as the service does; the first byte picks User or Group.</summary>
    private static void Resource(byte[] bytes) => Expect(() =>
    {
        if (bytes.Length == 0)
        {
            return;
        }

        var (engine, existingJson) = (bytes[0] & 1) == 0 ? (Users, UserJson) : (Groups, GroupJson);
        var body = ScimRequestContext.ParseBody(bytes.AsSpan(1)) as JsonObject
            ?? throw new ScimException(ScimErrorType.InvalidSyntax, "not an object");
        var created = engine.ValidateForCreate(body.DeepClone().AsObject());
        var stamped = engine.StampCreated(created.Document, "fuzz-id", BaseUrl);
        ScimResourceEngine.ComputeVersion(stamped);
        engine.ValidateForReplace(body, JsonNode.Parse(existingJson)!.AsObject());
    });

    /// <summary><c>attributes</c>, <c>excludedAttributes</c>, <c>sortBy</c>, <c>sortOrder</c> (one per line), projected and sorted as a list response is.</summary>
    private static void Attributes(byte[] bytes) => Expect(() =>
    {
        var parts = Text(bytes).Split('\n');
        string? Part(int i) => i < parts.Length && parts[i].Length > 0 ? parts[i] : null;
        var query = ScimQueryParameters.FromQuery(
            name => name switch { "attributes" => Part(0), "excludedAttributes" => Part(1), "sortBy" => Part(2), "sortOrder" => Part(3), _ => null },
            200);
        foreach (var (engine, json, other) in new[] { (Users, UserJson, OtherUserJson), (Groups, GroupJson, GroupJson) })
        {
            Expect(() =>
            {
                var projection = engine.GetProjection(query.Attributes, query.ExcludedAttributes);
                projection.ToJsonString(JsonNode.Parse(json)!.AsObject());
                ScimAttributeSelection.WantsMembers(query.Attributes, query.ExcludedAttributes);
                if (query.SortBy is not null)
                {
                    var comparer = engine.CreateComparer(query.SortBy, query.SortOrder);
                    var a = JsonNode.Parse(json)!.AsObject();
                    var b = JsonNode.Parse(other)!.AsObject();
                    Check(Math.Sign(comparer.Compare(a, b)) == -Math.Sign(comparer.Compare(b, a)), "the sort comparer is antisymmetric");
                    comparer.Compare(JsonElement.Parse(json), JsonElement.Parse(other));
                    if (!AttributePath.TryParse(query.SortBy, out _, out var error))
                    {
                        throw new ScimException(ScimErrorType.InvalidPath, "sortBy: " + error.Message);
                    }
                }
            });
        }
    });

    /// <summary>The request body reader fed raw bytes (invalid UTF-8, lone surrogates, deep nesting), then a SearchRequest read from it.</summary>
    private static void Body(byte[] bytes) => Expect(() =>
    {
        var body = ScimRequestContext.ParseBody(bytes);

        // Walk the whole tree, as a handler reading the body would.
        _ = body?.ToJsonString();
        var query = ScimQueryParameters.FromSearchRequest(body, 200);
        _ = query.Filter;
    });
}

/// <summary>The resource types and documents the targets share, created on first use.</summary>
internal static class Fixtures
{
    private static readonly SchemaRegistry Registry = SchemaRegistry.CreateDefault();

    public static ScimResourceEngine Users { get; } = new(Registry.ResourceTypes.Single(t => t.Name == "User"));

    public static ScimResourceEngine Groups { get; } = new(Registry.ResourceTypes.Single(t => t.Name == "Group"));

    public static JsonElement UserElement { get; } = JsonElement.Parse(FuzzTargets.UserJson);

    public static JsonElement GroupElement { get; } = JsonElement.Parse(FuzzTargets.GroupJson);
}

/// <summary>A broken invariant found by a target (a crash for afl-fuzz).</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
