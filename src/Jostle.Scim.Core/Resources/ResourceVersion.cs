using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Resources;

/// <summary>
/// <c>meta.version</c>: a weak ETag over the document's content. The content is the normalised document without
/// <c>meta</c>, written as compact JSON (normalisation fixes the property order), hashed with SHA-256; the first
/// 16 bytes in hex form the tag. A content hash needs no stored counter, is the same on every instance that computes it,
/// and changes whenever the content changes; a write that changes nothing keeps its version, as a weak validator should.
/// </summary>
internal static class ResourceVersion
{
    public static string Compute(JsonObject document)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in document)
            {
                if (string.Equals(key, "meta", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                writer.WritePropertyName(key);
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

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return "W/\"" + Convert.ToHexStringLower(hash[..16]) + "\"";
    }
}
