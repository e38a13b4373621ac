namespace Jostle.Scim.Schema;

/// <summary>
/// One attribute of a SCIM schema with every characteristic of RFC 7643 §2.2 and §7.
/// Instances are immutable; build them with object initialisers.
/// </summary>
public sealed class AttributeDefinition
{
    private readonly IReadOnlyList<AttributeDefinition> _subAttributes = [];
    private readonly IReadOnlyList<string> _canonicalValues = [];
    private readonly IReadOnlyList<string> _referenceTypes = [];

    /// <summary>Creates an attribute definition.</summary>
    /// <param name="name">The attribute name, e.g. <c>userName</c>: <c>ALPHA *(ALPHA / DIGIT / "-" / "_")</c>
    /// (RFC 7643 §2.1), or <c>$ref</c> for a reference sub-attribute.</param>
    /// <param name="type">The attribute's data type.</param>
    /// <exception cref="ArgumentException">The name is empty or not a valid attribute name.</exception>
    public AttributeDefinition(string name, AttributeType type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid attribute name: a name starts with a letter and continues with letters, digits, '-' or '_' (RFC 7643 §2.1), or is '$ref'.",
                nameof(name));
        }

        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, $"Attribute '{name}' has an unknown type.");
        }

        Name = name;
        Type = type;
    }

    /// <summary>The attribute name as the schema spells it (matching is case-insensitive).</summary>
    public string Name { get; }

    /// <summary>The attribute's data type.</summary>
    public AttributeType Type { get; }

    /// <summary>Whether the attribute holds an array of values.</summary>
    public bool MultiValued { get; init; }

    /// <summary>A human-readable description.</summary>
    public string Description { get; init; } = "";

    /// <summary>Whether the attribute is required.</summary>
    public bool Required { get; init; }

    /// <summary>Whether string comparisons are case-sensitive.</summary>
    public bool CaseExact { get; init; }

    /// <summary>Whether and how the attribute may be modified.</summary>
    public Mutability Mutability { get; init; } = Mutability.ReadWrite;

    /// <summary>When the attribute is returned.</summary>
    public Returned Returned { get; init; } = Returned.Default;

    /// <summary>How uniqueness of the value is enforced.</summary>
    public Uniqueness Uniqueness { get; init; } = Uniqueness.None;

    /// <summary>Suggested values (e.g. <c>work</c>, <c>home</c>); empty when none are defined.</summary>
    public IReadOnlyList<string> CanonicalValues
    {
        get => _canonicalValues;
        init => _canonicalValues = value is null ? [] : [.. value];
    }

    /// <summary>For <see cref="AttributeType.Reference"/> attributes, the resource types that may be referenced
    /// (e.g. <c>User</c>, <c>Group</c>, <c>external</c>, <c>uri</c>).</summary>
    public IReadOnlyList<string> ReferenceTypes
    {
        get => _referenceTypes;
        init => _referenceTypes = value is null ? [] : [.. value];
    }

    /// <summary>The sub-attributes of a <see cref="AttributeType.Complex"/> attribute; empty otherwise.</summary>
    public IReadOnlyList<AttributeDefinition> SubAttributes
    {
        get => _subAttributes;
        init => _subAttributes = value is null ? [] : [.. value];
    }

    /// <summary>Finds a sub-attribute by name, case-insensitively.</summary>
    /// <param name="name">The sub-attribute name.</param>
    /// <returns>The sub-attribute, or <see langword="null"/> when there is none by that name.</returns>
    public AttributeDefinition? FindSubAttribute(string name)
    {
        // Indexed, not foreach: a foreach over the IReadOnlyList boxes its enumerator on every lookup.
        var list = _subAttributes;
        for (var i = 0; i < list.Count; i++)
        {
            var sub = list[i];
            if (string.Equals(sub.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return sub;
            }
        }

        return null;
    }

    /// <summary>The name of the sub-attribute that holds a reference's URI (RFC 7643 §2.4).</summary>
    public const string RefName = "$ref";

    /// <summary>
    /// Whether <paramref name="name"/> is a valid attribute name: <c>ALPHA *(ALPHA / DIGIT / "-" / "_")</c>
    /// (RFC 7643 §2.1 and the <c>ATTRNAME</c> rule of RFC 7644 §3.4.2.2), or <c>$ref</c>.
    /// </summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when the name is valid.</returns>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        if (name == RefName)
        {
            return true;
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name.AsSpan(1))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => MultiValued ? $"{Name}: {Type}[]" : $"{Name}: {Type}";
}
