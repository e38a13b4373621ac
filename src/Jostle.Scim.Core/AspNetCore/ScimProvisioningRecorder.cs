using Jostle.Scim.Service;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jostle.Scim.Provisioning;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>The names under which the SCIM service publishes metrics and traces, for OpenTelemetry's <c>AddMeter</c> / <c>AddSource</c>.</summary>
public static class ScimDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name: <c>Jostle.Scim</c>.</summary>
    public const string MeterName = "Jostle.Scim";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name: <c>Jostle.Scim</c>.</summary>
    public const string ActivitySourceName = "Jostle.Scim";

    /// <summary>The response header that carries the request's correlation id (an incoming one is honoured when it is a plain token).</summary>
    public const string CorrelationIdHeader = "X-Correlation-Id";
}

/// <summary>The <c>Jostle.Scim</c> meter's instruments and the activity source.</summary>
internal sealed class ScimTelemetry : IDisposable
{
    public static readonly ActivitySource ActivitySource = new(ScimDiagnostics.ActivitySourceName);

    private readonly Meter _meter;

    public ScimTelemetry(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(ScimDiagnostics.MeterName) ?? new Meter(ScimDiagnostics.MeterName);
        Requests = _meter.CreateCounter<long>("jostle.scim.requests", "{operation}", "SCIM operations served (bulk items each count), by operation, resource type and status class.");
        Failures = _meter.CreateCounter<long>("jostle.scim.failures", "{operation}", "SCIM operations that failed (status 400 or above), by operation, resource type, status and scimType.");
        Duration = _meter.CreateHistogram<double>("jostle.scim.operation.duration", "s", "How long SCIM operations took, by operation and resource type.");
    }

    public Counter<long> Requests { get; }

    public Counter<long> Failures { get; }

    public Histogram<double> Duration { get; }

    public void Dispose() => _meter.Dispose();
}

