namespace Jostle.Scim.Provisioning;

/// <summary>
/// Tells a tenant's administrators that provisioning failed. It receives digests, never single failures: at most one per
/// tenant per <see cref="ProvisioningFailureNotificationOptions.Interval"/>. It runs on a background service, so it may
/// take its time (retry, back off); an exception it throws is logged and the digest is dropped.
/// </summary>
public interface IProvisioningFailureNotifier
{
    /// <summary>Delivers one digest.</summary>
    /// <param name="digest">The failures of one tenant since its previous digest.</param>
    /// <param name="cancellationToken">Signalled when the application stops.</param>
    /// <returns>A task that completes when the digest is delivered or given up.</returns>
    Task NotifyAsync(ProvisioningFailureDigest digest, CancellationToken cancellationToken);
}

/// <summary>The provisioning failures of one tenant since its previous digest, grouped by cause.</summary>
public sealed record ProvisioningFailureDigest
{
    /// <summary>The tenant.</summary>
    public required string Tenant { get; init; }

    /// <summary>The time of the earliest failure in the digest.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The time of the latest failure in the digest.</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>How many failures the digest covers (all groups, including any beyond <see cref="ProvisioningFailureNotificationOptions.MaxGroupsPerDigest"/>).</summary>
    public required int TotalFailures { get; init; }

    /// <summary>The causes, most frequent first.</summary>
    public required IReadOnlyList<ProvisioningFailureGroup> Groups { get; init; }
}

/// <summary>Failures that share a cause: the same operation on the same resource type answered with the same status and <c>scimType</c>.</summary>
public sealed record ProvisioningFailureGroup
{
    /// <summary>The operation.</summary>
    public required ProvisioningOperation Operation { get; init; }

    /// <summary>The resource type, or <see langword="null"/>.</summary>
    public string? ResourceType { get; init; }

    /// <summary>The HTTP status.</summary>
    public required int Status { get; init; }

    /// <summary>The SCIM error type, or <see langword="null"/>.</summary>
    public string? ScimType { get; init; }

    /// <summary>How many failures had this cause.</summary>
    public required int Count { get; init; }

    /// <summary>When the first of them happened.</summary>
    public required DateTimeOffset FirstSeen { get; init; }

    /// <summary>When the last of them happened.</summary>
    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>The first few of them (<see cref="ProvisioningFailureNotificationOptions.MaxExamplesPerGroup"/>).</summary>
    public required IReadOnlyList<ProvisioningFailureExample> Examples { get; init; }
}

/// <summary>One failure, as an example of its group.</summary>
public sealed record ProvisioningFailureExample
{
    /// <summary>When it happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The resource id, when known.</summary>
    public string? ResourceId { get; init; }

    /// <summary>The resource's <c>userName</c>, when known.</summary>
    public string? UserName { get; init; }

    /// <summary>The resource's <c>externalId</c>, when known.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The resource's <c>displayName</c>, when known.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The error detail the client was given.</summary>
    public string? Detail { get; init; }

    /// <summary>The request's correlation id, to find it in the provisioning log.</summary>
    public required string CorrelationId { get; init; }
}

/// <summary>How failure digests are gathered and delivered.</summary>
public sealed class ProvisioningFailureNotificationOptions
{
    /// <summary>The shortest time between two digests of one tenant. Default 15 minutes.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long after a tenant's first failure (when it had no digest within <see cref="Interval"/>) the digest waits to
    /// gather the rest of the burst. Default 1 minute.
    /// </summary>
    public TimeSpan GatherDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many example failures each group carries. Default 3.</summary>
    public int MaxExamplesPerGroup { get; set; } = 3;

    /// <summary>How many groups a digest lists (the most frequent); the others still count in <see cref="ProvisioningFailureDigest.TotalFailures"/>. Default 20.</summary>
    public int MaxGroupsPerDigest { get; set; } = 20;

    /// <summary>How many failures wait for the background service at most; beyond it the oldest are dropped (and counted in a log message). Default 10 000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Where the webhook notifier POSTs each digest as JSON, or <see langword="null"/> for no webhook.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>Extra headers sent with each webhook request (e.g. a shared secret the receiver checks).</summary>
    public IDictionary<string, string> WebhookHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many times the webhook notifier tries to deliver a digest. Default 5.</summary>
    public int WebhookMaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry; each further retry waits twice as long (up to <see cref="WebhookMaxBackoff"/>). Default 2 seconds.</summary>
    public TimeSpan WebhookInitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two webhook attempts. Default 5 minutes.</summary>
    public TimeSpan WebhookMaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The time limit of one webhook attempt. Default 30 seconds.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
