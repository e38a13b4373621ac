using Jostle.Scim.AspNetCore;

namespace Jostle.Scim.Host;

/// <summary><c>--profile</c>: the <see cref="ScimProfiles"/> profile requests run under, for every tenant or for one.</summary>
internal static class HostProfiles
{
    /// <summary>The profile names, for messages.</summary>
    public const string Names = "Default, Entra, Okta, OneLogin, JumpCloud, Google, Strict";

    /// <summary>Parses <c>PROFILE</c> or <c>TENANT=PROFILE</c> (the profile in any case).</summary>
    public static bool TryParse(string value, out string? tenant, out ScimCompatibility rules)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        tenant = equals < 0 ? null : value[..equals].Trim();
        var name = (equals < 0 ? value : value[(equals + 1)..]).Trim();
        return ScimProfiles.TryGet(name, out rules) && tenant is not { Length: 0 };
    }

    /// <summary>The profile of every tenant (or <see langword="null"/>) and those of named tenants.</summary>
    public static (ScimCompatibility? EveryTenant, Dictionary<string, ScimCompatibility> PerTenant) Read(IEnumerable<string> values)
    {
        ScimCompatibility? every = null;
        var perTenant = new Dictionary<string, ScimCompatibility>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!TryParse(value, out var tenant, out var rules))
            {
                throw new ArgumentException($"'--profile' must be a profile ({Names}) or TENANT=PROFILE, not '{value}'.", nameof(values));
            }

            if (tenant is null)
            {
                every = rules;
            }
            else
            {
                perTenant[tenant] = rules;
            }
        }

        return (every, perTenant);
    }

    /// <summary>Selects the profile given for the request's tenant; other tenants get the profile of every tenant.</summary>
    internal sealed class TenantSelector(IReadOnlyDictionary<string, ScimCompatibility> profiles) : IScimCompatibilitySelector
    {
        public ValueTask<ScimCompatibility?> SelectAsync(HttpContext context, string tenant) =>
            ValueTask.FromResult<ScimCompatibility?>(profiles.TryGetValue(tenant, out var rules) ? rules : null);
    }
}
