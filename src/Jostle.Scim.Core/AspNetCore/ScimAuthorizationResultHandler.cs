using Jostle.Scim.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Jostle.Scim.AspNetCore;

/// <summary>Marks the SCIM endpoints, so that authentication failures on them get SCIM error bodies.</summary>
internal sealed class ScimEndpointMetadata
{
    public static ScimEndpointMetadata Instance { get; } = new();
}

/// <summary>
/// On SCIM endpoints, answers a failed challenge with 401 and a failed authorization with 403, each with a SCIM error
/// body; the authentication schemes still challenge first so that they set <c>WWW-Authenticate</c>. A request whose
/// API key could not be checked because the key store threw is a 500 SCIM error (no challenge: the key may be fine), or
/// 503/507 with <c>Retry-After</c> when an <see cref="Jostle.Scim.Stores.IScimStoreFailureClassifier"/> recognises the
/// failure as the storage's condition (an outage, a full disk).
/// Other endpoints get ASP.NET Core's default behaviour.
/// </summary>
internal sealed class ScimAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || context.GetEndpoint()?.Metadata.GetMetadata<ScimEndpointMetadata>() is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var recorder = context.RequestServices.GetService<ScimProvisioningRecorder>();
        var operation = recorder?.Begin(context);
        int status;
        string detail;
        string? retryAfter = null;
        if (authorizeResult.Challenged && ScimApiKeyAuthenticationHandler.StoreFailure(context) is { } storeFailure
            && ScimStoreFailures.Classify(context, storeFailure) is { } unavailable)
        {
            // The key could not be checked because the database is down or full (logged by the scheme): 503/507, retry later.
            status = unavailable.Status;
            detail = unavailable.Detail;
            retryAfter = ScimStoreFailures.RetryAfterSeconds(unavailable.RetryAfter);
        }
        else if (authorizeResult.Challenged && ScimApiKeyAuthenticationHandler.StoreFailed(context))
        {
            // The key could not be checked because the key store threw (logged by the scheme): our failure, not the caller's.
            status = StatusCodes.Status500InternalServerError;
            detail = "An unexpected error occurred while serving the request; it has been logged.";
            if (operation is not null)
            {
                operation.FailureLogged = true;
            }
        }
        else if (authorizeResult.Challenged)
        {
            await ForEachScheme(policy, scheme => context.ChallengeAsync(scheme));
            status = StatusCodes.Status401Unauthorized;
            detail = ScimApiKeyAuthenticationHandler.Rejection(context)
                ?? "Authentication is required: send the provisioning token as 'Authorization: Bearer <token>'.";
            if (ScimApiKeyAuthenticationHandler.RevokedKey(context) is { } revoked)
            {
                // The caller holds the whole key, so saying it was revoked tells them nothing new, and it is what the
                // identity provider's admin needs to read; the refusal goes to the key's tenant's log.
                detail = revoked.IsRevoked
                    ? $"The provisioning token (key {revoked.KeyId}) was revoked: create a new key and enter it in the identity provider."
                    : $"The provisioning token (key {revoked.KeyId}) expired at {revoked.ExpiresAt:u}: create a new key (or rotate this one) and enter it in the identity provider's Secret Token field.";
                if (operation is not null)
                {
                    operation.Tenant ??= revoked.TenantId;
                    operation.Actor ??= revoked.Actor;
                    operation.KeyId ??= revoked.KeyId;
                }
            }
            else if (ScimOAuthAuthenticationHandler.Refusal(context) is { } refusal)
            {
                detail = refusal.Detail;
                if (operation is not null && refusal.Client is { } client)
                {
                    operation.Tenant ??= client.TenantId;
                    operation.Actor ??= client.Actor;
                    operation.KeyId ??= client.ClientId;
                }
            }

            if (!context.Response.HasStarted && context.Response.Headers.WWWAuthenticate.Count == 0)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }
        }
        else
        {
            await ForEachScheme(policy, scheme => context.ForbidAsync(scheme));
            status = StatusCodes.Status403Forbidden;
            detail = "The caller is not allowed to use this SCIM service.";
        }

        recorder?.Complete(operation!, status, null, detail);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = status;
        context.Response.Headers[HeaderNames.ContentType] = ScimProtocol.ContentType;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        await context.Response.Body.WriteAsync(ScimProtocol.ErrorBytes(status, null, detail), context.RequestAborted);
    }

    private static async Task ForEachScheme(AuthorizationPolicy policy, Func<string?, Task> action)
    {
        if (policy.AuthenticationSchemes.Count == 0)
        {
            await action(null);
            return;
        }

        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await action(scheme);
        }
    }
}
