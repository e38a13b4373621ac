using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Jostle.Scim.Filtering.Runtime;

/// <summary>A test of one scalar JSON value (one element of a multi-valued attribute is tested on its own).</summary>
internal abstract class ValueTest
{
    /// <summary>Tests a value; never throws, and a value of the wrong JSON kind fails.</summary>
    public abstract bool Test(JsonElement value);
}

/// <summary><c>pr</c>: not null, not an empty string, not an empty array or object (recursively).</summary>
internal sealed class PresentTest : ValueTest
{
    public static PresentTest Instance { get; } = new();

    public override bool Test(JsonElement value) => IsPresent(value);

    private static bool IsPresent(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return JsonText.Raw(value).Length > 0;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (IsPresent(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (IsPresent(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return true;
            default:
                return false;
        }
    }
}

/// <summary><c>eq</c> on a case-exact string: compares the unescaped UTF-8 directly.</summary>
internal sealed class ExactStringEqualsTest(string value) : ValueTest
{
    private readonly byte[] _utf8 = Encoding.UTF8.GetBytes(value);

    public override bool Test(JsonElement value) => value.ValueKind == JsonValueKind.String && value.ValueEquals(_utf8);
}

/// <summary>
/// Tests of a string value read as characters (<c>co sw ew gt ge lt le</c>, and <c>eq</c> ignoring case).
/// Unescaped strings are decoded onto the stack, so the common case does not allocate.
/// </summary>
internal abstract class StringTest : ValueTest
{
    private const int StackLimit = 256;

    public sealed override bool Test(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var raw = JsonText.Raw(value);
        if (TryTestRaw(raw, out var result))
        {
            return result;
        }

        if (raw.IndexOf((byte)'\\') >= 0)
        {
            return TestChars(value.GetString().AsSpan());
        }

        if (raw.Length <= StackLimit)
        {
            // UTF-8 never decodes to more UTF-16 chars than it has bytes; sizing the buffer to the value keeps zeroing cheap.
            Span<char> buffer = stackalloc char[raw.Length];
            var length = Encoding.UTF8.GetChars(raw, buffer);
            return TestChars(buffer[..length]);
        }

        var rented = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            var length = Encoding.UTF8.GetChars(raw, rented);
            return TestChars(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A shortcut over the raw UTF-8 of the value as it appears in the document (escapes not yet decoded);
    /// returns <see langword="false"/> when it cannot decide.
    /// </summary>
    protected virtual bool TryTestRaw(ReadOnlySpan<byte> raw, out bool result)
    {
        result = false;
        return false;
    }

    protected abstract bool TestChars(ReadOnlySpan<char> text);
}

/// <summary><c>eq</c> ignoring case; ASCII values are compared as bytes.</summary>
internal sealed class IgnoreCaseStringEqualsTest(string value) : StringTest
{
    private readonly string _value = value;
    private readonly byte[] _utf8 = Encoding.UTF8.GetBytes(value);

    // An ASCII value without backslashes can be decided on the raw bytes: a raw value that equals it ignoring
    // case has no escapes either, and escapes or non-ASCII text only ever make the raw form longer.
    private readonly bool _plainAscii = Ascii.IsValid(value) && !value.Contains('\\', StringComparison.Ordinal);

    protected override bool TryTestRaw(ReadOnlySpan<byte> raw, out bool result)
    {
        result = false;
        if (!_plainAscii)
        {
            return false;
        }

        if (raw.Length < _utf8.Length)
        {
            return true;
        }

        if (raw.Length == _utf8.Length && Ascii.EqualsIgnoreCase(raw, _utf8))
        {
            result = true;
            return true;
        }

        // Different: unless escapes or non-ASCII text leave room for a match after decoding.
        return Ascii.IsValid(raw) && raw.IndexOf((byte)'\\') < 0;
    }

    protected override bool TestChars(ReadOnlySpan<char> text) => text.Equals(_value, StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>co sw ew gt ge lt le</c> (and <c>eq</c> when no shortcut applies) on a string, by ordinal comparison.</summary>
internal sealed class StringCompareTest(ComparisonOperator op, string value, StringComparison comparison) : StringTest
{
    protected override bool TestChars(ReadOnlySpan<char> text) => op switch
    {
        ComparisonOperator.Equal => text.Equals(value, comparison),
        ComparisonOperator.Contains => text.Contains(value, comparison),
        ComparisonOperator.StartsWith => text.StartsWith(value, comparison),
        ComparisonOperator.EndsWith => text.EndsWith(value, comparison),
        _ => Ordering.Holds(op, text.CompareTo(value, comparison)),
    };
}

/// <summary><c>eq</c> and ordering on a number, compared numerically (decimal when both fit, else double).</summary>
internal sealed class NumberTest : ValueTest
{
    private readonly ComparisonOperator _op;
    private readonly bool _hasDecimal;
    private readonly decimal _decimal;
    private readonly double _double;

    public NumberTest(ComparisonOperator op, string lexeme)
    {
        _op = op;
        _hasDecimal = decimal.TryParse(lexeme, NumberStyles.Float, CultureInfo.InvariantCulture, out _decimal);
        _double = double.Parse(lexeme, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public override bool Test(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        if (_hasDecimal && value.TryGetDecimal(out var d))
        {
            return Ordering.Holds(_op, d.CompareTo(_decimal));
        }

        return value.TryGetDouble(out var x) && double.IsFinite(x) && Ordering.Holds(_op, x.CompareTo(_double));
    }
}

/// <summary><c>eq</c> on a boolean.</summary>
internal sealed class BooleanEqualsTest(bool value) : ValueTest
{
    private readonly JsonValueKind _kind = value ? JsonValueKind.True : JsonValueKind.False;

    public override bool Test(JsonElement value) => value.ValueKind == _kind;
}

/// <summary><c>eq</c> and ordering on a dateTime, compared chronologically.</summary>
internal sealed class DateTimeTest(ComparisonOperator op, DateTimeOffset expected) : ValueTest
{
    private const int StackLimit = 64;

    public override bool Test(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        return TryRead(value, out var when) && Ordering.Holds(op, when.CompareTo(expected));
    }

    private static bool TryRead(JsonElement value, out DateTimeOffset when)
    {
        var raw = JsonText.RawString(value, out var escaped);
        if (!escaped && value.TryGetDateTimeOffset(out when))
        {
            // System.Text.Json reads a value without an offset as local time; SCIM documents mean UTC.
            if (raw.Length <= 10 || (raw[10..].IndexOfAny((byte)'Z', (byte)'z', (byte)'+') < 0 && raw[10..].IndexOf((byte)'-') < 0))
            {
                when = new DateTimeOffset(when.DateTime, TimeSpan.Zero);
            }

            return true;
        }

        if (escaped || raw.Length > StackLimit)
        {
            return DateTimes.TryParse(value.GetString().AsSpan(), out when);
        }

        Span<char> buffer = stackalloc char[StackLimit];
        var length = Encoding.UTF8.GetChars(raw, buffer);
        return DateTimes.TryParse(buffer[..length], out when);
    }
}

/// <summary>Whether a comparison result satisfies an operator.</summary>
internal static class Ordering
{
    public static bool Holds(ComparisonOperator op, int comparison) => op switch
    {
        ComparisonOperator.Equal => comparison == 0,
        ComparisonOperator.NotEqual => comparison != 0,
        ComparisonOperator.GreaterThan => comparison > 0,
        ComparisonOperator.GreaterThanOrEqual => comparison >= 0,
        ComparisonOperator.LessThan => comparison < 0,
        ComparisonOperator.LessThanOrEqual => comparison <= 0,
        _ => false,
    };
}

/// <summary>
/// Parses xsd:dateTime / ISO 8601 values (<c>2011-05-13T04:42:34Z</c>, with an offset, fractions, or a bare date).
/// A value without an offset is taken as UTC, so results do not depend on the machine's time zone.
/// </summary>
internal static class DateTimes
{
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        // Require the ISO 8601 shape "yyyy-mm-dd" first: DateTimeOffset.TryParse alone also accepts "May 2011".
        if (text.Length < 10 || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[1]) || !char.IsAsciiDigit(text[2])
            || !char.IsAsciiDigit(text[3]) || text[4] != '-' || !char.IsAsciiDigit(text[5]) || !char.IsAsciiDigit(text[6])
            || text[7] != '-' || !char.IsAsciiDigit(text[8]) || !char.IsAsciiDigit(text[9]) || (text.Length > 10 && text[10] != 'T' && text[10] != 't'))
        {
            value = default;
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
