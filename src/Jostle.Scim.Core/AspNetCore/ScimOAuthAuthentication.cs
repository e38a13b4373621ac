using System.Security.Claims;
using System.Text.Encodings.Web;
using Jostle.Scim.OAuth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>Names used by the OAuth access token authentication scheme.</summary>
public static class ScimOAuthDefaults
{
    /// <summary>The authentication scheme registered by <see cref="ScimOAuthBuilderExtensions.AddOAuthClients"/>.</summary>
    public const string AuthenticationScheme = "JostleScimOAuth";

    /// <summary>The claim carrying the OAuth client id. The client id is also the <see cref="ScimApiKeyDefaults.KeyIdClaimType"/> claim, so the provisioning log names it.</summary>
    public const string ClientIdClaimType = "scim:client";
}

/// <summary>Why a request's access token was refused, and its client when the token was genuine but revoked.</summary>
internal sealed record ScimOAuthRefusal(string Detail, ScimOAuthClient? Client);

/// <summary>The SCIM base path a route group was mapped at, so the OAuth scheme knows the audience a token must carry there.</summary>
internal sealed record ScimBasePathMetadata(string Prefix);

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;JWT&gt;</c> access tokens from the token endpoint: signature, type, issuer,
/// audience (the SCIM base URL of the request), lifetime; then, on every request, the store: the client and the secret or
/// federated credential the token was issued to must not be revoked. Tokens that are not JWTs are left to other schemes
/// (API keys). A failure challenges with <c>error="invalid_token"</c> (RFC 6750 §3.1).
/// </summary>
internal sealed class ScimOAuthAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ScimOAuthTokenService tokens,
    IOptions<ScimOAuthOptions> oauthOptions,
    IOptions<JostleScimOptions> scimOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    private static readonly object RefusalItem = new();

    /// <summary>Why this request's access token was refused, and the client when it was genuine but revoked.</summary>
    public static ScimOAuthRefusal? Refusal(HttpContext context) =>
        context.Items.TryGetValue(RefusalItem, out var value) ? value as ScimOAuthRefusal : null;

    /// <summary>Whether a bearer token has the shape of a JWS (three dot-separated parts).</summary>
    public static bool LooksLikeJwt(ReadOnlySpan<char> token) => token.Count('.') == 2 && !token.StartsWith("jscim_", StringComparison.Ordinal);

    /// <summary>The SCIM base URL of a request: <see cref="ScimOAuthOptions.Audience"/>, or scheme, host, path base and SCIM prefix.</summary>
    public static string? AudienceOf(HttpContext context, ScimOAuthOptions options, string? prefix)
    {
        if (options.Audience is { } audience)
        {
            return audience.TrimEnd('/');
        }

        if (prefix is null)
        {
            return null;
        }

        var request = context.Request;
        return $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}{prefix.TrimEnd('/')}";
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } header || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header[BearerPrefix.Length..].Trim();
        if (!LooksLikeJwt(token))
        {
            return AuthenticateResult.NoResult();
        }

        var prefix = Context.GetEndpoint()?.Metadata.GetMetadata<ScimBasePathMetadata>()?.Prefix;
        var audience = AudienceOf(Context, oauthOptions.Value, prefix);
        if (audience is null)
        {
            return Refuse("The access token is not valid here.", null);
        }

        ScimAccessTokenValidation validation;
        try
        {
            validation = await tokens.ValidateAccessTokenAsync(token, audience, Context.RequestAborted);
        }
        catch (OperationCanceledException) when (Context.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failing store is the server's fault: logged here, answered as a SCIM 500 by ScimAuthorizationResultHandler.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (ScimStoreFailures.Classify(Context, e) is { } unavailable)
            {
                Log.StoreUnavailable(Logger, unavailable.Status, e.GetType().Name, e.GetBaseException().Message);
            }
            else
            {
                OAuthLog.StoreFailed(Logger, e);
            }

            Context.Items[ScimApiKeyAuthenticationHandler.StoreFailedItem] = e;
            return AuthenticateResult.Fail("The OAuth store failed; the token could not be checked.");
        }

        var client = validation.Client;
        switch (validation.Status)
        {
            case ScimAccessTokenStatus.Valid when client is not null:
                OAuthLog.Authenticated(Logger, client.ClientId, client.TenantId);
                return AuthenticateResult.Success(new AuthenticationTicket(Principal(client), Scheme.Name));
            case ScimAccessTokenStatus.Expired:
                return Refuse("The access token expired: request a new one from the token endpoint.", null);
            case ScimAccessTokenStatus.Revoked:
                OAuthLog.AccessTokenRefused(Logger, validation.Status, client?.ClientId ?? "(none)");
                return Refuse($"The access token's OAuth client {client?.ClientId} or its secret or federated credential was revoked.", client);
            default:
                return Refuse("The access token is invalid (signature, issuer, audience or type).", null);
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (result.Failure is not null && Refusal(Context) is { } refusal)
        {
            Response.Headers.WWWAuthenticate = $"Bearer realm=\"scim\", error=\"invalid_token\", error_description=\"{refusal.Detail.Replace("\"", "", StringComparison.Ordinal)}\"";
        }
        else if (Response.Headers.WWWAuthenticate.Count == 0)
        {
            Response.Headers.WWWAuthenticate = "Bearer realm=\"scim\"";
        }
    }

    private AuthenticateResult Refuse(string detail, ScimOAuthClient? client)
    {
        Context.Items[RefusalItem] = new ScimOAuthRefusal(detail, client);
        return AuthenticateResult.Fail(detail);
    }

    private ClaimsPrincipal Principal(ScimOAuthClient client)
    {
        var claims = new[]
        {
            new Claim(scimOptions.Value.TenantClaimType, client.TenantId),
            new Claim(ScimApiKeyDefaults.ActorClaimType, client.Actor),
            new Claim(ClaimTypes.NameIdentifier, client.Actor),
            new Claim(ClaimTypes.Name, client.Actor),
            new Claim(ScimApiKeyDefaults.KeyIdClaimType, client.ClientId),
            new Claim(ScimOAuthDefaults.ClientIdClaimType, client.ClientId),
        };
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
    }
}
