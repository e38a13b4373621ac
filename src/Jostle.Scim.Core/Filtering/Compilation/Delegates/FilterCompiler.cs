using System.Diagnostics.CodeAnalysis;
using Jostle.Scim.Filtering.Binding;
using Jostle.Scim.Filtering.Runtime;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Compilation.Delegates;

/// <summary>
/// The in-memory lowering: binds a filter (<see cref="FilterBinder"/>: paths, operators, values and every semantic
/// error) and turns the bound tree into a tree of small evaluation nodes over <see cref="System.Text.Json.JsonElement"/>
/// documents, each comparison a <see cref="ValueTest"/> chosen from the bound comparison's kind.
/// </summary>
internal static class FilterCompiler
{
    public static bool TryCompile(FilterExpression filter, ResourceTypeDefinition resourceType, [NotNullWhen(true)] out CompiledFilter? compiled, [NotNullWhen(false)] out ScimFilterError? error)
    {
        if (!FilterBinder.TryBind(filter, resourceType, out var bound, out error))
        {
            compiled = null;
            return false;
        }

        compiled = new NodeCompiledFilter(filter, Lower(bound));
        return true;
    }

    /// <summary>Lowers a bound filter to evaluation nodes.</summary>
    public static FilterNode Lower(BoundFilter bound) => Lowering.Instance.Visit(bound);

    /// <summary>The value test of a bound comparison, shared by every lowering that evaluates JSON elements.</summary>
    public static ValueTest Test(BoundComparison comparison)
    {
        var value = comparison.Value;
        return comparison.Kind switch
        {
            ComparisonKind.CaseExactString => comparison.Operator == ComparisonOperator.Equal
                ? new ExactStringEqualsTest(value.Text!)
                : new StringCompareTest(comparison.Operator, value.Text!, StringComparison.Ordinal),
            ComparisonKind.CaseIgnoredString => comparison.Operator == ComparisonOperator.Equal
                ? new IgnoreCaseStringEqualsTest(value.Text!)
                : new StringCompareTest(comparison.Operator, value.Text!, StringComparison.OrdinalIgnoreCase),
            ComparisonKind.Boolean => new BooleanEqualsTest(value.Boolean),
            ComparisonKind.Number => new NumberTest(comparison.Operator, value.Text!),
            ComparisonKind.DateTime => new DateTimeTest(comparison.Operator, value.DateTime),
            _ => throw new InvalidOperationException($"Unknown comparison kind {comparison.Kind}."),
        };
    }

    private sealed class Lowering : BoundFilterVisitor<FilterNode>
    {
        public static Lowering Instance { get; } = new();

        protected override FilterNode VisitComparison(BoundComparison node) => new ValueTestNode(Accessor(node.Path), Test(node));

        protected override FilterNode VisitPresent(BoundPresent node) => new ValueTestNode(Accessor(node.Path), PresentTest.Instance);

        protected override FilterNode VisitLogical(BoundLogical node)
        {
            var operands = new FilterNode[node.Operands.Count];
            for (var i = 0; i < operands.Length; i++)
            {
                operands[i] = Visit(node.Operands[i]);
            }

            return node.Operator == LogicalOperator.And ? new AndNode(operands) : new OrNode(operands);
        }

        protected override FilterNode VisitNot(BoundNot node) => new NotNode(Visit(node.Operand));

        protected override FilterNode VisitValuePath(BoundValuePath node) => new ValuePathNode(Accessor(node.Path), Visit(node.Filter));

        /// <summary>Where a bound path's values are in a document (or, element-relative, in one element).</summary>
        private static AttributeAccessor Accessor(BoundPath path)
        {
            if (path.IsElementRelative)
            {
                return new AttributeAccessor([new PropertyKey(path.SubAttribute!.Name)], path.DisplayPath);
            }

            // Extension objects and meta usually close a SCIM document: look them up from the end.
            var steps = new List<PropertyKey>(3);
            if (path.IsExtension)
            {
                steps.Add(new PropertyKey(path.Schema!.Id, nearEnd: true));
            }

            steps.Add(new PropertyKey(path.Attribute.Name, nearEnd: !path.IsExtension && ReferenceEquals(path.Attribute, CommonAttributes.Meta)));
            if (path.SubAttribute is not null)
            {
                steps.Add(new PropertyKey(path.SubAttribute.Name));
            }

            return new AttributeAccessor([.. steps], path.DisplayPath);
        }
    }
}
