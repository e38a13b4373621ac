using CsCheck;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Parsing;

namespace Jostle.Scim.Tests.Filtering;

/// <summary>
/// The character-level fast path (<see cref="SimpleForms"/>) may only accept what the full tokenizer and grammar accept,
/// and must build the same tree; these tests compare the two on the case files and on generated near-simple texts.
/// </summary>
public sealed class SimpleFormsTests
{
    private static readonly string[] CaseFiles = ["filters.valid.txt", "filters.invalid.txt", "paths.valid.txt", "paths.invalid.txt"];

    private static readonly Gen<string> GenNamePiece = Gen.OneOf(
        Gen.Const("userName"), Gen.Const("name"), Gen.Const("givenName"), Gen.Const("not"), Gen.Const("NOT"), Gen.Const("pr"), Gen.Const("eq"),
        Gen.Const("a-1"), Gen.Const("x_y"), Gen.Const("1a"), Gen.Const("-a"), Gen.Const("$ref"), Gen.Const("a$"), Gen.Const("é"), Gen.Const("urn"));

    private static readonly Gen<string> GenSeparator = Gen.OneOf(
        Gen.Const("."), Gen.Const(" "), Gen.Const("  "), Gen.Const("\t"), Gen.Const(":"), Gen.Const(".."), Gen.Const("["), Gen.Const("]"), Gen.Const(""));

    private static readonly Gen<string> GenOperator = Gen.OneOf(
        Gen.Const("eq"), Gen.Const("EQ"), Gen.Const("Ne"), Gen.Const("co"), Gen.Const("sw"), Gen.Const("ew"), Gen.Const("gt"), Gen.Const("ge"),
        Gen.Const("lt"), Gen.Const("le"), Gen.Const("pr"), Gen.Const("PR"), Gen.Const("xx"), Gen.Const("and"), Gen.Const("e"), Gen.Const(""));

    private static readonly Gen<string> GenValue = Gen.OneOf(
        Gen.Const("\"bjensen\""), Gen.Const("\"\""), Gen.Const("\"a\\\"b\""), Gen.Const("\"a\\u0041\""), Gen.Const("\"unterminated"),
        Gen.Const("\"x\" and y pr"), Gen.Const("\"x\"]"), Gen.Const("true"), Gen.Const("False"), Gen.Const("NULL"), Gen.Const("nulls"),
        Gen.Const("42"), Gen.Const("-1.5e3"), Gen.Const("12abc"), Gen.Const("1.2.3"), Gen.Const("jyoung"), Gen.Const("\"日本 \t\""), Gen.Const(""));

    /// <summary>Texts close to the simple shapes, so that both the accepted and the rejected sides are exercised.</summary>
    private static readonly Gen<string> GenNearSimple = Gen.Select(
        GenNamePiece, GenSeparator, GenNamePiece, Gen.OneOf(Gen.Const(" "), Gen.Const("  "), Gen.Const(""), Gen.Const("\t")), GenOperator,
        Gen.OneOf(Gen.Const(" "), Gen.Const(""), Gen.Const("  ")), GenValue, Gen.Int[0, 3],
        (name, separator, sub, space1, op, space2, value, shape) => shape switch
        {
            0 => name,
            1 => name + separator + sub,
            2 => name + space1 + op + space2 + value,
            _ => name + separator + sub + space1 + op + space2 + value,
        });

    /// <summary>Texts close to <c>name[sub op value].sub</c>.</summary>
    private static readonly Gen<string> GenNearValuePath = Gen.Select(
        GenNamePiece, Gen.OneOf(Gen.Const("["), Gen.Const(" ["), Gen.Const("[ ")), GenNearSimple,
        Gen.OneOf(Gen.Const("]"), Gen.Const(" ]"), Gen.Const("")), Gen.OneOf(Gen.Const(""), Gen.Const("."), Gen.Const(" ."), Gen.Const("]")), GenNamePiece,
        (name, open, inner, close, dot, sub) => name + open + inner + close + (dot.Length == 0 ? "" : dot + sub));

