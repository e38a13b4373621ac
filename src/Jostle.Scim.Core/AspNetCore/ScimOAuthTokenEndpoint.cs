using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Jostle.Scim.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Jostle.Scim.AspNetCore;

/// <summary>
/// The OAuth 2.0 token endpoint (RFC 6749 §4.4, client credentials) beside the SCIM endpoints. Clients authenticate with
/// <c>client_secret_basic</c>, <c>client_secret_post</c> or a JWT client assertion (RFC 7523,
/// <c>private_key_jwt</c>-style, for workload identity federation). Errors are RFC 6749 §5.2 bodies; nothing is changed
/// by a refused request (except that a refused assertion's <c>jti</c> is not recorded).
/// </summary>
internal static class ScimOAuthTokenEndpoint
{
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static void Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ScimOAuthOptions>>().Value;
        endpoints.MapPost(prefix.TrimEnd('/') + options.TokenPath, (HttpContext http) => HandleAsync(http, prefix))
            .AllowAnonymous()
            .WithMetadata(new ScimBasePathMetadata(prefix))
            .WithDisplayName("SCIM OAuth token endpoint");
    }

    private static async Task HandleAsync(HttpContext http, string prefix)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<ScimOAuthOptions>>().Value;
        var logger = services.GetRequiredService<ILogger<ScimOAuthTokenService>>();
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";

        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            await ErrorAsync(http, logger, 400, "invalid_request", "The token request must be a form: Content-Type: application/x-www-form-urlencoded.");
            return;
        }

        var body = await ReadBodyAsync(http.Request, options.MaxTokenRequestSize, http.RequestAborted);
        if (body is null)
        {
            await ErrorAsync(http, logger, 413, "invalid_request", $"The token request is larger than {options.MaxTokenRequestSize} bytes.");
            return;
        }

        Dictionary<string, StringValues> form;
        try
        {
            form = new FormReader(body) { ValueCountLimit = 32, KeyLengthLimit = 128, ValueLengthLimit = options.MaxTokenRequestSize }.ReadForm();
        }
        catch (InvalidDataException)
        {
            await ErrorAsync(http, logger, 400, "invalid_request", "The token request form could not be read.");
            return;
        }

        if (form.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated })
        {
            await ErrorAsync(http, logger, 400, "invalid_request", $"The parameter '{repeated}' appears more than once.");
            return;
        }

        var grantType = Single(form, "grant_type");
        if (string.IsNullOrEmpty(grantType))
        {
            await ErrorAsync(http, logger, 400, "invalid_request", "The grant_type parameter is missing; use grant_type=client_credentials.");
            return;
        }

        if (grantType != "client_credentials")
        {
            await ErrorAsync(http, logger, 400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
            return;
        }

        var formClientId = Single(form, "client_id");
        var formSecret = Single(form, "client_secret");
        var assertion = Single(form, "client_assertion");
        var assertionType = Single(form, "client_assertion_type");
        var basic = ReadBasic(http.Request, out var basicMalformed);
        if (basicMalformed)
        {
            await ErrorAsync(http, logger, 401, "invalid_client", "The Basic Authorization header is malformed.");
            return;
        }

        var methods = (basic is null ? 0 : 1) + (formSecret is null ? 0 : 1) + (assertion is null && assertionType is null ? 0 : 1);
        if (methods > 1)
        {
            await ErrorAsync(http, logger, 400, "invalid_request", "Use exactly one client authentication method (Basic header, client_secret or client_assertion).");
            return;
        }

        if (methods == 0)
        {
            await ErrorAsync(http, logger, 401, "invalid_client", "Client authentication is required: a Basic header, client_id and client_secret, or a client_assertion.");
            return;
        }

        if (basic is { } b && formClientId is not null && formClientId != b.ClientId)
        {
            await ErrorAsync(http, logger, 400, "invalid_request", "The client_id parameter differs from the Basic header's client id.");
            return;
        }

        if (assertion is not null || assertionType is not null)
        {
            if (assertionType != JwtBearerAssertionType || string.IsNullOrEmpty(assertion))
            {
                await ErrorAsync(http, logger, 400, "invalid_request", $"A client assertion needs client_assertion_type={JwtBearerAssertionType} and a client_assertion.");
                return;
            }
        }
        else if (basic is null && string.IsNullOrEmpty(formClientId))
        {
            await ErrorAsync(http, logger, 400, "invalid_request", "The client_id parameter is missing.");
            return;
        }

        var limiterKey = basic?.ClientId ?? formClientId ?? "assertion";
        if (!services.GetRequiredService<ScimOAuthTokenRateLimiter>().TryAcquire(limiterKey, out var retryAfter))
        {
            OAuthLog.RateLimited(logger, limiterKey);
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ErrorAsync(http, logger, 429, "invalid_request", "Too many token requests for this client; retry later.");
            return;
        }

        var tokens = services.GetRequiredService<ScimOAuthTokenService>();
        var authentication = assertion is not null
            ? await tokens.AuthenticateWithAssertionAsync(formClientId, assertion, http.RequestAborted)
            : basic is { } credentials
                ? await tokens.AuthenticateWithSecretAsync(credentials.ClientId, credentials.Secret, http.RequestAborted)
                : await tokens.AuthenticateWithSecretAsync(formClientId!, formSecret!, http.RequestAborted);
        if (authentication.Client is not { } client || authentication.Credential is not { } credential)
        {
            await ErrorAsync(http, logger, 401, "invalid_client", authentication.Failure ?? "Client authentication failed.");
            return;
        }

        var audience = ScimOAuthAuthenticationHandler.AudienceOf(http, options, prefix)!;
        var (token, lifetime) = await tokens.IssueAsync(client, credential, audience, http.RequestAborted);
        OAuthLog.TokenIssued(logger, client.ClientId, client.TenantId, credential);
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("access_token", token);
        writer.WriteString("token_type", "Bearer");
        writer.WriteNumber("expires_in", (long)lifetime.TotalSeconds);
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }

    private static string? Single(Dictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>The body as text, or <see langword="null"/> when it is larger than the limit (read no further than one byte past it).</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new byte[limit + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return total > limit ? null : Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>The client id and secret of <c>Authorization: Basic</c> (each form-url-encoded, RFC 6749 §2.3.1).</summary>
    private static (string ClientId, string Secret)? ReadBasic(HttpRequest request, out bool malformed)
    {
        malformed = false;
        var headers = request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return null;
        }

        var header = headers.Count == 1 ? headers[0] ?? "" : "";
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            malformed = true;
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                malformed = true;
                return null;
            }

            return (Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')), Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
        }
        catch (FormatException)
        {
            malformed = true;
            return null;
        }
    }

    private static async Task ErrorAsync(HttpContext http, ILogger logger, int status, string error, string description)
    {
        OAuthLog.TokenRefused(logger, error, description);
        http.Response.StatusCode = status;
        if (status == 401)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"scim\"";
        }

        http.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("error", error);
        writer.WriteString("error_description", description);
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }
}

/// <summary>The per-client token request limit: a token bucket per presented client id (System.Threading.RateLimiting, as ASP.NET Core's rate limiting middleware uses).</summary>
internal sealed class ScimOAuthTokenRateLimiter(IOptions<ScimOAuthOptions> options) : IDisposable
{
    private readonly ScimKeyedTokenBuckets? _limiter = options.Value.TokenRequestsPerMinute is > 0 and var perMinute
        ? new ScimKeyedTokenBuckets(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        })
        : null;

    public bool TryAcquire(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        return _limiter is null || _limiter.TryAcquire(client, out retryAfter);
    }

    public void Dispose() => _limiter?.Dispose();
}
