using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Stores.InMemory;

/// <summary>JSON plumbing for the in-memory store: immutable snapshots, case-insensitive attribute lookups and member composition.</summary>
internal static class StoreJson
{
    public const string Members = "members";

    /// <summary>Serialises a document once into an immutable element, leaving out one top-level attribute (case-insensitively).</summary>
    public static JsonElement ToElement(JsonObject document, string? without = null)
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

        return Parse(buffer);
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

        return Parse(buffer);
    }

    /// <summary>A copy of a document whose <c>meta.version</c> and <c>meta.lastModified</c> are replaced.</summary>
    public static JsonElement WithNewVersion(JsonElement document, string version, DateTimeOffset lastModified)
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

        return Parse(buffer);
    }

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

    private static JsonElement Parse(ArrayBufferWriter<byte> buffer)
    {
        using var parsed = JsonDocument.Parse(buffer.WrittenMemory);
        return parsed.RootElement.Clone();
    }
}
