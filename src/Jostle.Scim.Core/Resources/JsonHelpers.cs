using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Resources;

internal static class JsonHelpers
{
    /// <summary>Gets a property by name: the exact spelling first (stored documents use the schema's), then case-insensitively.</summary>
    public static JsonNode? Get(JsonObject? obj, string name) => obj is null ? null : JsonMemberLookup.Get(obj, name);

    public static bool IsString(JsonNode node, out string value)
    {
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            // A value built in code from a CLR type (DateTimeOffset, Guid, char…) is a JSON string but not a System.String.
            value = v.TryGetValue(out string? s) ? s : JsonSerializer.Deserialize<string>(v.ToJsonString())!;
            return true;
        }

        value = "";
        return false;
    }

    /// <summary>Reads a JSON number, whether parsed (a JsonElement) or built in code from any CLR numeric type.</summary>
    public static bool TryGetDecimal(JsonValue value, out decimal number)
    {
        number = 0;
        if (value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (value.TryGetValue(out JsonElement element))
        {
            if (element.TryGetDecimal(out number))
            {
                return true;
            }

            number = Clamp(element.GetDouble());
            return true;
        }

        if (value.TryGetValue(out decimal d))
        {
            number = d;
            return true;
        }

        if (value.TryGetValue(out double x))
        {
            number = Clamp(x);
            return true;
        }

        if (value.TryGetValue(out float f))
        {
            number = Clamp(f);
            return true;
        }

        // Every other CLR numeric type fits in a decimal: read its JSON text.
        return decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>Whether a JSON number is a whole number: as parsed text without a fraction, or a whole CLR value.</summary>
    public static bool IsInteger(JsonValue value)
    {
        if (value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (value.TryGetValue(out JsonElement element))
        {
            return element.TryGetInt64(out _);
        }

        return TryGetDecimal(value, out var number) && decimal.Truncate(number) == number && number is >= long.MinValue and <= long.MaxValue;
    }

    private static decimal Clamp(double value) =>
        double.IsNaN(value) ? 0 : (decimal)Math.Clamp(value, (double)decimal.MinValue, (double)decimal.MaxValue);
}
