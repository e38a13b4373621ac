using System.Text.Json;

namespace Jostle.Scim.Filtering.Runtime;

/// <summary>
/// A compiled filter node, evaluated against a context element: the resource document, or inside a value path
/// one element of the complex attribute. Evaluation never throws.
/// </summary>
internal abstract class FilterNode
{
    public abstract bool Evaluate(JsonElement context);
}

/// <summary>
/// Where an attribute's values are in a document: a chain of property names (extension URN, attribute,
/// sub-attribute). Arrays met on the way fan out: the path reaches every element.
/// </summary>
internal sealed class AttributeAccessor(PropertyKey[] steps, string displayPath)
{
    /// <summary>The attribute path as the schema spells it, for messages and debugging.</summary>
    public string DisplayPath { get; } = displayPath;

    /// <summary>Whether any value the path reaches passes the test (each element of an array is one value).</summary>
    public bool AnyValue(JsonElement context, ValueTest test) => AnyValue(context, 0, test);

    /// <summary>Whether any complex value the path reaches satisfies the filter (same-element semantics).</summary>
    public bool AnyElement(JsonElement context, FilterNode filter) => AnyElement(context, 0, filter);

    private bool AnyValue(JsonElement current, int step, ValueTest test)
    {
        while (step < steps.Length)
        {
            if (current.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in current.EnumerateArray())
                {
                    if (AnyValue(item, step, test))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (!steps[step].TryGet(current, out current))
            {
                return false;
            }

            step++;
        }

        if (current.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in current.EnumerateArray())
            {
                if (test.Test(item))
                {
                    return true;
                }
            }

            return false;
        }

        return test.Test(current);
    }

    private bool AnyElement(JsonElement current, int step, FilterNode filter)
    {
        while (step < steps.Length)
        {
            if (current.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in current.EnumerateArray())
                {
                    if (AnyElement(item, step, filter))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (!steps[step].TryGet(current, out current))
            {
                return false;
            }

            step++;
        }

        if (current.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in current.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && filter.Evaluate(item))
                {
                    return true;
                }
            }

            return false;
        }

        return current.ValueKind == JsonValueKind.Object && filter.Evaluate(current);
    }

    public override string ToString() => DisplayPath;
}

/// <summary><c>attr op value</c> and <c>attr pr</c>: some value of the attribute passes the test.</summary>
internal sealed class ValueTestNode(AttributeAccessor accessor, ValueTest test) : FilterNode
{
    public override bool Evaluate(JsonElement context) => accessor.AnyValue(context, test);
}

/// <summary><c>attr[filter]</c>: some element of the attribute satisfies the whole inner filter.</summary>
internal sealed class ValuePathNode(AttributeAccessor accessor, FilterNode filter) : FilterNode
{
    public override bool Evaluate(JsonElement context) => accessor.AnyElement(context, filter);
}

internal sealed class AndNode(FilterNode[] operands) : FilterNode
{
    public override bool Evaluate(JsonElement context)
    {
        foreach (var operand in operands)
        {
            if (!operand.Evaluate(context))
            {
                return false;
            }
        }

        return true;
    }
}

internal sealed class OrNode(FilterNode[] operands) : FilterNode
{
    public override bool Evaluate(JsonElement context)
    {
        foreach (var operand in operands)
        {
            if (operand.Evaluate(context))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class NotNode(FilterNode operand) : FilterNode
{
    public override bool Evaluate(JsonElement context) => !operand.Evaluate(context);
}

/// <summary>The public face of a compiled filter.</summary>
internal sealed class NodeCompiledFilter(FilterExpression filter, FilterNode root) : CompiledFilter(filter)
{
    public override bool Matches(JsonElement resource) => resource.ValueKind == JsonValueKind.Object && root.Evaluate(resource);
}
