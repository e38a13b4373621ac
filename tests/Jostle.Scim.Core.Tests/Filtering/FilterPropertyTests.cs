using CsCheck;
using Jostle.Scim.Filtering;

namespace Jostle.Scim.Tests.Filtering;

public class FilterPropertyTests
{
    private static readonly Gen<string> GenName =
        Gen.Select(Gen.Char["abcdefgxyzABCXYZ"], Gen.Char["abcxyzAXZ0129-_"].Array[0, 6], (first, rest) => first + new string(rest))
            .Where(name => !name.Equals("not", StringComparison.OrdinalIgnoreCase));

    private static readonly Gen<string> GenAttrName = Gen.Frequency((9, GenName), (1, Gen.Const("$ref")));

    private static readonly Gen<string> GenUrn = Gen.OneOf(
        Gen.Const("urn:ietf:params:scim:schemas:core:2.0:User"),
        Gen.Const("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
        Gen.Const("urn:ietf:params:scim:schemas:extension:jostle:2.0:User"),
        Gen.Select(GenName, Gen.Int[0, 9], (nid, version) => $"urn:{nid}:x-y:{version}.0:Thing"));

    /// <summary>Full attribute paths: optional URN, name, optional sub-attribute.</summary>
    private static readonly Gen<AttributePath> GenPath = Gen.Select(
        Gen.Frequency((3, Gen.Const((string?)null)), (1, GenUrn.Select(u => (string?)u))),
        GenAttrName,
        Gen.Frequency((2, Gen.Const((string?)null)), (1, GenAttrName.Select(s => (string?)s))),
        (urn, name, sub) => new AttributePath(urn, name, sub));

    /// <summary>Paths inside a value filter are relative: a bare (sub-)attribute name.</summary>
    private static readonly Gen<AttributePath> GenRelativePath = GenAttrName.Select(name => new AttributePath(null, name));

    private static readonly Gen<string> GenStringPiece = Gen.OneOf(
        Gen.Char["abcXYZ 019@.-_:[]()"].Select(c => c.ToString()),
        Gen.OneOf(Gen.Const("\""), Gen.Const("\\"), Gen.Const("/"), Gen.Const("\b"), Gen.Const("\f"), Gen.Const("\n"),
            Gen.Const("\r"), Gen.Const("\t"), Gen.Const("\u0000"), Gen.Const("\u001f"), Gen.Const("é"), Gen.Const("日本"),
            Gen.Const("\U0001F600"), Gen.Const(" and "), Gen.Const(" eq "), Gen.Const("\\u0041")));

    private static readonly Gen<FilterValue> GenNumber = Gen.Select(
        Gen.Bool, Gen.Int[0, 100_000], Gen.Frequency((2, Gen.Const("")), (1, Gen.Int[0, 999].Select(f => "." + f))),
        Gen.Frequency((3, Gen.Const("")), (1, Gen.Select(Gen.OneOf(Gen.Const("e"), Gen.Const("E")), Gen.OneOf(Gen.Const(""), Gen.Const("+"), Gen.Const("-")), Gen.Int[0, 30], (e, s, n) => e + s + n))),
        (negative, integer, fraction, exponent) => FilterValue.FromNumber((negative ? "-" : "") + integer + fraction + exponent));

    private static readonly Gen<FilterValue> GenValue = Gen.Frequency(
        (5, GenStringPiece.Array[0, 8].Select(pieces => FilterValue.FromString(string.Concat(pieces)))),
        (2, GenNumber),
        (1, Gen.Bool.Select(FilterValue.FromBoolean)),
        (1, Gen.Const(FilterValue.Null)));

    private static Gen<FilterExpression> GenFilter(int depth, bool inValueFilter)
    {
        var path = inValueFilter ? GenRelativePath : GenPath;
        var comparison = Gen.Select(path, Gen.Enum<ComparisonOperator>(), GenValue, (p, op, v) => (FilterExpression)new ComparisonExpression(p, op, v));
        var present = path.Select(p => (FilterExpression)new PresentExpression(p));
        var leaves = new List<(int, IGen<FilterExpression>)> { (4, comparison), (1, present) };
        if (!inValueFilter)
        {
            var valuePath = Gen.Select(
                Gen.Select(Gen.Frequency((3, Gen.Const((string?)null)), (1, GenUrn.Select(u => (string?)u))), GenAttrName, (urn, name) => new AttributePath(urn, name)),
                GenFilter(Math.Min(depth, 1), inValueFilter: true),
                (p, inner) => (FilterExpression)new ValuePathExpression(p, inner));
            leaves.Add((1, valuePath));
        }

        if (depth == 0)
        {
            return Gen.Frequency([.. leaves]);
        }

        var operand = GenFilter(depth - 1, inValueFilter);
        var logical = Gen.Select(Gen.Enum<LogicalOperator>(), operand.Array[2, 4], (op, operands) => (FilterExpression)new LogicalExpression(op, operands));
        var not = operand.Select(o => (FilterExpression)new NotExpression(o));
        leaves.Add((3, logical));
        leaves.Add((1, not));
        return Gen.Frequency([.. leaves]);
    }

    [Fact]
    public void PrintedFiltersParseBackToTheSameTree() =>
        GenFilter(3, inValueFilter: false).Sample(
            filter =>
            {
                var text = filter.ToString();
                Assert.True(ScimFilter.TryParse(text, ScimFilterOptions.Default, out var parsed, out var error, out var rules), error?.Message + " in " + text);
                Assert.Equal(filter, parsed);
                Assert.Equal(FilterCompatibility.None, rules);
            },
            iter: 3000,
            print: f => f.ToString());

    [Fact]
    public void PrintedPatchPathsParseBackToTheSamePath() =>
        Gen.Select(GenAttrName, GenFilter(1, inValueFilter: true), Gen.Frequency((1, Gen.Const((string?)null)), (1, GenAttrName.Select(s => (string?)s))),
            (name, filter, sub) => new PatchPath(new AttributePath(null, name), filter, sub)).Sample(
            path => Assert.Equal(path, PatchPath.Parse(path.ToString())),
            iter: 1000,
            print: p => p.ToString());

    private static readonly string[] Fragments =
    [
        "a", "userName", " ", "eq", "pr", "and", "or", "not", "(", ")", "[", "]", ".", ":", "\"", "\\", "\"x\"", "1", "-", "1.5e3",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:", "true", "null", "\\u12", "é", "\U0001F600", "$ref", "\t", "@", "'",
    ];

    [Fact]
    public void ParsingArbitraryTextOnlyEverFailsWithScimFilterException() =>
        Gen.Int[0, Fragments.Length - 1].Array[0, 24].Sample(
            indexes =>
            {
                var text = string.Concat(indexes.Select(i => Fragments[i]));
                ScimFilter.TryParse(text, ScimFilterOptions.Default, out _, out _, out _);
                PatchPath.TryParse(text, out _, out _);
                AttributePath.TryParse(text, out _, out _);
                try
                {
                    ScimFilter.Parse(text, new ScimFilterOptions { Compatibility = FilterCompatibility.None });
                }
                catch (ScimFilterException)
                {
                }
            },
            iter: 20_000);

    [Fact]
    public void ParsingTruncatedValidFiltersOnlyEverFailsWithScimFilterException()
    {
        foreach (var row in FilterCaseTests.ValidFilters)
        {
            var text = (string)row[0];
            for (var length = 0; length < text.Length; length++)
            {
                var prefix = text[..length];
                if (!ScimFilter.TryParse(prefix, out _, out var error))
                {
                    Assert.InRange(error.Position ?? -1, 0, prefix.Length);
                }
            }
        }
    }
}
