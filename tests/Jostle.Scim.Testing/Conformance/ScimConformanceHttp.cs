using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Testing;

/// <summary>
/// Sends SCIM requests the way a provisioning client does and checks what every response must be: the expected
/// status, <c>application/scim+json; charset=utf-8</c> whenever there is a body, no body on 204, and the SCIM error
/// shape on errors. Every failure names the request (method, path, body summary) and what was expected.
/// </summary>
internal sealed class ScimConformanceHttp(HttpClient client, AuthenticationHeaderValue? authorization)
{
    private static readonly HttpRequestOptionsKey<string> BodyKey = new("Jostle.Scim.Testing.RequestBody");

    public HttpClient Client { get; } = client;

    public AuthenticationHeaderValue? Authorization { get; } = authorization;

    /// <summary>The media type request bodies are sent as: <c>application/scim+json</c>, or what a provider sends instead.</summary>
    public string MediaType { get; set; } = "application/scim+json";

    /// <summary>The <c>User-Agent</c> every request carries, or <see langword="null"/> for none.</summary>
    public string? UserAgent { get; set; }

    /// <summary>The SCIM base URL without the trailing slash.</summary>
    public string BaseUrl => Client.BaseAddress!.AbsoluteUri.TrimEnd('/');

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, bool authenticate = true)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue(MediaType));
            request.Options.Set(BodyKey, json);
        }

        if (UserAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        }

        if (authenticate)
        {
            request.Headers.Authorization = Authorization;
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Sends and checks the status; returns the parsed body (or <see langword="null"/> for 204/304).</summary>
    public async Task<JsonNode?> ExpectAsync(HttpStatusCode expected, HttpMethod method, string path, string? json = null)
    {
        using var response = await SendAsync(method, path, json);
        return await CheckAsync(response, expected);
    }

    public static async Task<JsonNode?> CheckAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{Describe(response)} answered {(int)response.StatusCode}, expected {(int)expected}: {Summary(body)}");
        if (expected is HttpStatusCode.NoContent or HttpStatusCode.NotModified)
        {
            Assert.True(body.Length == 0, $"{Describe(response)}: expected no body with {(int)expected}, got {Summary(body)}");
            return null;
        }

        Assert.True(
            response.Content.Headers.ContentType is { MediaType: "application/scim+json", CharSet: "utf-8" },
            $"{Describe(response)}: expected Content-Type application/scim+json; charset=utf-8, got '{response.Content.Headers.ContentType}'");
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            Assert.Fail($"{Describe(response)}: the body is not JSON ({e.Message}): {Summary(body)}");
            throw;
        }
    }

    /// <summary>Asserts a SCIM error: the status, the error schema, <c>status</c> as a string, the <c>scimType</c>, a <c>detail</c>.</summary>
    public static async Task<JsonObject> AssertErrorAsync(HttpResponseMessage response, int status, string? scimType)
    {
        var node = await CheckAsync(response, (HttpStatusCode)status);
        var what = Describe(response);
        if (node is not JsonObject error)
        {
            Assert.Fail($"{what}: expected a SCIM error object, got {node?.ToJsonString()}");
            throw new InvalidOperationException();
        }

        Assert.True((string?)error["schemas"]?[0] == "urn:ietf:params:scim:api:messages:2.0:Error", $"{what}: expected the Error schema, got {error.ToJsonString()}");
        Assert.True(error["status"] is JsonValue s && s.TryGetValue<string>(out var text) && text == status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{what}: expected \"status\":\"{status}\" (a string), got {error.ToJsonString()}");
        Assert.True((string?)error["scimType"] == scimType, $"{what}: expected scimType {scimType ?? "(none)"}, got {error.ToJsonString()}");
        Assert.False(string.IsNullOrWhiteSpace((string?)error["detail"]), $"{what}: expected a detail, got {error.ToJsonString()}");
        return error;
    }

    public Task<JsonNode?> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK) => ExpectAsync(expected, HttpMethod.Get, path);

    public Task<JsonNode?> PostAsync(string path, string json, HttpStatusCode expected = HttpStatusCode.Created) =>
        ExpectAsync(expected, HttpMethod.Post, path, json);

    public Task<JsonNode?> PutAsync(string path, string json, HttpStatusCode expected = HttpStatusCode.OK) =>
        ExpectAsync(expected, HttpMethod.Put, path, json);

    public Task<JsonNode?> PatchAsync(string path, string operationsJson, HttpStatusCode expected = HttpStatusCode.OK) =>
        ExpectAsync(expected, HttpMethod.Patch, path, PatchBody(operationsJson));

    public Task<JsonNode?> DeleteAsync(string path, HttpStatusCode expected = HttpStatusCode.NoContent) =>
        ExpectAsync(expected, HttpMethod.Delete, path);

    /// <summary>Sends and asserts a SCIM error.</summary>
    public async Task<JsonObject> ErrorAsync(int status, string? scimType, HttpMethod method, string path, string? json = null)
    {
        using var response = await SendAsync(method, path, json);
        return await AssertErrorAsync(response, status, scimType);
    }

    public static string PatchBody(string operationsJson) =>
        $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{{operationsJson}}}""";

    /// <summary>"PATCH /scim/v2/Users/1 {body…}": the request a response answers.</summary>
    public static string Describe(HttpResponseMessage response)
    {
        var request = response.RequestMessage;
        if (request is null)
        {
            return "(unknown request)";
        }

        var text = $"{request.Method} {request.RequestUri?.PathAndQuery}";
        return request.Options.TryGetValue(BodyKey, out var body) ? $"{text} {Summary(body)}" : text;
    }

    private static string Summary(string text)
    {
        var flat = string.Join(' ', text.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        return flat.Length <= 300 ? flat : flat[..300] + "…";
    }
}
