namespace Jostle.Scim.OAuth;

/// <summary>Options of the OAuth 2.0 client-credentials token endpoint and of the access tokens it issues. Validated at start-up.</summary>
public sealed class ScimOAuthOptions
{
    /// <summary>The shortest allowed <see cref="AccessTokenLifetime"/>: 60 minutes.</summary>
    public static readonly TimeSpan MinAccessTokenLifetime = TimeSpan.FromMinutes(60);

    /// <summary>The longest allowed <see cref="AccessTokenLifetime"/>: 360 minutes.</summary>
    public static readonly TimeSpan MaxAccessTokenLifetime = TimeSpan.FromMinutes(360);

    /// <summary>The longest a client secret may live: three years.</summary>
    public static readonly TimeSpan MaxSecretLifetime = TimeSpan.FromDays(3 * 365);

    /// <summary>How long an access token lives; 60 to 360 minutes. Default 60 minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>How long a new client secret lives when the caller does not say; at most <see cref="MaxSecretLifetime"/>. Default one year.</summary>
    public TimeSpan DefaultSecretLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How long a signing key signs new tokens before a new one takes over (it keeps verifying until its last token has expired). Default 30 days; at least one day.</summary>
    public TimeSpan SigningKeyRotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The clock skew allowed on the expiry and not-before times of access tokens and client assertions; at most five minutes. Default one minute.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The audience (and issuer) of the access tokens: the SCIM base URL, e.g. <c>https://scim.example.com/scim/v2</c>.
    /// Default <see langword="null"/>: the base URL of the request (scheme, host, path base and SCIM prefix), so a token
    /// issued at one address is refused at another. Set it when tenants are told apart by host name.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>The token endpoint's path under the SCIM prefix. Default <c>/oauth/token</c> (so <c>/scim/v2/oauth/token</c>).</summary>
    public string TokenPath { get; set; } = "/oauth/token";

    /// <summary>The largest token request body in bytes; larger → 413. Default 65 536.</summary>
    public int MaxTokenRequestSize { get; set; } = 65_536;

    /// <summary>Token requests a client (by the id it presents) may make per minute; more → 429. <c>0</c> turns the limit off. Default 30.</summary>
    public int TokenRequestsPerMinute { get; set; } = 30;

    /// <summary>An optional secret mixed into every stored secret hash (HMAC-SHA-256), kept outside the store; at least 32 bytes when set.</summary>
#pragma warning disable CA1819 // A pepper is a byte string; an array is what configuration binding and HMAC want.
    public byte[]? Pepper { get; set; }
#pragma warning restore CA1819

    /// <summary>Whether a federated credential's JWKS URL must be <c>https</c>. Default <see langword="true"/>; turn off only in tests.</summary>
    public bool RequireHttpsJwks { get; set; } = true;

    /// <summary>How long a fetched JWKS is used before it is fetched again. Default one hour.</summary>
    public TimeSpan JwksCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time between two fetches of one JWKS when an assertion names a key id the cached set does not have (a key
    /// rollover at the issuer), so unknown key ids cannot make the service hammer the issuer. Default 30 seconds.
    /// </summary>
    public TimeSpan JwksMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> Validate()
    {
        if (AccessTokenLifetime < MinAccessTokenLifetime || AccessTokenLifetime > MaxAccessTokenLifetime)
        {
            yield return $"ScimOAuthOptions.AccessTokenLifetime must be between 60 and 360 minutes (it is {AccessTokenLifetime.TotalMinutes} minutes).";
        }

        if (DefaultSecretLifetime <= TimeSpan.Zero || DefaultSecretLifetime > MaxSecretLifetime)
        {
            yield return "ScimOAuthOptions.DefaultSecretLifetime must be positive and at most three years.";
        }

        if (SigningKeyRotationInterval < TimeSpan.FromDays(1))
        {
            yield return "ScimOAuthOptions.SigningKeyRotationInterval must be at least one day.";
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            yield return "ScimOAuthOptions.ClockSkew must be between zero and five minutes.";
        }

        if (Audience is not null && !Uri.TryCreate(Audience, UriKind.Absolute, out _))
        {
            yield return "ScimOAuthOptions.Audience must be an absolute URL when set.";
        }

        if (string.IsNullOrWhiteSpace(TokenPath) || !TokenPath.StartsWith('/'))
        {
            yield return "ScimOAuthOptions.TokenPath must start with '/'.";
        }

        if (MaxTokenRequestSize < 1024)
        {
            yield return "ScimOAuthOptions.MaxTokenRequestSize must be at least 1024 bytes.";
        }

        if (TokenRequestsPerMinute < 0)
        {
            yield return "ScimOAuthOptions.TokenRequestsPerMinute must not be negative.";
        }

        if (Pepper is { Length: < 32 })
        {
            yield return "ScimOAuthOptions.Pepper must be at least 32 bytes when set.";
        }

        if (JwksCacheDuration <= TimeSpan.Zero || JwksMinimumRefreshInterval < TimeSpan.Zero)
        {
            yield return "ScimOAuthOptions.JwksCacheDuration must be positive and JwksMinimumRefreshInterval not negative.";
        }
    }
}
