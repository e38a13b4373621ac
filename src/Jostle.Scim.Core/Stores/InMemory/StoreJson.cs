using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Stores.InMemory;

/// <summary>
/// JSON plumbing for the in-memory store: documents kept as compact UTF-8 bytes and materialised on read,
/// case-insensitive attribute lookups and member composition.
/// </summary>
internal static class StoreJson
{
    public const string Members = "members";

    /// <summary>
    /// A stored document as an element. The element owns a private copy of the bytes and an exactly sized token table
    /// (nothing rented from a pool, nothing to dispose), so it can be handed to a caller that keeps it for any time.
    /// </summary>
    public static JsonElement Materialize(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>Serialises a document once into compact UTF-8, leaving out one top-level attribute (case-insensitively).</summary>
    public static byte[] ToUtf8(JsonObject document, string? without = null)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in document)
            {
                if (without is not null && string.Equals(name, without, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A copy of a stored group document with its members appended (omitted when there are none).</summary>
    public static JsonElement WithMembers(JsonElement document, MemberSet? members)
    {
        if (members is null || members.Count == 0)
        {
            return document;
        }

        var buffer = new ArrayBufferWriter<byte>(1024 + (members.Count * 64));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.EnumerateObject())
            {
                if (!property.NameEquals(Members))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteStartArray(Members);
            foreach (var member in members.Members)
            {
                writer.WriteStartObject();
                writer.WriteString("value", member.Value);
                if (member.Type is not null)
                {
                    writer.WriteString("type", member.Type);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Materialize(buffer.WrittenSpan.ToArray());
    }

    /// <summary>A copy of a document whose <c>meta.version</c> and <c>meta.lastModified</c> are replaced.</summary>
    public static byte[] WithNewVersion(JsonElement document, string version, DateTimeOffset lastModified)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var metaWritten = false;
            foreach (var property in document.EnumerateObject())
            {
                if (!string.Equals(property.Name, "meta", StringComparison.OrdinalIgnoreCase) || property.Value.ValueKind != JsonValueKind.Object)
                {
                    property.WriteTo(writer);
                    continue;
                }

                writer.WriteStartObject(property.Name);
                foreach (var metaProperty in property.Value.EnumerateObject())
                {
                    if (!string.Equals(metaProperty.Name, "version", StringComparison.OrdinalIgnoreCase)
                        && !string.Equals(metaProperty.Name, "lastModified", StringComparison.OrdinalIgnoreCase))
                    {
                        metaProperty.WriteTo(writer);
                    }
                }

                WriteVersion(writer, version, lastModified);
                writer.WriteEndObject();
                metaWritten = true;
            }

            if (!metaWritten)
            {
                writer.WriteStartObject("meta");
                WriteVersion(writer, version, lastModified);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A top-level attribute of an element, matched case-insensitively as SCIM attribute names are.</summary>
    public static bool TryFindProperty(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }

        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>A string attribute of an element (case-insensitive name), or <see langword="null"/>.</summary>
    public static string? FindString(JsonElement element, string name) =>
        TryFindProperty(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The string <c>meta.version</c> of a stored document (the store checked it was there).</summary>
    public static string VersionOf(JsonElement document) =>
        (TryFindProperty(document, "meta", out var meta) ? FindString(meta, "version") : null)
        ?? throw new InvalidOperationException("A stored document lost its meta.version.");

    /// <summary>A top-level attribute of a node, matched case-insensitively as SCIM attribute names are.</summary>
    public static JsonNode? FindProperty(JsonObject node, string name)
    {
        if (node.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in node)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>A string attribute of a node (case-insensitive name), or <see langword="null"/>.</summary>
    public static string? FindString(JsonObject node, string name) =>
        FindProperty(node, name) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The string <c>meta.version</c> of a document, or <see langword="null"/>.</summary>
    public static string? FindVersion(JsonObject node) =>
        FindProperty(node, "meta") is JsonObject meta ? FindString(meta, "version") : null;

    /// <summary>The members a document carries (value and optional type), in order, without duplicates.</summary>
    public static List<GroupMember> ReadMembers(JsonObject node)
    {
        var result = new List<GroupMember>();
        if (FindProperty(node, Members) is not JsonArray array)
        {
            return result;
        }

        foreach (var item in array)
        {
            if (item is JsonObject member && FindString(member, "value") is { Length: > 0 } value)
            {
                result.Add(new GroupMember(value, FindString(member, "type")));
            }
        }

        return result;
    }

    private static void WriteVersion(Utf8JsonWriter writer, string version, DateTimeOffset lastModified)
    {
        writer.WriteString("lastModified", lastModified);
        writer.WriteString("version", version);
    }
}
