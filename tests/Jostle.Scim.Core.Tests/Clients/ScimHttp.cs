using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Jostle.Scim.Tests.Clients;

/// <summary>
/// Sends SCIM requests the way a provisioning client does and checks what every response must be: the expected
/// status, <c>application/scim+json; charset=utf-8</c> whenever there is a body, and no body on 204.
/// </summary>
internal sealed class ScimHttp(HttpClient client)
{
    public const string Base = "/scim/v2";

    public HttpClient Client { get; } = client;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string mediaType = "application/scim+json")
    {
        using var request = new HttpRequestMessage(method, Base + path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Sends and checks the status; returns the parsed body (or <see langword="null"/> for 204/304).</summary>
    public async Task<JsonNode?> ExpectAsync(HttpStatusCode expected, HttpMethod method, string path, string? json = null)
    {
        using var response = await SendAsync(method, path, json);
        return await CheckAsync(response, expected, $"{method} {path}");
    }

    public static async Task<JsonNode?> CheckAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{what} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        if (expected is HttpStatusCode.NoContent or HttpStatusCode.NotModified)
        {
            Assert.Equal("", body);
            return null;
        }

        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        return JsonNode.Parse(body);
    }

    public Task<JsonNode?> GetAsync(string path, HttpStatusCode expected = HttpStatusCode.OK) => ExpectAsync(expected, HttpMethod.Get, path);

    public Task<JsonNode?> PostAsync(string path, string json, HttpStatusCode expected = HttpStatusCode.Created) =>
        ExpectAsync(expected, HttpMethod.Post, path, json);

    public Task<JsonNode?> PatchAsync(string path, string operationsJson, HttpStatusCode expected = HttpStatusCode.OK) =>
        ExpectAsync(expected, HttpMethod.Patch, path,
            $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":{{operationsJson}}}""");

    public Task<JsonNode?> DeleteAsync(string path, HttpStatusCode expected = HttpStatusCode.NoContent) =>
        ExpectAsync(expected, HttpMethod.Delete, path);

    /// <summary>A filter query string value, escaped.</summary>
    public static string Filter(string filter) => "filter=" + Uri.EscapeDataString(filter);
}
