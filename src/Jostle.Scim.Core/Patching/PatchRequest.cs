using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;

namespace Jostle.Scim.Patching;

/// <summary>The <c>op</c> of a PATCH operation (RFC 7644 §3.5.2).</summary>
public enum PatchOperationType
{
    /// <summary><c>add</c>.</summary>
    Add,
    /// <summary><c>replace</c>.</summary>
    Replace,
    /// <summary><c>remove</c>.</summary>
    Remove,
}

/// <summary>One operation of a PATCH request, parsed and checked for syntax (its path is not yet resolved against a schema).</summary>
public sealed class PatchOperation
{
    internal PatchOperation(int index, PatchOperationType op, string? pathText, PatchPath? path, JsonNode? value, bool hasValue)
    {
        Index = index;
        Op = op;
        PathText = pathText;
        Path = path;
        Value = value;
        HasValue = hasValue;
    }

    /// <summary>The operation's 1-based position in the request, as error details name it.</summary>
    public int Index { get; }

    /// <summary>The operation.</summary>
    public PatchOperationType Op { get; }

    /// <summary>The <c>path</c> as sent, or <see langword="null"/> when the operation has none.</summary>
    public string? PathText { get; }

    /// <summary>The parsed <c>path</c>, or <see langword="null"/> when the operation has none.</summary>
    public PatchPath? Path { get; }

    /// <summary>The <c>value</c>, or <see langword="null"/> when absent (or JSON <c>null</c>).</summary>
    public JsonNode? Value { get; }

    /// <summary>Whether the operation had a <c>value</c> member (even <c>null</c>).</summary>
    public bool HasValue { get; }

    /// <summary>How error details name this operation, e.g. <c>Operation 2 (replace emails[type eq "home"].value)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"Operation {Index} ({Keyword(Op)}{(PathText is null ? "" : " " + PathText)})";

    internal static string Keyword(PatchOperationType op) => op switch
    {
        PatchOperationType.Add => "add",
        PatchOperationType.Replace => "replace",
        _ => "remove",
    };
}

/// <summary>
/// A parsed PATCH request body (RFC 7644 §3.5.2): <c>{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
/// "Operations":[…]}</c>. Parsing checks the body's structure and each <c>path</c>'s syntax; apply it with
/// <see cref="PatchApplier.Apply"/>.
/// </summary>
public sealed class PatchRequest
{
    /// <summary>The PatchOp message schema URN.</summary>
    public const string PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    private PatchRequest(IReadOnlyList<PatchOperation> operations, ScimCompatibility rulesFired)
    {
        Operations = operations;
        RulesFired = rulesFired;
    }

    /// <summary>The operations, in request order.</summary>
    public IReadOnlyList<PatchOperation> Operations { get; }

    /// <summary>The compatibility rules parsing needed (e.g. <see cref="ScimCompatibility.CaseInsensitivePatchOp"/>).</summary>
    public ScimCompatibility RulesFired { get; }

    /// <summary>Parses a PATCH request body from JSON text.</summary>
    /// <param name="json">The body.</param>
    /// <param name="compatibility">The compatibility rules in force; all of them by default.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ScimException">The body is not a valid PatchOp message (<c>invalidSyntax</c>, <c>invalidPath</c>,
    /// <c>noTarget</c> or <c>invalidValue</c>); the detail names the operation.</exception>
    public static PatchRequest Parse(string json, ScimCompatibility compatibility = ScimCompatibility.All)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonElement body;
        try
        {
            // The body is read as a JsonElement rather than a JsonNode: only the values become JsonNodes (backed by
            // the same element, as JsonNode.Parse would make them), the envelope and the operations are never
            // materialised as JsonObjects. Same results and errors as Parse(JsonNode.Parse(json)), except that a
            // duplicate member name is invalid JSON here (a JsonObject would throw ArgumentException on it).
            // The parser's duplicate-name check costs about a third of the parse. The fast path parses without it
            // and checks names itself while it reads the body; anything it does not expect (an error, an unusual
            // name, a member twice) sends the body through the checked parse and the general reader, so errors and
            // results are the same either way.
            body = JsonElement.Parse(json);
            if (TryParseUsual(body, compatibility) is { } usual)
            {
                return usual;
            }

            body = JsonElement.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The PATCH body is not valid JSON: " + e.Message);
        }

