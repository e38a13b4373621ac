namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>An OAuth client as <see cref="EfScimOAuthStore"/> keeps it (table <c>scim_oauth_clients</c>).</summary>
internal sealed class ScimOAuthClientEntity
{
    public string ClientId { get; set; } = "";

    public string TenantId { get; set; } = "";

    public string Actor { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC; the first revocation.</summary>
    public DateTime? RevokedAt { get; set; }
}

/// <summary>A client secret's hash and life (table <c>scim_oauth_client_secrets</c>); never the secret.</summary>
internal sealed class ScimOAuthClientSecretEntity
{
    public string SecretId { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string Description { get; set; } = "";

    public string SecretHash { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public DateTime? FirstUsedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }
}

/// <summary>A trusted federated credential (table <c>scim_oauth_federated_credentials</c>).</summary>
internal sealed class ScimFederatedCredentialEntity
{
    public string CredentialId { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string Issuer { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Audience { get; set; } = "";

    public string KeySource { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

/// <summary>An access token signing key (table <c>scim_oauth_signing_keys</c>).</summary>
internal sealed class ScimOAuthSigningKeyEntity
{
    public string KeyId { get; set; } = "";

    public string Algorithm { get; set; } = "";

    /// <summary>PKCS#8 in base64.</summary>
    public string PrivateKey { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}

/// <summary>A client assertion already used, kept until it expires (table <c>scim_oauth_used_assertions</c>); the key refuses a replay.</summary>
internal sealed class ScimOAuthUsedAssertionEntity
{
    public string Issuer { get; set; } = "";

    public string TokenId { get; set; } = "";

    public DateTime ExpiresAt { get; set; }
}
