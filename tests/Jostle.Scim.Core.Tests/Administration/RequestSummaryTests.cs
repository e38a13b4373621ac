using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Jostle.Scim.Administration;

namespace Jostle.Scim.Tests.Administration;

/// <summary>
/// The provisioning log's request summaries are written in one pass straight to UTF-8; they must be exactly what the
/// earlier form gave (a redacted copy of the body per form, then <c>ToJsonString()</c>), kept here as the reference.
/// </summary>
public sealed partial class RequestSummaryTests
{
    public static TheoryData<string> Bodies => new()
    {
        """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada.lovelace@example.com","active":true,"name":{"givenName":"Ada","familyName":"Lovelace"},"emails":[{"type":"work","value":"ada@example.com","primary":true}],"externalId":"ext-1"}""",
        """{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"value":"a1"},{"value":"b2"}]},{"op":"replace","path":"emails[type eq \"work\"].value","value":"x@y.z"}]}""",
        """{"userName":"bob","password":"S3cret!","client_secret":"abc","apiKey":{"nested":"x"},"accessToken":null,"nothing":null,"n":1.50,"big":1e3,"neg":-0,"t":false,"arr":[null,1,"two",[3,"four"],{"op":"x","type":"y"}]}""",
        """{"displayName":"Ünïcödé \u00e9 <script>&'\"","emoji":"😀","ctl":"a\tb\nc","e":"","m":"@","m2":"a@","m3":"@b","path":"name.givenName","PATH":"x[value eq \"q\\\"r\"]"}""",
        """["top", "level", {"array":true}]""",
        "\"just a string\"",
        "42",
        "null",
        """{"a":{"b":{"c":{"d":{"token":"t","keep":"k"}}}},"Type":"Keyword kept","OP":"add","SCHEMAS":"s"}""",
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void TheOnePassSummaryIsByteForByteTheRedactedCopysJson(string body)
    {
        var node = JsonNode.Parse(body);
        var (masked, unmasked) = ScimRequestSummary.Summarise(node);
        Assert.Equal(Reference(node, mask: true), masked);
        Assert.Equal(Reference(node, mask: false), unmasked);
    }

    [Fact]
    public void SecretsAreRemovedAndValuesMaskedInTheMaskedForm()
    {
        var (masked, unmasked) = ScimRequestSummary.Summarise(JsonNode.Parse("""{"op":"add","userName":"ada@example.com","password":"S3cret"}"""));
        Assert.Equal("""{"op":"add","userName":"a***@e***","password":"[removed]"}""", masked);
        Assert.Equal("""{"op":"add","userName":"ada@example.com","password":"[removed]"}""", unmasked);
    }

    [Fact]
    public void ALongBodyIsCutAtTheLimitInBothForms()
    {
        var node = new JsonObject { ["userName"] = new string('x', 10_000) };
        var (masked, unmasked) = ScimRequestSummary.Summarise(node);
        Assert.Equal("""{"userName":"x***"}""", masked);
        Assert.Equal(ScimRequestSummary.MaxLength + 1, unmasked.Length);
        Assert.EndsWith("…", unmasked, StringComparison.Ordinal);
        Assert.Equal(Reference(node, mask: false), unmasked);
    }

    // The reference: the summary as it was built before the one-pass writer.
    private static string Reference(JsonNode? body, bool mask)
    {
        var text = Transform(body, mask, null)?.ToJsonString() ?? "null";
        return text.Length <= ScimRequestSummary.MaxLength ? text : text[..ScimRequestSummary.MaxLength] + "…";
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase) { "schemas", "op", "type" };

    private static JsonNode? Transform(JsonNode? node, bool mask, string? name)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = IsSecret(key) ? JsonValue.Create("[removed]") : Transform(value, mask, key);
                }

                return copy;
            case JsonArray array:
                var list = new JsonArray();
                foreach (var item in array)
                {
                    list.Add(Transform(item, mask, name));
                }

                return list;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                if (!mask || (name is not null && Keywords.Contains(name)))
                {
                    return JsonValue.Create(text);
                }

                return JsonValue.Create(name is not null && name.Equals("path", StringComparison.OrdinalIgnoreCase)
                    ? Quoted().Replace(text, m => "\"" + ScimRequestSummary.MaskValue(Regex.Unescape(m.Groups[1].Value)) + "\"")
                    : ScimRequestSummary.MaskValue(text));
            default:
                return node?.DeepClone();
        }
    }

    private static bool IsSecret(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("key", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();
}
