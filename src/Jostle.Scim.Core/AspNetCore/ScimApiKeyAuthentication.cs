using System.Security.Claims;
using System.Text.Encodings.Web;
using Jostle.Scim.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.AspNetCore;

/// <summary>Names used by the provisioning API key authentication scheme.</summary>
public static class ScimApiKeyDefaults
{
    /// <summary>The authentication scheme registered by <see cref="ScimApiKeyBuilderExtensions.AddApiKeys"/>.</summary>
    public const string AuthenticationScheme = "JostleScimApiKey";

    /// <summary>The claim carrying the automation user (actor) the key acts as. Also set as <see cref="ClaimTypes.NameIdentifier"/> and <see cref="ClaimTypes.Name"/>.</summary>
    public const string ActorClaimType = "scim:actor";

    /// <summary>The claim carrying the key's lookup id (never the key).</summary>
    public const string KeyIdClaimType = "scim:key";
}

/// <summary>
/// Authenticates <c>Authorization: Bearer jscim_…</c>. Every request verifies its key through
/// <see cref="ScimApiKeyManager"/> (which keeps verified keys in memory only under the store's revision), so a revoked
/// key is refused on the next request. A missing, malformed, unknown or revoked key fails with a
/// <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750 §3); nothing it logs or answers contains the key.
/// </summary>
internal sealed class ScimApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ScimApiKeyManager manager,
    IOptions<JostleScimOptions> scimOptions,
    IOptions<ScimApiKeyOptions> keyOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    /// <summary>The <see cref="HttpContext.Items"/> key set when the key store threw: the request failed on our side, not the caller's.</summary>
    public static readonly object StoreFailedItem = new();

    /// <summary>Whether authenticating this request failed because the key store threw.</summary>
    public static bool StoreFailed(HttpContext context) => context.Items.ContainsKey(StoreFailedItem);

    private Jostle.Scim.Administration.ScimUnattributedRefusals? UnattributedRefusals =>
        Context.RequestServices.GetService(typeof(Jostle.Scim.Administration.ScimUnattributedRefusals)) as Jostle.Scim.Administration.ScimUnattributedRefusals;

    /// <summary>The exception the key (or OAuth) store threw while authenticating this request, if it threw.</summary>
    public static Exception? StoreFailure(HttpContext context) => context.Items.TryGetValue(StoreFailedItem, out var failure) ? failure as Exception : null;

    /// <summary>The <see cref="HttpContext.Items"/> key of a key that was presented whole and correct but is revoked or expired.</summary>
    private static readonly object RevokedKeyItem = new();

    /// <summary>
    /// The key this request presented, when it was correct but revoked or expired: its tenant's provisioning log records the
    /// refusal, so an admin sees why provisioning stopped. (An unknown or malformed key names no tenant.)
    /// </summary>
    public static ScimApiKey? RevokedKey(HttpContext context) =>
        context.Items.TryGetValue(RevokedKeyItem, out var key) ? key as ScimApiKey : null;

    /// <summary>The <see cref="HttpContext.Items"/> key of what was wrong with a presented token, for the 401's detail.</summary>
    private static readonly object RejectionItem = new();

    /// <summary>
    /// Why a presented token was refused, in words for the identity provider's admin (never the token), or
    /// <see langword="null"/> when none was presented.
    /// </summary>
    public static string? Rejection(HttpContext context) =>
        context.Items.TryGetValue(RejectionItem, out var reason) ? reason as string : null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var header = headers.Count == 1 ? headers[0] ?? "" : "";
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            ApiKeyLog.Rejected(Logger, "(none)", "not a single bearer token");
            return AuthenticateResult.Fail("The Authorization header is not a single bearer token.");
        }

        var presented = header[BearerPrefix.Length..].Trim();
        if (ScimOAuthAuthenticationHandler.LooksLikeJwt(presented) && Context.RequestServices.GetService(typeof(Jostle.Scim.OAuth.ScimOAuthTokenService)) is not null)
        {
            // An OAuth access token: the OAuth scheme judges it.
            return AuthenticateResult.NoResult();
        }

        ScimApiKeyVerification verification;
        try
        {
            verification = await manager.VerifyAsync(presented, Context.RequestAborted);
        }
        catch (OperationCanceledException) when (Context.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failing key store is the server's fault: logged here, answered as a SCIM 500 by ScimAuthorizationResultHandler.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (ScimStoreFailures.Classify(Context, e) is { } unavailable)
            {
                Log.StoreUnavailable(Logger, unavailable.Status, e.GetType().Name, e.GetBaseException().Message);
            }
            else
            {
                ApiKeyLog.StoreFailed(Logger, e);
            }

            Context.Items[StoreFailedItem] = e;
            return AuthenticateResult.Fail("The API key store failed; the key could not be checked.");
        }

        var key = verification.Key;
        switch (verification.Status)
        {
            case ScimApiKeyVerificationStatus.Valid when key is not null:
                ApiKeyLog.Authenticated(Logger, key.KeyId, key.TenantId, key.Actor);
                return AuthenticateResult.Success(new AuthenticationTicket(Principal(key), Scheme.Name));
            case ScimApiKeyVerificationStatus.Revoked:
                ApiKeyLog.Rejected(Logger, key?.KeyId ?? "(none)", "revoked");
                if (key is not null)
                {
                    Context.Items[RevokedKeyItem] = key;
                }

                return AuthenticateResult.Fail("The API key was revoked.");
            case ScimApiKeyVerificationStatus.Expired:
                ApiKeyLog.Rejected(Logger, key?.KeyId ?? "(none)", "expired");
                if (key is not null)
                {
                    Context.Items[RevokedKeyItem] = key;
                }

                return AuthenticateResult.Fail("The API key expired.");
            case ScimApiKeyVerificationStatus.Malformed:
                ApiKeyLog.Rejected(Logger, "(none)", "malformed");
                UnattributedRefusals?.Record("malformed");
                Context.Items[RejectionItem] = "The provisioning token is not shaped like an API key of this server (jscim_…): check that the whole key was pasted.";
                return AuthenticateResult.Fail("The bearer token is not shaped like an API key.");
            default:
                ApiKeyLog.Rejected(Logger, "(none)", "unknown");
                UnattributedRefusals?.Record("unknown");
                Context.Items[RejectionItem] = "The provisioning token was received, but the API key is unknown to this server: no key with its id exists in the database the server uses (a key created against another database, or deleted).";
                return AuthenticateResult.Fail("The API key is unknown.");
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var realm = keyOptions.Value.Realm.Replace("\"", "", StringComparison.Ordinal);
        Response.Headers.WWWAuthenticate = result.Failure is null
            ? $"Bearer realm=\"{realm}\""
            : $"Bearer realm=\"{realm}\", error=\"invalid_token\", error_description=\"The API key is missing, malformed, unknown or revoked.\"";
    }

    private ClaimsPrincipal Principal(ScimApiKey key)
    {
        var claims = new[]
        {
            new Claim(scimOptions.Value.TenantClaimType, key.TenantId),
            new Claim(ScimApiKeyDefaults.ActorClaimType, key.Actor),
            new Claim(ClaimTypes.NameIdentifier, key.Actor),
            new Claim(ClaimTypes.Name, key.Actor),
            new Claim(ScimApiKeyDefaults.KeyIdClaimType, key.KeyId),
        };
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role));
    }
}

/// <summary>The API key scheme's log messages (event ids 200–209). They name the key id, never the key.</summary>
internal static partial class ApiKeyLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "API key {KeyId} authenticated actor {Actor} of tenant {Tenant}.")]
    public static partial void Authenticated(ILogger logger, string keyId, string tenant, string actor);

    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "API key authentication failed ({Reason}); key id {KeyId}. The request's record (event 11) says it was answered 401.")]
    public static partial void Rejected(ILogger logger, string keyId, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Tenant mismatch: the request resolved to another tenant than the caller's credentials are bound to; answered 403.")]
    public static partial void TenantMismatch(ILogger logger);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Tenant {Tenant} exceeded its SCIM rate limit; answered 429. Further refusals are counted and summarised every {Interval}.")]
    public static partial void RateLimited(ILogger logger, string tenant, TimeSpan interval);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "The API key store threw while a request was authenticated; answered 500.")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "{Refused} requests from tenant {Tenant} refused by the rate limit in the last {Interval}.")]
    public static partial void RateLimitedSummary(ILogger logger, int refused, string tenant, TimeSpan interval);
}
