using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Jostle.Scim.Testing;

/// <summary>
/// Replays a Runscope test export (the format Okta publishes its SCIM spec test in) against an
/// <see cref="HttpClient"/>: substitutes <c>{{variables}}</c>, sends each request step in order, captures
/// variables from responses and evaluates every assertion. Pause steps are not slept (they only gave a
/// hosted service time to settle). JavaScript <c>scripts</c> are not run; they are listed in the report so
/// a test can check their intent explicitly.
/// </summary>
internal sealed partial class RunscopeReplayer(HttpClient client, IDictionary<string, string> variables)
{
    /// <summary>The variables, including those captured so far.</summary>
    public IDictionary<string, string> Variables { get; } = variables;

    /// <summary>Reads a Runscope export embedded in this assembly and replays its request steps.</summary>
    public async Task<RunscopeReport> RunEmbeddedAsync(string resourceName, CancellationToken cancellationToken = default)
    {
        await using var stream = typeof(RunscopeReplayer).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The suite '{resourceName}' is not embedded in {typeof(RunscopeReplayer).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return await RunExportAsync(await reader.ReadToEndAsync(cancellationToken), cancellationToken);
    }

    /// <summary>Replays the request steps of a Runscope export given as JSON text.</summary>
    public async Task<RunscopeReport> RunExportAsync(string exportJson, CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse(exportJson);
        var steps = new List<RunscopeStepResult>();
        foreach (var step in document.RootElement.GetProperty("steps").EnumerateArray())
        {
            if (Text(step, "step_type") != "request")
            {
                continue;
            }

            steps.Add(await RunStepAsync(step, cancellationToken));
        }

        return new RunscopeReport(Text(document.RootElement, "name") ?? "", steps);
    }

    private async Task<RunscopeStepResult> RunStepAsync(JsonElement step, CancellationToken cancellationToken)
    {
        var name = Substitute(Text(step, "note") ?? Text(step, "url") ?? "", strict: false);
        var method = new HttpMethod(Text(step, "method") ?? "GET");
        var url = Substitute(Text(step, "url") ?? "");
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Absolute));