    /// <summary>Near-simple terms joined by near-keywords.</summary>
    private static readonly Gen<string> GenNearLogical = Gen.Select(
        GenNearSimple.Array[1, 4], Gen.OneOf(Gen.Const(" and "), Gen.Const(" AND "), Gen.Const(" or "), Gen.Const(" Or "), Gen.Const(" and"), Gen.Const("  or "), Gen.Const(" andor ")).Array[3],
        (terms, joins) => string.Concat(terms.Select((t, k) => k == 0 ? t : joins[k - 1] + t)));

    public static TheoryData<string> CaseInputs()
    {
        var data = new TheoryData<string>();
        foreach (var input in CaseFiles.SelectMany(file => CaseFile.Load(file).Select(row => (string)row[0])).Distinct(StringComparer.Ordinal))
        {
            data.Add(input);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseInputs))]
    public void TheFastPathAgreesWithTheGrammarOnEveryCaseInput(string text) => AssertAgrees(text);

    [Fact]
    public void TheFastPathAgreesWithTheGrammarOnGeneratedNearSimpleTexts() =>
        GenNearSimple.Sample(AssertAgrees, iter: 20_000, print: t => t);

    [Fact]
    public void TheFastPathAgreesWithTheGrammarOnGeneratedNearLogicalFilters() =>
        GenNearLogical.Sample(AssertAgrees, iter: 20_000, print: t => t);

    [Fact]
    public void TheFastPathAgreesWithTheGrammarOnGeneratedNearValuePaths() =>
        GenNearValuePath.Sample(AssertAgrees, iter: 20_000, print: t => t);

    [Theory]
    [InlineData("userName eq \"bjensen@example.com\"")]
    [InlineData("name.familyName SW \"Jen\"")]
    [InlineData("active eq TRUE")]
    [InlineData("title pr")]
    [InlineData("manager.value ne null")]
    [InlineData("userName eq \"a and b\" and active eq true")]
    [InlineData("title pr and userType eq \"Employee\" or name.givenName sw \"B\" OR x pr")]
    public void CommonFiltersTakeTheFastPath(string text)
    {
        var simple = SimpleForms.TryFilter(text);
        Assert.NotNull(simple);
        Assert.True(FilterParser.TryParseFilterFully(text, ScimFilterOptions.Default, out var full, out var error, out _), error?.Message);
        Assert.Equal(full, simple);
    }

    [Theory]
    [InlineData("displayName")]
    [InlineData("name.givenName")]
    [InlineData("x-y_1.z")]
    [InlineData("emails[type eq \"work\"].value")]
    [InlineData("members[value eq \"2819c223\"]")]
    [InlineData("emails[primary EQ true].display")]
    public void CommonPatchPathsTakeTheFastPath(string text)
    {
        var simple = SimpleForms.TryPatchPath(text);
        Assert.NotNull(simple);
        Assert.True(FilterParser.TryParsePatchPathFully(text, out var full, out var error), error?.Message);
        Assert.Equal(full, simple);
    }

    [Theory]
    [InlineData("userName eq 12abc")]
    [InlineData("externalId eq 2819c223")]
    [InlineData("age eq 42")]
    [InlineData("members[value eq 12abc]")]
    public void ValuesThatStartLikeANumberGoTheFullWay(string text)
    {
        Assert.Null(SimpleForms.TryFilter(text));
        Assert.Null(SimpleForms.TryPatchPath(text));
    }

    private static void AssertAgrees(string text)
    {
        if (SimpleForms.TryFilter(text) is { } filter)
        {
            Assert.True(FilterParser.TryParseFilterFully(text, ScimFilterOptions.Default, out var full, out var error, out var rules), $"{text}: the fast path accepted what the grammar rejects ({error?.Message})");
            Assert.Equal(full, filter);
            Assert.Equal(FilterCompatibility.None, rules);
        }

        if (SimpleForms.TryPatchPath(text) is { } path)
        {
            Assert.True(FilterParser.TryParsePatchPathFully(text, out var full, out var error), $"{text}: the fast path accepted a path the grammar rejects ({error?.Message})");
            Assert.Equal(full, path);
        }
    }
}
