using Jostle.Scim.Service;
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jostle.Scim.AspNetCore;

/// <summary>One SCIM request: its tenant, base URL and the shared services, plus body reading with SCIM errors.</summary>
internal sealed class ScimRequestContext
{
    private ScimRequestContext(HttpContext http, string tenant, string prefix)
    {
        Http = http;
        Tenant = tenant;
        if (ScimOperation.Current is { } operation)
        {
            operation.Tenant = tenant;
        }

        Service = http.RequestServices.GetRequiredService<ScimResourceService>();
        var request = http.Request;
        BaseUrl = BaseUrlOf(request.Scheme, request.Host.Value, request.PathBase.Value, prefix);
    }

    /// <summary>The base URL of the last request (a host serves one or a few): reused while scheme, host, path base and prefix are the same.</summary>
    private static BaseUrlEntry? _lastBaseUrl;

    private sealed record BaseUrlEntry(string Scheme, string? Host, string? PathBase, string Prefix, Uri Url);

    private static Uri BaseUrlOf(string scheme, string? host, string? pathBase, string prefix)
    {
        if (Volatile.Read(ref _lastBaseUrl) is { } last && string.Equals(last.Scheme, scheme, StringComparison.Ordinal)
            && string.Equals(last.Host, host, StringComparison.Ordinal) && string.Equals(last.PathBase, pathBase, StringComparison.Ordinal)
            && ReferenceEquals(last.Prefix, prefix))
        {
            return last.Url;
        }

        var url = new Uri(scheme + "://" + new HostString(host).ToUriComponent() + new PathString(pathBase).ToUriComponent() + prefix.TrimEnd('/'));
        Volatile.Write(ref _lastBaseUrl, new BaseUrlEntry(scheme, host, pathBase, prefix, url));
        return url;
    }

    public HttpContext Http { get; }

    public string Tenant { get; }

    public ScimResourceService Service { get; }

    public ScimRuntime Runtime => Service.Runtime;

    public Uri BaseUrl { get; }

    public CancellationToken Aborted => Http.RequestAborted;

    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    public string? Header(string name) => Http.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;

    /// <summary>Runs a SCIM handler: resolves the tenant and turns every failure into a SCIM error body.</summary>
    /// <remarks>The operation is recorded (span, metrics, provisioning log) by <see cref="ScimProvisioningRecorder"/>, and is <see cref="ScimOperation.Current"/> while the handler runs.</remarks>
    public static async Task<IResult> RunAsync(HttpContext http, string prefix, Func<ScimRequestContext, Task<IResult>> handler)
    {
        var recorder = http.RequestServices.GetRequiredService<ScimProvisioningRecorder>();
        var operation = recorder.Begin(http);
        var (result, exception) = await RunCoreAsync(http, prefix, handler);
        recorder.Complete(http, operation, result, exception);
        return result;
    }

