using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Resources;

namespace Jostle.Scim.Protocol;

/// <summary>Writes a <c>ListResponse</c> (RFC 7644 §3.4.2) straight to a <see cref="Utf8JsonWriter"/>, no reflection.</summary>
internal static class ListResponseWriter
{
    /// <summary>Writes a list of projected resources. <paramref name="resources"/> pairs each document with its projection.</summary>
    public static void Write(Utf8JsonWriter writer, int totalResults, int startIndex, IReadOnlyList<(JsonObject Document, ResourceProjection Projection)> resources) =>
        Write(writer, totalResults, startIndex, resources, cursor: null);

    /// <summary>
    /// Writes a list of projected resources. With <paramref name="cursor"/> (RFC 9865 cursor paging) the response has
    /// no <c>startIndex</c> and carries <c>nextCursor</c> unless this is the last page.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, int totalResults, int startIndex, IReadOnlyList<(JsonObject Document, ResourceProjection Projection)> resources, CursorPage? cursor)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimProtocol.ListResponseSchema);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", totalResults);
        writer.WriteNumber("itemsPerPage", resources.Count);
        if (cursor is null)
        {
            writer.WriteNumber("startIndex", startIndex);
        }
        else if (cursor.Value.NextCursor is { } next)
        {
            writer.WriteString("nextCursor", next);
        }

        writer.WriteStartArray("Resources");
        foreach (var (document, projection) in resources)
        {
            projection.WriteTo(writer, document);
        }

        WriteTail(writer);
    }

    /// <summary>Writes a list of documents as they are (discovery resources).</summary>
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<JsonObject> documents)
    {
        WriteHead(writer, documents.Count, 1, documents.Count);
        foreach (var document in documents)
        {
            document.WriteTo(writer);
        }

        WriteTail(writer);
    }

    private static void WriteHead(Utf8JsonWriter writer, int totalResults, int startIndex, int itemsPerPage)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimProtocol.ListResponseSchema);
        writer.WriteEndArray();
        writer.WriteNumber("totalResults", totalResults);
        writer.WriteNumber("itemsPerPage", itemsPerPage);
        writer.WriteNumber("startIndex", startIndex);
        writer.WriteStartArray("Resources");
    }

    /// <summary>Marks a cursor-paged response and carries its <c>nextCursor</c> (<see langword="null"/> on the last page).</summary>
    public readonly record struct CursorPage(string? NextCursor);

    private static void WriteTail(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
