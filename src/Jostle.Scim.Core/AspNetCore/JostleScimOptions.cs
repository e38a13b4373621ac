using Jostle.Scim.Filtering;
using Jostle.Scim.Service;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>Options of the SCIM endpoints. Validated at start-up; what they limit is advertised in <c>/ServiceProviderConfig</c>.</summary>
public sealed class JostleScimOptions
{
    /// <summary>The largest page a query returns (<c>filter.maxResults</c>); a larger <c>count</c> is capped to it, and it is the page size when <c>count</c> is absent. Default 200.</summary>
    public int MaxResults { get; set; } = 200;

    /// <summary>The most operations a <c>/Bulk</c> request may carry (<c>bulk.maxOperations</c>); more → 413. Default 1000.</summary>
    public int MaxBulkOperations { get; set; } = 1000;

    /// <summary>The largest <c>/Bulk</c> request body in bytes (<c>bulk.maxPayloadSize</c>); larger → 413. Default 1 048 576 (1 MiB).</summary>
    public int MaxBulkPayloadSize { get; set; } = 1_048_576;

    /// <summary>The largest body of any other request in bytes; larger → 413. Default 262 144 (256 KiB).</summary>
    public int MaxRequestBodySize { get; set; } = 262_144;

    /// <summary>Whether a Group PATCH answers 200 with the group (members excluded unless asked for) instead of 204 No Content. Default <see langword="false"/> (204), so large groups are never serialised on the way out.</summary>
    public bool GroupPatchReturnsContent { get; set; }

    /// <summary>Whether a Group's <c>displayName</c> must be unique in the tenant (in any case): a create, replace or rename to
    /// another group's name answers <c>409 uniqueness</c>. RFC 7643 does not require it; Microsoft's gallery validation
    /// does. The built-in group stores enforce it atomically (so racing creates cannot both land); a host's own store
    /// should too (the store contract suite checks it). Default <see langword="true"/>.</summary>
    public bool UniqueGroupDisplayNames { get; set; } = true;

    /// <summary>What happens to a User's <c>password</c> when a request carries one: never stored, never returned; dropped and
    /// noted in the provisioning log (<see cref="ScimPasswordHandling.Discard"/>, the default), refused with
    /// <c>400 invalidValue</c>, or handed to the registered <see cref="IScimPasswordSink"/>.</summary>
    public ScimPasswordHandling Passwords { get; set; } = ScimPasswordHandling.Discard;

    /// <summary>The request-body compatibility rules (resource validation and PATCH). Default: <see cref="ScimCompatibility.Default"/>
    /// (every rule but <see cref="ScimCompatibility.OmittedSchemas"/>).</summary>
    public ScimCompatibility Compatibility { get; set; } = ScimCompatibility.Default;

    /// <summary>Limits and compatibility rules of the filter parser. Default: <see cref="ScimFilterOptions.Default"/>.</summary>
    public ScimFilterOptions FilterOptions { get; set; } = ScimFilterOptions.Default;

    /// <summary>The authorization policy the endpoints require, or <see langword="null"/> for the default policy (any authenticated caller).</summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>The authentication scheme(s) the endpoints authenticate with (comma-separated), or <see langword="null"/> for the default scheme.</summary>
    public string? AuthenticationScheme { get; set; }

    /// <summary>The claim that carries the caller's tenant, read by the default <see cref="IScimTenantResolver"/>. Default <c>scim:tenant</c>.</summary>
    public string TenantClaimType { get; set; } = "scim:tenant";

    /// <summary>The per-tenant rate limit. Default 50 requests per second with bursts of 100 (Entra ID requires at least 25); set <see cref="ScimRateLimitOptions.RequestsPerSecond"/> to 0 to turn it off.</summary>
    public ScimRateLimitOptions RateLimit { get; } = new();

    /// <summary>Cursor pagination (RFC 9865): how cursors are signed and how long they live.</summary>
    public ScimPaginationOptions Pagination { get; } = new();

    /// <summary>The authentication schemes advertised in <c>/ServiceProviderConfig</c>. Default: one OAuth bearer token scheme, as Microsoft Entra ID uses.</summary>
    public IList<ScimAuthenticationSchemeInfo> AdvertisedAuthenticationSchemes { get; } =
    [
        new("oauthbearertoken", "OAuth Bearer Token", "Authentication with a bearer token in the Authorization header.") { Primary = true },
    ];
}

