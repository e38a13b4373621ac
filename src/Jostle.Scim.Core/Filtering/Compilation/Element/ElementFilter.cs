using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering.Analysis;
using Jostle.Scim.Filtering.Binding;
using Jostle.Scim.Filtering.Compilation.Delegates;
using Jostle.Scim.Filtering.Runtime;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Compilation.Element;

/// <summary>
/// The element-scope lowering, for PATCH value filters (<c>emails[type eq "work"]</c>): the filter is bound by
/// <see cref="FilterBinder.TryBindElement"/> (the same checks and messages as every other filter) and lowered to a
/// predicate over one <see cref="JsonObject"/> element at a time, so PATCH tests the elements it is about to change
/// without building a document per element. Each comparison uses the same <see cref="ValueTest"/> as the in-memory
/// lowering. Evaluation never throws: a missing sub-attribute or a value of the wrong JSON type is no match.
/// </summary>
internal sealed class ElementFilter
{
    private readonly BoundFilter? _bound;
    private readonly Func<JsonObject, bool> _predicate;

    private ElementFilter(BoundFilter? bound)
    {
        _bound = bound;
        _predicate = bound is null ? static _ => false : Lowering.Instance.Visit(bound);
    }

    /// <summary>Binds the filter's paths and values against <paramref name="attribute"/>'s sub-attributes; returns a message when they do not fit.</summary>
    public static ElementFilter Create(FilterExpression filter, AttributeDefinition attribute, out string? error)
    {
        if (!FilterBinder.TryBindElement(filter, attribute, out var bound, out var failure))
        {
            error = failure.Message;
            return new ElementFilter(null);
        }

        error = null;
        return new ElementFilter(bound);
    }

    /// <summary>For <c>value eq "a" or value eq "b"</c>, the listed values; otherwise <see langword="null"/>.</summary>
    public static List<string>? ValueEqualities(FilterExpression filter) => ScimFilterAnalysis.ValueEqualities(filter);

    /// <summary>For <c>type eq "work"</c> (or an <c>and</c> of such equalities), the element those equalities describe; otherwise <see langword="null"/>.</summary>
    public JsonObject? TemplateElement()
    {
        var element = new JsonObject();
        return _bound is not null && Collect(_bound, element) ? element : null;

        static bool Collect(BoundFilter node, JsonObject element)
        {
            switch (node)
            {
                case BoundComparison { Operator: ComparisonOperator.Equal } c:
                    var name = c.Path.Leaf.Name;
                    if (element.ContainsKey(name))
                    {
                        return false;
                    }

                    element[name] = c.Value.Raw.Kind switch
                    {
                        FilterValueKind.String => JsonValue.Create(c.Value.Raw.Text),
                        FilterValueKind.Boolean => JsonValue.Create(c.Value.Raw.BooleanValue),
                        _ => JsonNode.Parse(c.Value.Raw.Text!),
                    };
                    return true;
                case BoundLogical { Operator: LogicalOperator.And } l:
                    return l.Operands.All(o => Collect(o, element));
                default:
                    return false;
            }
        }
    }

    public bool Matches(JsonNode? element) => element is JsonObject obj && _predicate(obj);

    /// <summary>Bound filter → predicate over one element.</summary>
    private sealed class Lowering : BoundFilterVisitor<Func<JsonObject, bool>>
    {
        public static Lowering Instance { get; } = new();

        protected override Func<JsonObject, bool> VisitComparison(BoundComparison node)
        {
            var name = node.Path.Leaf.Name;
            var test = FilterCompiler.Test(node);
            return element => AnyValue(JsonMemberLookup.Get(element, name), test);
        }

        protected override Func<JsonObject, bool> VisitPresent(BoundPresent node)
        {
            var name = node.Path.Leaf.Name;
            return element => JsonMemberLookup.Get(element, name) is { } value && PresentTest.Instance.Test(ToElement(value));
        }

        protected override Func<JsonObject, bool> VisitLogical(BoundLogical node)
        {
            var operands = node.Operands.Select(Visit).ToArray();
            return node.Operator == LogicalOperator.And
                ? element => Array.TrueForAll(operands, o => o(element))
                : element => Array.Exists(operands, o => o(element));
        }

        protected override Func<JsonObject, bool> VisitNot(BoundNot node)
        {
            var operand = Visit(node.Operand);
            return element => !operand(element);
        }

        protected override Func<JsonObject, bool> VisitValuePath(BoundValuePath node) =>
            throw new InvalidOperationException("The binder never nests value filters.");

        private static bool AnyValue(JsonNode? node, ValueTest test)
        {
            switch (node)
            {
                case null:
                    return false;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        if (item is not null && test.Test(ToElement(item)))
                        {
                            return true;
                        }
                    }

                    return false;
                default:
                    return test.Test(ToElement(node));
            }
        }

        /// <summary>A node as a <see cref="JsonElement"/>: free for values parsed from JSON, a small re-parse for values built in code.</summary>
        private static JsonElement ToElement(JsonNode node)
        {
            if (node is JsonValue value && value.TryGetValue<JsonElement>(out var element))
            {
                return element;
            }

            using var document = JsonDocument.Parse(node.ToJsonString());
            return document.RootElement.Clone();
        }
    }
}
