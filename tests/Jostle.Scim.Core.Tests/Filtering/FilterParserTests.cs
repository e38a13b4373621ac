using System.Diagnostics;
using System.Text;
using Jostle.Scim.Filtering;

namespace Jostle.Scim.Tests.Filtering;

public class FilterParserTests
{
    private static readonly ScimFilterOptions Strict = new() { Compatibility = FilterCompatibility.None };

    private static AttributePath P(string name, string? sub = null, string? urn = null) => new(urn, name, sub);

    [Fact]
    public void ComparisonHasPathOperatorAndTypedValue()
    {
        var filter = Assert.IsType<ComparisonExpression>(ScimFilter.Parse("meta.lastModified GE \"2011-05-13T04:42:34Z\""));

        Assert.Equal(P("meta", "lastModified"), filter.Path);
        Assert.Equal(ComparisonOperator.GreaterThanOrEqual, filter.Operator);
        Assert.Equal(FilterValue.FromString("2011-05-13T04:42:34Z"), filter.Value);
    }

    [Theory]
    [InlineData("age eq 42", "42")]
    [InlineData("age eq -1.5e3", "-1.5e3")]
    [InlineData("age eq 0.25", "0.25")]
    public void NumbersKeepTheirJsonLexeme(string text, string lexeme)
    {
        var value = Assert.IsType<ComparisonExpression>(ScimFilter.Parse(text)).Value;

        Assert.Equal(FilterValueKind.Number, value.Kind);
        Assert.Equal(lexeme, value.Text);
    }

