namespace Jostle.Scim.Filtering.Parsing;

/// <summary>
/// A character-level fast path for the commonest shapes, tried before the tokenizer and the grammar:
/// PATCH paths <c>name</c>, <c>name.sub</c> and <c>name[sub op value][.sub]</c>, and filters <c>name[.sub] op "string"</c>, <c>name[.sub] op true|false|null</c>,
/// <c>name[.sub] pr</c>, and such terms joined by <c>and</c> / <c>or</c>, written with single spaces. It recognises only texts that the strict grammar accepts, and builds
/// the same AST; anything else (URNs, escapes, other spacing, logic, brackets, errors) returns <see langword="null"/> and
/// goes the full way.
/// </summary>
internal static class SimpleForms
{
    public static PatchPath? TryPatchPath(string text)
    {
        var nameEnd = ScanName(text, 0);
        if (nameEnd > 0 && nameEnd < text.Length && text[nameEnd] == '[')
        {
            return TryValuePath(text, nameEnd);
        }

        var end = ScanPath(text, 0, out var dot);
        return end == text.Length && end > 0 ? new PatchPath(MakePath(text, end, dot)) : null;
    }

    /// <summary><c>name[sub op value]</c>, optionally followed by <c>.sub</c>, with <paramref name="open"/> at the <c>[</c>.</summary>
    private static PatchPath? TryValuePath(string text, int open)
    {
        var innerEnd = ScanName(text, open + 1);
        if (innerEnd < 0 || innerEnd + 4 >= text.Length || text[innerEnd] != ' ' || text[innerEnd + 3] != ' ' || IsNot(text, open + 1, innerEnd))
        {
            return null;
        }

        var close = text.IndexOf(']', innerEnd + 4);
        if (close < 0 || !TryOperator(text[innerEnd + 1], text[innerEnd + 2], out var op) || TryValue(text, innerEnd + 4, close) is not { } value)
        {
            return null;
        }

        string? sub = null;
        if (close + 1 < text.Length)
        {
            var subEnd = text[close + 1] == '.' ? ScanName(text, close + 2) : -1;
            if (subEnd != text.Length)
            {
                return null;
            }

            sub = text[(close + 2)..];
        }

        var filter = new ComparisonExpression(new AttributePath(null, text[(open + 1)..innerEnd]), op, value);
        return new PatchPath(new AttributePath(null, text[..open]), filter, sub);
    }

    /// <summary>Simple terms joined by <c>and</c> / <c>or</c> (single spaces; <c>and</c> binds tighter, as in the grammar).</summary>
    public static FilterExpression? TryFilter(string text)
    {
        var i = 0;
        List<FilterExpression>? ors = null;
        List<FilterExpression>? ands = null;
        FilterExpression? first = null;
        while (true)
        {
            var term = TryTerm(text, ref i);
            if (term is null)
            {
                return null;
            }

            if (first is null)
            {
                first = term;
            }
            else
            {
                (ands ??= [first]).Add(term);
            }

            if (i == text.Length)
            {
                break;
            }

            if (IsKeyword(text, i, "and"))
            {
                i += 5;
                continue;
            }

            if (!IsKeyword(text, i, "or"))
            {
                return null;
            }

            (ors ??= []).Add(ands is null ? first : new LogicalExpression(LogicalOperator.And, ands));
            first = null;
            ands = null;
            i += 4;
        }

        var last = ands is null ? first! : new LogicalExpression(LogicalOperator.And, ands);
        if (ors is null)
        {
            return last;
        }

        ors.Add(last);
        return new LogicalExpression(LogicalOperator.Or, ors);
    }

