using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Jostle.Scim.Administration;

/// <summary>
/// Builds the redacted request summaries of the provisioning log. Secrets — any member whose name contains
/// <c>password</c>, <c>secret</c>, <c>token</c> or <c>key</c> (<c>password</c>, <c>client_secret</c>, …) — are replaced by
/// <c>"[removed]"</c> in both forms. In the masked form every string value is masked (<c>"j***@c***"</c>) except the SCIM
/// keywords an admin needs to read the request: <c>schemas</c>, <c>op</c>, <c>type</c>, and the attribute names in a
/// PATCH <c>path</c> (its quoted values are masked); booleans, numbers and null are kept.
/// </summary>
internal static partial class ScimRequestSummary
{
    public const int MaxLength = 4000;
    private const string Removed = "[removed]";

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase) { "schemas", "op", "type" };

    /// <remarks>
    /// One walk of the body writes both forms straight to UTF-8 (what <c>ToJsonString()</c> of a redacted copy would give,
    /// byte for byte): no copy of the tree per form, and each member name is tested for a secret once.
    /// </remarks>
    public static (string Masked, string Unmasked) Summarise(JsonNode? body)
    {
        var maskedBuffer = new ArrayBufferWriter<byte>(256);
        var unmaskedBuffer = new ArrayBufferWriter<byte>(256);
        using (var masked = new Utf8JsonWriter(maskedBuffer))
        using (var unmasked = new Utf8JsonWriter(unmaskedBuffer))
        {
            Write(body, name: null, masked, unmasked);
        }

        return (Limit(Encoding.UTF8.GetString(maskedBuffer.WrittenSpan)), Limit(Encoding.UTF8.GetString(unmaskedBuffer.WrittenSpan)));
    }

    /// <summary>A query string with filter values masked (and secrets removed), or <see langword="null"/> when there is none.</summary>
    public static (string Masked, string Unmasked)? SummariseQuery(string? queryString)
    {
        if (string.IsNullOrEmpty(queryString) || queryString == "?")
        {
            return null;
        }

        var decoded = Uri.UnescapeDataString(queryString.TrimStart('?').Replace('+', ' '));
        var unmasked = RemoveSecretParameters(decoded);
        return (Limit(MaskQuoted(unmasked)), Limit(unmasked));
    }

    /// <summary>Masks one value: keeps its first character (and, for an e-mail, the first character of the domain), hides the rest.</summary>
    public static string MaskValue(string value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at > 0 && at < value.Length - 1)
        {
            return value[0] + "***@" + value[at + 1] + "***";
        }

        return value[0] + "***";
    }

    /// <summary>Writes <paramref name="node"/> (the value of member <paramref name="name"/>) in both forms.</summary>
    private static void Write(JsonNode? node, string? name, Utf8JsonWriter masked, Utf8JsonWriter unmasked)
    {
        switch (node)
        {
            case null:
                masked.WriteNullValue();
                unmasked.WriteNullValue();
                return;
            case JsonObject obj:
                masked.WriteStartObject();
                unmasked.WriteStartObject();
                foreach (var (key, value) in obj)
                {
                    masked.WritePropertyName(key);
                    unmasked.WritePropertyName(key);
                    if (IsSecret(key))
                    {
                        masked.WriteStringValue(Removed);
                        unmasked.WriteStringValue(Removed);
                    }
                    else
                    {
                        Write(value, key, masked, unmasked);
                    }
                }

                masked.WriteEndObject();
                unmasked.WriteEndObject();
                return;
            case JsonArray array:
                masked.WriteStartArray();
                unmasked.WriteStartArray();
                foreach (var item in array)
                {
                    Write(item, name, masked, unmasked);
                }

                masked.WriteEndArray();
                unmasked.WriteEndArray();
                return;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                unmasked.WriteStringValue(text);
                masked.WriteStringValue(name is not null && Keywords.Contains(name) ? text
                    : name is not null && name.Equals("path", StringComparison.OrdinalIgnoreCase) ? MaskQuoted(text)
                    : MaskValue(text));
                return;
            default:
                node.WriteTo(masked);
                node.WriteTo(unmasked);
                return;
        }
    }

    private static bool IsSecret(string name) =>
        name.Contains("password", StringComparison.OrdinalIgnoreCase) || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("key", StringComparison.OrdinalIgnoreCase);

    private static string RemoveSecretParameters(string query)
    {
        var parts = query.Split('&');
        var builder = new StringBuilder();
        foreach (var part in parts)
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            builder.Append(builder.Length == 0 ? "" : "&").Append(IsSecret(key) ? key + "=" + Removed : part);
        }

        return builder.ToString();
    }

    private static string MaskQuoted(string text) => QuotedString().Replace(text, m => "\"" + MaskValue(Regex.Unescape(m.Groups[1].Value)) + "\"");

    private static string Limit(string text) => text.Length <= MaxLength ? text : text[..MaxLength] + "…";

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedString();
}
