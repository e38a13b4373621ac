using System.Diagnostics.CodeAnalysis;

namespace Jostle.Scim.Filtering.Parsing;

/// <summary>STUB — replaced by the Superpower parser.</summary>
internal static class FilterParser
{
    public static bool TryParseFilter(string text, ScimFilterOptions options, [NotNullWhen(true)] out FilterExpression? filter, [NotNullWhen(false)] out ScimFilterError? error, out FilterCompatibility rulesApplied) =>
        throw new NotImplementedException();

    public static AttributePath ParseAttributePath(string text) =>
        TryParseAttributePath(text, out var path, out var error) ? path : throw new ScimFilterException(error);

    public static bool TryParseAttributePath(string text, [NotNullWhen(true)] out AttributePath? path, [NotNullWhen(false)] out ScimFilterError? error) =>
        throw new NotImplementedException();

    public static PatchPath ParsePatchPath(string text) =>
        TryParsePatchPath(text, out var path, out var error) ? path : throw new ScimFilterException(error);

    public static bool TryParsePatchPath(string text, [NotNullWhen(true)] out PatchPath? path, [NotNullWhen(false)] out ScimFilterError? error) =>
        throw new NotImplementedException();
}