    /// <summary><c>" keyword "</c> at <paramref name="i"/>, ignoring case, followed by more text.</summary>
    private static bool IsKeyword(string text, int i, string keyword) =>
        i + keyword.Length + 2 < text.Length && text[i] == ' ' && text[i + keyword.Length + 1] == ' '
        && string.Compare(text, i + 1, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary><c>name[.sub] pr</c> or <c>name[.sub] op value</c> from <paramref name="i"/>, ending at a space or the end.</summary>
    private static FilterExpression? TryTerm(string text, ref int i)
    {
        var start = i;
        var end = ScanPath(text, start, out var dot);
        if (end < 0 || end + 3 > text.Length || text[end] != ' ' || (end + 3 < text.Length && text[end + 3] != ' '))
        {
            return null;
        }

        // `not` opens `not (…)`, never an attribute name: leave it to the grammar (and its error).
        if (IsNot(text, start, dot < 0 ? end : dot))
        {
            return null;
        }

        if ((text[end + 1] | 0x20) == 'p' && (text[end + 2] | 0x20) == 'r')
        {
            i = end + 3;
            return new PresentExpression(MakePath(text, start, end, dot));
        }

        if (end + 3 == text.Length)
        {
            return null;
        }

        var valueStart = end + 4;
        var valueEnd = valueStart;
        if (valueStart < text.Length && text[valueStart] == '"')
        {
            var close = text.AsSpan(valueStart + 1).IndexOfAny('"', '\\');
            if (close < 0 || text[valueStart + 1 + close] != '"')
            {
                return null;
            }

            valueEnd = valueStart + 2 + close;
        }
        else
        {
            while (valueEnd < text.Length && text[valueEnd] != ' ')
            {
                valueEnd++;
            }
        }

        if (valueEnd < text.Length && text[valueEnd] != ' ')
        {
            return null;
        }

        if (!TryOperator(text[end + 1], text[end + 2], out var op) || TryValue(text, valueStart, valueEnd) is not { } value)
        {
            return null;
        }

        i = valueEnd;
        return new ComparisonExpression(MakePath(text, start, end, dot), op, value);
    }

    private static bool IsNot(string text, int start, int end) =>
        end - start == 3 && string.Compare(text, start, "not", 0, 3, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The comparison operator spelled by two characters, case-insensitively (<c>eq</c>, <c>GE</c>, …).</summary>
    internal static bool TryOperator(char first, char second, out ComparisonOperator op)
    {
        switch ((char)(first | 0x20), (char)(second | 0x20))
        {
            case ('e', 'q'): op = ComparisonOperator.Equal; return true;
            case ('n', 'e'): op = ComparisonOperator.NotEqual; return true;
            case ('c', 'o'): op = ComparisonOperator.Contains; return true;
            case ('s', 'w'): op = ComparisonOperator.StartsWith; return true;
            case ('e', 'w'): op = ComparisonOperator.EndsWith; return true;
            case ('g', 't'): op = ComparisonOperator.GreaterThan; return true;
            case ('g', 'e'): op = ComparisonOperator.GreaterThanOrEqual; return true;
            case ('l', 't'): op = ComparisonOperator.LessThan; return true;
            case ('l', 'e'): op = ComparisonOperator.LessThanOrEqual; return true;
            default: op = default; return false;
        }
    }

    /// <summary>A string without escapes, or <c>true</c> / <c>false</c> / <c>null</c>, filling exactly <c>[start, end)</c>.</summary>
    private static FilterValue? TryValue(string text, int start, int end)
    {
        if (start >= end)
        {
            return null;
        }

        if (text[start] == '"')
        {
            var close = text.AsSpan(start + 1, end - start - 1).IndexOfAny('"', '\\');
            return close >= 0 && text[start + 1 + close] == '"' && start + 2 + close == end
                ? FilterValue.FromString(text.Substring(start + 1, close))
                : null;
        }

        var literal = text.AsSpan(start, end - start);
        return literal.Equals("true", StringComparison.OrdinalIgnoreCase) ? FilterValue.True
            : literal.Equals("false", StringComparison.OrdinalIgnoreCase) ? FilterValue.False
            : literal.Equals("null", StringComparison.OrdinalIgnoreCase) ? FilterValue.Null
            : null;
    }

    /// <summary><c>ATTRNAME ["." ATTRNAME]</c> from <paramref name="start"/>; the end, or -1 when the text does not start so.</summary>
    private static int ScanPath(string text, int start, out int dot)
    {
        dot = -1;
        var i = ScanName(text, start);
        if (i < 0)
        {
            return -1;
        }

        if (i < text.Length && text[i] == '.')
        {
            dot = i;
            i = ScanName(text, i + 1);
            if (i < 0)
            {
                return -1;
            }
        }

        // A name must end at a space or the end (not at `[`, `:`, `$`, another `.`, …).
        return i == text.Length || text[i] == ' ' ? i : -1;
    }

    private static int ScanName(string text, int i)
    {
        if (i >= text.Length || !char.IsAsciiLetter(text[i]))
        {
            return -1;
        }

        i++;
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '_'))
        {
            i++;
        }

        return i;
    }

    private static AttributePath MakePath(string text, int end, int dot) => MakePath(text, 0, end, dot);

    private static AttributePath MakePath(string text, int start, int end, int dot) => dot < 0
        ? new AttributePath(null, text[start..end])
        : new AttributePath(null, text[start..dot], text[(dot + 1)..end]);
}
