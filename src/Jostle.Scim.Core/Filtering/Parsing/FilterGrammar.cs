using System.Runtime.CompilerServices;
using Superpower;
using Superpower.Model;
using Superpower.Parsers;

namespace Jostle.Scim.Filtering.Parsing;

/// <summary>
/// The rules of RFC 7644 §3.4.2.2 and §3.10 that no compatibility rule changes: names, attribute paths,
/// operators and strict comparison values. A bottom-up ladder named after the ABNF rules.
/// </summary>
internal static class FilterGrammar
{
    public static readonly TokenListParser<ScimToken, Token<ScimToken>> LParen = Token.EqualTo(ScimToken.LParen);

    /// <summary><c>ATTRNAME = ALPHA *(nameChar)</c>, <c>nameChar = "-" / "_" / DIGIT / ALPHA</c>; also <c>$ref</c> (RFC 7643).</summary>
    public static readonly TokenListParser<ScimToken, string> AttrName = input =>
    {
        var next = input.ConsumeToken();
        return next.HasValue && next.Value.Kind == ScimToken.Identifier && IsAttrName(next.Value.Span)
            ? TokenListParserResult.Value(next.Value.ToStringValue(), input, next.Remainder)
            : TokenListParserResult.Empty<ScimToken, string>(input, ["attribute name"]);
    };

    /// <summary>
    /// <c>attrPath = [URI ":"] ATTRNAME *1subAttr</c>, <c>subAttr = "." ATTRNAME</c>. The tokenizer has already split
    /// the URN off (it ends at the last ':' before the attribute name). Written against the token list directly: it is
    /// the hottest rule.
    /// </summary>
    public static readonly TokenListParser<ScimToken, AttributePath> AttrPath = input =>
    {
        var next = input.ConsumeToken();
        if (!next.HasValue)
        {
            return TokenListParserResult.Empty<ScimToken, AttributePath>(input, ["attribute path"]);
        }

        string? schemaUri = null;
        TokenListParserResult<ScimToken, string> name;
        if (next.Value.Kind == ScimToken.Urn)
        {
            schemaUri = next.Value.ToStringValue();
            var colon = next.Remainder.ConsumeToken(); // the tokenizer always emits ':' after a URN
            name = NameAfter(colon.Value, colon.Remainder);
            if (!name.HasValue)
            {
                return TokenListParserResult.CastEmpty<ScimToken, string, AttributePath>(name);
            }
        }
        else
        {
            name = AttrName(input);
            if (!name.HasValue)
            {
                return TokenListParserResult.Empty<ScimToken, AttributePath>(input, ["attribute path"]);
            }
        }

        var remainder = name.Remainder;
        string? subAttribute = null;
        var dot = remainder.ConsumeToken();
        if (dot.HasValue && dot.Value.Kind == ScimToken.Dot && Adjacent(name.Location.First(), dot.Value))
        {
            var sub = NameAfter(dot.Value, dot.Remainder);
            if (!sub.HasValue)
            {
                return TokenListParserResult.CastEmpty<ScimToken, string, AttributePath>(sub);
            }

            subAttribute = sub.Value;
            remainder = sub.Remainder;
        }

        return TokenListParserResult.Value(new AttributePath(schemaUri, name.Value, subAttribute), input, remainder);
    };

    /// <summary>An attribute name written right after <paramref name="separator"/> (a <c>.</c> or <c>:</c>), with no space between.</summary>
    public static TokenListParserResult<ScimToken, string> NameAfter(Token<ScimToken> separator, TokenList<ScimToken> input)
    {
        var next = input.ConsumeToken();
        if (next.HasValue && !Adjacent(separator, next.Value))
        {
            var end = separator.Position.Absolute + separator.Span.Length;
            return TokenListParserResult.Empty<ScimToken, string>(input, new Position(end, 1, end + 1), "unexpected space in attribute path, expected attribute name");
        }

        return AttrName(input);
    }

    /// <summary>Whether <paramref name="second"/> starts right where <paramref name="first"/> ends.</summary>
    public static bool Adjacent(Token<ScimToken> first, Token<ScimToken> second) =>
        first.Position.Absolute + first.Span.Length == second.Position.Absolute;

    /// <summary><c>compareOp = "eq" / "ne" / "co" / "sw" / "ew" / "gt" / "lt" / "ge" / "le"</c>, case-insensitive.</summary>
    public static readonly TokenListParser<ScimToken, ComparisonOperator> CompareOp = input =>
    {
        var next = input.ConsumeToken();
        return next.HasValue && next.Value.Kind == ScimToken.Identifier && TryGetOperator(next.Value.Span, out var op)
            ? TokenListParserResult.Value(op, input, next.Remainder)
            : TokenListParserResult.Empty<ScimToken, ComparisonOperator>(input, ["comparison operator"]);
    };

