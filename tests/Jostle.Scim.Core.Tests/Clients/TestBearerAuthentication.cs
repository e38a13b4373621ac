using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Tests.Clients;

/// <summary>
/// A test-only authentication scheme: <c>Authorization: Bearer &lt;tenant&gt;</c> authenticates a caller of that
/// tenant. No header, or another scheme, is anonymous (and the SCIM endpoints answer 401).
/// </summary>
internal sealed class TestBearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestBearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var tenant = header[7..].Trim();
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "provisioning@" + tenant), new Claim(ScimTestHost.TenantClaimType, tenant)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
