using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Jostle.Scim.Filtering.Runtime;

/// <summary>
/// One step of an attribute path inside a document: a property name as the schema spells it, matched exactly
/// first (the common case, no allocation) and case-insensitively when the document spells it differently.
/// </summary>
internal sealed class PropertyKey
{
    private readonly byte[] _utf8;
    private readonly bool _nearEnd;

    /// <summary>Creates a key.</summary>
    /// <param name="name">The name as the schema spells it.</param>
    /// <param name="nearEnd">
    /// Whether the property is usually among the last of its object (<c>meta</c> and extension objects are, in
    /// SCIM documents): it is then looked up from the end first, which is several times faster for it than a
    /// forward pass.
    /// </param>
    public PropertyKey(string name, bool nearEnd = false)
    {
        Name = name;
        _utf8 = Encoding.UTF8.GetBytes(name);
        _nearEnd = nearEnd;
    }

    /// <summary>The name as the schema spells it.</summary>
    public string Name { get; }

    /// <summary>
    /// Gets the property's value from an object; <see langword="false"/> when the element is not an object or has
    /// no such property. One forward pass: an exact match returns at once (attributes that clients look up on every
    /// request, such as <c>id</c>, <c>externalId</c> and <c>userName</c>, come first in SCIM documents, where a forward
    /// pass finds them about four times faster than <see cref="JsonElement.TryGetProperty(ReadOnlySpan{byte}, out JsonElement)"/>,
    /// which searches from the end); otherwise the first case-insensitive match wins.
    /// </summary>
    public bool TryGet(JsonElement element, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (_nearEnd && element.TryGetProperty(_utf8, out value))
        {
            return true;
        }

        var found = false;
        foreach (var property in element.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (raw.Length == _utf8.Length)
            {
                if (raw.SequenceEqual(_utf8))
                {
                    value = property.Value;
                    return true;
                }

                if (!found && Ascii.EqualsIgnoreCase(raw, _utf8))
                {
                    value = property.Value;
                    found = true;
                }
            }
            else if (raw.Length > _utf8.Length && raw.IndexOf((byte)'\\') >= 0)
            {
                // An escaped name (rare; always longer than its unescaped form): compare the unescaped text.
                if (property.NameEquals(_utf8))
                {
                    value = property.Value;
                    return true;
                }

                if (!found && property.Name.Equals(Name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    found = true;
                }
            }
        }

        return found;
    }

    public override string ToString() => Name;
}

/// <summary>Reads JSON string values without allocating in the common (unescaped, short) case.</summary>
internal static class JsonText
{
    /// <summary>The raw UTF-8 bytes of a string element as they appear in the document, without quotes (escapes not decoded).</summary>
    public static ReadOnlySpan<byte> Raw(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return raw.Length >= 2 && raw[0] == (byte)'"' ? raw[1..^1] : raw;
    }

    /// <summary>The raw UTF-8 bytes of a string element without quotes; <paramref name="escaped"/> tells whether they hold escapes.</summary>
    public static ReadOnlySpan<byte> RawString(JsonElement element, out bool escaped)
    {
        var raw = Raw(element);
        escaped = raw.IndexOf((byte)'\\') >= 0;
        return raw;
    }
}
