namespace Jostle.Scim.Filtering;

/// <summary>
/// A PATCH operation's <c>path</c> (RFC 7644 §3.5.2, <c>PATH = attrPath / valuePath [subAttr]</c>), e.g.
/// <c>name.givenName</c>, <c>members[value eq "2819c223"]</c> or <c>emails[type eq "work"].value</c>.
/// </summary>
public sealed class PatchPath : IEquatable<PatchPath>
{
    /// <summary>Creates a PATCH path.</summary>
    /// <param name="attribute">The attribute path. When <paramref name="valueFilter"/> is set it has no sub-attribute.</param>
    /// <param name="valueFilter">The value filter selecting elements of a multi-valued attribute, or <see langword="null"/>.</param>
    /// <param name="subAttribute">With a value filter, the sub-attribute of the selected elements, or <see langword="null"/>.</param>
    public PatchPath(AttributePath attribute, FilterExpression? valueFilter = null, string? subAttribute = null)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        if (valueFilter is null && subAttribute is not null)
        {
            throw new ArgumentException("Without a value filter, the sub-attribute belongs in the attribute path.", nameof(subAttribute));
        }

        if (valueFilter is not null && attribute.SubAttribute is not null)
        {
            throw new ArgumentException("The attribute of a value path has no sub-attribute.", nameof(attribute));
        }

        Attribute = attribute;
        ValueFilter = valueFilter;
        SubAttribute = string.IsNullOrEmpty(subAttribute) ? null : subAttribute;
    }

    /// <summary>The attribute path.</summary>
    public AttributePath Attribute { get; }

    /// <summary>The value filter, or <see langword="null"/>.</summary>
    public FilterExpression? ValueFilter { get; }

    /// <summary>With a value filter, the sub-attribute of the selected elements, or <see langword="null"/>.</summary>
    public string? SubAttribute { get; }

    /// <summary>Parses a PATCH path.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ScimFilterException">The text is not a valid path.</exception>
    public static PatchPath Parse(string text) => Parsing.FilterParser.ParsePatchPath(text);

    /// <summary>Parses a PATCH path without throwing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="path">The path, when the text is valid.</param>
    /// <param name="error">What was wrong and where, when it is not.</param>
    /// <returns><see langword="true"/> when the text is a valid path.</returns>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PatchPath? path, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ScimFilterError? error) =>
        Parsing.FilterParser.TryParsePatchPath(text, out path, out error);

    /// <inheritdoc />
    public bool Equals(PatchPath? other) =>
        other is not null
        && Attribute.Equals(other.Attribute)
        && Equals(ValueFilter, other.ValueFilter)
        && string.Equals(SubAttribute, other.SubAttribute, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PatchPath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Attribute, ValueFilter, SubAttribute is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(SubAttribute));

    /// <summary>Prints the path as canonical text.</summary>
    /// <returns>The path text.</returns>
    public override string ToString()
    {
        if (ValueFilter is null)
        {
            return Attribute.ToString();
        }

        var text = Attribute + "[" + ValueFilter + "]";
        return SubAttribute is null ? text : text + "." + SubAttribute;
    }
}
