using System.Text;

namespace Jostle.Scim.Filtering;

/// <summary>The comparison operators of RFC 7644 §3.4.2.2.</summary>
public enum ComparisonOperator
{
    /// <summary><c>eq</c>: equal.</summary>
    Equal,
    /// <summary><c>ne</c>: not equal.</summary>
    NotEqual,
    /// <summary><c>co</c>: contains.</summary>
    Contains,
    /// <summary><c>sw</c>: starts with.</summary>
    StartsWith,
    /// <summary><c>ew</c>: ends with.</summary>
    EndsWith,
    /// <summary><c>gt</c>: greater than.</summary>
    GreaterThan,
    /// <summary><c>ge</c>: greater than or equal to.</summary>
    GreaterThanOrEqual,
    /// <summary><c>lt</c>: less than.</summary>
    LessThan,
    /// <summary><c>le</c>: less than or equal to.</summary>
    LessThanOrEqual,
}

/// <summary>The logical operators of RFC 7644 §3.4.2.2.</summary>
public enum LogicalOperator
{
    /// <summary><c>and</c>.</summary>
    And,
    /// <summary><c>or</c>.</summary>
    Or,
}

/// <summary>
/// A node of a parsed SCIM filter. Nodes are immutable, compare structurally, and their
/// <see cref="object.ToString"/> prints canonical filter text that parses back to an equal node.
/// </summary>
public abstract class FilterExpression : IEquatable<FilterExpression>
{
    private protected FilterExpression()
    {
    }

    /// <inheritdoc />
    public abstract bool Equals(FilterExpression? other);

    /// <inheritdoc />
    public sealed override bool Equals(object? obj) => obj is FilterExpression other && Equals(other);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <summary>Prints canonical filter text.</summary>
    /// <returns>The filter text.</returns>
    public sealed override string ToString()
    {
        var builder = new StringBuilder();
        WriteTo(builder);
        return builder.ToString();
    }

    /// <summary>Appends canonical filter text for this node.</summary>
    /// <param name="builder">The destination.</param>
    public abstract void WriteTo(StringBuilder builder);

    /// <summary>Returns the canonical text of a comparison operator (<c>eq</c>, <c>ne</c>, …).</summary>
    /// <param name="op">The operator.</param>
    /// <returns>Its keyword.</returns>
    public static string Keyword(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "eq",
        ComparisonOperator.NotEqual => "ne",
        ComparisonOperator.Contains => "co",
        ComparisonOperator.StartsWith => "sw",
        ComparisonOperator.EndsWith => "ew",
        ComparisonOperator.GreaterThan => "gt",
        ComparisonOperator.GreaterThanOrEqual => "ge",
        ComparisonOperator.LessThan => "lt",
        ComparisonOperator.LessThanOrEqual => "le",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };
}

/// <summary><c>attrPath compareOp compValue</c>, e.g. <c>userName eq "bjensen"</c>.</summary>
public sealed class ComparisonExpression : FilterExpression
{
    /// <summary>Creates a comparison.</summary>
    /// <param name="path">The attribute compared.</param>
    /// <param name="op">The operator.</param>
    /// <param name="value">The comparison value.</param>
    public ComparisonExpression(AttributePath path, ComparisonOperator op, FilterValue value)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        Operator = op;
        Value = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The attribute compared.</summary>
    public AttributePath Path { get; }

    /// <summary>The operator.</summary>
    public ComparisonOperator Operator { get; }

    /// <summary>The comparison value.</summary>
    public FilterValue Value { get; }

    /// <inheritdoc />
    public override bool Equals(FilterExpression? other) =>
        other is ComparisonExpression c && Operator == c.Operator && Path.Equals(c.Path) && Value.Equals(c.Value);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Path, Operator, Value);

    /// <inheritdoc />
    public override void WriteTo(StringBuilder builder) =>
        builder.Append(Path).Append(' ').Append(Keyword(Operator)).Append(' ').Append(Value);
}

/// <summary><c>attrPath pr</c>: the attribute has a non-empty value.</summary>
public sealed class PresentExpression : FilterExpression
{
    /// <summary>Creates a presence test.</summary>
    /// <param name="path">The attribute tested.</param>
    public PresentExpression(AttributePath path) => Path = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The attribute tested.</summary>
    public AttributePath Path { get; }

    /// <inheritdoc />
    public override bool Equals(FilterExpression? other) => other is PresentExpression p && Path.Equals(p.Path);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Path, 17);

    /// <inheritdoc />
    public override void WriteTo(StringBuilder builder) => builder.Append(Path).Append(" pr");
}

