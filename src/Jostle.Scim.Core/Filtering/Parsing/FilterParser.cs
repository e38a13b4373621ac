using System.Diagnostics.CodeAnalysis;
using Superpower;
using Superpower.Model;

namespace Jostle.Scim.Filtering.Parsing;

/// <summary>
/// Entry points of the filter and path parser: limits first (length before tokenizing, depth on the token
/// stream before any recursive parser runs), then the grammar. The strict RFC grammar is tried first; only when
/// it fails are the enabled compatibility rules tried, so <c>rulesApplied</c> names the rules a filter needed.
/// </summary>
internal static class FilterParser
{
    private static readonly FilterCompatibility[] AllCandidates =
        [FilterCompatibility.ValuePathSubAttribute, FilterCompatibility.UnquotedValues, FilterCompatibility.All];

    public static bool TryParseFilter(string text, ScimFilterOptions options, [NotNullWhen(true)] out FilterExpression? filter, [NotNullWhen(false)] out ScimFilterError? error, out FilterCompatibility rulesApplied)
    {
        ArgumentNullException.ThrowIfNull(options);
        filter = null;
        rulesApplied = FilterCompatibility.None;
        if (text is not null && text.Length <= options.MaxLength && SimpleForms.TryFilter(text) is { } simple)
        {
            filter = simple;
            error = null;
            return true;
        }

        return TryParseFilterFully(text!, options, out filter, out error, out rulesApplied);
    }

    /// <summary>The tokenizer and the grammar, without the <see cref="SimpleForms"/> fast path.</summary>
    internal static bool TryParseFilterFully(string text, ScimFilterOptions options, [NotNullWhen(true)] out FilterExpression? filter, [NotNullWhen(false)] out ScimFilterError? error, out FilterCompatibility rulesApplied)
    {
        filter = null;
        rulesApplied = FilterCompatibility.None;
        if (!TryPrepare(text, options, "filter", out var tokens, out error, out var bracketThenDot))
        {
            return false;
        }

        var allowed = options.Compatibility & FilterCompatibility.All;

        // `].` is never strict RFC syntax, so Entra's `emails[type eq "work"].value eq "…"` skips the strict attempt.
        var result = bracketThenDot && (allowed & FilterCompatibility.ValuePathSubAttribute) != 0
            ? default
            : FilterGrammar<StrictRules>.Filter(tokens);
        if (result.HasValue)
        {
            filter = result.Value;
            return true;
        }

        // Strict failed: try the enabled rules, one at a time before together, so rulesApplied is the smallest
        // set the filter needed. The last (most lenient) grammar's error is the one reported.
        var candidates = allowed == FilterCompatibility.All ? AllCandidates : allowed == FilterCompatibility.None ? [] : [allowed];
        foreach (var rules in candidates)
        {
            result = Grammar(rules)(tokens);
            if (result.HasValue)
            {
                filter = result.Value;
                rulesApplied = rules;
                return true;
            }
        }

        error = FilterErrors.From(result, text, "filter");
        return false;
    }

    public static AttributePath ParseAttributePath(string text) =>
        TryParseAttributePath(text, out var path, out var error) ? path : throw new ScimFilterException(error);

    public static bool TryParseAttributePath(string text, [NotNullWhen(true)] out AttributePath? path, [NotNullWhen(false)] out ScimFilterError? error)
    {
        path = null;
        if (!TryPrepare(text, ScimFilterOptions.Default, "path", out var tokens, out error, out _))
        {
            return false;
        }

        var result = FilterGrammar.AttrPath(tokens);
        if (result.HasValue && !result.Remainder.IsAtEnd)
        {
            result = TokenListParserResult.Empty<ScimToken, AttributePath>(result.Remainder, ["`.`", "end of path"]);
        }

        if (!result.HasValue)
        {
            error = FilterErrors.From(result, text, "path");
            return false;
        }

        path = result.Value;
        return true;
    }

    public static PatchPath ParsePatchPath(string text) =>
        TryParsePatchPath(text, out var path, out var error) ? path : throw new ScimFilterException(error);

    public static bool TryParsePatchPath(string text, [NotNullWhen(true)] out PatchPath? path, [NotNullWhen(false)] out ScimFilterError? error)
    {
        if (text is not null && text.Length <= ScimFilterOptions.Default.MaxLength && SimpleForms.TryPatchPath(text) is { } simple)
        {
            path = simple;
            error = null;
            return true;
        }

        return TryParsePatchPathFully(text!, out path, out error);
    }

    /// <summary>The tokenizer and the grammar, without the <see cref="SimpleForms"/> fast path.</summary>
    internal static bool TryParsePatchPathFully(string text, [NotNullWhen(true)] out PatchPath? path, [NotNullWhen(false)] out ScimFilterError? error)
    {
        path = null;
        if (!TryPrepare(text, ScimFilterOptions.Default, "path", out var tokens, out error, out _))
        {
            return false;
        }

        var result = FilterGrammar<AllRules>.PatchPath(tokens);
        if (!result.HasValue)
        {
            error = FilterErrors.From(result, text, "path");
            return false;
        }

        path = result.Value;
        return true;
    }

    private static TokenListParser<ScimToken, FilterExpression> Grammar(FilterCompatibility rules) => rules switch
    {
        FilterCompatibility.ValuePathSubAttribute => FilterGrammar<ValuePathSubAttributeRules>.Filter,
        FilterCompatibility.UnquotedValues => FilterGrammar<UnquotedValuesRules>.Filter,
        FilterCompatibility.All => FilterGrammar<AllRules>.Filter,
        _ => FilterGrammar<StrictRules>.Filter,
    };

    /// <summary>Checks the length, tokenizes, and checks the nesting depth on the flat token stream.</summary>
    private static bool TryPrepare(string text, ScimFilterOptions options, string subject, out TokenList<ScimToken> tokens, [NotNullWhen(false)] out ScimFilterError? error, out bool bracketThenDot)
    {
        bracketThenDot = false;
        ArgumentNullException.ThrowIfNull(text);
        tokens = default;
        if (text.Length > options.MaxLength)
        {
            error = FilterErrors.At(options.MaxLength, $"the {subject} is {text.Length} characters long, longer than the limit of {options.MaxLength}");
            return false;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            error = FilterErrors.At(0, $"the {subject} is empty");
            return false;
        }

        if (!FilterTokenizer.TryTokenize(text, out tokens, out error))
        {
            return false;
        }

        var depth = 0;
        var previous = ScimToken.None;
        foreach (var token in tokens)
        {
            bracketThenDot |= previous == ScimToken.RBracket && token.Kind == ScimToken.Dot && text[token.Position.Absolute - 1] == ']';
            previous = token.Kind;
            if (token.Kind is ScimToken.LParen or ScimToken.LBracket)
            {
                if (++depth > options.MaxDepth)
                {
                    error = FilterErrors.At(token.Position.Absolute, $"the {subject} nests deeper than the limit of {options.MaxDepth} levels of parentheses and brackets");
                    return false;
                }
            }
            else if (token.Kind is ScimToken.RParen or ScimToken.RBracket && depth > 0)
            {
                depth--;
            }
        }

        return true;
    }
}