        return Parse(body, compatibility);
    }

    /// <summary>
    /// The usual body, read in one pass per object: exactly <c>schemas</c> (strings, listing the PatchOp URN) and
    /// <c>Operations</c>, each operation exactly <c>op</c>, <c>path</c> and <c>value</c>, valid, with no member named
    /// twice anywhere. Returns <see langword="null"/> for anything else; never throws.
    /// </summary>
    private static PatchRequest? TryParseUsual(JsonElement root, ScimCompatibility compatibility)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        JsonElement schemas = default, list = default;
        bool hasSchemas = false, hasList = false;
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("schemas"u8) && !hasSchemas)
            {
                schemas = property.Value;
                hasSchemas = true;
            }
            else if (property.NameEquals("Operations"u8) && !hasList)
            {
                list = property.Value;
                hasList = true;
            }
            else
            {
                return null;
            }
        }

        if (!hasSchemas || !hasList || schemas.ValueKind != JsonValueKind.Array || list.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var listsPatchOp = false;
        foreach (var uri in schemas.EnumerateArray())
        {
            if (uri.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            listsPatchOp |= uri.ValueEquals(PatchOpSchema);
        }

        var count = list.GetArrayLength();
        if (!listsPatchOp || count == 0)
        {
            return null;
        }

        var fired = ScimCompatibility.None;
        var operations = new PatchOperation[count];
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            JsonElement opElement = default, pathElement = default, valueElement = default;
            bool hasOp = false, hasPath = false, hasValue = false;
            foreach (var property in item.EnumerateObject())
            {
                if (property.NameEquals("op"u8) && !hasOp)
                {
                    opElement = property.Value;
                    hasOp = true;
                }
                else if (property.NameEquals("path"u8) && !hasPath)
                {
                    pathElement = property.Value;
                    hasPath = true;
                }
                else if (property.NameEquals("value"u8) && !hasValue)
                {
                    valueElement = property.Value;
                    hasValue = true;
                }
                else
                {
                    return null;
                }
            }

            if (!hasOp || opElement.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            PatchOperationType op;
            if (opElement.ValueEquals("add"u8))
            {
                op = PatchOperationType.Add;
            }
            else if (opElement.ValueEquals("replace"u8))
            {
                op = PatchOperationType.Replace;
            }
            else if (opElement.ValueEquals("remove"u8))
            {
                op = PatchOperationType.Remove;
            }
            else if ((compatibility & ScimCompatibility.CaseInsensitivePatchOp) == 0)
            {
                return null;
            }
            else if (opElement.ValueEquals("Replace"u8))
            {
                op = PatchOperationType.Replace;
                fired |= ScimCompatibility.CaseInsensitivePatchOp;
            }
            else if (opElement.ValueEquals("Add"u8))
            {
                op = PatchOperationType.Add;
                fired |= ScimCompatibility.CaseInsensitivePatchOp;
            }
            else if (opElement.ValueEquals("Remove"u8))
            {
                op = PatchOperationType.Remove;
                fired |= ScimCompatibility.CaseInsensitivePatchOp;
            }
            else
            {
                return null;
            }

            string? pathText = null;
            PatchPath? path = null;
            if (hasPath && pathElement.ValueKind != JsonValueKind.Null)
            {
                if (pathElement.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                pathText = pathElement.GetString()!;
                if (!PatchPath.TryParse(pathText, out path, out _))
                {
                    return null;
                }
            }

            JsonNode? value = null;
            if (hasValue)
            {
                switch (valueElement.ValueKind)
                {
                    case JsonValueKind.Null:
                        break;
                    case JsonValueKind.Object:
                    case JsonValueKind.Array:
                        if (MayHaveDuplicateNames(valueElement))
                        {
                            return null;
                        }

                        value = valueElement.ValueKind == JsonValueKind.Object ? JsonObject.Create(valueElement) : JsonArray.Create(valueElement);
                        break;
                    default:
                        value = JsonValue.Create(valueElement);
                        break;
                }
            }

            if (op == PatchOperationType.Remove ? path is null : value is null)
            {
                return null;
            }

            operations[index] = new PatchOperation(index + 1, op, pathText, path, value, hasValue);
            index++;
        }

        return new PatchRequest(operations, fired);
    }

    /// <summary>Whether an object anywhere in <paramref name="element"/> may name a member twice (names compared as
    /// raw UTF-8; an escaped name, or an object of more than 16 members, counts as a possible duplicate).</summary>
    private static bool MayHaveDuplicateNames(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var i = 0;
                foreach (var property in element.EnumerateObject())
                {
                    var name = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
                    if (++i > 16 || name.IndexOf((byte)'\\') >= 0)
                    {
                        return true;
                    }

                    var j = 0;
                    foreach (var earlier in element.EnumerateObject())
                    {
                        if (++j == i)
                        {
                            break;
                        }

                        if (System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(earlier).SequenceEqual(name))
                        {
                            return true;
                        }
                    }

                    if (MayHaveDuplicateNames(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (MayHaveDuplicateNames(item))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Parses a PATCH request body.</summary>
    /// <param name="body">The body as a JSON node.</param>
    /// <param name="compatibility">The compatibility rules in force; all of them by default.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ScimException">The body is not a valid PatchOp message; the detail names the operation.</exception>
    public static PatchRequest Parse(JsonNode? body, ScimCompatibility compatibility = ScimCompatibility.All)
    {
        if (body is not JsonObject root)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The PATCH body must be a JSON object with \"schemas\" and \"Operations\".");
        }

        if (JsonMemberLookup.Get(root, "schemas") is not JsonArray schemas
            || !schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var text) && string.Equals(text, PatchOpSchema, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"The PATCH body's \"schemas\" must contain \"{PatchOpSchema}\".");
        }

        if (JsonMemberLookup.Get(root, "Operations") is not JsonArray list || list.Count == 0)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The PATCH body's \"Operations\" must be a non-empty array.");
        }

        var fired = ScimCompatibility.None;
        var operations = new PatchOperation[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            operations[i] = ParseOperation(i + 1, list[i], compatibility, ref fired);
        }

        return new PatchRequest(operations, fired);
    }

    private static PatchRequest Parse(JsonElement root, ScimCompatibility compatibility)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The PATCH body must be a JSON object with \"schemas\" and \"Operations\".");
        }

        if (!TryGet(root, "schemas"u8, "schemas", out var schemas) || schemas.ValueKind != JsonValueKind.Array || !ListsPatchOp(schemas))
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"The PATCH body's \"schemas\" must contain \"{PatchOpSchema}\".");
        }

        if (!TryGet(root, "Operations"u8, "Operations", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The PATCH body's \"Operations\" must be a non-empty array.");
        }

        var fired = ScimCompatibility.None;
        var operations = new PatchOperation[list.GetArrayLength()];
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            operations[i] = ParseOperation(i + 1, item, compatibility, ref fired);
            i++;
        }

        return new PatchRequest(operations, fired);

        static bool ListsPatchOp(JsonElement schemas)
        {
            foreach (var s in schemas.EnumerateArray())
            {
                if (s.ValueKind == JsonValueKind.String
                    && (s.ValueEquals(PatchOpSchema) || string.Equals(s.GetString(), PatchOpSchema, StringComparison.OrdinalIgnoreCase)))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static PatchOperation ParseOperation(int index, JsonElement item, ScimCompatibility compatibility, ref ScimCompatibility fired)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"Operation {index}: an operation must be a JSON object with \"op\".");
        }

        if (!TryGet(item, "op"u8, "op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"Operation {index}: \"op\" is missing or not a string; expected \"add\", \"replace\" or \"remove\".");
        }

        PatchOperationType op;
        if (opElement.ValueEquals("add"u8))
        {
            op = PatchOperationType.Add;
        }
        else if (opElement.ValueEquals("replace"u8))
        {
            op = PatchOperationType.Replace;
        }
        else if (opElement.ValueEquals("remove"u8))
        {
            op = PatchOperationType.Remove;
        }
        else if (opElement.ValueEquals("Replace"u8))
        {
            // Entra ID's capitalised ops, matched without materialising the text (the relaxed path lower-cases a copy).
            op = RelaxedOp(index, PatchOperationType.Replace, "Replace", compatibility, ref fired);
        }
        else if (opElement.ValueEquals("Add"u8))
        {
            op = RelaxedOp(index, PatchOperationType.Add, "Add", compatibility, ref fired);
        }
        else if (opElement.ValueEquals("Remove"u8))
        {
            op = RelaxedOp(index, PatchOperationType.Remove, "Remove", compatibility, ref fired);
        }
        else
        {
            op = RelaxedOp(index, opElement.GetString()!, compatibility, ref fired);
        }

        string? pathText = null;
        PatchPath? path = null;
        if (TryGet(item, "path"u8, "path", out var pathElement) && pathElement.ValueKind != JsonValueKind.Null)
        {
            if (pathElement.ValueKind != JsonValueKind.String)
            {
                throw new ScimException(ScimErrorType.InvalidPath, $"Operation {index} ({PatchOperation.Keyword(op)}): \"path\" must be a string.");
            }

            pathText = pathElement.GetString()!;
            path = ParsePath(index, op, pathText);
        }

        var hasValue = TryGet(item, "value"u8, "value", out var valueElement);
        JsonNode? value = !hasValue ? null : valueElement.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Object => JsonObject.Create(valueElement),
            JsonValueKind.Array => JsonArray.Create(valueElement),
            _ => JsonValue.Create(valueElement),
        };
        return Check(new PatchOperation(index, op, pathText, path, value, hasValue), compatibility, ref fired);
    }

    /// <summary>Like <see cref="JsonMemberLookup.Get(JsonObject, string, out bool)"/>: the exact name first, then the first member named alike ignoring case.</summary>
    private static bool TryGet(JsonElement obj, ReadOnlySpan<byte> utf8Name, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(utf8Name, out value))
        {
            return true;
        }

        foreach (var property in obj.EnumerateObject())
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

    private static PatchOperation ParseOperation(int index, JsonNode? node, ScimCompatibility compatibility, ref ScimCompatibility fired)
    {
        if (node is not JsonObject item)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"Operation {index}: an operation must be a JSON object with \"op\".");
        }

        if (JsonMemberLookup.Get(item, "op") is not JsonValue opNode || !opNode.TryGetValue<string>(out var opText))
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"Operation {index}: \"op\" is missing or not a string; expected \"add\", \"replace\" or \"remove\".");
        }

        var op = opText switch
        {
            "add" => PatchOperationType.Add,
            "replace" => PatchOperationType.Replace,
            "remove" => PatchOperationType.Remove,
            _ => RelaxedOp(index, opText, compatibility, ref fired),
        };

        string? pathText = null;
        PatchPath? path = null;
        var pathNode = JsonMemberLookup.Get(item, "path", out var hasPath);
        if (hasPath && pathNode is not null)
        {
            if (pathNode is not JsonValue pv || !pv.TryGetValue<string>(out pathText))
            {
                throw new ScimException(ScimErrorType.InvalidPath, $"Operation {index} ({PatchOperation.Keyword(op)}): \"path\" must be a string.");
            }

            path = ParsePath(index, op, pathText);
        }

        var value = JsonMemberLookup.Get(item, "value", out var hasValue);
        return Check(new PatchOperation(index, op, pathText, path, value, hasValue), compatibility, ref fired);
    }

    private static PatchOperationType RelaxedOp(int index, PatchOperationType op, string opText, ScimCompatibility compatibility, ref ScimCompatibility fired) =>
        RelaxedOp(index, (PatchOperationType?)op, opText, compatibility, ref fired);

    private static PatchOperationType RelaxedOp(int index, string opText, ScimCompatibility compatibility, ref ScimCompatibility fired)
    {
        PatchOperationType? relaxed = opText.ToLowerInvariant() switch
        {
            "add" => PatchOperationType.Add,
            "replace" => PatchOperationType.Replace,
            "remove" => PatchOperationType.Remove,
            _ => null,
        };
        return RelaxedOp(index, relaxed, opText, compatibility, ref fired);
    }

    private static PatchOperationType RelaxedOp(int index, PatchOperationType? relaxed, string opText, ScimCompatibility compatibility, ref ScimCompatibility fired)
    {
        if (relaxed is null || (compatibility & ScimCompatibility.CaseInsensitivePatchOp) == 0)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"Operation {index}: unknown op \"{opText}\"; expected \"add\", \"replace\" or \"remove\".");
        }

        fired |= ScimCompatibility.CaseInsensitivePatchOp;
        return relaxed.Value;
    }

    private static PatchPath ParsePath(int index, PatchOperationType op, string pathText) =>
        PatchPath.TryParse(pathText, out var path, out var error)
            ? path
            : throw new ScimException(ScimErrorType.InvalidPath, $"Operation {index} ({PatchOperation.Keyword(op)} {pathText}): {error.Message}");

    /// <summary>
    /// The checks that need the whole operation: remove needs a path, add and replace a non-null value. A <c>replace</c>
    /// of a path with <c>null</c> unassigns it (RFC 7643 §2.5: null and unassigned are the same state), and so does one
    /// with <c>""</c> under <see cref="ScimCompatibility.EmptyStringClears"/> (Microsoft's validator's "null update").
    /// </summary>
    private static PatchOperation Check(PatchOperation operation, ScimCompatibility compatibility, ref ScimCompatibility fired)
    {
        var op = operation.Op;
        var value = operation.Value;
        var path = operation.Path;
        if (op == PatchOperationType.Replace && path is not null)
        {
            if (value is null && operation.HasValue)
            {
                return new PatchOperation(operation.Index, PatchOperationType.Remove, operation.PathText, path, null, hasValue: false);
            }

            if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String && text.GetValue<string>().Length == 0
                && (compatibility & ScimCompatibility.EmptyStringClears) != 0)
            {
                fired |= ScimCompatibility.EmptyStringClears;
                return new PatchOperation(operation.Index, PatchOperationType.Remove, operation.PathText, path, null, hasValue: false);
            }
        }

        if (op == PatchOperationType.Remove && path is null)
        {
            throw new ScimException(ScimErrorType.NoTarget, $"{operation}: remove needs a \"path\".");
        }

        if (op != PatchOperationType.Remove && value is null)
        {
            throw new ScimException(ScimErrorType.InvalidValue, $"{operation}: {PatchOperation.Keyword(op)} needs a non-null \"value\".");
        }

        return operation;
    }
}