    /// <remarks>Logs nothing about the failure itself: the recorder writes the one record of a failed request (with the exception of a 500).</remarks>
    private static async Task<(IResult Result, Exception? Exception)> RunCoreAsync(HttpContext http, string prefix, Func<ScimRequestContext, Task<IResult>> handler)
    {
        var logger = EndpointLogger(http.RequestServices.GetRequiredService<ILoggerFactory>());
        try
        {
            var tenant = await http.RequestServices.GetRequiredService<IScimTenantResolver>().ResolveTenantAsync(http)
                ?? throw new ScimException(403, null, "The authenticated caller is not bound to a SCIM tenant.");
            ScimTenantGate.Enter(http, tenant, logger);
            if (http.RequestServices.GetService<IScimCompatibilitySelector>() is { } selector && ScimOperation.Current is { } operation)
            {
                operation.SelectedCompatibility = await selector.SelectAsync(http, tenant);
            }

            return (await handler(new ScimRequestContext(http, tenant, prefix)), null);
        }
        catch (ScimException e)
        {
            return (ScimJsonResult.Error(e), null);
        }
        catch (ScimFilterException e)
        {
            return (ScimJsonResult.Error(400, ScimErrorType.InvalidFilter, e.Message), null);
        }
        catch (BadHttpRequestException e)
        {
            return (e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? ScimJsonResult.Error(413, null, "The request body is too large.")
                : ScimJsonResult.Error(e.StatusCode, ScimErrorType.InvalidSyntax, "The request could not be read: " + e.Message), null);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return (Results.Empty, null);
        }
#pragma warning disable CA1031 // Every unexpected failure must become a SCIM 500 without internals.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (ScimStoreFailures.Classify(http, e) is { } failure)
            {
                // The storage's condition (an outage, a full disk), not a bug: 503/507 with Retry-After; the recorder logs
                // the failed operation at Warning, and the cause is logged here once, without the stack trace's noise.
                Log.StoreUnavailable(logger, failure.Status, e.GetType().Name, e.GetBaseException().Message);
                return (ScimJsonResult.Error(failure), null);
            }

            return (ScimJsonResult.Error(500, null, "An unexpected error occurred while serving the request; it has been logged."), e);
        }
    }

    /// <summary>The endpoints' logger of the last logger factory seen (a process has one): <c>CreateLogger</c> takes a lock per call.</summary>
    private static LoggerEntry? _endpointLogger;

    private sealed record LoggerEntry(ILoggerFactory Factory, ILogger Logger);

    private static ILogger EndpointLogger(ILoggerFactory factory)
    {
        if (Volatile.Read(ref _endpointLogger) is { } cached && ReferenceEquals(cached.Factory, factory))
        {
            return cached.Logger;
        }

        var logger = factory.CreateLogger("Jostle.Scim.AspNetCore.ScimEndpoints");
        Volatile.Write(ref _endpointLogger, new LoggerEntry(factory, logger));
        return logger;
    }

    /// <summary>Reads the JSON body: <c>415</c> for another media type, <c>413</c> above <paramref name="limit"/> bytes, <c>400 invalidSyntax</c> for bad JSON.</summary>
    public async Task<JsonNode?> ReadBodyAsync(int limit, string limitName)
    {
        var request = Http.Request;
        if (!ScimProtocol.IsAcceptedContentType(request.ContentType))
        {
            throw new ScimException(415, null, $"The request body must be {ScimProtocol.MediaType} or application/json, not '{request.ContentType ?? "(none)"}'.");
        }

        if (request.ContentLength > limit)
        {
            throw TooLarge(limit, limitName);
        }

        var sizeFeature = Http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        // One pooled buffer, sized from Content-Length when the client sent it (Entra does), grown by doubling otherwise.
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } length and > 0 && length < limit ? (int)length + 1 : 4096);
        try
        {
            var total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(total), Aborted)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw TooLarge(limit, limitName);
                }

                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            var body = ParseBody(buffer.AsSpan(0, total));
            ScimOperation.Current?.ObserveBody(body);
            return body;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly JsonDocumentOptions BodyOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>The request body's bytes as JSON, or <c>400 invalidSyntax</c>: empty, not UTF-8, a lone surrogate escape, not JSON, a member named twice in one object.</summary>
    /// <remarks>The one reader of request bodies (and the entry point the fuzz harness feeds raw bytes to).</remarks>
    internal static JsonNode? ParseBody(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The request body is empty; a JSON object was expected.");
        }

        CheckText(bytes);
        try
        {
            // A member named twice would be accepted here and throw ArgumentException wherever the object is first
            // enumerated (a 500); RFC 8259 leaves duplicates to the receiver, and SCIM has no use for them.
            return JsonNode.Parse(bytes, documentOptions: BodyOptions);
        }
        catch (JsonException e)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The request body is not valid JSON: " + e.Message);
        }
    }

    /// <summary>
    /// The body must be UTF-8 text, and its <c>\u</c> escapes must make valid UTF-16 (no lone surrogate such as
    /// <c>"\ud800"</c>). <c>JsonNode.Parse</c> checks neither
    /// until a string is read, which would be a 500 deep inside the service; here it is a <c>400 invalidSyntax</c>.
    /// The scan of escapes runs only when the body has one.
    /// </summary>
    private static void CheckText(ReadOnlySpan<byte> bytes)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, "The request body is not valid UTF-8 text.");
        }

        if (bytes.IndexOf("\\u"u8) < 0)
        {
            return;
        }

        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    reader.GetString();
                }
            }
        }
        catch (InvalidOperationException)
        {
            throw new ScimException(ScimErrorType.InvalidSyntax, $"The request body has a string that is not valid Unicode (a lone surrogate escape such as \\ud800?) near byte {reader.TokenStartIndex}.");
        }
        catch (JsonException)
        {
            // Not JSON at all: the parser below says where.
        }
    }

    private static ScimException TooLarge(int limit, string limitName) =>
        new(413, null, $"The request body is larger than {limit} bytes ({limitName}).");
}