/// <summary>
/// <c>a and b and …</c> or <c>a or b or …</c>: two or more operands joined by one logical operator.
/// Operands that are themselves logical expressions were grouped with parentheses in the source and
/// are printed with parentheses.
/// </summary>
public sealed class LogicalExpression : FilterExpression
{
    private readonly FilterExpression[] _operands;

    /// <summary>Creates a logical expression.</summary>
    /// <param name="op">The operator.</param>
    /// <param name="operands">Two or more operands.</param>
    public LogicalExpression(LogicalOperator op, IEnumerable<FilterExpression> operands)
    {
        ArgumentNullException.ThrowIfNull(operands);
        _operands = [.. operands];
        if (_operands.Length < 2)
        {
            throw new ArgumentException("A logical expression needs at least two operands.", nameof(operands));
        }

        foreach (var operand in _operands)
        {
            ArgumentNullException.ThrowIfNull(operand, nameof(operands));
        }

        Operator = op;
    }

    /// <summary>Creates a logical expression of two operands.</summary>
    /// <param name="op">The operator.</param>
    /// <param name="left">The first operand.</param>
    /// <param name="right">The second operand.</param>
    public LogicalExpression(LogicalOperator op, FilterExpression left, FilterExpression right)
        : this(op, [left, right])
    {
    }

    /// <summary>The operator.</summary>
    public LogicalOperator Operator { get; }

    /// <summary>The operands, in source order (at least two).</summary>
    public IReadOnlyList<FilterExpression> Operands => _operands;

    /// <inheritdoc />
    public override bool Equals(FilterExpression? other)
    {
        if (other is not LogicalExpression l || l.Operator != Operator || l._operands.Length != _operands.Length)
        {
            return false;
        }

        for (var i = 0; i < _operands.Length; i++)
        {
            if (!_operands[i].Equals(l._operands[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Operator);
        foreach (var operand in _operands)
        {
            hash.Add(operand);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override void WriteTo(StringBuilder builder)
    {
        var keyword = Operator == LogicalOperator.And ? " and " : " or ";
        for (var i = 0; i < _operands.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(keyword);
            }

            var operand = _operands[i];
            if (operand is LogicalExpression)
            {
                builder.Append('(');
                operand.WriteTo(builder);
                builder.Append(')');
            }
            else
            {
                operand.WriteTo(builder);
            }
        }
    }
}

/// <summary><c>not ( filter )</c>.</summary>
public sealed class NotExpression : FilterExpression
{
    /// <summary>Creates a negation.</summary>
    /// <param name="operand">The negated filter.</param>
    public NotExpression(FilterExpression operand) => Operand = operand ?? throw new ArgumentNullException(nameof(operand));

    /// <summary>The negated filter.</summary>
    public FilterExpression Operand { get; }

    /// <inheritdoc />
    public override bool Equals(FilterExpression? other) => other is NotExpression n && Operand.Equals(n.Operand);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Operand, 31);

    /// <inheritdoc />
    public override void WriteTo(StringBuilder builder)
    {
        builder.Append("not (");
        Operand.WriteTo(builder);
        builder.Append(')');
    }
}

/// <summary>
/// <c>attrPath [ valFilter ]</c>, e.g. <c>emails[type eq "work" and value co "@example.com"]</c>: true when one
/// element of the attribute satisfies the inner filter, whose paths name that element's sub-attributes
/// (same-element semantics).
/// </summary>
public sealed class ValuePathExpression : FilterExpression
{
    /// <summary>Creates a value path filter.</summary>
    /// <param name="path">The (complex) attribute; it has no sub-attribute.</param>
    /// <param name="filter">The filter each element is tested against.</param>
    public ValuePathExpression(AttributePath path, FilterExpression filter)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.SubAttribute is not null)
        {
            throw new ArgumentException("The attribute of a value path has no sub-attribute.", nameof(path));
        }

        Path = path;
        Filter = filter ?? throw new ArgumentNullException(nameof(filter));
    }

    /// <summary>The (complex) attribute.</summary>
    public AttributePath Path { get; }

    /// <summary>The filter each element is tested against.</summary>
    public FilterExpression Filter { get; }

    /// <inheritdoc />
    public override bool Equals(FilterExpression? other) => other is ValuePathExpression v && Path.Equals(v.Path) && Filter.Equals(v.Filter);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Path, Filter);

    /// <inheritdoc />
    public override void WriteTo(StringBuilder builder)
    {
        builder.Append(Path).Append('[');
        Filter.WriteTo(builder);
        builder.Append(']');
    }
}