    /// <summary><c>"pr"</c>.</summary>
    public static readonly TokenListParser<ScimToken, Token<ScimToken>> Present = Keyword("pr");

    /// <summary><c>"not"</c>.</summary>
    public static readonly TokenListParser<ScimToken, Token<ScimToken>> Not = Keyword("not");

    /// <summary>
    /// <c>compValue = false / null / true / number / string</c>; literals are case-insensitive like every ABNF literal.
    /// A value that starts like a number (a digit, or <c>-</c> and a digit) must be exactly one JSON number: <c>12abc</c>,
    /// <c>1.2.3</c> or <c>5.x</c> is an error that says to quote it, under every set of rules (never an unquoted string).
    /// </summary>
    public static readonly TokenListParser<ScimToken, FilterValue> CompValue = input =>
    {
        var next = input.ConsumeToken();
        if (next.HasValue)
        {
            var token = next.Value;
            if (StartsLikeNumber(token))
            {
                return NumberValue(input, token, next.Remainder);
            }

            var value = token.Kind switch
            {
                ScimToken.String => FilterValue.FromString(FilterTokenizer.Unescape(token.Span)),
                ScimToken.Identifier => token.Span.EqualsValueIgnoreCase("true") ? FilterValue.True
                    : token.Span.EqualsValueIgnoreCase("false") ? FilterValue.False
                    : token.Span.EqualsValueIgnoreCase("null") ? FilterValue.Null
                    : null,
                _ => null,
            };
            if (value is not null)
            {
                return TokenListParserResult.Value(value, input, next.Remainder);
            }
        }

        return TokenListParserResult.Empty<ScimToken, FilterValue>(input, ["comparison value"]);
    };

    /// <summary>
    /// Compatibility (<see cref="FilterCompatibility.UnquotedValues"/>): a bare word such as <c>jyoung</c> or
    /// <c>jyoung@example.com</c> — adjacent name, word, number, dot and colon tokens with no space between — read as a string.
    /// A word that starts like a number is never a string: it is a number or an error (see <see cref="CompValue"/>).
    /// </summary>
    public static readonly TokenListParser<ScimToken, FilterValue> UnquotedValue = input =>
    {
        var next = input.ConsumeToken();
        if (!next.HasValue || next.Value.Kind is not (ScimToken.Identifier or ScimToken.Word or ScimToken.Urn))
        {
            return TokenListParserResult.Empty<ScimToken, FilterValue>(input, ["comparison value"]);
        }

        var first = next.Value;
        if (StartsLikeNumber(first))
        {
            return NumberValue(input, first, next.Remainder);
        }

        var end = BareWordEnd(first, next.Remainder, out var remainder);
        var text = first.Span.Source!.Substring(first.Position.Absolute, end - first.Position.Absolute);
        return TokenListParserResult.Value(FilterValue.FromString(text), input, remainder);
    };

    /// <summary>Whether a value token starts like a JSON number: a digit, or <c>-</c> followed by a digit.</summary>
    private static bool StartsLikeNumber(Token<ScimToken> token)
    {
        if (token.Kind == ScimToken.Number)
        {
            return true;
        }

        if (token.Kind != ScimToken.Word)
        {
            return false;
        }

        var source = token.Span.Source!;
        var start = token.Position.Absolute;
        return char.IsAsciiDigit(source[start])
            || (source[start] == '-' && token.Span.Length > 1 && char.IsAsciiDigit(source[start + 1]));
    }

    /// <summary>
    /// A value that starts like a number: one JSON number token, or — when more is written against it
    /// (<c>12abc</c>, <c>1.2.3</c>, <c>12:30</c>) — an error at its start that quotes the whole run, consuming the token so
    /// that no alternative (such as an unquoted string) is tried.
    /// </summary>
    private static TokenListParserResult<ScimToken, FilterValue> NumberValue(TokenList<ScimToken> input, Token<ScimToken> first, TokenList<ScimToken> afterFirst)
    {
        var end = BareWordEnd(first, afterFirst, out var remainder);
        var start = first.Position.Absolute;
        if (first.Kind == ScimToken.Number && end == start + first.Span.Length)
        {
            return TokenListParserResult.Value(FilterValue.FromNumber(first.ToStringValue()), input, afterFirst);
        }

        var text = first.Span.Source!.Substring(start, end - start);
        var shown = text.Length > 32 ? string.Concat(text.AsSpan(0, 31), "…") : text;
        var quoted = "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal) + "\"";
        return TokenListParserResult.Empty<ScimToken, FilterValue>(remainder, new Position(start, 1, start + 1),
            $"`{shown}` is not a valid number; quote it if it is a string: {quoted}");
    }

