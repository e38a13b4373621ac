using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Jostle.Scim.Filtering.Binding;

namespace Jostle.Scim.Filtering.Linq;

/// <summary>
/// The expressions a bound comparison or presence test becomes over one mapped member (or JSON value): what the
/// binder decided (kind, operator, parsed value) meets what the member is (string, number, dateTime, bool). Only
/// member-specific failures are reported here; every operator and value check happened in <see cref="FilterBinder"/>.
/// </summary>
internal static class LinqComparisons
{
    private static readonly MethodInfo ToUpperMethod = typeof(string).GetMethod(nameof(string.ToUpper), Type.EmptyTypes)!;
    private static readonly MethodInfo ContainsMethod = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StartsWithMethod = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo EndsWithMethod = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo SubstringMethod = typeof(string).GetMethod(nameof(string.Substring), [typeof(int), typeof(int)])!;
    private static readonly PropertyInfo LengthProperty = typeof(string).GetProperty(nameof(string.Length))!;
    private static readonly MethodInfo CompareMethod = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    public static ScimException InvalidFilter(string detail) => new(400, ScimErrorType.InvalidFilter, detail);

    public static bool CanBeNull(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    /// <summary>SQL <c>upper()</c> of a string expression.</summary>
    public static Expression Upper(Expression value) => Expression.Call(value, ToUpperMethod);

    /// <summary>A present value: not null, and for strings not empty.</summary>
    public static Expression Present(Expression member, Expression? normalized, string display)
    {
        if (!CanBeNull(member.Type))
        {
            return Expression.Constant(true);
        }

        var notNull = Expression.NotEqual(member, Expression.Constant(null, member.Type));
        return member.Type == typeof(string)
            ? Expression.AndAlso(notNull, Expression.NotEqual(member, Expression.Constant("")))
            : notNull;
    }

    /// <summary>The comparison of a member (with its normalised twin, if mapped) against a bound comparison's value.</summary>
    public static Expression Compare(Expression member, Expression? normalized, string display, BoundComparison comparison)
    {
        var op = comparison.Operator;
        var value = comparison.Value;
        switch (comparison.Kind)
        {
            case ComparisonKind.CaseExactString:
                return CompareString(member, normalized, caseExact: true, op, value.Text!, display);

            case ComparisonKind.CaseIgnoredString:
                return CompareString(member, normalized, caseExact: false, op, value.Text!, display);

            case ComparisonKind.Boolean:
                RequireMemberType(member, display, typeof(bool));
                return Expression.Equal(member, Expression.Convert(Parameter(value.Boolean, typeof(bool)), member.Type));

            case ComparisonKind.Number:
                return CompareNumber(member, op, value, display);

            case ComparisonKind.DateTime:
                var underlying = Nullable.GetUnderlyingType(member.Type) ?? member.Type;
                var when = value.DateTime;
                object constant = underlying == typeof(DateTime) ? (object)when.UtcDateTime
                    : underlying == typeof(DateTimeOffset) ? (object)when
                    : underlying == typeof(double) ? UnixSeconds(when)
                    : throw new InvalidOperationException($"The member mapped to dateTime attribute '{display}' must be a DateTime or DateTimeOffset, not {member.Type.Name}.");
                return Relate(member, Expression.Convert(Parameter(constant, underlying), member.Type), op);

            default:
                throw new InvalidOperationException($"Unknown comparison kind {comparison.Kind}.");
        }
    }

    /// <summary>A value becomes a member access on a constant box, which EF Core sends as a SQL parameter.</summary>
    private static Expression Parameter(object? value, Type type)
    {
        var box = Activator.CreateInstance(typeof(ValueBox<>).MakeGenericType(type), value)!;
        return Expression.Property(Expression.Constant(box), nameof(ValueBox<int>.Value));
    }

    private static string AsciiUpper(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            span[i] = char.IsAsciiLetterLower(source[i]) ? (char)(source[i] - 32) : source[i];
        }
    });

    /// <summary>
    /// Seconds since the Unix epoch, as the JSON dateTime reader returns them. Whole milliseconds are divided as
    /// SQLite's <c>unixepoch(…, 'subsec')</c> does, so that equal instants give the same double.
    /// </summary>
    private static double UnixSeconds(DateTimeOffset when)
    {
        var microseconds = (when.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return microseconds % 1000 == 0 ? (microseconds / 1000) / 1000.0 : microseconds / 1_000_000.0;
    }

    private static Expression CompareString(Expression member, Expression? normalized, bool caseExact, ComparisonOperator op, string text, string display)
    {
        RequireMemberType(member, display, typeof(string));
        Expression column = member;
        Expression parameter;
        if (caseExact)
        {
            parameter = Parameter(text, typeof(string));
        }
        else if (normalized is not null)
        {
            column = normalized;
            parameter = Parameter(ScimAttributeMap.Normalize(text), typeof(string));
        }
        else
        {
            // SQL upper() folds ASCII letters only (SQLite's always, PostgreSQL's in the "C" collation of the store's
            // columns and JSON values): fold the value the same way, so that "ingénieure" finds "Ingénieure".
            column = Upper(member);
            parameter = Parameter(AsciiUpper(text), typeof(string));
        }

        var notNull = Expression.NotEqual(column, Expression.Constant(null, typeof(string)));
        var comparison = op switch
        {
            ComparisonOperator.Equal => Expression.Equal(column, parameter),
            ComparisonOperator.Contains => Expression.AndAlso(notNull, Expression.Call(column, ContainsMethod, parameter)),
            ComparisonOperator.StartsWith => Expression.AndAlso(notNull, Expression.Call(column, StartsWithMethod, parameter)),
            ComparisonOperator.EndsWith => Expression.AndAlso(notNull, Expression.Call(column, EndsWithMethod, parameter)),
            _ => Expression.AndAlso(notNull, Relate(Expression.Call(CompareMethod, column, parameter), Expression.Constant(0), op)),
        };
        if (caseExact && op is ComparisonOperator.StartsWith or ComparisonOperator.EndsWith)
        {
            // SQL LIKE (what EF Core makes of StartsWith/EndsWith) ignores ASCII case on SQLite: keep it (an index can
            // serve a prefix) and also compare the affix itself, exactly.
            var length = Expression.Property(parameter, LengthProperty);
            var columnLength = Expression.Property(column, LengthProperty);
            var start = op == ComparisonOperator.StartsWith ? (Expression)Expression.Constant(0) : Expression.Subtract(columnLength, length);
            var affix = Expression.Equal(Expression.Call(column, SubstringMethod, start, length), parameter);
            comparison = Expression.AndAlso(comparison, Expression.AndAlso(Expression.GreaterThanOrEqual(columnLength, length), affix));
        }

        return comparison;
    }

    private static Expression CompareNumber(Expression member, ComparisonOperator op, BoundValue value, string display)
    {
        var underlying = Nullable.GetUnderlyingType(member.Type) ?? member.Type;
        if (underlying == typeof(double))
        {
            // JSON numbers (and double members) compare as doubles, the number read once by the binder.
            return Relate(member, Expression.Convert(Parameter(value.Number, underlying), member.Type), op);
        }

        if (value.ExactNumber is not { } number)
        {
            throw InvalidFilter($"{value.Text} cannot be compared with attribute '{display}'.");
        }

        var integral = underlying == typeof(int) || underlying == typeof(long) || underlying == typeof(short);
        if (integral && number != decimal.Truncate(number))
        {
            // An integer column against a fraction: eq never matches; gt 1.5 is ge 2, lt 1.5 is le 1.
            switch (op)
            {
                case ComparisonOperator.Equal:
                    return Expression.Constant(false);
                case ComparisonOperator.GreaterThan or ComparisonOperator.GreaterThanOrEqual:
                    (op, number) = (ComparisonOperator.GreaterThanOrEqual, decimal.Ceiling(number));
                    break;
                default:
                    (op, number) = (ComparisonOperator.LessThanOrEqual, decimal.Floor(number));
                    break;
            }
        }

        object constant;
        try
        {
            constant = Convert.ChangeType(number, underlying, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is OverflowException or InvalidCastException)
        {
            throw InvalidFilter($"{value.Text} cannot be compared with attribute '{display}'.");
        }

        return Relate(member, Expression.Convert(Parameter(constant, underlying), member.Type), op);
    }

    private static Expression Relate(Expression left, Expression right, ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => Expression.Equal(left, right),
        ComparisonOperator.GreaterThan => Expression.GreaterThan(left, right),
        ComparisonOperator.GreaterThanOrEqual => Expression.GreaterThanOrEqual(left, right),
        ComparisonOperator.LessThan => Expression.LessThan(left, right),
        ComparisonOperator.LessThanOrEqual => Expression.LessThanOrEqual(left, right),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private static void RequireMemberType(Expression member, string display, Type expected)
    {
        if ((Nullable.GetUnderlyingType(member.Type) ?? member.Type) != expected)
        {
            throw new InvalidOperationException($"The member mapped to attribute '{display}' is a {member.Type.Name}; it must be a {expected.Name}.");
        }
    }

    private sealed class ValueBox<T>(T value)
    {
        public T Value { get; } = value;
    }
}
