using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Jostle.Scim.CycleDriver;

/// <summary>
/// One HTTP connection pool to the server under test (as many connections as workers, kept alive), a 60 s timeout per
/// request like Entra's, and timing of each call from sending the request to having read the whole response.
/// </summary>
internal sealed class ScimCaller : IDisposable
{
    private static readonly MediaTypeHeaderValue ScimJson = new("application/scim+json") { CharSet = "utf-8" };
    private readonly HttpClient http;
    private readonly string baseUrl;

    public ScimCaller(DriverOptions options)
    {
        baseUrl = options.BaseUrl.ToString().TrimEnd('/');
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/scim+json"));
    }

    public string Url(string relative) => baseUrl + "/" + relative;

    public static string FilterQuery(string resource, string attribute, string value, string? extra = null) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{resource}?filter={Uri.EscapeDataString($"{attribute} eq \"{value}\"")}{(extra is null ? "" : "&" + extra)}");

    /// <summary>
    /// Sends one request and records it in <paramref name="stats"/>: a status other than <paramref name="expected"/>
    /// (or <paramref name="alsoExpected"/>) is a failure named after the status; <paramref name="inspect"/> may reject
    /// a body with a short reason. Returns the parsed body (for 2xx with content) or null when the call failed.
    /// </summary>
    public async Task<JsonDocument?> CallAsync(
        OperationStats stats, HttpMethod method, string relative, byte[]? body, HttpStatusCode expected,
        HttpStatusCode? alsoExpected = null, Func<JsonDocument?, string?>? inspect = null)
    {
        using var request = new HttpRequestMessage(method, Url(relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = ScimJson;
        }

        var started = Stopwatch.GetTimestamp();
        HttpStatusCode status;
        byte[] content;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
            status = response.StatusCode;
            content = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        }
        catch (TaskCanceledException)
        {
            stats.Record(Stopwatch.GetTimestamp() - started, "timeout");
            return null;
        }
        catch (HttpRequestException)
        {
            stats.Record(Stopwatch.GetTimestamp() - started, "error");
            return null;
        }

        var elapsed = Stopwatch.GetTimestamp() - started;
        if (status != expected && status != alsoExpected)
        {
            stats.Record(elapsed, ((int)status).ToString(CultureInfo.InvariantCulture));
            return null;
        }

        JsonDocument? document = null;
        if (content.Length > 0 && inspect is not null)
        {
            try
            {
                document = JsonDocument.Parse(content);
            }
            catch (JsonException)
            {
                stats.Record(elapsed, "bad-json");
                return null;
            }
        }

        var problem = inspect?.Invoke(document);
        stats.Record(elapsed, problem);
        if (problem is not null)
        {
            document?.Dispose();
            return null;
        }

        return document ?? JsonDocument.Parse("{}");
    }

    /// <summary>Body check for a ListResponse expected to hold exactly <paramref name="total"/> resources.</summary>
    public static Func<JsonDocument?, string?> TotalResults(int total) => document =>
        document is not null && document.RootElement.TryGetProperty("totalResults", out var t) && t.TryGetInt32(out var n)
            ? n == total ? null : string.Create(CultureInfo.InvariantCulture, $"totalResults={n}")
            : "no-totalResults";

    /// <summary>Body check for a created resource: it must carry a string id.</summary>
    public static string? HasId(JsonDocument? document) =>
        document is not null && document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? null : "no-id";

    public void Dispose() => http.Dispose();
}
