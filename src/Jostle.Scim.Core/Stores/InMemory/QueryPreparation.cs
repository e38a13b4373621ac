using System.Text.Json;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Analysis;

namespace Jostle.Scim.Stores.InMemory;

/// <summary>What the in-memory stores do to a query before touching any document: compile the filter once, decide whether it reads group members, build the sort comparer.</summary>
internal static class QueryPreparation
{
    public static CompiledFilter? Compile(StoreQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(query.ResourceType);
        if (query.Filter is null)
        {
            return null;
        }

        return ScimFilter.TryCompile(query.Filter, query.ResourceType, out var compiled, out var error)
            ? compiled
            : throw new ScimException(400, ScimErrorType.InvalidFilter, error.Message);
    }

    /// <summary>The sortBy comparer (direction included, missing values last when ascending), or <see langword="null"/> for the default order.</summary>
    public static IComparer<JsonElement>? Sorter(StoreQuery query) => SortComparer.Create(query);

    /// <summary>Whether a filter names the group attribute <c>members</c> anywhere.</summary>
    public static bool MentionsMembers(FilterExpression? filter) => ScimFilterAnalysis.Mentions(filter, StoreJson.Members);
}
