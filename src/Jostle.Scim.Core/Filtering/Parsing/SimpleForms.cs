namespace Jostle.Scim.Filtering.Parsing;

/// <summary>
/// A character-level fast path for the commonest shapes, tried before the tokenizer and the grammar:
/// PATCH paths <c>name</c> / <c>name.sub</c>, and filters <c>name[.sub] op "string"</c>, <c>name[.sub] op true|false|null</c>,
/// <c>name[.sub] pr</c> written with single spaces. It recognises only texts that the strict grammar accepts, and builds
/// the same AST; anything else (URNs, escapes, other spacing, logic, brackets, errors) returns <see langword="null"/> and
/// goes the full way.
/// </summary>
internal static class SimpleForms
{
    public static PatchPath? TryPatchPath(string text)
    {
        var end = ScanPath(text, 0, out var dot);
        return end == text.Length && end > 0 ? new PatchPath(MakePath(text, end, dot)) : null;
    }

    public static FilterExpression? TryFilter(string text)
    {
        var end = ScanPath(text, 0, out var dot);
        if (end <= 0 || end + 3 > text.Length || text[end] != ' ' || (end + 3 < text.Length && text[end + 3] != ' '))
        {
            return null;
        }

        // `not` opens `not (…)`, never an attribute name: leave it to the grammar (and its error).
        if ((dot < 0 ? end : dot) == 3 && string.Compare(text, 0, "not", 0, 3, StringComparison.OrdinalIgnoreCase) == 0)
        {
            return null;
        }

        var a = (char)(text[end + 1] | 0x20);
        var b = (char)(text[end + 2] | 0x20);
        if (end + 3 == text.Length)
        {
            return (a, b) == ('p', 'r') ? new PresentExpression(MakePath(text, end, dot)) : null;
        }

        ComparisonOperator op;
        switch (a, b)
        {
            case ('e', 'q'): op = ComparisonOperator.Equal; break;
            case ('n', 'e'): op = ComparisonOperator.NotEqual; break;
            case ('c', 'o'): op = ComparisonOperator.Contains; break;
            case ('s', 'w'): op = ComparisonOperator.StartsWith; break;
            case ('e', 'w'): op = ComparisonOperator.EndsWith; break;
            case ('g', 't'): op = ComparisonOperator.GreaterThan; break;
            case ('g', 'e'): op = ComparisonOperator.GreaterThanOrEqual; break;
            case ('l', 't'): op = ComparisonOperator.LessThan; break;
            case ('l', 'e'): op = ComparisonOperator.LessThanOrEqual; break;
            default: return null;
        }

        var start = end + 4;
        if (start >= text.Length)
        {
            return null;
        }

        FilterValue value;
        if (text[start] == '"')
        {
            var close = text.AsSpan(start + 1).IndexOfAny('"', '\\');
            if (close < 0 || text[start + 1 + close] != '"' || start + 2 + close != text.Length)
            {
                return null;
            }

            value = FilterValue.FromString(text.Substring(start + 1, close));
        }
        else
        {
            var literal = text.AsSpan(start);
            if (literal.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                value = FilterValue.True;
            }
            else if (literal.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                value = FilterValue.False;
            }
            else if (literal.Equals("null", StringComparison.OrdinalIgnoreCase))
            {
                value = FilterValue.Null;
            }
            else
            {
                return null;
            }
        }

        return new ComparisonExpression(MakePath(text, end, dot), op, value);
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

    private static AttributePath MakePath(string text, int end, int dot) => dot < 0
        ? new AttributePath(null, text[..end])
        : new AttributePath(null, text[..dot], text[(dot + 1)..end]);
}
