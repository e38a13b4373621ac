using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Rewrites;

/// <summary>
/// Narrows a root <c>/.search</c> filter to one resource type. RFC 7644 §3.4.2.2: a resource that lacks an attribute
/// simply has no value for it, so a comparison on an attribute the type does not define is decided here as it would be
/// for a missing value (<c>eq</c>, <c>co</c>, <c>gt</c>…, <c>pr</c> and value filters are false; <c>ne</c> and
/// <c>eq null</c> are true, as <see cref="ScimFilter"/> treats a missing attribute), and the rest of the filter still
/// runs against the type: <c>displayName eq "x" or userName eq "x"</c> finds Groups by <c>displayName</c>.
/// </summary>
internal static class CrossTypeFilter
{
    /// <summary>What is left of a filter for one resource type.</summary>
    /// <param name="MatchesNothing">The filter is false for every resource of the type; skip it.</param>
    /// <param name="Filter">The filter to run, or <see langword="null"/> (with <paramref name="MatchesNothing"/> false) for every resource.</param>
    public readonly record struct Narrowed(bool MatchesNothing, FilterExpression? Filter);

    /// <summary>
    /// Throws <c>400 invalidFilter</c> when the filter names an attribute that none of <paramref name="types"/>
    /// defines: that is a mistake in the filter, not a resource without a value.
    /// </summary>
    public static void CheckEveryAttributeIsKnown(FilterExpression filter, IReadOnlyList<ResourceTypeDefinition> types)
    {
        switch (filter)
        {
            case ComparisonExpression c:
                Check(c.Path, types);
                break;
            case PresentExpression p:
                Check(p.Path, types);
                break;
            case ValuePathExpression v:
                Check(v.Path, types);
                break;
            case NotExpression n:
                CheckEveryAttributeIsKnown(n.Operand, types);
                break;
            case LogicalExpression l:
                foreach (var operand in l.Operands)
                {
                    CheckEveryAttributeIsKnown(operand, types);
                }

                break;
        }
    }

    /// <summary>The filter as it applies to <paramref name="type"/>.</summary>
    public static Narrowed Narrow(FilterExpression filter, ResourceTypeDefinition type) =>
        Rewrite(filter, type) switch
        {
            (null, false) => new Narrowed(MatchesNothing: true, null),
            (null, _) => new Narrowed(MatchesNothing: false, null),
            var (expression, _) => new Narrowed(MatchesNothing: false, expression),
        };

    /// <summary>The rewritten expression, or <see langword="null"/> and the constant it reduced to.</summary>
    private static (FilterExpression? Expression, bool Constant) Rewrite(FilterExpression filter, ResourceTypeDefinition type)
    {
        switch (filter)
        {
            case ComparisonExpression c when !Defines(type, c.Path):
                // No value: eq null holds and ne is the negation of eq; every other comparison is false.
                var holds = c.Value.Kind == FilterValueKind.Null ? c.Operator == ComparisonOperator.Equal : c.Operator == ComparisonOperator.NotEqual;
                return (null, holds);
            case PresentExpression p when !Defines(type, p.Path):
                return (null, false);
            case ValuePathExpression v when !Defines(type, v.Path):
                return (null, false);
            case NotExpression n:
                var (operand, constant) = Rewrite(n.Operand, type);
                return operand is null ? (null, !constant) : (ReferenceEquals(operand, n.Operand) ? n : new NotExpression(operand), false);
            case LogicalExpression l:
                // and: a false operand decides, true operands drop out; or: the other way round.
                var decisive = l.Operator == LogicalOperator.Or;
                var kept = new List<FilterExpression>(l.Operands.Count);
                foreach (var item in l.Operands)
                {
                    var (expression, value) = Rewrite(item, type);
                    if (expression is not null)
                    {
                        kept.Add(expression);
                    }
                    else if (value == decisive)
                    {
                        return (null, decisive);
                    }
                }

                return kept.Count switch
                {
                    0 => (null, !decisive),
                    1 => (kept[0], false),
                    _ when kept.Count == l.Operands.Count && kept.Select((k, i) => ReferenceEquals(k, l.Operands[i])).All(same => same) => (l, false),
                    _ => (new LogicalExpression(l.Operator, kept), false),
                };
            default:
                return (filter, false);
        }
    }

    private static void Check(AttributePath path, IReadOnlyList<ResourceTypeDefinition> types)
    {
        foreach (var type in types)
        {
            if (Defines(type, path))
            {
                return;
            }
        }

        throw new ScimException(ScimErrorType.InvalidFilter, $"Unknown attribute '{path.WithSubAttribute(null)}' in filter; no resource type defines it.");
    }

    /// <summary>
    /// Whether the type has the attribute at all (its schema, or an unqualified name defined by more than one
    /// extension, which the compiler then reports as ambiguous). Sub-attributes are left to the compiler.
    /// </summary>
    private static bool Defines(ResourceTypeDefinition type, AttributePath path)
    {
        if (path.SchemaUri is not null && type.FindSchema(path.SchemaUri) is null)
        {
            return false;
        }

        return type.TryResolve(path.SchemaUri, path.Name, out _, out _)
            || (path.SchemaUri is null && type.Extensions.Any(e => e.Schema.FindAttribute(path.Name) is not null));
    }
}
