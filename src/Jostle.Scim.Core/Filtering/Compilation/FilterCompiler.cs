using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Jostle.Scim.Filtering.Runtime;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Compilation;

/// <summary>
/// Compiles a filter AST against a resource type into a tree of small evaluation nodes. Every attribute path is
/// resolved here (common attributes, core schema, extensions by URN), the comparison is chosen from the
/// attribute's type and <c>caseExact</c>, and semantic errors are reported before anything is evaluated.
/// </summary>
/// <remarks>
/// Choices where RFC 7644 §3.4.2.2 leaves room:
/// <list type="bullet">
/// <item><c>attr eq null</c> means "not present" (<c>not (attr pr)</c>) and <c>attr ne null</c> means "present";
/// no other operator accepts <c>null</c>.</item>
/// <item><c>ne</c> is the negation of <c>eq</c>: a missing attribute matches <c>ne</c>, and a multi-valued
/// attribute matches <c>ne</c> when none of its values is equal.</item>
/// <item>A complex attribute compared without a sub-attribute (<c>emails eq "a@b.c"</c>,
/// <c>manager eq "id"</c>) compares its <c>value</c> sub-attribute; one without <c>value</c> is an error.</item>
/// <item>A dateTime without a UTC offset is read as UTC.</item>
/// </list>
/// </remarks>
internal static class FilterCompiler
{
    public static bool TryCompile(FilterExpression filter, ResourceTypeDefinition resourceType, [NotNullWhen(true)] out CompiledFilter? compiled, [NotNullWhen(false)] out ScimFilterError? error)
    {
        try
        {
            var root = new Compiler(resourceType).Compile(filter, scope: null);
            compiled = new NodeCompiledFilter(filter, root);
            error = null;
            return true;
        }
        catch (CompileException e)
        {
            compiled = null;
            error = new ScimFilterError(e.Message, null);
            return false;
        }
    }

    /// <summary>The complex attribute whose elements a value filter's inner paths are relative to.</summary>
    private sealed record Scope(AttributeDefinition Attribute, string DisplayPath);

    /// <summary>A resolved attribute path: where its values are and what they are.</summary>
    private sealed record Resolved(List<PropertyKey> Steps, AttributeDefinition Attribute, string DisplayPath);

    private sealed class CompileException(string message) : Exception(message);

    private sealed class Compiler(ResourceTypeDefinition resourceType)
    {
        public FilterNode Compile(FilterExpression expression, Scope? scope) => expression switch
        {
            ComparisonExpression comparison => CompileComparison(comparison, scope),
            PresentExpression present => Present(Resolve(present.Path, scope)),
            LogicalExpression logical => CompileLogical(logical, scope),
            NotExpression not => new NotNode(Compile(not.Operand, scope)),
            ValuePathExpression valuePath => CompileValuePath(valuePath, scope),
            _ => throw new InvalidOperationException($"Unknown filter node {expression.GetType().Name}."),
        };

        private FilterNode CompileLogical(LogicalExpression logical, Scope? scope)
        {
            var operands = new FilterNode[logical.Operands.Count];
            for (var i = 0; i < operands.Length; i++)
            {
                operands[i] = Compile(logical.Operands[i], scope);
            }

            return logical.Operator == LogicalOperator.And ? new AndNode(operands) : new OrNode(operands);
        }

        private FilterNode CompileValuePath(ValuePathExpression valuePath, Scope? scope)
        {
            if (scope is not null)
            {
                throw new CompileException($"Value filters cannot be nested: '{valuePath.Path}[…]' is inside the value filter of '{scope.DisplayPath}'.");
            }

            var resolved = Resolve(valuePath.Path, scope);
            if (resolved.Attribute.Type != AttributeType.Complex)
            {
                throw new CompileException($"Attribute '{resolved.DisplayPath}' is not complex, so it cannot have a value filter ('{resolved.DisplayPath}[…]').");
            }

            var inner = Compile(valuePath.Filter, new Scope(resolved.Attribute, resolved.DisplayPath));
            return new ValuePathNode(Accessor(resolved), inner);
        }

        private static ValueTestNode Present(Resolved resolved) => new(Accessor(resolved), PresentTest.Instance);

