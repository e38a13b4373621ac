using System.Globalization;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Protocol;

/// <summary>
/// The query parameters of RFC 7644 §3.4.2 (<c>filter</c>, <c>sortBy</c>, <c>sortOrder</c>, <c>startIndex</c>,
/// <c>count</c>, <c>attributes</c>, <c>excludedAttributes</c>), read from a query string or from a
/// <c>SearchRequest</c> body (§3.4.3) and normalised: <c>startIndex</c> &lt; 1 is 1, <c>count</c> &lt; 0 is 0,
/// <c>count</c> is capped at the advertised maximum and defaults to it.
/// With <c>cursor</c> (RFC 9865; empty for the first page) the request pages by cursor: <c>startIndex</c> is refused and
/// a <c>count</c> that is not a non-negative integer is <c>400 invalidCount</c>.
/// </summary>
internal sealed class ScimQueryParameters
{
    public string? Filter { get; private init; }

    public string? SortBy { get; private init; }

    public string? SortOrder { get; private init; }

    public int StartIndex { get; private init; } = 1;

    public int Count { get; private init; }

    public string? Attributes { get; private init; }

    /// <summary>The <c>cursor</c> (RFC 9865): <see langword="null"/> for index paging, empty for the first page of a cursor walk.</summary>
    public string? Cursor { get; private init; }

    /// <summary>Whether the request pages by cursor.</summary>
    public bool IsCursorPaging => Cursor is not null;

    public string? ExcludedAttributes { get; private init; }

    /// <summary>Reads the parameters from a query string.</summary>
    /// <param name="get">Returns a parameter's value (names are matched case-insensitively by the caller), or <see langword="null"/>.</param>
    /// <param name="maxResults">The advertised <c>maxResults</c>.</param>
    /// <exception cref="ScimException"><c>400 invalidValue</c>: <c>startIndex</c> or <c>count</c> is not an integer, or <c>sortOrder</c> is neither value.</exception>
    public static ScimQueryParameters FromQuery(Func<string, string?> get, int maxResults)
    {
        var cursor = get("cursor");
        var startIndex = get("startIndex");
        CheckNotBoth(cursor, startIndex is not null);
        return Create(
            get("filter"),
            get("sortBy"),
            get("sortOrder"),
            ParseInt(startIndex, "startIndex"),
            ParseInt(get("count"), "count", cursor is not null),
            get("attributes"),
            get("excludedAttributes"),
            cursor,
            maxResults);
    }

    /// <summary>Reads the parameters from a <c>SearchRequest</c> body.</summary>
    /// <exception cref="ScimException"><c>400 invalidSyntax</c> or <c>invalidValue</c> for a malformed body.</exception>
    public static ScimQueryParameters FromSearchRequest(JsonNode? body, int maxResults)
    {
        if (body is not JsonObject root)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The search request body must be a JSON object (a SearchRequest message).");
        }

        if (Find(root, "schemas") is JsonArray schemas
            && !schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var text) && text.Equals(ScimProtocol.SearchRequestSchema, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"The search request's \"schemas\" must contain \"{ScimProtocol.SearchRequestSchema}\".");
        }

        var cursor = String(root, "cursor");
        CheckNotBoth(cursor, Find(root, "startIndex") is not null);
        return Create(
            String(root, "filter"),
            String(root, "sortBy"),
            String(root, "sortOrder"),
            Int(root, "startIndex"),
            Int(root, "count", cursor is not null),
            List(root, "attributes"),
            List(root, "excludedAttributes"),
            cursor,
            maxResults);
    }

    private static void CheckNotBoth(string? cursor, bool hasStartIndex)
    {
        if (cursor is not null && hasStartIndex)
        {
            throw new ScimException(ScimErrorType.InvalidValue, "startIndex and cursor cannot be used together: RFC 9865 §2 has a request page either by index (startIndex) or by cursor, never both. Drop startIndex to page by cursor.");
        }
    }

    private static ScimQueryParameters Create(string? filter, string? sortBy, string? sortOrder, int? startIndex, int? count, string? attributes, string? excluded, string? cursor, int maxResults)
    {
        if (cursor is not null && count < 0)
        {
            throw new ScimException(ScimErrorType.InvalidCount, $"count must be a non-negative integer with cursor pagination (RFC 9865), not {count}.");
        }

        if (sortOrder is not null
            && !sortOrder.Equals("ascending", StringComparison.OrdinalIgnoreCase)
            && !sortOrder.Equals("descending", StringComparison.OrdinalIgnoreCase))
        {
            throw new ScimException(ScimErrorType.InvalidValue, $"sortOrder must be \"ascending\" or \"descending\", not \"{sortOrder}\".");
        }

        return new ScimQueryParameters
        {
            Filter = string.IsNullOrWhiteSpace(filter) ? null : filter,
            SortBy = string.IsNullOrWhiteSpace(sortBy) ? null : sortBy.Trim(),
            SortOrder = sortOrder,
            StartIndex = Math.Max(1, startIndex ?? 1),
            Count = Math.Clamp(count ?? maxResults, 0, maxResults),
            Attributes = string.IsNullOrWhiteSpace(attributes) ? null : attributes,
            ExcludedAttributes = string.IsNullOrWhiteSpace(excluded) ? null : excluded,
            Cursor = cursor?.Trim(),
        };
    }

    public bool Descending => SortOrder is not null && SortOrder.Equals("descending", StringComparison.OrdinalIgnoreCase);

    private static int? ParseInt(string? text, string name, bool cursorPaging = false)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return (int)Math.Clamp(value, int.MinValue, int.MaxValue);
        }

        throw cursorPaging
            ? new ScimException(ScimErrorType.InvalidCount, $"count must be a non-negative integer with cursor pagination (RFC 9865), not \"{text}\".")
            : new ScimException(ScimErrorType.InvalidValue, $"The query parameter {name} must be an integer, not \"{text}\".");
    }

    private static JsonNode? Find(JsonObject root, string name)
    {
        foreach (var (key, value) in root)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static string? String(JsonObject root, string name) => Find(root, name) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => throw new ScimException(ScimErrorType.InvalidValue, $"The search request's \"{name}\" must be a string."),
    };

    private static int? Int(JsonObject root, string name, bool cursorPaging = false) => Find(root, name) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<long>(out var number) => (int)Math.Clamp(number, int.MinValue, int.MaxValue),
        JsonValue v when v.TryGetValue<string>(out var text) => ParseInt(text, name, cursorPaging),
        _ when cursorPaging => throw new ScimException(ScimErrorType.InvalidCount, $"The search request's \"{name}\" must be a non-negative integer with cursor pagination (RFC 9865)."),
        _ => throw new ScimException(ScimErrorType.InvalidValue, $"The search request's \"{name}\" must be an integer."),
    };

    private static string? List(JsonObject root, string name) => Find(root, name) switch
    {
        null => null,
        JsonArray array => string.Join(',', array.Select(item => item is JsonValue v && v.TryGetValue<string>(out var text)
            ? text
            : throw new ScimException(ScimErrorType.InvalidValue, $"The search request's \"{name}\" must be an array of attribute names."))),
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => throw new ScimException(ScimErrorType.InvalidValue, $"The search request's \"{name}\" must be an array of attribute names."),
    };
}
