namespace Jostle.Scim.Filtering;

/// <summary>
/// Named compatibility rules: forms that real clients send although RFC 7644's grammar does not
/// allow them. Each can be switched off; parsing reports which ones a filter needed.
/// </summary>
[Flags]
public enum FilterCompatibility
{
    /// <summary>Strict RFC 7644 grammar.</summary>
    None = 0,

    /// <summary>
    /// Microsoft Entra ID's <c>emails[type eq "work"].value eq "a@b.c"</c>: a value path followed by a
    /// sub-attribute and a comparison, read with same-element meaning as
    /// <c>emails[type eq "work" and value eq "a@b.c"]</c>.
    /// </summary>
    ValuePathSubAttribute = 1,

    /// <summary>
    /// Legacy Entra ID examples' unquoted values, e.g. <c>externalId eq jyoung</c>: a bare word
    /// that is not <c>true</c>, <c>false</c> or <c>null</c> and does not start like a number (a digit, or <c>-</c>
    /// and a digit) is read as a string. A word that starts like a number must be one (<c>12abc</c> is an error).
    /// </summary>
    UnquotedValues = 2,

    /// <summary>Every compatibility rule.</summary>
    All = ValuePathSubAttribute | UnquotedValues,
}

/// <summary>Limits and compatibility rules for parsing filters.</summary>
public sealed class ScimFilterOptions
{
    /// <summary>The options used when none are given.</summary>
    public static ScimFilterOptions Default { get; } = new();

    /// <summary>The longest filter accepted, in characters. Default 4096.</summary>
    public int MaxLength { get; init; } = 4096;

    /// <summary>The deepest nesting of parentheses, <c>not</c> and value-path brackets accepted. Default 32.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>The compatibility rules in force. Default: all of them.</summary>
    public FilterCompatibility Compatibility { get; init; } = FilterCompatibility.All;
}
