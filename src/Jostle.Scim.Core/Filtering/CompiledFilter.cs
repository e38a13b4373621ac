using System.Text.Json;

namespace Jostle.Scim.Filtering;

/// <summary>
/// A filter compiled against a resource type: a predicate over resource documents. Thread-safe and reusable;
/// <see cref="Matches"/> never throws (a missing attribute or a value of the wrong JSON type is no match).
/// </summary>
public abstract class CompiledFilter
{
    /// <summary>Creates a compiled filter.</summary>
    /// <param name="filter">The filter it was compiled from.</param>
    private protected CompiledFilter(FilterExpression filter) => Filter = filter;

    /// <summary>The filter this predicate was compiled from.</summary>
    public FilterExpression Filter { get; }

    /// <summary>Tests a resource document (a JSON object).</summary>
    /// <param name="resource">The resource document.</param>
    /// <returns><see langword="true"/> when the resource matches.</returns>
    public abstract bool Matches(JsonElement resource);

    /// <inheritdoc />
    public override string ToString() => Filter.ToString();
}
