using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Jostle.Scim.OAuth;

/// <summary>A client authenticated at the token endpoint, and by what (<c>secret:&lt;id&gt;</c> or <c>federated:&lt;id&gt;</c>); or why not.</summary>
internal readonly record struct ScimClientAuthentication(ScimOAuthClient? Client, string? Credential, string? Failure)
{
    public static ScimClientAuthentication Fail(string failure) => new(null, null, failure);
}

/// <summary>How an access token presented to a SCIM endpoint fared.</summary>
internal enum ScimAccessTokenStatus
{
    Valid,
    Invalid,
    Expired,
    Revoked,
}

internal readonly record struct ScimAccessTokenValidation(ScimAccessTokenStatus Status, ScimOAuthClient? Client, string? Credential);

/// <summary>
/// The HTTP-free part of OAuth: authenticates clients (a secret, or a federated JWT assertion per RFC 7523), issues signed
/// access tokens, and validates them on every SCIM request against the store (client, secret or credential not revoked).
/// Token creation and validation, signatures and JWKS parsing are Microsoft.IdentityModel's.
/// </summary>
internal sealed class ScimOAuthTokenService(
    IScimOAuthStore store,
    ScimOAuthSigningKeys signingKeys,
    ScimJwksCache jwks,
    IOptions<ScimOAuthOptions> options,
    TimeProvider time,
    ILogger<ScimOAuthTokenService> logger)
{
    public const string TokenType = "at+jwt";
    public const string ClientIdClaim = "client_id";
    public const string TenantClaim = "scim_tenant";
    public const string CredentialClaim = "scim_cred";

    private static readonly string[] AssertionAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };

    private ScimOAuthOptions Options => options.Value;

    public async Task<ScimClientAuthentication> AuthenticateWithSecretAsync(string clientId, string secret, CancellationToken cancellationToken)
    {
        if (!ScimClientSecretFormat.TryParse(secret, out var secretId))
        {
            return ScimClientAuthentication.Fail("The client secret is malformed.");
        }

        var stored = await store.FindSecretAsync(secretId, cancellationToken).ConfigureAwait(false);
        if (stored is null || !string.Equals(stored.ClientId, clientId, StringComparison.Ordinal) || !ScimClientSecretFormat.Matches(secret, stored.SecretHash, Options.Pepper))
        {
            return ScimClientAuthentication.Fail("The client id or secret is wrong.");
        }

        if (stored.IsRevoked)
        {
            return ScimClientAuthentication.Fail($"The client secret {stored.SecretId} was revoked.");
        }

        if (stored.ExpiresAt <= time.GetUtcNow())
        {
            return ScimClientAuthentication.Fail($"The client secret {stored.SecretId} expired; add a new secret.");
        }

        var client = await store.FindClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (client is null || client.IsRevoked)
        {
            return ScimClientAuthentication.Fail("The client was revoked.");
        }

        await store.TouchSecretAsync(stored.SecretId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return new(client, "secret:" + stored.SecretId, null);
    }

    public async Task<ScimClientAuthentication> AuthenticateWithAssertionAsync(string? clientId, string assertion, CancellationToken cancellationToken)
    {
        JsonWebToken unverified;
        try
        {
            unverified = _handler.ReadJsonWebToken(assertion);
        }
        catch (ArgumentException)
        {
            return ScimClientAuthentication.Fail("The client assertion is not a JWT.");
        }

        var issuer = unverified.Issuer;
        var subject = unverified.Subject;
        if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(subject))
        {
            return ScimClientAuthentication.Fail("The client assertion has no iss or sub.");
        }

        var candidates = (await store.FindFederatedCredentialsAsync(issuer, subject, cancellationToken).ConfigureAwait(false))
            .Where(c => !c.IsRevoked && (clientId is null || string.Equals(c.ClientId, clientId, StringComparison.Ordinal)))
            .ToList();
        if (candidates.Count == 0)
        {
            return ScimClientAuthentication.Fail("No federated credential trusts the assertion's issuer and subject.");
        }

        var failure = "The client assertion was not accepted.";
        foreach (var credential in candidates)
        {
            IReadOnlyList<SecurityKey> keys;
            try
            {
                keys = await jwks.GetKeysAsync(credential.KeySource, unverified.Kid is { Length: > 0 } kid ? kid : null, cancellationToken).ConfigureAwait(false);
            }
            catch (ScimJwksUnavailableException e)
            {
                OAuthLog.JwksUnavailable(logger, credential.CredentialId, e);
                failure = "The issuer's signing keys could not be retrieved.";
                continue;
            }

            var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
            {
                ValidIssuer = credential.Issuer,
                ValidAudience = credential.Audience,
                IssuerSigningKeys = keys,
                ValidAlgorithms = AssertionAlgorithms,
                ValidateLifetime = false, // checked below against the injected clock
                RequireSignedTokens = true,
                TryAllIssuerSigningKeys = false,
            }).ConfigureAwait(false);
            if (!result.IsValid)
            {
                failure = result.Exception switch
                {
                    SecurityTokenInvalidAudienceException => "The client assertion's audience is not the trusted one.",
                    SecurityTokenSignatureKeyNotFoundException => "The client assertion is signed with an unknown key.",
                    SecurityTokenInvalidSignatureException => "The client assertion's signature is invalid.",
                    _ => "The client assertion is invalid.",
                };
                continue;
            }

            var now = time.GetUtcNow();
            var skew = Options.ClockSkew;
            if (unverified.ValidTo == DateTime.MinValue || new DateTimeOffset(unverified.ValidTo, TimeSpan.Zero) + skew < now)
            {
                return ScimClientAuthentication.Fail("The client assertion expired (or has no exp).");
            }

            if (unverified.ValidFrom != DateTime.MinValue && new DateTimeOffset(unverified.ValidFrom, TimeSpan.Zero) - skew > now)
            {
                return ScimClientAuthentication.Fail("The client assertion is not valid yet (nbf).");
            }

            if (string.IsNullOrEmpty(unverified.Id))
            {
                return ScimClientAuthentication.Fail("The client assertion has no jti.");
            }

            var client = await store.FindClientAsync(credential.ClientId, cancellationToken).ConfigureAwait(false);
            if (client is null || client.IsRevoked)
            {
                return ScimClientAuthentication.Fail("The client was revoked.");
            }

            var firstUse = await store.TryRecordAssertionAsync(issuer, unverified.Id, new DateTimeOffset(unverified.ValidTo, TimeSpan.Zero) + skew, now, cancellationToken).ConfigureAwait(false);
            if (!firstUse)
            {
                return ScimClientAuthentication.Fail("The client assertion was used before (jti replay).");
            }

            return new(client, "federated:" + credential.CredentialId, null);
        }

        return ScimClientAuthentication.Fail(failure);
    }

    public async Task<(string Token, TimeSpan Lifetime)> IssueAsync(ScimOAuthClient client, string credential, string audience, CancellationToken cancellationToken)
    {
        var credentials = await signingKeys.GetSigningCredentialsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var lifetime = Options.AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = audience,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            TokenType = TokenType,
            SigningCredentials = credentials,
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = client.ClientId,
                [JwtRegisteredClaimNames.Jti] = ScimClientSecretFormat.NewId(),
                [ClientIdClaim] = client.ClientId,
                [TenantClaim] = client.TenantId,
                [CredentialClaim] = credential,
            },
        });
        return (token, lifetime);
    }

    /// <summary>Validates an access token for a SCIM request at <paramref name="audience"/>, then reads the store: the client and the credential it was issued to must not be revoked.</summary>
    public async Task<ScimAccessTokenValidation> ValidateAccessTokenAsync(string token, string audience, CancellationToken cancellationToken)
    {
        JsonWebToken unverified;
        try
        {
            unverified = _handler.ReadJsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return new(ScimAccessTokenStatus.Invalid, null, null);
        }

        var key = unverified.Kid is { Length: > 0 } kid ? await signingKeys.ResolveAsync(kid, cancellationToken).ConfigureAwait(false) : null;
        if (key is null)
        {
            return new(ScimAccessTokenStatus.Invalid, null, null);
        }

        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = audience,
            ValidAudience = audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = [TokenType],
            ValidateLifetime = false, // checked below against the injected clock
            RequireSignedTokens = true,
        }).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return new(ScimAccessTokenStatus.Invalid, null, null);
        }

        var now = time.GetUtcNow();
        var skew = Options.ClockSkew;
        if (unverified.ValidTo == DateTime.MinValue || new DateTimeOffset(unverified.ValidTo, TimeSpan.Zero) + skew < now
            || new DateTimeOffset(unverified.ValidFrom, TimeSpan.Zero) - skew > now)
        {
            return new(ScimAccessTokenStatus.Expired, null, null);
        }

        var clientId = unverified.TryGetPayloadValue<string>(ClientIdClaim, out var id) ? id : null;
        var credential = unverified.TryGetPayloadValue<string>(CredentialClaim, out var c) ? c : null;
        var tenant = unverified.TryGetPayloadValue<string>(TenantClaim, out var t) ? t : null;
        if (clientId is null || credential is null || tenant is null)
        {
            return new(ScimAccessTokenStatus.Invalid, null, null);
        }

        var client = await store.FindClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (client is null || !string.Equals(client.TenantId, tenant, StringComparison.Ordinal))
        {
            return new(ScimAccessTokenStatus.Invalid, null, null);
        }

        if (client.IsRevoked || !await CredentialIsActiveAsync(clientId, credential, cancellationToken).ConfigureAwait(false))
        {
            return new(ScimAccessTokenStatus.Revoked, client, credential);
        }

        return new(ScimAccessTokenStatus.Valid, client, credential);
    }

    private async Task<bool> CredentialIsActiveAsync(string clientId, string credential, CancellationToken cancellationToken)
    {
        if (credential.StartsWith("secret:", StringComparison.Ordinal))
        {
            var secret = await store.FindSecretAsync(credential["secret:".Length..], cancellationToken).ConfigureAwait(false);
            return secret is { IsRevoked: false } && string.Equals(secret.ClientId, clientId, StringComparison.Ordinal);
        }

        if (credential.StartsWith("federated:", StringComparison.Ordinal))
        {
            var federated = await store.FindFederatedCredentialAsync(credential["federated:".Length..], cancellationToken).ConfigureAwait(false);
            return federated is { IsRevoked: false } && string.Equals(federated.ClientId, clientId, StringComparison.Ordinal);
        }

        return false;
    }
}