/// <summary>
/// Cursor pagination (RFC 9865). A cursor is opaque to clients and signed with HMAC-SHA256, so a forged or edited one
/// is refused (<c>400 invalidCursor</c>).
/// </summary>
public sealed class ScimPaginationOptions
{
    /// <summary>
    /// The HMAC-SHA256 key cursors are signed with (at least 32 bytes), or <see langword="null"/> for a random key made
    /// once per process. Several hosts behind a load balancer MUST share one key: with a per-process key, a cursor
    /// issued by one host is <c>invalidCursor</c> on the others (and after a restart). Keep it secret, like a token
    /// signing key. Default <see langword="null"/>.
    /// </summary>
    public byte[]? CursorSigningKey { get; set; }

    /// <summary>How long a cursor stays valid after the page that issued it (advertised as <c>pagination.cursorTimeout</c>); an older one is <c>400 expiredCursor</c>. Default 10 minutes.</summary>
    public TimeSpan CursorTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>An authentication scheme as <c>/ServiceProviderConfig</c> advertises it (RFC 7643 §5).</summary>
/// <param name="Type">The scheme type: <c>oauth</c>, <c>oauth2</c>, <c>oauthbearertoken</c>, <c>httpbasic</c> or <c>httpdigest</c>.</param>
/// <param name="Name">The common name.</param>
/// <param name="Description">A description.</param>
public sealed record ScimAuthenticationSchemeInfo(string Type, string Name, string Description)
{
    /// <summary>Whether this is the primary scheme.</summary>
    public bool Primary { get; init; }

    /// <summary>An HTTP-addressable URL of the scheme's specification, or <see langword="null"/>.</summary>
    public string? SpecUri { get; init; }

    /// <summary>An HTTP-addressable URL of the scheme's documentation, or <see langword="null"/>.</summary>
    public string? DocumentationUri { get; init; }
}

/// <summary>Checks <see cref="JostleScimOptions"/> at start-up.</summary>
internal sealed class JostleScimOptionsValidator : IValidateOptions<JostleScimOptions>
{
    public ValidateOptionsResult Validate(string? name, JostleScimOptions options)
    {
        var failures = new List<string>();
        if (options.MaxResults < 1)
        {
            failures.Add($"JostleScimOptions.MaxResults must be at least 1 (it is {options.MaxResults}).");
        }

        if (options.MaxBulkOperations < 1)
        {
            failures.Add($"JostleScimOptions.MaxBulkOperations must be at least 1 (it is {options.MaxBulkOperations}).");
        }

        if (options.MaxBulkPayloadSize < 1024)
        {
            failures.Add($"JostleScimOptions.MaxBulkPayloadSize must be at least 1024 bytes (it is {options.MaxBulkPayloadSize}).");
        }

        if (options.MaxRequestBodySize < 1024)
        {
            failures.Add($"JostleScimOptions.MaxRequestBodySize must be at least 1024 bytes (it is {options.MaxRequestBodySize}).");
        }

        if (options.FilterOptions is null)
        {
            failures.Add("JostleScimOptions.FilterOptions must not be null.");
        }

        if (string.IsNullOrWhiteSpace(options.TenantClaimType))
        {
            failures.Add("JostleScimOptions.TenantClaimType must not be empty.");
        }

        if (options.RateLimit.RequestsPerSecond < 0 || options.RateLimit.Burst < 0)
        {
            failures.Add($"JostleScimOptions.RateLimit.RequestsPerSecond and Burst must not be negative (they are {options.RateLimit.RequestsPerSecond} and {options.RateLimit.Burst}).");
        }

        if (options.Pagination.CursorSigningKey is { Length: < 32 } key)
        {
            failures.Add($"JostleScimOptions.Pagination.CursorSigningKey must be at least 32 bytes (it is {key.Length}).");
        }

        if (options.Pagination.CursorTimeout < TimeSpan.FromSeconds(1))
        {
            failures.Add($"JostleScimOptions.Pagination.CursorTimeout must be at least one second (it is {options.Pagination.CursorTimeout}).");
        }

        if (options.AdvertisedAuthenticationSchemes.Count == 0)
        {
            failures.Add("JostleScimOptions.AdvertisedAuthenticationSchemes must name at least one scheme (RFC 7643 §5 requires authenticationSchemes).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
