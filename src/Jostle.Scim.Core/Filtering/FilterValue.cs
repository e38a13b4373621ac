using System.Globalization;
using System.Text;

namespace Jostle.Scim.Filtering;

/// <summary>The kind of a comparison value in a filter (RFC 7644 §3.4.2.2, <c>compValue</c>).</summary>
public enum FilterValueKind
{
    /// <summary>A JSON string.</summary>
    String,
    /// <summary>A JSON number.</summary>
    Number,
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
    /// <summary><c>null</c>.</summary>
    Null,
}

/// <summary>A comparison value: a JSON string, number, boolean or <c>null</c>. Immutable.</summary>
public sealed class FilterValue : IEquatable<FilterValue>
{
    private FilterValue(FilterValueKind kind, string? text, bool boolean)
    {
        Kind = kind;
        Text = text;
        BooleanValue = boolean;
    }

    /// <summary>The <c>null</c> value.</summary>
    public static FilterValue Null { get; } = new(FilterValueKind.Null, null, false);

    /// <summary>The <c>true</c> value.</summary>
    public static FilterValue True { get; } = new(FilterValueKind.Boolean, null, true);

    /// <summary>The <c>false</c> value.</summary>
    public static FilterValue False { get; } = new(FilterValueKind.Boolean, null, false);

    /// <summary>The value's kind.</summary>
    public FilterValueKind Kind { get; }

    /// <summary>
    /// For a string, the unescaped string; for a number, its JSON lexeme (e.g. <c>-1.5e3</c>);
    /// otherwise <see langword="null"/>.
    /// </summary>
    public string? Text { get; }

    /// <summary>For a boolean, its value.</summary>
    public bool BooleanValue { get; }

    /// <summary>Creates a string value.</summary>
    /// <param name="value">The unescaped string.</param>
    /// <returns>The value.</returns>
    public static FilterValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new FilterValue(FilterValueKind.String, value, false);
    }

    /// <summary>Creates a number value from its JSON lexeme.</summary>
    /// <param name="lexeme">A JSON number, e.g. <c>42</c> or <c>-1.5e3</c>.</param>
    /// <returns>The value.</returns>
    public static FilterValue FromNumber(string lexeme)
    {
        ArgumentException.ThrowIfNullOrEmpty(lexeme);
        if (!double.TryParse(lexeme, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException($"'{lexeme}' is not a JSON number.", nameof(lexeme));
        }

        return new FilterValue(FilterValueKind.Number, lexeme, false);
    }

    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns><see cref="True"/> or <see cref="False"/>.</returns>
    public static FilterValue FromBoolean(bool value) => value ? True : False;

    /// <summary>For a number, its value as a <see cref="double"/>.</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is not a number.</exception>
    public double GetDouble() => Kind == FilterValueKind.Number
        ? double.Parse(Text!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : throw new InvalidOperationException("The value is not a number.");

    /// <inheritdoc />
    public bool Equals(FilterValue? other) =>
        other is not null && Kind == other.Kind && BooleanValue == other.BooleanValue && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FilterValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, BooleanValue, Text);

    /// <summary>Prints the value as canonical filter text: a JSON string literal, a number, <c>true</c>, <c>false</c> or <c>null</c>.</summary>
    /// <returns>The value's text.</returns>
    public override string ToString() => Kind switch
    {
        FilterValueKind.String => Quote(Text!),
        FilterValueKind.Number => Text!,
        FilterValueKind.Boolean => BooleanValue ? "true" : "false",
        _ => "null",
    };

    /// <summary>Writes <paramref name="value"/> as a JSON string literal, escaping only what JSON requires.</summary>
    internal static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
