using System.Diagnostics.CodeAnalysis;
using Jostle.Scim.Filtering.Compilation.Delegates;
using Jostle.Scim.Filtering.Parsing;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering;

/// <summary>
/// The SCIM filter language (RFC 7644 §3.4.2.2): parse filter text into an immutable AST, and compile an
/// AST against a resource type into a predicate over resource documents.
/// </summary>
public static class ScimFilter
{
    /// <summary>Parses a filter.</summary>
    /// <param name="text">The filter text, e.g. <c>userName eq "bjensen"</c>.</param>
    /// <param name="options">Limits and compatibility rules; <see cref="ScimFilterOptions.Default"/> when omitted.</param>
    /// <returns>The filter's AST.</returns>
    /// <exception cref="ScimFilterException">The text is not a valid filter; the exception carries the position and a readable message.</exception>
    public static FilterExpression Parse(string text, ScimFilterOptions? options = null) =>
        TryParse(text, options, out var filter, out var error, out _) ? filter : throw new ScimFilterException(error);

    /// <summary>Parses a filter without throwing.</summary>
    /// <param name="text">The filter text.</param>
    /// <param name="filter">The AST, when the text is valid.</param>
    /// <param name="error">What was wrong and where, when it is not.</param>
    /// <returns><see langword="true"/> when the text is a valid filter.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out FilterExpression? filter, [NotNullWhen(false)] out ScimFilterError? error) =>
        TryParse(text, null, out filter, out error, out _);

    /// <summary>Parses a filter without throwing, reporting the compatibility rules it needed.</summary>
    /// <param name="text">The filter text.</param>
    /// <param name="options">Limits and compatibility rules; <see cref="ScimFilterOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="filter">The AST, when the text is valid.</param>
    /// <param name="error">What was wrong and where, when it is not.</param>
    /// <param name="rulesApplied">The compatibility rules that the filter needed (<see cref="FilterCompatibility.None"/> for a strict RFC filter).</param>
    /// <returns><see langword="true"/> when the text is a valid filter.</returns>
    public static bool TryParse(string text, ScimFilterOptions? options, [NotNullWhen(true)] out FilterExpression? filter, [NotNullWhen(false)] out ScimFilterError? error, out FilterCompatibility rulesApplied) =>
        FilterParser.TryParseFilter(text, options ?? ScimFilterOptions.Default, out filter, out error, out rulesApplied);

    /// <summary>
    /// Compiles a filter against a resource type into a predicate over resource documents. Attribute paths are
    /// resolved against the resource type's schemas here, so semantic errors (an unknown attribute, <c>gt</c> on a
    /// boolean, comparing a complex attribute) surface now rather than at evaluation time.
    /// </summary>
    /// <param name="filter">The parsed filter.</param>
    /// <param name="resourceType">The resource type whose documents will be tested.</param>
    /// <returns>The compiled predicate. Its evaluation never throws.</returns>
    /// <exception cref="ScimFilterException">The filter is not valid for the resource type.</exception>
    public static CompiledFilter Compile(FilterExpression filter, ResourceTypeDefinition resourceType) =>
        TryCompile(filter, resourceType, out var compiled, out var error) ? compiled : throw new ScimFilterException(error);

    /// <summary>Compiles a filter without throwing.</summary>
    /// <param name="filter">The parsed filter.</param>
    /// <param name="resourceType">The resource type whose documents will be tested.</param>
    /// <param name="compiled">The predicate, when the filter is valid for the resource type.</param>
    /// <param name="error">What is wrong, when it is not.</param>
    /// <returns><see langword="true"/> when the filter compiled.</returns>
    public static bool TryCompile(FilterExpression filter, ResourceTypeDefinition resourceType, [NotNullWhen(true)] out CompiledFilter? compiled, [NotNullWhen(false)] out ScimFilterError? error)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resourceType);
        return FilterCompiler.TryCompile(filter, resourceType, out compiled, out error);
    }
}
