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

    /// <summary>
    /// An administrator's action, not a provisioning request: a key created, rotated or revoked, settings changed, an admin
    /// invited (see <c>Jostle.Scim.Administration.ScimAdministrationAudit</c>). <see cref="ProvisioningLogEntry.Actor"/> is the
    /// console user, <see cref="ProvisioningLogEntry.ResourceType"/> the kind of thing changed and
    /// <see cref="ProvisioningLogEntry.Detail"/> says what was done.
    /// </summary>
    Administration,
}

/// <summary>
/// One record of the provisioning log: who did what to which resource, and how it ended. It never holds a key, a password
/// or a raw request body: of the resource it names only <c>id</c>, <c>userName</c>, <c>externalId</c> and
/// <c>displayName</c>, and <see cref="RequestSummary"/> is the body's shape with personal values masked.
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

    /// <summary>The HTTP method of the request (<c>POST</c>, <c>PATCH</c>, …; a bulk item's own method), or <see langword="null"/> for records not made by a request.</summary>
    public string? Method { get; init; }

    /// <summary>The request path without its query string (<c>/scim/v2/Users/2819c223</c>; a bulk item's own path), or <see langword="null"/>.</summary>
    public string? Path { get; init; }

    /// <summary>
    /// A redacted summary of what the request sent: the body's attributes with personal values masked (<c>"j***@c***"</c>),
    /// secrets (<c>password</c>, tokens, keys) removed, booleans, numbers and SCIM keywords kept; for a query, its parameters
    /// with filter values masked. <see langword="null"/> when the request sent neither.
    /// </summary>
    public string? RequestSummary { get; init; }

    /// <summary>
    /// The same summary with personal values unmasked (secrets still removed), encrypted with ASP.NET Core Data Protection;
    /// only <c>Jostle.Scim.Administration.ScimRequestLogService.RevealAsync</c> opens it, and records who did. <see langword="null"/>
    /// when administration is not configured or there was nothing to summarise.
    /// </summary>
    public string? ProtectedRequestSummary { get; init; }

    /// <summary>Whether the operation succeeded (a status below 400).</summary>
    public bool Succeeded => Status < 400;
}
