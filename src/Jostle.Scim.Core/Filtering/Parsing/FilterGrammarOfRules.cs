using Superpower;
using Superpower.Model;
using static Jostle.Scim.Filtering.Parsing.FilterGrammar;

namespace Jostle.Scim.Filtering.Parsing;

/// <summary>
/// The recursive part of the filter grammar (RFC 7644 §3.4.2.2), once per set of compatibility rules
/// (<typeparamref name="TRules"/>), so each ladder is a set of <c>static readonly</c> parsers built once.
/// </summary>
/// <remarks>
/// <code>
/// FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
/// valuePath = attrPath "[" valFilter "]"      ; valFilter: the same, without value paths
/// attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
/// logExp    = FILTER SP ("and" / "or") SP FILTER   ; not > and > or, n-ary, grouping kept
/// </code>
/// </remarks>
internal static class FilterGrammar<TRules>
    where TRules : IFilterRules
{
    private static readonly string[] TermExpectations = ["attribute path", "`not`", "`(`"];

    // Shared, not a new array per call: End takes them on the success path too.
    private static readonly string[] EndOfPath = ["end of path"];
    private static readonly string[] BracketOrEndOfPath = ["`[`", "end of path"];
    private static readonly string[] DotOrEndOfPath = ["`.`", "end of path"];

    private static readonly bool AllowsUnquotedValues = (TRules.Rules & FilterCompatibility.UnquotedValues) != 0;

    private static readonly bool AllowsValuePathSubAttribute = (TRules.Rules & FilterCompatibility.ValuePathSubAttribute) != 0;

    /// <summary><c>compValue</c>, plus bare words under <see cref="FilterCompatibility.UnquotedValues"/>.</summary>
    public static readonly TokenListParser<ScimToken, FilterValue> CompValue = AllowsUnquotedValues
        ? FilterGrammar.CompValue.Or(UnquotedValue).Named("comparison value")
        : FilterGrammar.CompValue;

    /// <summary>The tail of <c>attrExp</c>: <c>compareOp compValue</c> or <c>"pr"</c>.</summary>
    public static readonly TokenListParser<ScimToken, Condition> AttrCondition = input =>
    {
        var op = CompareOp(input);
        if (op.HasValue)
        {
            var value = CompValue(op.Remainder);
            return value.HasValue
                ? TokenListParserResult.Value(new Condition(op.Value, value.Value), input, value.Remainder)
                : TokenListParserResult.CastEmpty<ScimToken, FilterValue, Condition>(value);
        }

        var present = Present(input);
        return present.HasValue
            ? TokenListParserResult.Value(new Condition(ComparisonOperator.Equal, null), input, present.Remainder)
            : TokenListParserResult.Empty<ScimToken, Condition>(input, ["comparison operator", "`pr`"]);
    };

    // ---- valFilter: the filter inside a value path's brackets (no nested value paths) ----

    private static readonly TokenListParser<ScimToken, FilterExpression> ValFilterRef = StackGuard(Parse.Ref(() => ValFilter!));

    /// <summary><c>attrExp</c> inside a value filter.</summary>
    public static readonly TokenListParser<ScimToken, FilterExpression> ValAttrExp = input => AttrTerm(input, inValueFilter: true);

    public static readonly TokenListParser<ScimToken, FilterExpression> ValGroup =
        Parse.Sequence(LParen, ValFilterRef, Expect(ScimToken.RParen, "`and`", "`or`", "`)`")).Select(t => t.Item2);

    public static readonly TokenListParser<ScimToken, FilterExpression> ValNotExp =
        Parse.Sequence(Not, Expect(ScimToken.LParen, "`(` after `not`"), ValFilterRef, Expect(ScimToken.RParen, "`and`", "`or`", "`)`"))
            .Select(t => (FilterExpression)new NotExpression(t.Item3));

    public static readonly TokenListParser<ScimToken, FilterExpression> ValTerm = Term(ValGroup, ValNotExp, ValAttrExp);

    public static readonly TokenListParser<ScimToken, FilterExpression> ValAndExp = NAry(ValTerm, "and", LogicalOperator.And);

    /// <summary><c>valFilter</c>.</summary>
    public static readonly TokenListParser<ScimToken, FilterExpression> ValFilter = NAry(ValAndExp, "or", LogicalOperator.Or);

    // ---- FILTER ----

    private static readonly TokenListParser<ScimToken, FilterExpression> FilterRef = StackGuard(Parse.Ref(() => LogExp!));

    /// <summary><c>attrExp</c> or <c>valuePath</c> (both start with <c>attrPath</c>).</summary>
    public static readonly TokenListParser<ScimToken, FilterExpression> AttrExp = input => AttrTerm(input, inValueFilter: false);

    public static readonly TokenListParser<ScimToken, FilterExpression> Group =
        Parse.Sequence(LParen, FilterRef, Expect(ScimToken.RParen, "`and`", "`or`", "`)`")).Select(t => t.Item2);

    public static readonly TokenListParser<ScimToken, FilterExpression> NotExp =
        Parse.Sequence(Not, Expect(ScimToken.LParen, "`(` after `not`"), FilterRef, Expect(ScimToken.RParen, "`and`", "`or`", "`)`"))
            .Select(t => (FilterExpression)new NotExpression(t.Item3));

    public static readonly TokenListParser<ScimToken, FilterExpression> FilterTerm = Term(Group, NotExp, AttrExp);

    public static readonly TokenListParser<ScimToken, FilterExpression> AndExp = NAry(FilterTerm, "and", LogicalOperator.And);

    /// <summary><c>FILTER</c>: <c>or</c> binds loosest.</summary>
    public static readonly TokenListParser<ScimToken, FilterExpression> LogExp = NAry(AndExp, "or", LogicalOperator.Or);

    /// <summary>A whole filter: <see cref="LogExp"/> then the end of the input.</summary>
    public static readonly TokenListParser<ScimToken, FilterExpression> Filter = EndOf(LogExp, "`and`", "`or`", "end of filter");

    /// <summary>
    /// <c>PATH = attrPath / valuePath [subAttr]</c> (RFC 7644 §3.5.2). The value filter follows
    /// <typeparamref name="TRules"/>; a PATCH path's own <c>.subAttr</c> after <c>]</c> is RFC syntax, not a compatibility rule.
    /// </summary>
    public static readonly TokenListParser<ScimToken, PatchPath> PatchPath = input =>
    {
        var path = AttrPath(input);
        if (!path.HasValue)
        {
            return TokenListParserResult.CastEmpty<ScimToken, AttributePath, PatchPath>(path);
        }

        var remainder = path.Remainder;
        var open = remainder.ConsumeToken();
        if (!open.HasValue || open.Value.Kind != ScimToken.LBracket)
        {
            return End(new PatchPath(path.Value), input, remainder, path.Value.SubAttribute is null ? BracketOrEndOfPath : EndOfPath);
        }

        if (path.Value.SubAttribute is not null)
        {
            return TokenListParserResult.Empty<ScimToken, PatchPath>(remainder, "a value filter cannot follow a sub-attribute");
        }

        var valuePath = ValuePathTail(path.Value, open.Remainder);
        if (!valuePath.HasValue)
        {
            return TokenListParserResult.CastEmpty<ScimToken, ValuePathExpression, PatchPath>(valuePath);
        }

        remainder = valuePath.Remainder;
        var dot = remainder.ConsumeToken();
        if (!dot.HasValue || dot.Value.Kind != ScimToken.Dot)
        {
            return End(new PatchPath(path.Value, valuePath.Value.Filter), input, remainder, DotOrEndOfPath);
        }

        if (!FollowsCloseBracket(dot.Value))
        {
            var source = dot.Value.Span.Source!;
            var space = dot.Value.Position.Absolute;
            while (space > 0 && char.IsWhiteSpace(source[space - 1]))
            {
                space--;
            }

            return TokenListParserResult.Empty<ScimToken, PatchPath>(remainder, new Position(space, 1, space + 1), "unexpected space in attribute path, expected `.` right after `]`");
        }

        var sub = NameAfter(dot.Value, dot.Remainder);
        return sub.HasValue
            ? End(new PatchPath(path.Value, valuePath.Value.Filter, sub.Value), input, sub.Remainder, EndOfPath)
            : TokenListParserResult.CastEmpty<ScimToken, string, PatchPath>(sub);
    };

    /// <summary>Whether <paramref name="dot"/> is written right after the closing <c>]</c> of a value path, with no space between.</summary>
    private static bool FollowsCloseBracket(Token<ScimToken> dot) =>
        dot.Position.Absolute > 0 && dot.Span.Source![dot.Position.Absolute - 1] == ']';

    private static TokenListParserResult<ScimToken, PatchPath> End(PatchPath value, TokenList<ScimToken> input, TokenList<ScimToken> remainder, string[] expectations) =>
        remainder.IsAtEnd
            ? TokenListParserResult.Value(value, input, remainder)
            : TokenListParserResult.Empty<ScimToken, PatchPath>(remainder, expectations);

    private static TokenListParser<ScimToken, FilterExpression> EndOf(TokenListParser<ScimToken, FilterExpression> parser, params string[] expectations) => input =>
    {
        var result = parser(input);
        return !result.HasValue || result.Remainder.IsAtEnd
            ? result
            : TokenListParserResult.Empty<ScimToken, FilterExpression>(result.Remainder, expectations);
    };

    /// <summary>One operand of <c>and</c>: <c>( FILTER )</c>, <c>not ( FILTER )</c>, or an attribute expression / value path.</summary>
    private static TokenListParser<ScimToken, FilterExpression> Term(
        TokenListParser<ScimToken, FilterExpression> group,
        TokenListParser<ScimToken, FilterExpression> notExp,
        TokenListParser<ScimToken, FilterExpression> attrExp) => input =>
    {
        var next = input.ConsumeToken();
        if (next.HasValue)
        {
            if (next.Value.Kind == ScimToken.LParen)
            {
                return group(input);
            }

            if (next.Value.Kind == ScimToken.Identifier && next.Value.Span.EqualsValueIgnoreCase("not"))
            {
                return notExp(input);
            }
        }

        var result = attrExp(input);
        return result.HasValue || result.Location.Position != input.Position
            ? result
            : TokenListParserResult.Empty<ScimToken, FilterExpression>(input, TermExpectations);
    };

    /// <summary><c>attrPath</c>, then <c>pr</c>, <c>compareOp compValue</c>, or (outside a value filter) <c>[ valFilter ]</c>.</summary>
    private static TokenListParserResult<ScimToken, FilterExpression> AttrTerm(TokenList<ScimToken> input, bool inValueFilter)
    {
        var path = AttrPath(input);
        if (!path.HasValue)
        {
            return TokenListParserResult.CastEmpty<ScimToken, AttributePath, FilterExpression>(path);
        }

        var remainder = path.Remainder;
        var open = remainder.ConsumeToken();
        if (open.HasValue && open.Value.Kind == ScimToken.LBracket)
        {
            if (inValueFilter)
            {
                return TokenListParserResult.Empty<ScimToken, FilterExpression>(remainder, "value paths cannot be nested");
            }

            if (path.Value.SubAttribute is not null)
            {
                return TokenListParserResult.Empty<ScimToken, FilterExpression>(remainder, "a value filter cannot follow a sub-attribute");
            }

            var valuePath = ValuePathTail(path.Value, open.Remainder);
            if (!valuePath.HasValue)
            {
                return TokenListParserResult.CastEmpty<ScimToken, ValuePathExpression, FilterExpression>(valuePath);
            }

            return AllowsValuePathSubAttribute
                ? ValuePathSubAttributeTail(valuePath.Value, input, valuePath.Remainder)
                : TokenListParserResult.Value<ScimToken, FilterExpression>(valuePath.Value, input, valuePath.Remainder);
        }

        var condition = AttrCondition(remainder);
        if (!condition.HasValue)
        {
            return condition.Location.Position != remainder.Position
                ? TokenListParserResult.CastEmpty<ScimToken, Condition, FilterExpression>(condition)
                : TokenListParserResult.Empty<ScimToken, FilterExpression>(remainder,
                    inValueFilter || path.Value.SubAttribute is not null ? ["comparison operator", "`pr`"] : ["comparison operator", "`pr`", "`[`"]);
        }

        return TokenListParserResult.Value(condition.Value.ToExpression(path.Value), input, condition.Remainder);
    }

    /// <summary>After <c>attrPath "["</c>: <c>valFilter "]"</c>.</summary>
    private static TokenListParserResult<ScimToken, ValuePathExpression> ValuePathTail(AttributePath path, TokenList<ScimToken> input)
    {
        var filter = ValFilter(input);
        if (!filter.HasValue)
        {
            return TokenListParserResult.CastEmpty<ScimToken, FilterExpression, ValuePathExpression>(filter);
        }

        var close = filter.Remainder.ConsumeToken();
        return close.HasValue && close.Value.Kind == ScimToken.RBracket
            ? TokenListParserResult.Value(new ValuePathExpression(path, filter.Value), input, close.Remainder)
            : TokenListParserResult.Empty<ScimToken, ValuePathExpression>(filter.Remainder, ["`and`", "`or`", "`]`"]);
    }

    /// <summary>
    /// Compatibility (<see cref="FilterCompatibility.ValuePathSubAttribute"/>): Entra's
    /// <c>emails[type eq "work"].value eq "a@b.c"</c>, read as <c>emails[type eq "work" and value eq "a@b.c"]</c>.
    /// </summary>
    private static TokenListParserResult<ScimToken, FilterExpression> ValuePathSubAttributeTail(ValuePathExpression valuePath, TokenList<ScimToken> input, TokenList<ScimToken> remainder)
    {
        var dot = remainder.ConsumeToken();
        if (!dot.HasValue || dot.Value.Kind != ScimToken.Dot || !FollowsCloseBracket(dot.Value))
        {
            return TokenListParserResult.Value<ScimToken, FilterExpression>(valuePath, input, remainder);
        }

        var sub = NameAfter(dot.Value, dot.Remainder);
        if (!sub.HasValue)
        {
            return TokenListParserResult.CastEmpty<ScimToken, string, FilterExpression>(sub);
        }

        var condition = AttrCondition(sub.Remainder);
        if (!condition.HasValue)
        {
            return condition.Location.Position != sub.Remainder.Position
                ? TokenListParserResult.CastEmpty<ScimToken, Condition, FilterExpression>(condition)
                : TokenListParserResult.Empty<ScimToken, FilterExpression>(sub.Remainder, ["comparison operator", "`pr`"]);
        }

        var extra = condition.Value.ToExpression(new AttributePath(null, sub.Value));
        var inner = valuePath.Filter is LogicalExpression { Operator: LogicalOperator.And } and
            ? new LogicalExpression(LogicalOperator.And, [.. and.Operands, extra])
            : new LogicalExpression(LogicalOperator.And, valuePath.Filter, extra);
        return TokenListParserResult.Value<ScimToken, FilterExpression>(new ValuePathExpression(valuePath.Path, inner), input, condition.Remainder);
    }
}
