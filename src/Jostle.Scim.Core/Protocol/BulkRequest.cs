using System.Text.Json.Nodes;

namespace Jostle.Scim.Protocol;

/// <summary>One operation of a <c>BulkRequest</c> (RFC 7644 §3.7).</summary>
internal sealed record BulkOperation(int Index, string Method, string? BulkId, string? Version, string Path, JsonNode? Data);

/// <summary>A parsed <c>BulkRequest</c> message (RFC 7644 §3.7): its operations and <c>failOnErrors</c>.</summary>
internal sealed class BulkRequest
{
    /// <summary>The <c>bulkId:</c> prefix of a reference to another operation's new resource.</summary>
    public const string BulkIdPrefix = "bulkId:";

    private BulkRequest(IReadOnlyList<BulkOperation> operations, int? failOnErrors)
    {
        Operations = operations;
        FailOnErrors = failOnErrors;
    }

    public IReadOnlyList<BulkOperation> Operations { get; }

    /// <summary>How many errors end the request; <see langword="null"/> when every operation is tried.</summary>
    public int? FailOnErrors { get; }

    /// <summary>Parses a BulkRequest body.</summary>
    /// <exception cref="ScimException"><c>400 invalidSyntax</c> or <c>invalidValue</c> for a malformed body; <c>413</c> when it has more than <paramref name="maxOperations"/> operations.</exception>
    public static BulkRequest Parse(JsonNode? body, int maxOperations)
    {
        if (body is not JsonObject root)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The bulk request body must be a JSON object (a BulkRequest message).");
        }

        if (Get(root, "schemas") is not JsonArray schemas
            || !schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var text) && text.Equals(ScimProtocol.BulkRequestSchema, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"The bulk request's \"schemas\" must contain \"{ScimProtocol.BulkRequestSchema}\".");
        }

        int? failOnErrors = null;
        if (Get(root, "failOnErrors") is { } fail)
        {
            if (fail is not JsonValue value || !value.TryGetValue<int>(out var number) || number < 1)
            {
                throw new ScimException(ScimErrorType.InvalidValue, "The bulk request's \"failOnErrors\" must be a positive integer.");
            }

            failOnErrors = number;
        }

        if (Get(root, "Operations") is not JsonArray list)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The bulk request's \"Operations\" must be an array.");
        }

        if (list.Count > maxOperations)
        {
            throw new ScimException(413, null, $"The bulk request has {list.Count} operations; the maximum is {maxOperations} (maxOperations).");
        }

        var operations = new List<BulkOperation>(list.Count);
        var bulkIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item)
            {
                throw new ScimException(ScimErrorType.InvalidSyntax, $"Bulk operation {i} must be a JSON object.");
            }

            var method = Text(item, "method", i) ?? throw new ScimException(ScimErrorType.InvalidSyntax, $"Bulk operation {i} has no \"method\".");
            method = method.ToUpperInvariant();
            if (method is not ("POST" or "PUT" or "PATCH" or "DELETE"))
            {
                throw new ScimException(ScimErrorType.InvalidValue, $"Bulk operation {i} has method \"{method}\"; expected POST, PUT, PATCH or DELETE.");
            }

            var path = Text(item, "path", i) ?? throw new ScimException(ScimErrorType.InvalidSyntax, $"Bulk operation {i} has no \"path\".");
            var bulkId = Text(item, "bulkId", i);
            if (method == "POST" && bulkId is null)
            {
                throw new ScimException(ScimErrorType.InvalidSyntax, $"Bulk operation {i} is a POST without a \"bulkId\".");
            }

            if (bulkId is not null && !bulkIds.Add(bulkId))
            {
                throw new ScimException(ScimErrorType.InvalidValue, $"Bulk operation {i} repeats bulkId \"{bulkId}\".");
            }

            var data = Get(item, "data");
            if (method is "POST" or "PUT" or "PATCH" && data is not JsonObject)
            {
                throw new ScimException(ScimErrorType.InvalidSyntax, $"Bulk operation {i} ({method}) needs a \"data\" object.");
            }

            operations.Add(new BulkOperation(i, method, bulkId, Text(item, "version", i), path, data));
        }

        return new BulkRequest(operations, failOnErrors);
    }

    /// <summary>The bulkIds that a node references (<c>"bulkId:x"</c> string values, at any depth).</summary>
    public static void CollectReferences(JsonNode? node, HashSet<string> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    CollectReferences(value, into);
                }

                break;
            case JsonArray array:
                foreach (var value in array)
                {
                    CollectReferences(value, into);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith(BulkIdPrefix, StringComparison.Ordinal):
                into.Add(text[BulkIdPrefix.Length..]);
                break;
        }
    }

    /// <summary>Replaces every <c>"bulkId:x"</c> string value in a node by the id created for <c>x</c>.</summary>
    public static JsonNode? Resolve(JsonNode? node, IReadOnlyDictionary<string, string> ids)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var current = obj[key];
                    var resolved = Resolve(current, ids);
                    if (!ReferenceEquals(resolved, current))
                    {
                        obj[key] = resolved;
                    }
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var resolved = Resolve(array[i], ids);
                    if (!ReferenceEquals(resolved, array[i]))
                    {
                        array[i] = resolved;
                    }
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith(BulkIdPrefix, StringComparison.Ordinal)
                                      && ids.TryGetValue(text[BulkIdPrefix.Length..], out var id):
                return JsonValue.Create(id);
            default:
                return node;
        }
    }

    private static JsonNode? Get(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static string? Text(JsonObject obj, string name, int index) => Get(obj, name) switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => throw new ScimException(ScimErrorType.InvalidSyntax, $"Bulk operation {index}'s \"{name}\" must be a string."),
    };
}
