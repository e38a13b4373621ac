using System.Diagnostics.CodeAnalysis;
using Superpower.Model;

namespace Jostle.Scim.Filtering.Parsing;

/// <summary>
/// A hand-rolled tokenizer that scans characters directly into a <see cref="TokenList{TKind}"/> (no regular
/// expressions, no combinators, one exact-size array per call). Permissive: it only rejects what can never be part
/// of a filter (an unterminated string, an invalid escape); everything else is for the grammar to judge.
/// </summary>
internal static class FilterTokenizer
{
    [ThreadStatic]
    private static Token<ScimToken>[]? t_buffer;

    public static bool TryTokenize(string text, out TokenList<ScimToken> tokens, [NotNullWhen(false)] out ScimFilterError? error)
    {
        var buffer = t_buffer ?? new Token<ScimToken>[32];
        t_buffer = null; // re-entrancy safe: a nested call allocates its own buffer
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (IsWhitespace(c))
            {
                i++;
                continue;
            }

            var start = i;
            ScimToken kind;
            switch (c)
            {
                case '(': kind = ScimToken.LParen; i++; break;
                case ')': kind = ScimToken.RParen; i++; break;
                case '[': kind = ScimToken.LBracket; i++; break;
                case ']': kind = ScimToken.RBracket; i++; break;
                case '.': kind = ScimToken.Dot; i++; break;
                case ':': kind = ScimToken.Colon; i++; break;
                case '"':
                    if (!TryScanString(text, ref i, out error))
                    {
                        t_buffer = buffer;
                        tokens = default;
                        return false;
                    }

                    kind = ScimToken.String;
                    break;
                default:
                    if (c == '-' || char.IsAsciiDigit(c))
                    {
                        var end = ScanNumber(text, i);
                        if (end > i && (end == text.Length || IsDelimiter(text[end])))
                        {
                            kind = ScimToken.Number;
                            i = end;
                        }
                        else
                        {
                            kind = ScimToken.Word;
                            i = ScanWord(text, i);
                        }
                    }
                    else
                    {
                        i = ScanWord(text, i);
                        kind = IsIdentifier(text, start, i) ? ScimToken.Identifier : ScimToken.Word;
                        if (kind == ScimToken.Identifier && i - start == 3 && i < text.Length && text[i] == ':'
                            && string.Compare(text, start, "urn", 0, 3, StringComparison.OrdinalIgnoreCase) == 0)
                        {
                            // A URN contains dots and colons ("…:enterprise:2.0:User:manager.value"): it is everything
                            // up to the last ':' of the run; the attribute path after it is tokenized as usual.
                            var lastColon = LastColonOfRun(text, i);
                            if (lastColon > i)
                            {
                                kind = ScimToken.Urn;
                                i = lastColon;
                            }
                        }
                    }

                    break;
            }

            if (count == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            buffer[count++] = new Token<ScimToken>(kind, new TextSpan(text, new Position(start, 1, start + 1), i - start));
        }

        var result = count == 0 ? [] : new Token<ScimToken>[count];
        Array.Copy(buffer, result, count);
        Array.Clear(buffer, 0, count);
        if (buffer.Length <= 1024)
        {
            t_buffer = buffer;
        }

        tokens = new TokenList<ScimToken>(result);
        error = null;
        return true;
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Characters that end a name, number or word.</summary>
    private static bool IsDelimiter(char c) => c is ' ' or '\t' or '\r' or '\n' or '(' or ')' or '[' or ']' or '"' or '.' or ':';

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' or '-';

    private static bool IsIdentifier(string text, int start, int end)
    {
        var first = text[start];
        if (!(char.IsAsciiLetter(first) || first is '_' or '$'))
        {
            return false;
        }

        for (var j = start + 1; j < end; j++)
        {
            if (!IsNameChar(text[j]))
            {
                return false;
            }
        }

        return true;
    }

    private static int ScanWord(string text, int i)
    {
        while (i < text.Length && !IsDelimiter(text[i]))
        {
            i++;
        }

        return i;
    }

    private static int LastColonOfRun(string text, int i)
    {
        var last = -1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (IsWhitespace(c) || c is '(' or ')' or '[' or ']' or '"')
            {
                break;
            }

            if (c == ':')
            {
                last = i;
            }
        }

        return last;
    }

    /// <summary>Returns the end of the longest JSON number starting at <paramref name="i"/>, or <paramref name="i"/> when there is none.</summary>
    private static int ScanNumber(string text, int i)
    {
        var start = i;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return start;
        }

        if (text[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            i += 2;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < text.Length && text[j] is '+' or '-')
            {
                j++;
            }

            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                while (j < text.Length && char.IsAsciiDigit(text[j]))
                {
                    j++;
                }

                i = j;
            }
        }

        return i;
    }

    private static bool TryScanString(string text, ref int i, [NotNullWhen(false)] out ScimFilterError? error)
    {
        var start = i;
        var j = i + 1;
        while (j < text.Length)
        {
            var c = text[j];
            if (c == '"')
            {
                i = j + 1;
                error = null;
                return true;
            }

            if (c == '\\')
            {
                if (j + 1 >= text.Length)
                {
                    break;
                }

                var e = text[j + 1];
                if (e == 'u')
                {
                    if (j + 5 >= text.Length || !IsHex(text[j + 2]) || !IsHex(text[j + 3]) || !IsHex(text[j + 4]) || !IsHex(text[j + 5]))
                    {
                        error = FilterErrors.At(j, "invalid escape sequence in string, expected `\\u` and four hexadecimal digits");
                        return false;
                    }

                    j += 6;
                    continue;
                }

                if (e is not ('"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't'))
                {
                    error = FilterErrors.At(j, $"invalid escape sequence `\\{e}` in string");
                    return false;
                }

                j += 2;
                continue;
            }

            j++;
        }

        error = FilterErrors.At(start, "unterminated string, expected closing `\"`");
        return false;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    /// <summary>Unescapes a JSON string token (quotes included).</summary>
    public static string Unescape(TextSpan token)
    {
        var source = token.Source!;
        var start = token.Position.Absolute + 1;
        var end = token.Position.Absolute + token.Length - 1;
        var backslash = source.IndexOf('\\', start, end - start);
        if (backslash < 0)
        {
            return source.Substring(start, end - start);
        }

        var builder = new System.Text.StringBuilder(end - start);
        builder.Append(source, start, backslash - start);
        for (var j = backslash; j < end; j++)
        {
            var c = source[j];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            var e = source[++j];
            switch (e)
            {
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    builder.Append((char)int.Parse(source.AsSpan(j + 1, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture));
                    j += 4;
                    break;
                default: builder.Append(e); break; // " \ /
            }
        }

        return builder.ToString();
    }
}
