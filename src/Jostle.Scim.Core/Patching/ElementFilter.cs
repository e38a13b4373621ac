using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Patching;

/// <summary>
/// A value filter of a PATCH path (<c>emails[type eq "work"]</c>) checked against the multi-valued attribute's
/// sub-attributes and evaluated on one element at a time. Its paths are relative to the element, so it works on
/// <see cref="JsonNode"/> elements directly instead of building a one-element document per element for
/// <see cref="CompiledFilter"/>. Evaluation never throws: a missing sub-attribute or a value of the wrong JSON type is no match.
/// </summary>
internal sealed class ElementFilter
{
    private readonly FilterExpression _filter;
    private readonly AttributeDefinition _attribute;

    private ElementFilter(FilterExpression filter, AttributeDefinition attribute)
    {
        _filter = filter;
        _attribute = attribute;
    }

    /// <summary>Checks the filter's paths and value types against <paramref name="attribute"/>; returns a message when they do not fit.</summary>
    public static ElementFilter Create(FilterExpression filter, AttributeDefinition attribute, out string? error)
    {
        error = Check(filter, attribute);
        return new ElementFilter(filter, attribute);
    }

    /// <summary>For <c>value eq "a" or value eq "b"</c>, the listed values; otherwise <see langword="null"/>.</summary>
    public static List<string>? ValueEqualities(FilterExpression filter)
    {
        var values = new List<string>();
        return Collect(filter, values) ? values : null;

        static bool Collect(FilterExpression node, List<string> values)
        {
            switch (node)
            {
                case ComparisonExpression { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } c
                    when c.Path.SchemaUri is null && c.Path.SubAttribute is null && string.Equals(c.Path.Name, "value", StringComparison.OrdinalIgnoreCase):
                    values.Add(c.Value.Text!);
                    return true;
                case LogicalExpression { Operator: LogicalOperator.Or } l:
                    return l.Operands.All(o => Collect(o, values));
                default:
                    return false;
            }
        }
    }

    /// <summary>For <c>type eq "work"</c> (or an <c>and</c> of such equalities), the element those equalities describe; otherwise <see langword="null"/>.</summary>
    public JsonObject? TemplateElement()
    {
        var element = new JsonObject();
        return Collect(_filter, element) ? element : null;

        bool Collect(FilterExpression node, JsonObject element)
        {
            switch (node)
            {
                case ComparisonExpression { Operator: ComparisonOperator.Equal } c when c.Value.Kind != FilterValueKind.Null:
                    var sub = _attribute.FindSubAttribute(c.Path.Name)!;
                    if (element.ContainsKey(sub.Name))
                    {
                        return false;
                    }

                    element[sub.Name] = c.Value.Kind switch
                    {
                        FilterValueKind.String => JsonValue.Create(c.Value.Text),
                        FilterValueKind.Boolean => JsonValue.Create(c.Value.BooleanValue),
                        _ => JsonNode.Parse(c.Value.Text!),
                    };
                    return true;
                case LogicalExpression { Operator: LogicalOperator.And } l:
                    return l.Operands.All(o => Collect(o, element));
                default:
                    return false;
            }
        }
    }

    public bool Matches(JsonNode? element) => element is JsonObject obj && Evaluate(_filter, obj);

    private static string? Check(FilterExpression node, AttributeDefinition attribute)
    {
        switch (node)
        {
            case ComparisonExpression c:
                if (!TryFindSub(c.Path, attribute, out var sub, out var error))
                {
                    return error;
                }

                if (sub.Type == AttributeType.Complex)
                {
                    return $"{attribute.Name}.{sub.Name} is complex and cannot be compared.";
                }

                if (c.Value.Kind == FilterValueKind.Null)
                {
                    return null;
                }

                var fits = sub.Type switch
                {
                    AttributeType.Boolean => c.Value.Kind == FilterValueKind.Boolean && c.Operator is ComparisonOperator.Equal or ComparisonOperator.NotEqual,
                    AttributeType.Integer or AttributeType.Decimal => c.Value.Kind == FilterValueKind.Number,
                    _ => c.Value.Kind == FilterValueKind.String,
                };
                return fits ? null : $"{attribute.Name}.{sub.Name} ({sub.Type.ToString().ToLowerInvariant()}) cannot be compared with {c.Value} using {FilterExpression.Keyword(c.Operator)}.";
            case PresentExpression p:
                return TryFindSub(p.Path, attribute, out _, out var missing) ? null : missing;
            case LogicalExpression l:
                return l.Operands.Select(o => Check(o, attribute)).FirstOrDefault(e => e is not null);
            case NotExpression n:
                return Check(n.Operand, attribute);
            default:
                return "a value filter cannot contain another value filter.";
        }
    }