/// <summary>
/// Starts and finishes <see cref="ScimOperation"/>s: the correlation id, the span, the metrics, the <see cref="ILogger"/>
/// message and the provisioning log record. Writes (create, replace, patch, delete, bulk items) are always recorded;
/// reads and other requests only when they fail; requests whose tenant is unknown reach metrics and logs but not the
/// provisioning log. Nothing here can fail or noticeably slow the request.
/// </summary>
internal sealed class ScimProvisioningRecorder(
    ScimTelemetry telemetry,
    IEnumerable<IProvisioningLogSink> sinks,
    IOptions<JostleScimOptions> options,
    ILogger<ScimProvisioningRecorder> logger,
    ProvisioningFailureQueue? failures = null,
    TimeProvider? timeProvider = null,
    Jostle.Scim.Administration.ScimRequestSummaryProtector? summaryProtector = null)
{
    /// <summary>The claim naming the automation user (actor), as the API key scheme issues it.</summary>
    public const string ActorClaimType = "scim:actor";

    /// <summary>The claim naming the API key's lookup id, as the API key scheme issues it.</summary>
    public const string KeyIdClaimType = "scim:key";

    private const int MaxCorrelationIdLength = 64;
    private static readonly object CorrelationItemKey = new();

    private readonly IProvisioningLogSink[] _sinks = [.. sinks];
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Whether any operation can become a provisioning log record (a sink or the failure queue is registered).</summary>
    private bool RecordsEntries => _sinks.Length > 0 || failures is not null;

    /// <summary>Starts the operation of an HTTP request and makes it <see cref="ScimOperation.Current"/> for the rest of the caller's async flow.</summary>
    public ScimOperation Begin(HttpContext http)
    {
        var (kind, resourceType) = Classify(http);
        var resourceId = http.Request.RouteValues.TryGetValue("id", out var id) ? id as string : null;
        var activity = StartActivity(kind);
        var operation = new ScimOperation(kind, resourceType, resourceId, CorrelationId(http), _time.GetUtcNow(), _time.GetTimestamp())
        {
            Activity = activity,
            MayBeRecorded = RecordsEntries || logger.IsEnabled(LogLevel.Information),
        };
        operation.ObservePrincipal(http.User, options.Value.TenantClaimType);
        operation.Method = http.Request.Method;
        operation.ExcludedFromLog = Jostle.Scim.Administration.ScimPipelineCapture.IsConnectionTest(http);
        operation.Path = (http.Request.PathBase + http.Request.Path).Value;
        if (operation.MayBeRecorded && Jostle.Scim.Administration.ScimRequestSummary.SummariseQuery(http.Request.QueryString.Value) is { } query)
        {
            (operation.MaskedSummary, operation.UnmaskedSummary) = query;
        }

        ScimOperation.Current = operation;
        return operation;
    }

    /// <summary>Starts the operation of one bulk item, a child of the bulk request's operation, and makes it current for the caller's async flow.</summary>
    public ScimOperation BeginBulkItem(ScimOperation parent, string method, string path, string? bulkId)
    {
        var kind = method switch
        {
            "POST" => ProvisioningOperation.Create,
            "PUT" => ProvisioningOperation.Replace,
            "PATCH" => ProvisioningOperation.Patch,
            "DELETE" => ProvisioningOperation.Delete,
            _ => ProvisioningOperation.Other,
        };
        var parts = path.Trim('/').Split('/');
        var resourceType = ResourceTypeOf(parts[0]);
        var resourceId = parts.Length == 2 && !parts[1].StartsWith("bulkId:", StringComparison.Ordinal) ? Uri.UnescapeDataString(parts[1]) : null;
        var activity = StartActivity(kind);
        var operation = new ScimOperation(kind, resourceType, resourceId, parent.CorrelationId, _time.GetUtcNow(), _time.GetTimestamp())
        {
            Activity = activity,
            BulkId = bulkId,
            Tenant = parent.Tenant,
            Actor = parent.Actor,
            KeyId = parent.KeyId,
            ExcludedFromLog = parent.ExcludedFromLog,
            SelectedCompatibility = parent.SelectedCompatibility,
            MayBeRecorded = parent.MayBeRecorded,
            Method = method,
            Path = BulkItemPath(parent.Path, path),
        };
        ScimOperation.Current = operation;
        return operation;
    }

    /// <summary>Finishes a request's operation from the result its handler produced (and the exception that made it a 500, if any).</summary>
    public void Complete(HttpContext http, ScimOperation operation, IResult result, Exception? exception = null)
    {
        int status;
        string? scimType = null, detail = null;
        switch (result)
        {
            case ScimJsonResult json:
                status = json.Status;
                scimType = json.ErrorType is { } type ? ScimException.ToKeyword(type) : null;
                detail = json.ErrorDetail;
                break;
            case IStatusCodeHttpResult { StatusCode: { } code }:
                status = code;
                break;
            default:
                status = http.RequestAborted.IsCancellationRequested ? 499 : StatusCodes.Status200OK;
                break;
        }

        Complete(operation, status, scimType, detail, exception);
    }

    /// <summary>
    /// Finishes an operation: span, metrics, log message and, when it is recorded, the provisioning log and the failure
    /// digests. The log message is the request's only record of its failure: an unexpected <paramref name="exception"/>
    /// is an error with the exception attached (event 1); a 429 is left to the rate limit's aggregated record; any other
    /// failure is event 11.
    /// </summary>
    public void Complete(ScimOperation operation, int status, string? scimType, string? detail, Exception? exception = null)
    {
        var elapsed = _time.GetElapsedTime(operation.StartTimestamp);
        var kind = Lower(operation.Kind);
        var failed = status >= 400;
        var tags = new TagList
        {
            { "scim.operation", kind },
            { "scim.resource_type", operation.ResourceType ?? "" },
            { "scim.status_class", StatusClass(status) },
        };
        telemetry.Requests.Add(1, tags);
        telemetry.Duration.Record(elapsed.TotalSeconds, new TagList { { "scim.operation", kind }, { "scim.resource_type", operation.ResourceType ?? "" } });
        if (failed)
        {
            telemetry.Failures.Add(1, new TagList
            {
                { "scim.operation", kind },
                { "scim.resource_type", operation.ResourceType ?? "" },
                { "http.response.status_code", status },
                { "scim.type", scimType ?? "" },
            });
        }

        if (operation.Activity is { } activity)
        {
            activity.SetTag("scim.operation", kind);
            activity.SetTag("scim.resource_type", operation.ResourceType);
            activity.SetTag("scim.resource_id", operation.ResourceId);
            activity.SetTag("scim.tenant", operation.Tenant);
            activity.SetTag("scim.key_id", operation.KeyId);
            activity.SetTag("scim.bulk_id", operation.BulkId);
            activity.SetTag("scim.correlation_id", operation.CorrelationId);
            activity.SetTag("http.response.status_code", status);
            if (failed)
            {
                activity.SetTag("scim.type", scimType);
                activity.SetStatus(ActivityStatusCode.Error, scimType ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            activity.Dispose();
        }

        var isWrite = operation.Kind is ProvisioningOperation.Create or ProvisioningOperation.Replace or ProvisioningOperation.Patch or ProvisioningOperation.Delete;
        var emptyLookup = !isWrite && !failed && operation.Kind == ProvisioningOperation.Query && operation.EmptyLookupUserName is not null;
        if (!isWrite && !failed && !emptyLookup)
        {
            return;
        }

        if (exception is not null)
        {
            Log.UnhandledException(logger, operation.Kind, operation.ResourceType, operation.ResourceId, operation.Tenant, status, elapsed.TotalMilliseconds, operation.CorrelationId, exception);
        }
        else if (failed)
        {
            // A 429 is the rate limit's refusal, which ScimRateLimitRefusalLog logs once per tenant and interval.
            // A failure its own component logged with more detail (a store that threw, a tenant mismatch) is not logged twice.
            if (status != StatusCodes.Status429TooManyRequests && !operation.FailureLogged)
            {
                Log.OperationFailed(logger, status >= 500 ? LogLevel.Warning : LogLevel.Information, operation.Kind, operation.ResourceType, operation.ResourceId, operation.Tenant, status, scimType, elapsed.TotalMilliseconds, operation.CorrelationId);
            }
        }
        else
        {
            Log.OperationSucceeded(logger, operation.Kind, operation.ResourceType, operation.ResourceId, operation.Tenant, status, elapsed.TotalMilliseconds, operation.CorrelationId);
        }

        if (operation.Tenant is null || operation.ExcludedFromLog || !RecordsEntries)
        {
            return;
        }

        var entry = new ProvisioningLogEntry
        {
            Timestamp = operation.Started,
            Tenant = operation.Tenant,
            Actor = operation.Actor,
            KeyId = operation.KeyId,
            Operation = operation.Kind,
            ResourceType = operation.ResourceType,
            ResourceId = operation.ResourceId,
            UserName = emptyLookup ? operation.EmptyLookupUserName : operation.UserName,
            ExternalId = operation.ExternalId,
            DisplayName = operation.DisplayName,
            Status = status,
            ScimType = scimType,
            Detail = failed ? detail : emptyLookup ? ProvisioningLogNotes.EmptyUserNameLookup : operation.IgnoredNote,
            Duration = elapsed,
            CompatibilityRules = operation.Rules,
            FilterRules = operation.FilterRules,
            CorrelationId = operation.CorrelationId,
            BulkId = operation.BulkId,
            Method = operation.Method,
            Path = operation.Path,
            RequestSummary = operation.MaskedSummary,
            ProtectedRequestSummary = operation.UnmaskedSummary is { } unmasked ? summaryProtector?.Protect(unmasked) : null,
        };
        foreach (var sink in _sinks)
        {
            Write(sink, entry);
        }

        if (failed)
        {
            failures?.Enqueue(entry);
        }
    }

    private static string? BulkItemPath(string? bulkPath, string itemPath)
    {
        if (bulkPath is null)
        {
            return itemPath;
        }

        var end = bulkPath.EndsWith("/Bulk", StringComparison.OrdinalIgnoreCase) ? bulkPath[..^"/Bulk".Length] : bulkPath;
        return end + "/" + itemPath.TrimStart('/');
    }

    /// <summary>The request's correlation id: the incoming <c>X-Correlation-Id</c> when it is a plain token of at most 64 characters, else the trace id (or a new GUID). Set on the response.</summary>
    public static string CorrelationId(HttpContext http)
    {
        if (http.Items.TryGetValue(CorrelationItemKey, out var cached) && cached is string known)
        {
            return known;
        }

        var incoming = http.Request.Headers[ScimDiagnostics.CorrelationIdHeader];
        var id = incoming.Count == 1 && IsSaneToken(incoming[0])
            ? incoming[0]!
            : Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString() : Guid.NewGuid().ToString("N");
        http.Items[CorrelationItemKey] = id;
        if (!http.Response.HasStarted)
        {
            http.Response.Headers[ScimDiagnostics.CorrelationIdHeader] = id;
        }

        return id;
    }

    internal static bool IsSaneToken(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxCorrelationIdLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    private void Write(IProvisioningLogSink sink, ProvisioningLogEntry entry)
    {
        try
        {
            var pending = sink.WriteAsync(entry, CancellationToken.None);
            if (!pending.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(sink, pending);
            }
        }
#pragma warning disable CA1031 // A sink's failure must never fail the SCIM request; it is logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.SinkFailed(logger, sink.GetType().Name, e);
        }
    }

    private async Task ObserveAsync(IProvisioningLogSink sink, ValueTask pending)
    {
        try
        {
            await pending;
        }
#pragma warning disable CA1031 // See Write.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.SinkFailed(logger, sink.GetType().Name, e);
        }
    }

    /// <summary>The operation's span, or <see langword="null"/> without a listener (then no name is built).</summary>
    private static Activity? StartActivity(ProvisioningOperation kind) =>
        ScimTelemetry.ActivitySource.HasListeners() ? ScimTelemetry.ActivitySource.StartActivity("scim " + Lower(kind), ActivityKind.Internal) : null;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string? Last, string Previous)> LastSegments = new(StringComparer.Ordinal);

    private static readonly ProvisioningOperation[] Kinds = Enum.GetValues<ProvisioningOperation>();

    private static readonly string[] LowerNames = [.. Kinds.Select(k => k.ToString().ToLowerInvariant())];

    private static readonly string[] StatusClasses = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

    /// <summary>The operation's name in lower case (<c>create</c>, <c>query</c>, …), without an allocation per request.</summary>
    private static string Lower(ProvisioningOperation kind) =>
        (int)kind >= 0 && (int)kind < Kinds.Length && Kinds[(int)kind] == kind ? LowerNames[(int)kind] : kind.ToString().ToLowerInvariant();

    private static string StatusClass(int status) =>
        status is >= 0 and < 600 ? StatusClasses[status / 100] : (status / 100) + "xx";

    /// <summary>The operation and resource type an endpoint serves, from its route pattern and the method.</summary>
    private static (ProvisioningOperation Kind, string? ResourceType) Classify(HttpContext http)
    {
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        // The last two segments of a route pattern, split once per pattern (the mapped routes are few).
        var (last, previous) = LastSegments.GetOrAdd(pattern, static p =>
        {
            var segments = p.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments.Length == 0 ? (null, "") : (segments[^1], segments.Length > 1 ? segments[^2] : "");
        });
        var method = http.Request.Method;
        if (last is null)
        {
            return (ProvisioningOperation.Other, null);
        }

        if (last == ".search")
        {
            return (ProvisioningOperation.Query, ResourceTypeOf(previous));
        }

        if (last.Equals("Bulk", StringComparison.OrdinalIgnoreCase))
        {
            return (HttpMethods.IsPost(method) ? ProvisioningOperation.Bulk : ProvisioningOperation.Other, null);
        }

        if (ResourceTypeOf(last) is { } collectionType)
        {
            return (HttpMethods.IsGet(method) ? ProvisioningOperation.Query : HttpMethods.IsPost(method) ? ProvisioningOperation.Create : ProvisioningOperation.Other, collectionType);
        }

        if (last == "{id}" && ResourceTypeOf(previous) is { } itemType)
        {
            return (method.ToUpperInvariant() switch
            {
                "GET" => ProvisioningOperation.Get,
                "PUT" => ProvisioningOperation.Replace,
                "PATCH" => ProvisioningOperation.Patch,
                "DELETE" => ProvisioningOperation.Delete,
                _ => ProvisioningOperation.Other,
            }, itemType);
        }

        return (ProvisioningOperation.Other, null);
    }

    private static string? ResourceTypeOf(string segment) =>
        segment.Equals("Users", StringComparison.OrdinalIgnoreCase) ? "User"
        : segment.Equals("Groups", StringComparison.OrdinalIgnoreCase) ? "Group"
        : null;
}
