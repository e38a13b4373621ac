using System.Text.Json;
using Jostle.Scim.Resources;

namespace Jostle.Scim.Stores.InMemory;

/// <summary>The sortBy comparer the in-memory stores use: the resources engine's <see cref="ResourceComparer"/>, over stored documents.</summary>
internal static class SortComparer
{
    public static IComparer<JsonElement>? Create(StoreQuery query) =>
        query.SortBy is null ? null : ResourceComparer.Create(query.ResourceType, query.SortBy.ToString(), query.Descending ? "descending" : "ascending");
}