    private static bool TryFindSub(AttributePath path, AttributeDefinition attribute, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AttributeDefinition? sub, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        sub = path.SchemaUri is null && path.SubAttribute is null ? attribute.FindSubAttribute(path.Name) : null;
        error = sub is null ? $"{attribute.Name} has no sub-attribute {path}." : null;
        return sub is not null;
    }

    private bool Evaluate(FilterExpression node, JsonObject element) => node switch
    {
        ComparisonExpression c => Compare(c, element),
        PresentExpression p => IsPresent(JsonKeys.Get(element, p.Path.Name)),
        LogicalExpression { Operator: LogicalOperator.And } l => l.Operands.All(o => Evaluate(o, element)),
        LogicalExpression l => l.Operands.Any(o => Evaluate(o, element)),
        NotExpression n => !Evaluate(n.Operand, element),
        _ => false,
    };

    private static bool IsPresent(JsonNode? node) => node switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
        JsonValue v => v.GetValueKind() != JsonValueKind.Null,
        _ => true,
    };

    private bool Compare(ComparisonExpression c, JsonObject element)
    {
        var sub = _attribute.FindSubAttribute(c.Path.Name)!;
        var node = JsonKeys.Get(element, sub.Name);
        if (c.Value.Kind == FilterValueKind.Null)
        {
            var present = IsPresent(node);
            return c.Operator == ComparisonOperator.NotEqual ? present : c.Operator == ComparisonOperator.Equal && !present;
        }

        if (node is not JsonValue value)
        {
            return c.Operator == ComparisonOperator.NotEqual && node is null;
        }

        int? order;
        switch (sub.Type)
        {
            case AttributeType.Boolean:
                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return false;
                }

                var equal = value.GetValue<bool>() == c.Value.BooleanValue;
                return c.Operator == ComparisonOperator.Equal ? equal : !equal;
            case AttributeType.Integer or AttributeType.Decimal:
                if (value.GetValueKind() != JsonValueKind.Number)
                {
                    return false;
                }

                order = value.GetValue<double>().CompareTo(c.Value.GetDouble());
                break;
            case AttributeType.DateTime:
                if (!value.TryGetValue<string>(out var text)
                    || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var left)
                    || !DateTimeOffset.TryParse(c.Value.Text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var right))
                {
                    return false;
                }

                order = left.CompareTo(right);
                break;
            default:
                if (!value.TryGetValue<string>(out var actual))
                {
                    return false;
                }

                var comparison = sub.CaseExact ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
                var expected = c.Value.Text!;
                switch (c.Operator)
                {
                    case ComparisonOperator.Contains: return actual.Contains(expected, comparison);
                    case ComparisonOperator.StartsWith: return actual.StartsWith(expected, comparison);
                    case ComparisonOperator.EndsWith: return actual.EndsWith(expected, comparison);
                }

                order = string.Compare(actual, expected, comparison);
                break;
        }

        return c.Operator switch
        {
            ComparisonOperator.Equal => order == 0,
            ComparisonOperator.NotEqual => order != 0,
            ComparisonOperator.GreaterThan => order > 0,
            ComparisonOperator.GreaterThanOrEqual => order >= 0,
            ComparisonOperator.LessThan => order < 0,
            ComparisonOperator.LessThanOrEqual => order <= 0,
            _ => false,
        };
    }
}
