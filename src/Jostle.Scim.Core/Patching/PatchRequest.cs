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
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The PATCH body is not valid JSON: " + e.Message);
        }

        return Parse(body, compatibility);
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

        if (JsonKeys.Get(root, "schemas") is not JsonArray schemas
            || !schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var text) && string.Equals(text, PatchOpSchema, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"The PATCH body's \"schemas\" must contain \"{PatchOpSchema}\".");
        }

        if (JsonKeys.Get(root, "Operations") is not JsonArray list || list.Count == 0)
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

    private static PatchOperation ParseOperation(int index, JsonNode? node, ScimCompatibility compatibility, ref ScimCompatibility fired)
    {
        if (node is not JsonObject item)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"Operation {index}: an operation must be a JSON object with \"op\".");
        }

        if (JsonKeys.Get(item, "op") is not JsonValue opNode || !opNode.TryGetValue<string>(out var opText))
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"Operation {index}: \"op\" is missing or not a string; expected \"add\", \"replace\" or \"remove\".");
        }

        PatchOperationType op;
        switch (opText)
        {
            case "add": op = PatchOperationType.Add; break;
            case "replace": op = PatchOperationType.Replace; break;
            case "remove": op = PatchOperationType.Remove; break;
            default:
                var lower = opText.ToLowerInvariant();
                PatchOperationType? relaxed = lower switch
                {
                    "add" => PatchOperationType.Add,
                    "replace" => PatchOperationType.Replace,
                    "remove" => PatchOperationType.Remove,
                    _ => null,
                };
                if (relaxed is null || (compatibility & ScimCompatibility.CaseInsensitivePatchOp) == 0)
                {
                    throw new ScimException(ScimErrorType.InvalidSyntax, $"Operation {index}: unknown op \"{opText}\"; expected \"add\", \"replace\" or \"remove\".");
                }

                fired |= ScimCompatibility.CaseInsensitivePatchOp;
                op = relaxed.Value;
                break;
        }

        string? pathText = null;
        PatchPath? path = null;
        var pathNode = JsonKeys.Get(item, "path", out var hasPath);
        if (hasPath && pathNode is not null)
        {
            if (pathNode is not JsonValue pv || !pv.TryGetValue<string>(out pathText))
            {
                throw new ScimException(ScimErrorType.InvalidPath, $"Operation {index} ({PatchOperation.Keyword(op)}): \"path\" must be a string.");
            }

            if (!PatchPath.TryParse(pathText, out path, out var error))
            {
                throw new ScimException(ScimErrorType.InvalidPath, $"Operation {index} ({PatchOperation.Keyword(op)} {pathText}): {error.Message}");
            }
        }

        var value = JsonKeys.Get(item, "value", out var hasValue);
        var operation = new PatchOperation(index, op, pathText, path, value, hasValue);
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