        private static AttributeAccessor Accessor(Resolved resolved) => new([.. resolved.Steps], resolved.DisplayPath);

        private FilterNode CompileComparison(ComparisonExpression comparison, Scope? scope)
        {
            var resolved = Resolve(comparison.Path, scope);
            var op = comparison.Operator;
            var value = comparison.Value;

            if (value.Kind == FilterValueKind.Null)
            {
                return op switch
                {
                    ComparisonOperator.Equal => new NotNode(Present(resolved)),
                    ComparisonOperator.NotEqual => Present(resolved),
                    _ => throw new CompileException($"Operator '{Keyword(op)}' cannot compare attribute '{resolved.DisplayPath}' with null; only 'eq null' (not present) and 'ne null' (present) are allowed."),
                };
            }

            if (resolved.Attribute.Type == AttributeType.Complex)
            {
                var valueSub = resolved.Attribute.FindSubAttribute("value")
                    ?? throw new CompileException(ComplexMessage(resolved));
                resolved.Steps.Add(new PropertyKey(valueSub.Name));
                resolved = resolved with { Attribute = valueSub, DisplayPath = resolved.DisplayPath + "." + valueSub.Name };
            }

            var test = CreateTest(resolved, op == ComparisonOperator.NotEqual ? ComparisonOperator.Equal : op, value);
            FilterNode node = new ValueTestNode(Accessor(resolved), test);
            return op == ComparisonOperator.NotEqual ? new NotNode(node) : node;
        }

        private static string ComplexMessage(Resolved resolved)
        {
            var example = resolved.Attribute.SubAttributes.Count > 0
                ? $", e.g. '{resolved.DisplayPath}.{resolved.Attribute.SubAttributes[0].Name}'"
                : "";
            return $"Complex attribute '{resolved.DisplayPath}' cannot be compared with a value; compare one of its sub-attributes{example}.";
        }