    [Fact]
    public void EscapesAndSurrogatePairsAreDecoded()
    {
        var value = Assert.IsType<ComparisonExpression>(ScimFilter.Parse("a eq \"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"")).Value;

        Assert.Equal("q\"b\\s/\b\f\n\r\t\u00e9\U0001F600", value.Text);
    }

    [Fact]
    public void UrnQualifiedPathSplitsAtTheLastColonBeforeTheAttribute()
    {
        var path = Assert.IsType<ComparisonExpression>(
            ScimFilter.Parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"x\"")).Path;

        Assert.Equal("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", path.SchemaUri);
        Assert.Equal("manager", path.Name);
        Assert.Equal("value", path.SubAttribute);
    }

    [Fact]
    public void AndBindsTighterThanOr()
    {
        var filter = ScimFilter.Parse("a pr or b pr and c pr");

        var expected = new LogicalExpression(LogicalOperator.Or, new PresentExpression(P("a")),
            new LogicalExpression(LogicalOperator.And, new PresentExpression(P("b")), new PresentExpression(P("c"))));
        Assert.Equal(expected, filter);
    }

    [Fact]
    public void ChainsOfOneOperatorAreOneNaryNode()
    {
        var filter = Assert.IsType<LogicalExpression>(ScimFilter.Parse("a pr or b pr or c pr"));

        Assert.Equal(LogicalOperator.Or, filter.Operator);
        Assert.Equal(3, filter.Operands.Count);
    }

    [Fact]
    public void ParenthesesAreKeptAsNesting()
    {
        var filter = Assert.IsType<LogicalExpression>(ScimFilter.Parse("(a pr or b pr) or c pr"));

        Assert.Equal(2, filter.Operands.Count);
        Assert.Equal(2, Assert.IsType<LogicalExpression>(filter.Operands[0]).Operands.Count);
    }

    [Fact]
    public void ParenthesisedSingleTermIsJustTheTerm() =>
        Assert.Equal(new PresentExpression(P("a")), ScimFilter.Parse("((a pr))"));

    [Fact]
    public void ValuePathHasTheAttributeAndARelativeInnerFilter()
    {
        var filter = Assert.IsType<ValuePathExpression>(ScimFilter.Parse("emails[type eq \"work\" and value co \"@x\"]"));

        Assert.Equal(P("emails"), filter.Path);
        var inner = Assert.IsType<LogicalExpression>(filter.Filter);
        Assert.Equal(P("type"), Assert.IsType<ComparisonExpression>(inner.Operands[0]).Path);
        Assert.Equal(P("value"), Assert.IsType<ComparisonExpression>(inner.Operands[1]).Path);
    }

    [Fact]
    public void StrictFilterNeedsNoCompatibilityRule()
    {
        Assert.True(ScimFilter.TryParse("userName eq \"bjensen\"", ScimFilterOptions.Default, out _, out _, out var rules));

        Assert.Equal(FilterCompatibility.None, rules);
    }

    [Fact]
    public void EntraValuePathSubAttributeIsReadAsSameElementConditions()
    {
        Assert.True(ScimFilter.TryParse("emails[type eq \"work\"].value eq \"a@b.c\"", ScimFilterOptions.Default, out var filter, out _, out var rules));

        var expected = new ValuePathExpression(P("emails"), new LogicalExpression(LogicalOperator.And,
            new ComparisonExpression(P("type"), ComparisonOperator.Equal, FilterValue.FromString("work")),
            new ComparisonExpression(P("value"), ComparisonOperator.Equal, FilterValue.FromString("a@b.c"))));
        Assert.Equal(expected, filter);
        Assert.Equal(FilterCompatibility.ValuePathSubAttribute, rules);
    }

    [Fact]
    public void EntraValuePathSubAttributeWorksWithPresent()
    {
        Assert.True(ScimFilter.TryParse("emails[type eq \"work\"].value pr", ScimFilterOptions.Default, out var filter, out _, out var rules));

        Assert.Equal("emails[type eq \"work\" and value pr]", filter.ToString());
        Assert.Equal(FilterCompatibility.ValuePathSubAttribute, rules);
    }

    [Fact]
    public void ValuePathSubAttributeIsASyntaxErrorWhenItsRuleIsOff()
    {
        var options = new ScimFilterOptions { Compatibility = FilterCompatibility.UnquotedValues };

        Assert.False(ScimFilter.TryParse("emails[type eq \"work\"].value eq \"a@b.c\"", options, out _, out var error, out _));
        Assert.Equal("Syntax error at position 22: unexpected `.`, expected `and`, `or` or end of filter.", error.Message);
        Assert.Equal(22, error.Position);
    }

    [Fact]
    public void UnquotedValueIsReadAsAStringAndReported()
    {
        Assert.True(ScimFilter.TryParse("externalId eq jyoung", ScimFilterOptions.Default, out var filter, out _, out var rules));

        Assert.Equal(new ComparisonExpression(P("externalId"), ComparisonOperator.Equal, FilterValue.FromString("jyoung")), filter);
        Assert.Equal(FilterCompatibility.UnquotedValues, rules);
    }

    [Fact]
    public void UnquotedValueIsASyntaxErrorWhenItsRuleIsOff()
    {
        var options = new ScimFilterOptions { Compatibility = FilterCompatibility.ValuePathSubAttribute };

        Assert.False(ScimFilter.TryParse("externalId eq jyoung", options, out _, out var error, out _));
        Assert.Equal("Syntax error at position 14: unexpected `jyoung`, expected comparison value.", error.Message);
    }

    [Fact]
    public void LiteralsAndNumbersAreNeverReadAsUnquotedStrings()
    {
        Assert.True(ScimFilter.TryParse("a eq True and b eq null and c eq 12", ScimFilterOptions.Default, out var filter, out _, out var rules));

        Assert.Equal("a eq true and b eq null and c eq 12", filter.ToString());
        Assert.Equal(FilterCompatibility.None, rules);
    }

    [Theory]
    [InlineData(FilterCompatibility.None)]
    [InlineData(FilterCompatibility.UnquotedValues)]
    [InlineData(FilterCompatibility.ValuePathSubAttribute)]
    [InlineData(FilterCompatibility.All)]
    public void AValueThatStartsLikeANumberButIsNotOneIsTheSameErrorUnderEveryRule(FilterCompatibility rules)
    {
        var options = new ScimFilterOptions { Compatibility = rules };

        Assert.False(ScimFilter.TryParse("userName eq 12abc", options, out _, out var error, out _));
        Assert.Equal("Syntax error at position 12: `12abc` is not a valid number; quote it if it is a string: \"12abc\".", error.Message);
        Assert.Equal(12, error.Position);
    }

    [Fact]
    public void AQuotedValueThatStartsLikeANumberIsAString()
    {
        var filter = ScimFilter.Parse("userName eq \"12abc\"");

        Assert.Equal(new ComparisonExpression(P("userName"), ComparisonOperator.Equal, FilterValue.FromString("12abc")), filter);
    }

    [Fact]
    public void BothRulesAreReportedWhenBothAreNeeded()
    {
        Assert.True(ScimFilter.TryParse("emails[type eq work].value eq \"a@b.c\"", ScimFilterOptions.Default, out var filter, out _, out var rules));

        Assert.Equal("emails[type eq \"work\" and value eq \"a@b.c\"]", filter.ToString());
        Assert.Equal(FilterCompatibility.All, rules);
    }

    [Fact]
    public void StrictOptionsAcceptEveryRfcFilter()
    {
        Assert.True(ScimFilter.TryParse("emails[type eq \"work\" and value co \"@x\"] or not (a pr)", Strict, out _, out _, out var rules));
        Assert.Equal(FilterCompatibility.None, rules);
    }

    [Fact]
    public void FilterLongerThanMaxLengthIsRejectedBeforeTokenizing()
    {
        var text = "userName eq \"" + new string('x', 5000) + "\"";

        Assert.False(ScimFilter.TryParse(text, out _, out var error));
        Assert.Equal("Syntax error at position 4096: the filter is 5014 characters long, longer than the limit of 4096.", error.Message);
    }

    [Fact]
    public void FiveThousandNestedParenthesesAreAnErrorNotACrash()
    {
        var text = new string('(', 5000) + "a pr" + new string(')', 5000);
        var options = new ScimFilterOptions { MaxLength = 100_000 };

        var watch = Stopwatch.StartNew();
        Assert.False(ScimFilter.TryParse(text, options, out _, out var error, out _));

        Assert.Equal("Syntax error at position 32: the filter nests deeper than the limit of 32 levels of parentheses and brackets.", error.Message);
        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void UnbalancedNestingIsCheckedBeforeParsingToo()
    {
        var text = new string('(', 5000);

        Assert.False(ScimFilter.TryParse(text, new ScimFilterOptions { MaxLength = 100_000 }, out _, out var error, out _));
        Assert.Equal(32, error.Position);
    }

    [Fact]
    public void NestingUpToMaxDepthParses()
    {
        var text = new string('(', 31) + "emails[value pr]" + new string(')', 31);

        Assert.True(ScimFilter.TryParse(text, out var filter, out _));
        Assert.Equal("emails[value pr]", filter.ToString());
    }

    [Fact]
    public void DeepNestingWithARaisedMaxDepthNeverOverflowsTheStack()
    {
        var text = new string('(', 5000) + "a pr" + new string(')', 5000);
        var options = new ScimFilterOptions { MaxLength = 100_000, MaxDepth = 1_000_000 };

        var succeeded = ScimFilter.TryParse(text, options, out var filter, out var error, out _);

        Assert.True(succeeded ? filter!.ToString() == "a pr" : error!.Message.Contains("nests too deeply", StringComparison.Ordinal));
    }

    [Fact]
    public void TenThousandOrTermsParseQuicklyIntoOneNode()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            builder.Append(i == 0 ? "" : " or ").Append("userName eq \"u").Append(i).Append('"');
        }

        var text = builder.ToString();
        var options = new ScimFilterOptions { MaxLength = text.Length };

        var watch = Stopwatch.StartNew();
        var filter = Assert.IsType<LogicalExpression>(ScimFilter.Parse(text, options));
        var printed = filter.ToString();

        Assert.True(watch.ElapsedMilliseconds < 2000, $"took {watch.ElapsedMilliseconds} ms");
        Assert.Equal(10_000, filter.Operands.Count);
        Assert.Equal(text, printed);
        Assert.Equal(filter, ScimFilter.Parse(printed, options));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void EmptyFilterIsAClearError(string text)
    {
        var exception = Assert.Throws<ScimFilterException>(() => ScimFilter.Parse(text));

        Assert.Equal("Syntax error at position 0: the filter is empty.", exception.Message);
        Assert.Equal(0, exception.Position);
    }

    [Fact]
    public void AttributePathParsesOnlyAnAttributePath()
    {
        Assert.Equal(P("manager", "value", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
            AttributePath.Parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"));
        Assert.Equal(P("name", "givenName"), AttributePath.Parse("name.givenName"));

        Assert.False(AttributePath.TryParse("emails[type eq \"work\"]", out _, out var error));
        Assert.Equal("Syntax error at position 6: unexpected `[`, expected `.` or end of path.", error.Message);
    }

    [Fact]
    public void PatchPathKeepsAttributeValueFilterAndSubAttributeApart()
    {
        var path = PatchPath.Parse("emails[type eq \"work\"].value");

        Assert.Equal(P("emails"), path.Attribute);
        Assert.Equal(new ComparisonExpression(P("type"), ComparisonOperator.Equal, FilterValue.FromString("work")), path.ValueFilter);
        Assert.Equal("value", path.SubAttribute);
    }

    [Fact]
    public void ParsingIsSafeFromManyThreadsAtOnce()
    {
        var filters = new[] { "userName eq \"a\"", "emails[type eq \"work\"].value eq \"x\"", "a pr or (b pr and not (c eq 1))" };
        var expected = filters.Select(f => ScimFilter.Parse(f)).ToArray();

        Parallel.For(0, 20_000, i => Assert.Equal(expected[i % 3], ScimFilter.Parse(filters[i % 3])));
    }
}
