using System.Globalization;
using System.Text;
using Superpower.Model;

namespace Jostle.Scim.Filtering.Parsing;

/// <summary>Builds the one message shape every syntax error has: <c>Syntax error at position N: …</c>.</summary>
internal static class FilterErrors
{
    private const int MaxQuotedLength = 32;

    public static ScimFilterError At(int position, string detail) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Syntax error at position {position}: {detail}."), position);

    /// <summary>Turns a failed parse into "unexpected X, expected Y or Z" (or the parser's own message) at the failing token.</summary>
    public static ScimFilterError From<T>(TokenListParserResult<ScimToken, T> result, string text, string subject)
    {
        var location = result.Location;
        var position = result.ErrorPosition.HasValue
            ? result.ErrorPosition.Absolute
            : location.IsAtEnd ? text.Length : location.First().Position.Absolute;

        if (result.ErrorMessage is not null)
        {
            return At(position, result.ErrorMessage);
        }

        var unexpected = location.IsAtEnd || location.First().Position.Absolute != position
            ? "end of " + subject
            : Describe(location.First());
        var detail = new StringBuilder("unexpected ").Append(unexpected);
        var expectations = result.Expectations;
        if (expectations is { Length: > 0 })
        {
            detail.Append(", expected ");
            for (var i = 0; i < expectations.Length; i++)
            {
                if (i > 0)
                {
                    detail.Append(i == expectations.Length - 1 ? " or " : ", ");
                }

                detail.Append(expectations[i]);
            }
        }

        return At(position, detail.ToString());
    }

    /// <summary>Shows a token as it was written, in backticks, shortened when long.</summary>
    public static string Describe(Token<ScimToken> token)
    {
        var value = token.ToStringValue();
        if (value.Length > MaxQuotedLength)
        {
            value = string.Concat(value.AsSpan(0, MaxQuotedLength - 1), "…");
        }

        return "`" + value + "`";
    }
}
