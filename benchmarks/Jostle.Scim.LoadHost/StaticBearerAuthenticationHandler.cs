using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.LoadHost;

/// <summary>Options of the load host's bearer scheme: one static token, bound to one tenant.</summary>
internal sealed class StaticBearerOptions : AuthenticationSchemeOptions
{
    public string Token { get; set; } = "secret";

    public string Tenant { get; set; } = "load";
}

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> with the configured token authenticates a caller of the configured
/// tenant. A stand-in for the API-key scheme, which is not part of the load host.
/// </summary>
internal sealed class StaticBearerAuthenticationHandler(
    IOptionsMonitor<StaticBearerOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<StaticBearerOptions>(options, logger, encoder)
{
    public const string SchemeName = "StaticBearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = Encoding.UTF8.GetBytes(header[7..].Trim());
        var expected = Encoding.UTF8.GetBytes(Options.Token);
        if (!CryptographicOperations.FixedTimeEquals(presented, expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid bearer token."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "load-client"), new Claim(LoadHostOptions.TenantClaimType, Options.Tenant)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