        var body = Text(step, "body");
        string? contentType = null;
        if (step.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headers.EnumerateObject())
            {
                var values = header.Value.ValueKind == JsonValueKind.Array
                    ? header.Value.EnumerateArray().Select(v => Substitute(v.GetString() ?? "")).ToArray()
                    : [Substitute(header.Value.GetString() ?? "")];
                if (header.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    contentType = values[0];
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(header.Name, values);
                }
            }
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Substitute(body)));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }

        var stopwatch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, cancellationToken);
        var responseText = await response.Content.ReadAsStringAsync(cancellationToken);
        stopwatch.Stop();

        JsonElement? json = null;
        try
        {
            json = responseText.Length == 0 ? null : JsonDocument.Parse(responseText).RootElement.Clone();
        }
        catch (JsonException)
        {
            json = null;
        }

        var failures = new List<string>();
        var exchange = new Exchange((int)response.StatusCode, stopwatch.Elapsed.TotalMilliseconds, json);
        foreach (var assertion in Array(step, "assertions"))
        {
            var failure = Evaluate(assertion, exchange);
            if (failure is not null)
            {
                failures.Add(failure);
            }
        }

        foreach (var capture in Array(step, "variables"))
        {
            var variable = Text(capture, "name");
            if (variable is null || Text(capture, "source") != "response_json" || json is null)
            {
                continue;
            }

            var values = Resolve(json.Value, Text(capture, "property") ?? "");
            if (values.Count == 1)
            {
                Variables[variable] = Stringify(values[0]);
            }
            else
            {
                failures.Add($"capture {variable} from {Text(capture, "property")}: found {values.Count} values");
            }
        }

        var scripts = Array(step, "scripts").Select(s => s.GetString() ?? "").Where(s => s.Length > 0).ToList();
        return new RunscopeStepResult(name, method.Method, url, exchange.Status, responseText, failures, scripts);
    }

    private string? Evaluate(JsonElement assertion, Exchange exchange)
    {
        var source = Text(assertion, "source");
        var comparison = Text(assertion, "comparison") ?? "";
        var property = Text(assertion, "property");
        var expected = Text(assertion, "value") is { } raw ? Substitute(raw) : null;
        var description = $"{source}{(property is null ? "" : " " + property)} {comparison}{(expected is null ? "" : " " + expected)}";

        bool passed;
        string actualText;
        switch (source)
        {
            case "response_status":
                actualText = exchange.Status.ToString(CultureInfo.InvariantCulture);
                passed = CompareScalar(comparison, actualText, expected);
                break;
            case "response_time":
                actualText = exchange.Milliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms";
                passed = CompareScalar(comparison, exchange.Milliseconds.ToString(CultureInfo.InvariantCulture), expected);
                break;
            case "response_json":
                if (exchange.Json is not { } json)
                {
                    return $"{description}: the response is not JSON";
                }

                var values = Resolve(json, property ?? "");
                actualText = values.Count == 0 ? "(missing)" : string.Join(", ", values.Select(v => v.GetRawText()));
                passed = CompareJson(comparison, values, expected);
                break;
            default:
                return $"{description}: unsupported assertion source";
        }

        return passed ? null : $"{description}: actual {actualText}";
    }

    private static bool CompareScalar(string comparison, string actual, string? expected) => comparison switch
    {
        "equal" => actual == expected,
        "not_equal" => actual != expected,
        "equal_number" or "is_less_than" or "is_less_than_or_equal" or "is_greater_than" or "is_greater_than_or_equal"
            => CompareNumbers(comparison, actual, expected),
        _ => throw new NotSupportedException($"Runscope comparison '{comparison}' on a scalar source is not implemented."),
    };

    private static bool CompareNumbers(string comparison, string actual, string? expected)
    {
        if (!double.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            || !double.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e))
        {
            return false;
        }

        return comparison switch
        {
            "equal_number" => a == e,
            "is_less_than" => a < e,
            "is_less_than_or_equal" => a <= e,
            "is_greater_than" => a > e,
            _ => a >= e,
        };
    }

    // Runscope compares JSON values by their text: true is "true", 0 is "0", a string is itself.
    private static bool CompareJson(string comparison, IReadOnlyList<JsonElement> values, string? expected)
    {
        var present = values.Where(v => v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)).ToList();
        var single = present.Count == 1 ? present[0] : (JsonElement?)null;
        switch (comparison)
        {
            case "not_empty":
                return present.Count > 0 && present.All(NotEmpty);
            case "empty":
                return present.Count == 0 || present.All(v => !NotEmpty(v));
            case "is_null":
                return present.Count == 0;
            case "has_key":
                return single is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(expected ?? "", out _);
            case "has_value":
                // Runscope leaves the value empty in some steps ("Resources[0].emails.value has_value"): read as
                // "has a value", the only meaning an empty expected value can have.
                if (expected is null)
                {
                    return present.Count > 0 && present.All(NotEmpty);
                }

                return Elements(present).Any(v => Stringify(v) == expected);
            case "contains":
                return Elements(present).Any(v => v.ValueKind == JsonValueKind.String
                    ? Stringify(v).Contains(expected ?? "", StringComparison.Ordinal)
                    : Stringify(v) == expected);
            case "does_not_contain":
                return !CompareJson("contains", values, expected);
            case "is_a_number":
                return single is { ValueKind: JsonValueKind.Number };
            case "equal":
                return single is { } s && Stringify(s) == expected;
            case "not_equal":
                return single is not { } n || Stringify(n) != expected;
            case "equal_number":
            case "is_less_than":
            case "is_less_than_or_equal":
            case "is_greater_than":
            case "is_greater_than_or_equal":
                return single is { ValueKind: JsonValueKind.Number } number && CompareNumbers(comparison, number.GetRawText(), expected);
            default:
                throw new NotSupportedException($"Runscope comparison '{comparison}' is not implemented.");
        }
    }

    private static IEnumerable<JsonElement> Elements(IEnumerable<JsonElement> values) =>
        values.SelectMany<JsonElement, JsonElement>(v => v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [v]);

    private static bool NotEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Length > 0,
        JsonValueKind.Array => value.GetArrayLength() > 0,
        JsonValueKind.Object => value.EnumerateObject().Any(),
        JsonValueKind.Null or JsonValueKind.Undefined => false,
        _ => true,
    };

    private static string Stringify(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    /// <summary>
    /// Resolves a Runscope property path such as <c>Resources[0].name.givenName</c>. A name applied to an
    /// array without an index is applied to each element (so <c>emails.value</c> yields every email value).
    /// </summary>
    internal static IReadOnlyList<JsonElement> Resolve(JsonElement root, string path)
    {
        IEnumerable<JsonElement> current = [root];
        if (path.Length == 0)
        {
            return [root];
        }

        foreach (Match segment in PathSegment().Matches(path))
        {
            var name = segment.Groups["name"].Value;
            current = current.SelectMany(node => Step(node, name));
            foreach (Capture index in segment.Groups["index"].Captures)
            {
                var i = int.Parse(index.Value, CultureInfo.InvariantCulture);
                current = current.Where(node => node.ValueKind == JsonValueKind.Array && i < node.GetArrayLength()).Select(node => node[i]);
            }
        }

        return current.ToList();
    }

    private static IEnumerable<JsonElement> Step(JsonElement node, string name)
    {
        if (name.Length == 0)
        {
            yield return node;
            yield break;
        }

        var candidates = node.ValueKind == JsonValueKind.Array ? node.EnumerateArray().ToList() : [node];
        foreach (var candidate in candidates)
        {
            if (candidate.ValueKind == JsonValueKind.Object && candidate.TryGetProperty(name, out var child))
            {
                yield return child;
            }
        }
    }

    // Step names are labels: a placeholder without a value stays as written there; anywhere else it is an error.
    private string Substitute(string text, bool strict = true) => Variable().Replace(text, match =>
        Variables.TryGetValue(match.Groups[1].Value.Trim(), out var value)
            ? value
            : strict ? throw new InvalidOperationException($"The Runscope variable '{match.Groups[1].Value}' has no value.") : match.Value);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    [GeneratedRegex(@"\{\{([^}]+)\}\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"(?<name>[^.\[\]]*)(\[(?<index>\d+)\])*")]
    private static partial Regex PathSegment();

    private readonly record struct Exchange(int Status, double Milliseconds, JsonElement? Json);
}

/// <summary>What one replay of a Runscope export produced.</summary>
internal sealed record RunscopeReport(string Name, IReadOnlyList<RunscopeStepResult> Steps)
{
    /// <summary>Every failed assertion, as "step: assertion: actual".</summary>
    public IEnumerable<string> Failures =>
        Steps.SelectMany(s => s.Failures.Select(f => $"{s.Name} [{s.Method} {s.Url} → {s.Status}]: {f}"));
}

/// <summary>One request step: what was sent, what came back, and which assertions failed.</summary>
internal sealed record RunscopeStepResult(
    string Name, string Method, string Url, int Status, string ResponseBody, IReadOnlyList<string> Failures, IReadOnlyList<string> Scripts);
