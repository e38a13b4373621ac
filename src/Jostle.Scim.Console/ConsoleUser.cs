using System.Security.Claims;
using Jostle.Scim.Administration;

namespace Jostle.Scim.AdminConsole;

/// <summary>The signed-in console account, read from the session cookie's claims.</summary>
internal sealed record ConsoleUser(ScimConsoleRole Role, string? Tenant, string Label, string LinkId)
{
    private const string RoleClaim = "jostle.console.role";
    private const string TenantClaim = "jostle.console.tenant";
    private const string LinkClaim = "jostle.console.link";

    public bool IsOperator => Role == ScimConsoleRole.Operator;

    /// <summary>Whether the account may see <paramref name="tenant"/>: operators see every tenant, an admin only their own.</summary>
    public bool CanSee(string tenant) => IsOperator || string.Equals(Tenant, tenant, StringComparison.Ordinal);

    /// <summary>How the account is named in the tenant's log.</summary>
    public string Describe() => IsOperator ? $"operator {Label}" : $"admin {Label}";

    public ClaimsPrincipal ToPrincipal()
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, Label),
            new(RoleClaim, Role.ToString()),
            new(LinkClaim, LinkId),
        };
        if (Tenant is not null)
        {
            claims.Add(new Claim(TenantClaim, Tenant));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, ScimConsoleDefaults.AuthenticationScheme));
    }

    public static ConsoleUser? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true
            || !Enum.TryParse<ScimConsoleRole>(principal.FindFirst(RoleClaim)?.Value, out var role)
            || principal.FindFirst(ClaimTypes.Name)?.Value is not { Length: > 0 } label
            || principal.FindFirst(LinkClaim)?.Value is not { Length: > 0 } link)
        {
            return null;
        }

        var tenant = principal.FindFirst(TenantClaim)?.Value;
        if (role == ScimConsoleRole.TenantAdmin && string.IsNullOrEmpty(tenant))
        {
            return null;
        }

        return new ConsoleUser(role, role == ScimConsoleRole.Operator ? null : tenant, label, link);
    }
}
