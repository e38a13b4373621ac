using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>
/// Finds the tenant of an authenticated SCIM caller. Every store call of a request is scoped to the tenant it returns.
/// The default reads the claim named by <see cref="JostleScimOptions.TenantClaimType"/>; register your own to derive it otherwise
/// (route value, host name). Whatever it returns, when the caller's credentials carry tenant claims (an API key always
/// does) the tenant must be one of them, or the request is refused with 403.
/// </summary>
public interface IScimTenantResolver
{
    /// <summary>Returns the caller's tenant.</summary>
    /// <param name="context">The request; its <see cref="HttpContext.User"/> is authenticated.</param>
    /// <returns>The tenant id, or <see langword="null"/> when the caller has none (→ 403).</returns>
    ValueTask<string?> ResolveTenantAsync(HttpContext context);
}

/// <summary>
/// Maps the authenticated caller to a SCIM resource for <c>/Me</c> (RFC 7644 §3.11). Without one registered,
/// <c>/Me</c> answers 501 Not Implemented.
/// </summary>
public interface IScimMeResolver
{
    /// <summary>Returns the id of the caller's User resource in the tenant.</summary>
    /// <param name="context">The request.</param>
    /// <param name="tenantId">The caller's tenant.</param>
    /// <returns>The User id, or <see langword="null"/> when the caller is not a User of the tenant (→ 404).</returns>
    ValueTask<string?> ResolveUserIdAsync(HttpContext context, string tenantId);
}

/// <summary>The default tenant resolver: the value of a claim.</summary>
internal sealed class ClaimTenantResolver(IOptions<JostleScimOptions> options) : IScimTenantResolver
{
    public ValueTask<string?> ResolveTenantAsync(HttpContext context)
    {
        var value = context.User.FindFirst(options.Value.TenantClaimType)?.Value;
        return ValueTask.FromResult(string.IsNullOrWhiteSpace(value) ? null : value);
    }
}

/// <summary>
/// Picks the compatibility rules of one request, e.g. a <see cref="ScimProfiles"/> profile by tenant, API key or client.
/// Without one registered (or when it answers <see langword="null"/>), <see cref="JostleScimOptions.Compatibility"/> applies.
/// </summary>
public interface IScimCompatibilitySelector
{
    /// <summary>The rules for this request, or <see langword="null"/> for the configured default.</summary>
    /// <param name="context">The HTTP request, authenticated.</param>
    /// <param name="tenant">The resolved tenant.</param>
    /// <returns>The rules, or <see langword="null"/>.</returns>
    ValueTask<ScimCompatibility?> SelectAsync(HttpContext context, string tenant);
}
