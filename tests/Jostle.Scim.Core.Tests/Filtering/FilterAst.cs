using Jostle.Scim.Filtering;

namespace Jostle.Scim.Tests.Filtering;

/// <summary>Builds filter ASTs in tests without the parser: <c>Eq("name.givenName", "Barbara")</c>.</summary>
internal static class FilterAst
{
    public static AttributePath Path(string text)
    {
        string? urn = null;
        if (text.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var colon = text.LastIndexOf(':');
            urn = text[..colon];
            text = text[(colon + 1)..];
        }

        var dot = text.IndexOf('.');
        return dot < 0 ? new AttributePath(urn, text) : new AttributePath(urn, text[..dot], text[(dot + 1)..]);
    }

    public static FilterValue Value(object? value) => value switch
    {
        null => FilterValue.Null,
        string s => FilterValue.FromString(s),
        bool b => FilterValue.FromBoolean(b),
        int i => FilterValue.FromNumber(i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        decimal d => FilterValue.FromNumber(d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException("Unsupported value.", nameof(value)),
    };

    public static ComparisonExpression Cmp(string path, ComparisonOperator op, object? value) => new(Path(path), op, Value(value));

    public static ComparisonExpression Eq(string path, object? value) => Cmp(path, ComparisonOperator.Equal, value);

    public static ComparisonExpression Ne(string path, object? value) => Cmp(path, ComparisonOperator.NotEqual, value);

    public static PresentExpression Pr(string path) => new(Path(path));

    public static LogicalExpression And(params FilterExpression[] operands) => new(LogicalOperator.And, operands);

    public static LogicalExpression Or(params FilterExpression[] operands) => new(LogicalOperator.Or, operands);

    public static NotExpression Not(FilterExpression operand) => new(operand);

    public static ValuePathExpression Vp(string path, FilterExpression filter) => new(Path(path), filter);
}
