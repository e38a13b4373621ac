using Superpower.Display;

namespace Jostle.Scim.Filtering.Parsing;

/// <summary>
/// Token kinds of the filter language. The tokenizer is permissive: keywords (<c>eq</c>, <c>and</c>, <c>not</c>,
/// <c>true</c>, …) arrive as <see cref="Identifier"/> and the grammar decides, case-insensitively.
/// </summary>
internal enum ScimToken
{
    None,

    /// <summary>A name: <c>[A-Za-z_$][A-Za-z0-9_$-]*</c>; attribute names and keywords.</summary>
    [Token(Description = "name")]
    Identifier,

    /// <summary>A schema URN qualifying an attribute, up to (not including) the colon before the attribute name.</summary>
    [Token(Description = "schema URN")]
    Urn,

    /// <summary>A JSON string literal, quotes included.</summary>
    [Token(Description = "string")]
    String,

    /// <summary>A JSON number.</summary>
    [Token(Description = "number")]
    Number,

    /// <summary>Any other run of characters (only meaningful as an unquoted value).</summary>
    [Token(Description = "word")]
    Word,

    [Token(Example = "(")]
    LParen,

    [Token(Example = ")")]
    RParen,

    [Token(Example = "[")]
    LBracket,

    [Token(Example = "]")]
    RBracket,

    [Token(Example = ".")]
    Dot,

    [Token(Example = ":")]
    Colon,
}
