namespace Jostle.Scim.Filtering;

/// <summary>
/// An attribute path (RFC 7644 §3.10, <c>attrPath</c>): an optional schema URN, an attribute name and an
/// optional sub-attribute, e.g. <c>name.givenName</c> or
/// <c>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value</c>.
/// Equality is case-insensitive, as attribute names and URNs are.
/// </summary>
public sealed class AttributePath : IEquatable<AttributePath>
{
    /// <summary>Creates an attribute path.</summary>
    /// <param name="schemaUri">The schema URN, or <see langword="null"/> when unqualified.</param>
    /// <param name="name">The attribute name.</param>
    /// <param name="subAttribute">The sub-attribute name, or <see langword="null"/>.</param>
    public AttributePath(string? schemaUri, string name, string? subAttribute = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        SchemaUri = string.IsNullOrEmpty(schemaUri) ? null : schemaUri;
        Name = name;
        SubAttribute = string.IsNullOrEmpty(subAttribute) ? null : subAttribute;
    }

    /// <summary>The schema URN, or <see langword="null"/> when the path is unqualified.</summary>
    public string? SchemaUri { get; }

    /// <summary>The attribute name.</summary>
    public string Name { get; }

    /// <summary>The sub-attribute name, or <see langword="null"/>.</summary>
    public string? SubAttribute { get; }

    /// <summary>Parses an attribute path such as <c>emails.value</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ScimFilterException">The text is not an attribute path.</exception>
    public static AttributePath Parse(string text) => Parsing.FilterParser.ParseAttributePath(text);

    /// <summary>Parses an attribute path without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="path">The path, when the text is valid.</param>
    /// <param name="error">What was wrong and where, when it is not.</param>
    /// <returns><see langword="true"/> when the text is an attribute path.</returns>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AttributePath? path, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ScimFilterError? error) =>
        Parsing.FilterParser.TryParseAttributePath(text, out path, out error);

    /// <summary>Returns a copy of this path with a different sub-attribute.</summary>
    /// <param name="subAttribute">The sub-attribute, or <see langword="null"/> for none.</param>
    /// <returns>The new path.</returns>
    public AttributePath WithSubAttribute(string? subAttribute) => new(SchemaUri, Name, subAttribute);

    /// <inheritdoc />
    public bool Equals(AttributePath? other) =>
        other is not null
        && string.Equals(SchemaUri, other.SchemaUri, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase)
        && string.Equals(SubAttribute, other.SubAttribute, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AttributePath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(
        SchemaUri is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(SchemaUri),
        StringComparer.OrdinalIgnoreCase.GetHashCode(Name),
        SubAttribute is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(SubAttribute));

    /// <summary>Prints the path as canonical text: <c>[urn:]name[.sub]</c>.</summary>
    /// <returns>The path text.</returns>
    public override string ToString()
    {
        var text = SchemaUri is null ? Name : SchemaUri + ":" + Name;
        return SubAttribute is null ? text : text + "." + SubAttribute;
    }
}
