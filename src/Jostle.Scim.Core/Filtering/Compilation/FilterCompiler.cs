using System.Diagnostics.CodeAnalysis;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Compilation;

/// <summary>STUB — replaced by the schema-aware compiler.</summary>
internal static class FilterCompiler
{
    public static bool TryCompile(FilterExpression filter, ResourceTypeDefinition resourceType, [NotNullWhen(true)] out CompiledFilter? compiled, [NotNullWhen(false)] out ScimFilterError? error) =>
        throw new NotImplementedException();
}
