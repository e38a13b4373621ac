using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Jostle.Scim.Filtering.Runtime;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Binding;

/// <summary>
/// The one binding pass of the filter language: resolves every attribute path against a resource type's schemas
/// (common attributes, the core schema, extensions by URN, sub-attributes, value paths), checks each operator against
/// the attribute's type and each value against its kind, parses dateTimes and numbers once, and reports every semantic
/// error with one set of messages. Every lowering starts from its output.
/// </summary>
/// <remarks>
/// Choices where RFC 7644 §3.4.2.2 leaves room, made here once for every store:
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
internal static class FilterBinder
{
    /// <summary>Binds a filter over resources of <paramref name="resourceType"/>.</summary>
    public static bool TryBind(FilterExpression filter, ResourceTypeDefinition resourceType, [NotNullWhen(true)] out BoundFilter? bound, [NotNullWhen(false)] out ScimFilterError? error)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resourceType);
        return TryRun(new Binder(resourceType), filter, scope: null, out bound, out error);
    }

    /// <summary>Binds a filter over resources of <paramref name="resourceType"/>; throws <see cref="ScimFilterException"/> when it does not fit.</summary>
    public static BoundFilter Bind(FilterExpression filter, ResourceTypeDefinition resourceType) =>
        TryBind(filter, resourceType, out var bound, out var error) ? bound : throw new ScimFilterException(error);

    /// <summary>
    /// Binds a value filter over the elements of the complex attribute <paramref name="complex"/> (a PATCH path's
    /// <c>emails[type eq "work"]</c>): its paths name sub-attributes of one element.
    /// </summary>
    public static bool TryBindElement(FilterExpression filter, AttributeDefinition complex, [NotNullWhen(true)] out BoundFilter? bound, [NotNullWhen(false)] out ScimFilterError? error)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(complex);
        return TryRun(new Binder(null), filter, new Scope(null, complex, complex.Name), out bound, out error);
    }

    /// <summary>
    /// Resolves a <c>sortBy</c> path over resources of <paramref name="resourceType"/> as a comparison's path is resolved
    /// (same messages): a complex attribute without a sub-attribute sorts by its <c>value</c>.
    /// </summary>
    public static bool TryBindSortPath(AttributePath sortBy, ResourceTypeDefinition resourceType, [NotNullWhen(true)] out BoundPath? path, [NotNullWhen(false)] out ScimFilterError? error)
    {
        ArgumentNullException.ThrowIfNull(sortBy);
        ArgumentNullException.ThrowIfNull(resourceType);
        try
        {
            path = new Binder(resourceType).BindSortPath(sortBy);
            error = null;
            return true;
        }
        catch (BindException e)
        {
            path = null;
            error = new ScimFilterError(e.Message, null);
            return false;
        }
    }

    private static bool TryRun(Binder binder, FilterExpression filter, Scope? scope, [NotNullWhen(true)] out BoundFilter? bound, [NotNullWhen(false)] out ScimFilterError? error)
    {
        try
        {
            bound = binder.Bind(filter, scope);
            error = null;
            return true;
        }
        catch (BindException e)
        {
            bound = null;
            error = new ScimFilterError(e.Message, null);
            return false;
        }
    }

    /// <summary>The complex attribute whose elements a value filter's inner paths are relative to.</summary>
    private sealed record Scope(SchemaDefinition? Schema, AttributeDefinition Attribute, string DisplayPath);

    private sealed class BindException(string message) : Exception(message);

    private sealed class Binder(ResourceTypeDefinition? resourceType)
    {
        public BoundFilter Bind(FilterExpression expression, Scope? scope) => expression switch
        {
            ComparisonExpression comparison => BindComparison(comparison, scope),
            PresentExpression present => new BoundPresent(Resolve(present.Path, scope)),
            LogicalExpression logical => new BoundLogical(logical.Operator, [.. logical.Operands.Select(o => Bind(o, scope))]),
            NotExpression not => new BoundNot(Bind(not.Operand, scope)),
            ValuePathExpression valuePath => BindValuePath(valuePath, scope),
            _ => throw new InvalidOperationException($"Unknown filter node {expression.GetType().Name}."),
        };

        public BoundPath BindSortPath(AttributePath sortBy) => ComparedPath(Resolve(sortBy, scope: null));

        /// <summary>The path a comparison tests: a complex attribute without a sub-attribute compares its <c>value</c>.</summary>
        private static BoundPath ComparedPath(BoundPath path)
        {
            if (path.Leaf.Type != AttributeType.Complex)
            {
                return path;
            }

            var valueSub = path.SubAttribute is null ? path.Attribute.FindSubAttribute("value") : null;
            return valueSub is null ? throw new BindException(ComplexMessage(path)) : path.WithSubAttribute(valueSub);
        }

        private BoundValuePath BindValuePath(ValuePathExpression valuePath, Scope? scope)
        {
            if (scope is not null)
            {
                throw new BindException($"Value filters cannot be nested: '{valuePath.Path}[…]' is inside the value filter of '{scope.DisplayPath}'.");
            }

            var path = Resolve(valuePath.Path, scope);
            if (path.Leaf.Type != AttributeType.Complex)
            {
                throw new BindException($"Attribute '{path.DisplayPath}' is not complex, so it cannot have a value filter ('{path.DisplayPath}[…]').");
            }

            var inner = Bind(valuePath.Filter, new Scope(path.Schema, path.Leaf, path.DisplayPath));
            return new BoundValuePath(path, inner);
        }

        private BoundFilter BindComparison(ComparisonExpression comparison, Scope? scope)
        {
            var path = Resolve(comparison.Path, scope);
            var op = comparison.Operator;
            var value = comparison.Value;

            if (value.Kind == FilterValueKind.Null)
            {
                return op switch
                {
                    ComparisonOperator.Equal => new BoundNot(new BoundPresent(path)),
                    ComparisonOperator.NotEqual => new BoundPresent(path),
                    _ => throw new BindException($"Operator '{Keyword(op)}' cannot compare attribute '{path.DisplayPath}' with null; only 'eq null' (not present) and 'ne null' (present) are allowed."),
                };
            }

            path = ComparedPath(path);
            var positive = op == ComparisonOperator.NotEqual ? ComparisonOperator.Equal : op;
            var bound = Check(path, positive, value);
            return op == ComparisonOperator.NotEqual ? new BoundNot(bound) : bound;
        }

        private static string ComplexMessage(BoundPath path)
        {
            var leaf = path.Leaf;
            var example = leaf.SubAttributes.Count > 0 ? $", e.g. '{path.DisplayPath}.{leaf.SubAttributes[0].Name}'" : "";
            return $"Complex attribute '{path.DisplayPath}' cannot be compared with a value; compare one of its sub-attributes{example}.";
        }

        private static BoundComparison Check(BoundPath path, ComparisonOperator op, FilterValue value)
        {
            var attribute = path.Leaf;
            var display = path.DisplayPath;
            var isSubstring = op is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith;
            var isOrdering = op is ComparisonOperator.GreaterThan or ComparisonOperator.GreaterThanOrEqual or ComparisonOperator.LessThan or ComparisonOperator.LessThanOrEqual;
            switch (attribute.Type)
            {
                case AttributeType.String:
                case AttributeType.Reference:
                case AttributeType.Binary:
                    if (isOrdering && attribute.Type == AttributeType.Binary)
                    {
                        throw OperatorNotAllowed(op, attribute, display);
                    }

                    RequireKind(value, FilterValueKind.String, attribute, display, "a quoted string");
                    return new BoundComparison(path, op, attribute.CaseExact ? ComparisonKind.CaseExactString : ComparisonKind.CaseIgnoredString, BoundValue.String(value));

                case AttributeType.Boolean:
                    if (op != ComparisonOperator.Equal)
                    {
                        throw OperatorNotAllowed(op, attribute, display);
                    }

                    RequireKind(value, FilterValueKind.Boolean, attribute, display, "true or false");
                    return new BoundComparison(path, op, ComparisonKind.Boolean, BoundValue.Bool(value));

                case AttributeType.Integer:
                case AttributeType.Decimal:
                    if (isSubstring)
                    {
                        throw OperatorNotAllowed(op, attribute, display);
                    }

                    RequireKind(value, FilterValueKind.Number, attribute, display, "a number");
                    if (!double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                    {
                        throw new BindException($"{value} is out of range for attribute '{display}'.");
                    }

                    decimal? exact = decimal.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
                    return new BoundComparison(path, op, ComparisonKind.Number, BoundValue.Numeric(value, number, exact));

                case AttributeType.DateTime:
                    if (isSubstring)
                    {
                        throw OperatorNotAllowed(op, attribute, display);
                    }

                    RequireKind(value, FilterValueKind.String, attribute, display, "a quoted dateTime such as \"2011-05-13T04:42:34Z\"");
                    if (!DateTimes.TryParse(value.Text.AsSpan(), out var when))
                    {
                        throw new BindException($"{value} is not a valid dateTime for attribute '{display}'; use the xsd:dateTime form, e.g. \"2011-05-13T04:42:34Z\".");
                    }

                    return new BoundComparison(path, op, ComparisonKind.DateTime, BoundValue.When(value, when));

                default:
                    throw new BindException(ComplexMessage(path));
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
                throw new BindException($"Cannot compare {TypeName(attribute.Type)} attribute '{path}' with {given}; use {expected}.");
            }
        }

        private static BindException OperatorNotAllowed(ComparisonOperator op, AttributeDefinition attribute, string path) =>
            new($"Operator '{Keyword(op)}' cannot be used with {TypeName(attribute.Type)} attribute '{path}'.");

        private static string Keyword(ComparisonOperator op) => FilterExpression.Keyword(op);

        private static string TypeName(AttributeType type) => type switch
        {
            AttributeType.DateTime => "dateTime",
            _ => type.ToString().ToLower(CultureInfo.InvariantCulture),
        };

        private BoundPath Resolve(AttributePath path, Scope? scope) => scope is null ? ResolveTopLevel(path) : ResolveInScope(path, scope);

        private BoundPath ResolveTopLevel(AttributePath path)
        {
            var type = resourceType!;
            if (path.SchemaUri is not null && type.FindSchema(path.SchemaUri) is null)
            {
                throw new BindException($"Unknown schema '{path.SchemaUri}' in filter attribute '{path}'; resource type '{type.Name}' has no such schema.");
            }

            if (!type.TryResolve(path.SchemaUri, path.Name, out var schema, out var attribute))
            {
                if (path.SchemaUri is null && IsAmbiguous(type, path.Name))
                {
                    throw new BindException($"Attribute '{path.Name}' is defined by more than one schema extension; qualify it with the schema URN.");
                }

                throw new BindException($"Unknown attribute '{path.WithSubAttribute(null)}' in filter.");
            }

            var extension = !ReferenceEquals(schema, type.Schema);
            var display = path.WithSubAttribute(null).ToString();
            if (path.SubAttribute is null)
            {
                return new BoundPath(schema, extension, attribute, null, isElementRelative: false, display);
            }

            if (attribute.Type != AttributeType.Complex)
            {
                throw new BindException($"Attribute '{display}' has no sub-attributes, so '{path}' is not valid.");
            }

            var sub = attribute.FindSubAttribute(path.SubAttribute)
                ?? throw new BindException($"Unknown attribute '{path}' in filter.");
            return new BoundPath(schema, extension, attribute, sub, isElementRelative: false, path.ToString());
        }

        private static BoundPath ResolveInScope(AttributePath path, Scope scope)
        {
            var display = scope.DisplayPath + "." + path.Name;
            if (path.SchemaUri is not null)
            {
                throw new BindException($"Inside the value filter of '{scope.DisplayPath}', '{path}' must name a sub-attribute of '{scope.DisplayPath}'.");
            }

            var sub = scope.Attribute.FindSubAttribute(path.Name)
                ?? throw new BindException($"Unknown attribute '{display}' in filter.");
            if (path.SubAttribute is not null)
            {
                throw new BindException($"Attribute '{display}' has no sub-attributes, so '{display}.{path.SubAttribute}' is not valid.");
            }

            return new BoundPath(scope.Schema, isExtension: false, scope.Attribute, sub, isElementRelative: true, display);
        }

        private static bool IsAmbiguous(ResourceTypeDefinition type, string name)
        {
            var count = 0;
            foreach (var extension in type.Extensions)
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
