using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Jostle.Scim.Protocol;

/// <summary>SCIM message schema URNs and media types of RFC 7644, and the error body of §3.12.</summary>
internal static class ScimProtocol
{
    public const string MediaType = "application/scim+json";
    public const string ContentType = "application/scim+json; charset=utf-8";

    /// <summary>
    /// Writer options for response bodies: JSON escaping only (no HTML-safe <c>\u0022</c> for quotes in ETags and
    /// details), since a SCIM body is never embedded in HTML.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    public const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string ListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string SearchRequestSchema = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
    public const string BulkRequestSchema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
    public const string BulkResponseSchema = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

    /// <summary>Whether a request <c>Content-Type</c> is one SCIM accepts: <c>application/scim+json</c> or <c>application/json</c>, any parameters.</summary>
    public static bool IsAcceptedContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var media = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return media.Equals(MediaType, StringComparison.OrdinalIgnoreCase) || media.Equals("application/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Writes a SCIM error body: <c>schemas</c>, <c>status</c> (a string), <c>scimType</c> when there is one, <c>detail</c>.</summary>
    public static void WriteError(Utf8JsonWriter writer, int status, ScimErrorType? scimType, string detail)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ErrorSchema);
        writer.WriteEndArray();
        writer.WriteString("status", status.ToString(CultureInfo.InvariantCulture));
        if (scimType is { } type)
        {
            writer.WriteString("scimType", ScimException.ToKeyword(type));
        }

        writer.WriteString("detail", detail);
        writer.WriteEndObject();
    }

    /// <summary>The error body as UTF-8 JSON.</summary>
    public static byte[] ErrorBytes(int status, ScimErrorType? scimType, string detail)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteError(writer, status, scimType, detail);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
