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

    public PropertyKey(string name)
    {
        Name = name;
        _utf8 = Encoding.UTF8.GetBytes(name);
    }

    /// <summary>The name as the schema spells it.</summary>
    public string Name { get; }

    /// <summary>Gets the property's value from an object; <see langword="false"/> when the element is not an object or has no such property.</summary>
    public bool TryGet(JsonElement element, out JsonElement value)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }

        if (element.TryGetProperty(_utf8, out value))
        {
            return true;
        }

        return TryGetIgnoringCase(element, out value);
    }

    private bool TryGetIgnoringCase(JsonElement element, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var matched = raw.IndexOf((byte)'\\') < 0
                ? raw.Length == _utf8.Length && Ascii.EqualsIgnoreCase(raw, _utf8)
                : property.Name.Equals(Name, StringComparison.OrdinalIgnoreCase);
            if (matched)
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    public override string ToString() => Name;
}

/// <summary>Reads JSON string values without allocating in the common (unescaped, short) case.</summary>
internal static class JsonText
{
    /// <summary>The raw UTF-8 bytes of a string element without quotes; <paramref name="escaped"/> tells whether they hold escapes.</summary>
    public static ReadOnlySpan<byte> RawString(JsonElement element, out bool escaped)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length >= 2 && raw[0] == (byte)'"')
        {
            raw = raw[1..^1];
        }

        escaped = raw.IndexOf((byte)'\\') >= 0;
        return raw;
    }
}
