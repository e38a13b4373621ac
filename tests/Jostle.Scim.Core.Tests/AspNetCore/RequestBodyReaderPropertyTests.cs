using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Jostle.Scim.AspNetCore;

namespace Jostle.Scim.Tests.AspNetCore;

/// <summary>
/// The request body reader either refuses a body with <c>400 invalidSyntax</c> or returns JSON every handler can walk.
/// The class of bug fuzzing found (a member named twice: accepted by the reader, an ArgumentException, a 500, on first
/// enumeration) is a node the reader returned that throws later; this property looks for any such node.
/// </summary>
public sealed class RequestBodyReaderPropertyTests
{
    /// <summary>Few names, so that objects often name a member twice, at any depth.</summary>
    private static readonly Gen<string> GenName = Gen.OneOf(
        Gen.Const("a"), Gen.Const("A"), Gen.Const("userName"), Gen.Const("schemas"), Gen.Const("\\u0061"), Gen.Const("\\ud800"), Gen.Const("é"));

    private static readonly Gen<string> GenScalar = Gen.OneOf(
        Gen.Const("1"), Gen.Const("-0.5e3"), Gen.Const("1e400"), Gen.Const("true"), Gen.Const("null"), Gen.Const("\"x\""),
        Gen.Const("\"\\ud83d\\ude00\""), Gen.Const("\"\\udc00\""), Gen.Const("\"\\u0000\""), Gen.Const("\"é\""));

    private static Gen<string> GenJson(int depth) => depth == 0
        ? GenScalar
        : Gen.Frequency(
            (2, GenScalar),
            (3, Gen.Select(GenName, GenJson(depth - 1), (name, value) => $"\"{name}\":{value}").Array[0, 4].Select(members => "{" + string.Join(',', members) + "}")),
            (1, GenJson(depth - 1).Array[0, 3].Select(items => "[" + string.Join(',', items) + "]")));

    /// <summary>JSON text, sometimes damaged: a byte that is not UTF-8, a cut, a stray character.</summary>
    private static readonly Gen<byte[]> GenBody = Gen.Select(GenJson(4), Gen.Int[0, 5], Gen.Int[0, 1000], (json, damage, at) =>
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        var index = at % (bytes.Count + 1);
        switch (damage)
        {
            case 0:
                bytes.Insert(index, 0xC3);
                break;
            case 1:
                bytes.RemoveRange(index, bytes.Count - index);
                break;
            case 2:
                bytes.Insert(index, (byte)',');
                break;
        }

        return bytes.ToArray();
    });

    [Fact]
    public void TheReaderRefusesWith400InvalidSyntaxOrReturnsJsonThatCanBeWalked()
    {
        GenBody.Sample(
            bytes =>
            {
                JsonNode? body;
                try
                {
                    body = ScimRequestContext.ParseBody(bytes);
                }
                catch (ScimException e)
                {
                    Assert.Equal(400, e.Status);
                    Assert.Equal(ScimErrorType.InvalidSyntax, e.ScimType);
                    Assert.False(string.IsNullOrWhiteSpace(e.Detail));
                    return;
                }

                Walk(body);
            },
            iter: 5000,
            print: bytes => Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void AMemberNamedTwiceIsRefusedWhateverItsDepth()
    {
        Gen.Select(GenName, GenJson(2), GenJson(2), Gen.Int[0, 3]).Sample(
            (name, first, second, depth) =>
            {
                var json = $"{{\"{name}\":{first},\"{name}\":{second}}}";
                for (var i = 0; i < depth; i++)
                {
                    json = $"{{\"outer\":[{json}]}}";
                }

                var e = Assert.Throws<ScimException>(() => ScimRequestContext.ParseBody(Encoding.UTF8.GetBytes(json)));
                Assert.Equal(ScimErrorType.InvalidSyntax, e.ScimType);
            },
            iter: 1000,
            print: t => $"{t.Item1} {t.Item2} {t.Item3} {t.Item4}");
    }

    /// <summary>What handlers do with a body: enumerate every object and array, read every string.</summary>
    private static void Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o)
                {
                    Walk(value);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Walk(item);
                }

                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                v.GetValue<string>();
                break;
        }
    }
}