        private static ValueTest CreateTest(Resolved resolved, ComparisonOperator op, FilterValue value)
        {
            var attribute = resolved.Attribute;
            var path = resolved.DisplayPath;
            var isSubstring = op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith;
            var isOrdering = op is ComparisonOperator.GreaterThan or ComparisonOperator.GreaterThanOrEqual or ComparisonOperator.LessThan or ComparisonOperator.LessThanOrEqual;
            switch (attribute.Type)
            {
                case AttributeType.String:
                case AttributeType.Reference:
                case AttributeType.Binary:
                    if (isOrdering && attribute.Type == AttributeType.Binary)
                    {
                        throw OperatorNotAllowed(op, attribute, path);
                    }

                    RequireKind(value, FilterValueKind.String, attribute, path, "a quoted string");
                    if (op == ComparisonOperator.Equal)
                    {
                        return attribute.CaseExact ? new ExactStringEqualsTest(value.Text!) : new IgnoreCaseStringEqualsTest(value.Text!);
                    }

                    return new StringCompareTest(op, value.Text!, attribute.CaseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

                case AttributeType.Boolean:
                    if (op != ComparisonOperator.Equal)
                    {
                        throw OperatorNotAllowed(op, attribute, path);
                    }

                    RequireKind(value, FilterValueKind.Boolean, attribute, path, "true or false");
                    return new BooleanEqualsTest(value.BooleanValue);

                case AttributeType.Integer:
                case AttributeType.Decimal:
                    if (isSubstring)
                    {
                        throw OperatorNotAllowed(op, attribute, path);
                    }

                    RequireKind(value, FilterValueKind.Number, attribute, path, "a number");
                    return new NumberTest(op, value.Text!);

                case AttributeType.DateTime:
                    if (isSubstring)
                    {
                        throw OperatorNotAllowed(op, attribute, path);
                    }

                    RequireKind(value, FilterValueKind.String, attribute, path, "a quoted dateTime such as \"2011-05-13T04:42:34Z\"");
                    if (!DateTimes.TryParse(value.Text.AsSpan(), out var when))
                    {
                        throw new CompileException($"{value} is not a valid dateTime for attribute '{path}'; use the xsd:dateTime form, e.g. \"2011-05-13T04:42:34Z\".");
                    }

                    return new DateTimeTest(op, when);

                default:
                    throw new CompileException(ComplexMessage(resolved));
            }
        }

        private static void RequireKind(FilterValue value, FilterValueKind kind, AttributeDefinition attribute, string path, string expected)
        {
            if (value.Kind != kind)
            {
                var given = value.Kind switch
                {
                    FilterValueKind.String => "the string " + value,
                    FilterValueKind.Number => "the number " + value,
                    _ => "the boolean " + value,
                };
                throw new CompileException($"Cannot compare {TypeName(attribute.Type)} attribute '{path}' with {given}; use {expected}.");
            }
        }

        private static CompileException OperatorNotAllowed(ComparisonOperator op, AttributeDefinition attribute, string path) =>
            new($"Operator '{Keyword(op)}' cannot be used with {TypeName(attribute.Type)} attribute '{path}'.");

        private static string Keyword(ComparisonOperator op) => FilterExpression.Keyword(op);

        private static string TypeName(AttributeType type) => type switch
        {
            AttributeType.DateTime => "dateTime",
            _ => type.ToString().ToLower(CultureInfo.InvariantCulture),
        };

        private Resolved Resolve(AttributePath path, Scope? scope) => scope is null ? ResolveTopLevel(path) : ResolveInScope(path, scope);

        private Resolved ResolveTopLevel(AttributePath path)
        {
            if (path.SchemaUri is not null && resourceType.FindSchema(path.SchemaUri) is null)
            {
                throw new CompileException($"Unknown schema '{path.SchemaUri}' in filter attribute '{path}'; resource type '{resourceType.Name}' has no such schema.");
            }

            if (!resourceType.TryResolve(path.SchemaUri, path.Name, out var schema, out var attribute))
            {
                if (path.SchemaUri is null && IsAmbiguous(path.Name))
                {
                    throw new CompileException($"Attribute '{path.Name}' is defined by more than one schema extension; qualify it with the schema URN.");
                }

                throw new CompileException($"Unknown attribute '{path.WithSubAttribute(null)}' in filter.");
            }

            // Extension objects and meta usually close a SCIM document: look them up from the end.
            var steps = new List<PropertyKey>(3);
            var extension = !ReferenceEquals(schema, resourceType.Schema);
            if (extension)
            {
                steps.Add(new PropertyKey(schema.Id, nearEnd: true));
            }

            steps.Add(new PropertyKey(attribute.Name, nearEnd: !extension && ReferenceEquals(attribute, CommonAttributes.Meta)));
            var display = path.WithSubAttribute(null).ToString();
            if (path.SubAttribute is null)
            {
                return new Resolved(steps, attribute, display);
            }

            if (attribute.Type != AttributeType.Complex)
            {
                throw new CompileException($"Attribute '{display}' has no sub-attributes, so '{path}' is not valid.");
            }

            var sub = attribute.FindSubAttribute(path.SubAttribute)
                ?? throw new CompileException($"Unknown attribute '{path}' in filter.");
            steps.Add(new PropertyKey(sub.Name));
            return new Resolved(steps, sub, path.ToString());
        }

        private static Resolved ResolveInScope(AttributePath path, Scope scope)
        {
            var display = scope.DisplayPath + "." + path.Name;
            if (path.SchemaUri is not null)
            {
                throw new CompileException($"Inside the value filter of '{scope.DisplayPath}', '{path}' must name a sub-attribute of '{scope.DisplayPath}'.");
            }

            var sub = scope.Attribute.FindSubAttribute(path.Name)
                ?? throw new CompileException($"Unknown attribute '{display}' in filter.");
            if (path.SubAttribute is not null)
            {
                throw new CompileException($"Attribute '{display}' has no sub-attributes, so '{display}.{path.SubAttribute}' is not valid.");
            }

            return new Resolved([new PropertyKey(sub.Name)], sub, display);
        }

        private bool IsAmbiguous(string name)
        {
            var count = 0;
            foreach (var extension in resourceType.Extensions)
            {
                if (extension.Schema.FindAttribute(name) is not null)
                {
                    count++;
                }
            }

            return count > 1;
        }
    }
}
