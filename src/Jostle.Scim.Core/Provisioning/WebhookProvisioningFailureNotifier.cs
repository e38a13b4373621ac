using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Jostle.Scim.Provisioning;

/// <summary>
/// POSTs each digest (and each console notification: key-expiry warnings, test notifications) as JSON to
/// <see cref="ProvisioningFailureNotificationOptions.WebhookUrl"/> and to the tenant's own webhook from its console
/// notification settings. A network error, a
/// timeout, 408, 429 or a 5xx is retried with exponential back-off (honouring <c>Retry-After</c>) by a
/// Microsoft.Extensions.Http.Resilience retry strategy; any other 4xx is final. It runs on the notification service, never on a SCIM request.
/// </summary>
internal sealed class WebhookProvisioningFailureNotifier(
    IHttpClientFactory httpClientFactory,
    IOptions<ProvisioningFailureNotificationOptions> options,
    ILogger<WebhookProvisioningFailureNotifier> logger,
    TimeProvider? timeProvider = null,
    Jostle.Scim.Administration.IScimAdministrationStore? administration = null) : IProvisioningFailureNotifier, Jostle.Scim.Administration.IScimAdministrationNotifier
{
    public const string HttpClientName = "Jostle.Scim.FailureWebhook";

    private const string MediaType = "application/json";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public async Task NotifyAsync(ProvisioningFailureDigest digest, CancellationToken cancellationToken)
    {
        var payload = ToJson(digest);
        foreach (var url in await UrlsAsync(digest.Tenant, cancellationToken).ConfigureAwait(false))
        {
            await PostAsync(url, payload, digest.Tenant, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> NotifyAsync(Jostle.Scim.Administration.ScimAdministrationNotification notification, CancellationToken cancellationToken)
    {
        var payload = Jostle.Scim.Administration.ScimAdministrationNotification.ToJson(notification);
        var delivered = false;
        foreach (var url in await UrlsAsync(notification.Tenant, cancellationToken).ConfigureAwait(false))
        {
            delivered |= await PostAsync(url, payload, notification.Tenant, cancellationToken).ConfigureAwait(false);
        }

        return delivered;
    }

    /// <summary>The host's webhook (<see cref="ProvisioningFailureNotificationOptions.WebhookUrl"/>) and the tenant's own (console settings), each once.</summary>
    private async Task<List<Uri>> UrlsAsync(string tenant, CancellationToken cancellationToken)
    {
        var urls = new List<Uri>();
        if (options.Value.WebhookUrl is { } hostUrl)
        {
            urls.Add(hostUrl);
        }

        if (administration is not null
            && await administration.GetNotificationSettingsAsync(tenant, cancellationToken).ConfigureAwait(false) is { WebhookUrl: { } tenantUrl }
            && !urls.Contains(tenantUrl))
        {
            urls.Add(tenantUrl);
        }

        return urls;
    }

    private async Task<bool> PostAsync(Uri url, byte[] payload, string tenant, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var attempts = 0;
        var pipeline = Pipeline(settings, tenant);
        try
        {
            using var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await pipeline.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(payload) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(MediaType) { CharSet = "utf-8" };
                    foreach (var (name, value) in settings.WebhookHeaders)
                    {
                        request.Headers.TryAddWithoutValidation(name, value);
                    }

                    return await client.SendAsync(request, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                NotificationLog.WebhookDelivered(logger, tenant, (int)response.StatusCode, attempts);
                return true;
            }

            NotificationLog.WebhookGaveUp(logger, tenant, attempts, "HTTP " + (int)response.StatusCode);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Reason(e) is { } reason)
        {
            NotificationLog.WebhookGaveUp(logger, tenant, attempts, reason);
        }

        return false;
    }

    /// <summary>
    /// The retry and per-attempt timeout, from Microsoft.Extensions.Http.Resilience: <see cref="HttpRetryStrategyOptions"/>
    /// retries what is transient (network errors, timeouts, 408, 429, 5xx) with exponential back-off from
    /// <see cref="ProvisioningFailureNotificationOptions.WebhookInitialBackoff"/> up to the maximum, honouring <c>Retry-After</c>.
    /// </summary>
    private ResiliencePipeline<HttpResponseMessage> Pipeline(ProvisioningFailureNotificationOptions settings, string tenant)
    {
        var maxAttempts = Math.Max(1, settings.WebhookMaxAttempts);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (maxAttempts > 1)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = maxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = settings.WebhookInitialBackoff,
                MaxDelay = settings.WebhookMaxBackoff,
                ShouldRetryAfterHeader = true,
                OnRetry = args =>
                {
                    var reason = args.Outcome.Result is { } response ? "HTTP " + (int)response.StatusCode : Reason(args.Outcome.Exception!) ?? "error";
                    NotificationLog.WebhookRetry(logger, args.AttemptNumber + 1, maxAttempts, tenant, reason, args.RetryDelay);
                    return default;
                },
            });
        }

        return builder.AddTimeout(settings.WebhookTimeout).Build();
    }

    private static string? Reason(Exception e) => e switch
    {
        HttpRequestException h => "network error: " + (h.HttpRequestError == HttpRequestError.Unknown ? h.GetType().Name : h.HttpRequestError.ToString()),
        TimeoutRejectedException => "timed out",
        _ => null,
    };

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
