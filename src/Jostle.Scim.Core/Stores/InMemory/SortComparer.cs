using System.Text.Json;
using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Stores.InMemory;

/// <summary>The sortBy comparer the in-memory stores use; delegates to the resources engine.</summary>
internal static class SortComparer
{
    public static IComparer<JsonElement> Create(AttributePath sortBy, ResourceTypeDefinition resourceType) =>
        throw new NotImplementedException();
}
