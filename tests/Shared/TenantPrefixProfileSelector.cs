using Jostle.Scim.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace Jostle.Scim.Tests.Shared;

/// <summary>
/// Selects the profile that the tenant's name starts with (<c>okta-…</c> → <see cref="ScimProfiles.Okta"/>), as a host
/// would from a tenant setting; any other tenant gets the configured default. The profile suites of the conformance kit
/// run on tenants named so.
/// </summary>
public sealed class TenantPrefixProfileSelector : IScimCompatibilitySelector
{
    /// <summary>A new tenant name that selects <paramref name="profile"/>.</summary>
    public static string NewTenant(string profile) => profile.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N");

    public ValueTask<ScimCompatibility?> SelectAsync(HttpContext context, string tenant) =>
        ValueTask.FromResult<ScimCompatibility?>(
            tenant.IndexOf('-', StringComparison.Ordinal) is > 0 and var dash && ScimProfiles.TryGet(tenant[..dash], out var rules) ? rules : null);
}