    /// <summary>
    /// The end (in the source text) of a bare word that starts with <paramref name="first"/>: adjacent name, word, number,
    /// URN, dot and colon tokens with no space between. <paramref name="remainder"/> is the input after it.
    /// </summary>
    private static int BareWordEnd(Token<ScimToken> first, TokenList<ScimToken> afterFirst, out TokenList<ScimToken> remainder)
    {
        var end = first.Position.Absolute + first.Span.Length;
        remainder = afterFirst;
        while (true)
        {
            var following = remainder.ConsumeToken();
            if (!following.HasValue || following.Value.Position.Absolute != end
                || following.Value.Kind is not (ScimToken.Identifier or ScimToken.Word or ScimToken.Number or ScimToken.Urn or ScimToken.Dot or ScimToken.Colon))
            {
                return end;
            }

            end += following.Value.Span.Length;
            remainder = following.Remainder;
        }
    }

    /// <summary>A keyword: an identifier equal to <paramref name="keyword"/>, ignoring case.</summary>
    public static TokenListParser<ScimToken, Token<ScimToken>> Keyword(string keyword)
    {
        var expectations = new[] { "`" + keyword + "`" };
        return input =>
        {
            var next = input.ConsumeToken();
            return next.HasValue && next.Value.Kind == ScimToken.Identifier && next.Value.Span.EqualsValueIgnoreCase(keyword)
                ? next
                : TokenListParserResult.Empty<ScimToken, Token<ScimToken>>(input, expectations);
        };
    }

    /// <summary>A token of one kind; on failure, the given expectations (so a message can list the alternatives).</summary>
    public static TokenListParser<ScimToken, Token<ScimToken>> Expect(ScimToken kind, params string[] expectations) => input =>
    {
        var next = input.ConsumeToken();
        return next.HasValue && next.Value.Kind == kind
            ? next
            : TokenListParserResult.Empty<ScimToken, Token<ScimToken>>(input, expectations);
    };

    /// <summary>
    /// <c>operand *(keyword operand)</c> as ONE n-ary node, in a loop: ten thousand <c>or</c> terms do not recurse.
    /// A single operand is returned as is.
    /// </summary>
    public static TokenListParser<ScimToken, FilterExpression> NAry(TokenListParser<ScimToken, FilterExpression> operand, string keyword, LogicalOperator op) => input =>
    {
        var first = operand(input);
        if (!first.HasValue)
        {
            return first;
        }

        var remainder = first.Remainder;
        List<FilterExpression>? operands = null;
        while (true)
        {
            var next = remainder.ConsumeToken();
            if (!next.HasValue || next.Value.Kind != ScimToken.Identifier || !next.Value.Span.EqualsValueIgnoreCase(keyword))
            {
                break;
            }

            var item = operand(next.Remainder);
            if (!item.HasValue)
            {
                return item;
            }

            (operands ??= [first.Value]).Add(item.Value);
            remainder = item.Remainder;
        }

        return operands is null
            ? first
            : TokenListParserResult.Value<ScimToken, FilterExpression>(new LogicalExpression(op, operands), input, remainder);
    };

    /// <summary>Fails instead of overflowing the stack when a caller raised <see cref="ScimFilterOptions.MaxDepth"/> very high.</summary>
    public static TokenListParser<ScimToken, T> StackGuard<T>(TokenListParser<ScimToken, T> parser) => input =>
        RuntimeHelpers.TryEnsureSufficientExecutionStack()
            ? parser(input)
            : TokenListParserResult.Empty<ScimToken, T>(input, "the filter nests too deeply");

    private static bool IsAttrName(TextSpan span)
    {
        var source = span.Source!;
        var start = span.Position.Absolute;
        if (!char.IsAsciiLetter(source[start]))
        {
            return span.EqualsValueIgnoreCase("$ref");
        }

        for (var i = start + 1; i < start + span.Length; i++)
        {
            var c = source[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryGetOperator(TextSpan span, out ComparisonOperator op)
    {
        op = default;
        if (span.Length != 2)
        {
            return false;
        }

        var source = span.Source!;
        return SimpleForms.TryOperator(source[span.Position.Absolute], source[span.Position.Absolute + 1], out op);
    }
}