/// <summary>The OAuth log messages (event ids 220–239). They name client, secret and credential ids, never a secret or a token.</summary>
internal static partial class OAuthLog
{
    [LoggerMessage(EventId = 220, Level = LogLevel.Information, Message = "Issued an access token to OAuth client {ClientId} of tenant {Tenant} ({Credential}).")]
    public static partial void TokenIssued(ILogger logger, string clientId, string tenant, string credential);

    [LoggerMessage(EventId = 221, Level = LogLevel.Information, Message = "Token request refused ({Error}): {Reason}")]
    public static partial void TokenRefused(ILogger logger, string error, string reason);

    [LoggerMessage(EventId = 222, Level = LogLevel.Debug, Message = "Access token refused ({Status}) for client {ClientId}.")]
    public static partial void AccessTokenRefused(ILogger logger, ScimAccessTokenStatus status, string clientId);

    [LoggerMessage(EventId = 223, Level = LogLevel.Debug, Message = "OAuth client {ClientId} of tenant {Tenant} authenticated a SCIM request.")]
    public static partial void Authenticated(ILogger logger, string clientId, string tenant);

    [LoggerMessage(EventId = 224, Level = LogLevel.Warning, Message = "The JWKS of federated credential {CredentialId} could not be retrieved.")]
    public static partial void JwksUnavailable(ILogger logger, string credentialId, Exception exception);

    [LoggerMessage(EventId = 225, Level = LogLevel.Debug, Message = "Fetched the JWKS at {Source}: {Count} signing key(s).")]
    public static partial void JwksFetched(ILogger logger, string source, int count);

    [LoggerMessage(EventId = 226, Level = LogLevel.Error, Message = "The OAuth store threw while a request was authenticated; answered 500.")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 227, Level = LogLevel.Information, Message = "OAuth client {ClientId} exceeded its token request rate limit; answered 429.")]
    public static partial void RateLimited(ILogger logger, string clientId);
}
