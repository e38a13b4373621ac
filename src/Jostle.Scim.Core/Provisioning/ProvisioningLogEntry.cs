using Jostle.Scim.Filtering;

namespace Jostle.Scim.Provisioning;

/// <summary>What a provisioning client asked the service to do.</summary>
public enum ProvisioningOperation
{
    /// <summary>Something else: a discovery document, <c>/Me</c>, an unknown endpoint, or a request refused before its endpoint ran.</summary>
    Other = 0,

    /// <summary><c>POST /Users</c> or <c>POST /Groups</c> (also as a bulk item).</summary>
    Create,

    /// <summary><c>PUT /Users/{id}</c> or <c>PUT /Groups/{id}</c> (also as a bulk item).</summary>
    Replace,

    /// <summary><c>PATCH /Users/{id}</c> or <c>PATCH /Groups/{id}</c> (also as a bulk item).</summary>
    Patch,

    /// <summary><c>DELETE /Users/{id}</c> or <c>DELETE /Groups/{id}</c> (also as a bulk item).</summary>
    Delete,

    /// <summary><c>GET /Users/{id}</c> or <c>GET /Groups/{id}</c>. Recorded in the provisioning log only when it fails.</summary>
    Get,

    /// <summary>A list or search: <c>GET /Users?filter=…</c>, <c>POST …/.search</c>. Recorded in the provisioning log only when it fails.</summary>
    Query,

    /// <summary>A <c>POST /Bulk</c> request as a whole. Each of its operations is recorded on its own; the request itself only when it fails.</summary>
    Bulk,
}

/// <summary>
/// One record of the provisioning log: who did what to which resource, and how it ended. It never holds a key or a
/// request body; of the resource it names only <c>id</c>, <c>userName</c>, <c>externalId</c> and <c>displayName</c>.
/// </summary>
public sealed record ProvisioningLogEntry
{
    /// <summary>When the operation started.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The tenant the operation ran in.</summary>
    public required string Tenant { get; init; }

    /// <summary>The automation user (actor) whose credential made the request, when the authentication scheme names one.</summary>
    public string? Actor { get; init; }

    /// <summary>The lookup id of the API key that authenticated the request (never the key itself), when there was one.</summary>
    public string? KeyId { get; init; }

    /// <summary>The operation.</summary>
    public required ProvisioningOperation Operation { get; init; }

    /// <summary>The resource type (<c>User</c>, <c>Group</c>), or <see langword="null"/> when the request named none.</summary>
    public string? ResourceType { get; init; }

    /// <summary>The resource's <c>id</c>, when known.</summary>
    public string? ResourceId { get; init; }

    /// <summary>The resource's <c>userName</c> (Users), when known.</summary>
    public string? UserName { get; init; }

    /// <summary>The resource's <c>externalId</c>, when known.</summary>
    public string? ExternalId { get; init; }

    /// <summary>The resource's <c>displayName</c>, when known.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The HTTP status the operation answered (for a bulk item, the item's status).</summary>
    public required int Status { get; init; }

    /// <summary>The SCIM error type (<c>uniqueness</c>, <c>invalidValue</c>, …) of a failure, or <see langword="null"/>.</summary>
    public string? ScimType { get; init; }

    /// <summary>The error detail of a failure, as the client was told it; on success, a note of what the service did not take
    /// (the names of attributes no schema defines), or <see langword="null"/>.</summary>
    public string? Detail { get; init; }

    /// <summary>How long the operation took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The request-body compatibility rules the operation needed (what a strict RFC reading would have refused).</summary>
    public ScimCompatibility CompatibilityRules { get; init; }

    /// <summary>The filter compatibility rules the operation needed.</summary>
    public FilterCompatibility FilterRules { get; init; }

    /// <summary>The correlation id of the HTTP request, also sent back in the <c>X-Correlation-Id</c> response header. Bulk items share their request's.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>The <c>bulkId</c> of a bulk item, when it had one.</summary>
    public string? BulkId { get; init; }

    /// <summary>Whether the operation succeeded (a status below 400).</summary>
    public bool Succeeded => Status < 400;
}
