using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Provisioning;

/// <summary>
/// POSTs each digest as JSON to <see cref="ProvisioningFailureNotificationOptions.WebhookUrl"/>. A network error, a
/// timeout, 408, 429 or a 5xx is retried with exponential back-off (honouring <c>Retry-After</c> up to the maximum
/// back-off); any other 4xx is final. It runs on the notification service, never on a SCIM request.
/// </summary>
internal sealed class WebhookProvisioningFailureNotifier(
    IHttpClientFactory httpClientFactory,
    IOptions<ProvisioningFailureNotificationOptions> options,
    ILogger<WebhookProvisioningFailureNotifier> logger,
    TimeProvider? timeProvider = null) : IProvisioningFailureNotifier
{
    public const string HttpClientName = "Jostle.Scim.FailureWebhook";

    private const string MediaType = "application/json";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public async Task NotifyAsync(ProvisioningFailureDigest digest, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.WebhookUrl is null)
        {
            return;
        }

        var payload = ToJson(digest);
        var attempts = Math.Max(1, settings.WebhookMaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            string reason;
            TimeSpan? retryAfter = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(settings.WebhookTimeout);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, settings.WebhookUrl) { Content = new ByteArrayContent(payload) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaType) { CharSet = "utf-8" };
                    foreach (var (name, value) in settings.WebhookHeaders)
                    {
                        request.Headers.TryAddWithoutValidation(name, value);
                    }

                    using var client = httpClientFactory.CreateClient(HttpClientName);
                    using var response = await client.SendAsync(request, timeout.Token);
                    var status = (int)response.StatusCode;
                    if (response.IsSuccessStatusCode)
                    {
                        NotificationLog.WebhookDelivered(logger, digest.Tenant, status, attempt);
                        return;
                    }

                    reason = "HTTP " + status;
                    if (!IsTransient(response.StatusCode))
                    {
                        NotificationLog.WebhookGaveUp(logger, digest.Tenant, attempt, reason);
                        return;
                    }

                    retryAfter = response.Headers.RetryAfter?.Delta
                        ?? (response.Headers.RetryAfter?.Date is { } date ? date - _time.GetUtcNow() : null);
                }
                catch (HttpRequestException e)
                {
                    reason = "network error: " + (e.HttpRequestError == HttpRequestError.Unknown ? e.GetType().Name : e.HttpRequestError.ToString());
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    reason = "timed out";
                }
            }

            if (attempt >= attempts)
            {
                NotificationLog.WebhookGaveUp(logger, digest.Tenant, attempt, reason);
                return;
            }

            var delay = Backoff(settings, attempt, retryAfter);
            NotificationLog.WebhookRetry(logger, attempt, attempts, digest.Tenant, reason, delay);
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/>: initial × 2^(attempt−1), at least a server's <c>Retry-After</c>, at most the maximum.</summary>
    internal static TimeSpan Backoff(ProvisioningFailureNotificationOptions settings, int attempt, TimeSpan? retryAfter = null)
    {
        var exponential = settings.WebhookInitialBackoff * Math.Pow(2, Math.Min(attempt - 1, 30));
        if (retryAfter is { } after && after > exponential)
        {
            exponential = after;
        }

        return exponential > settings.WebhookMaxBackoff ? settings.WebhookMaxBackoff : exponential;
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The webhook body: <c>{"type":"provisioningFailureDigest","tenant":…,"from":…,"to":…,"totalFailures":…,"groups":[…]}</c>.</summary>
    internal static byte[] ToJson(ProvisioningFailureDigest digest)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "provisioningFailureDigest");
            w.WriteString("tenant", digest.Tenant);
            w.WriteString("from", digest.From);
            w.WriteString("to", digest.To);
            w.WriteNumber("totalFailures", digest.TotalFailures);
            w.WriteStartArray("groups");
            foreach (var group in digest.Groups)
            {
                w.WriteStartObject();
                w.WriteString("operation", group.Operation.ToString());
                WriteOptional(w, "resourceType", group.ResourceType);
                w.WriteNumber("status", group.Status);
                WriteOptional(w, "scimType", group.ScimType);
                w.WriteNumber("count", group.Count);
                w.WriteString("firstSeen", group.FirstSeen);
                w.WriteString("lastSeen", group.LastSeen);
                w.WriteStartArray("examples");
                foreach (var example in group.Examples)
                {
                    w.WriteStartObject();
                    w.WriteString("timestamp", example.Timestamp);
                    WriteOptional(w, "resourceId", example.ResourceId);
                    WriteOptional(w, "userName", example.UserName);
                    WriteOptional(w, "externalId", example.ExternalId);
                    WriteOptional(w, "displayName", example.DisplayName);
                    WriteOptional(w, "detail", example.Detail);
                    w.WriteString("correlationId", example.CorrelationId);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
