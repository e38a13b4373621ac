namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>A provisioning API key as <see cref="EfScimApiKeyStore"/> keeps it: the record and the key's hash, never the key.</summary>
internal sealed class ScimApiKeyEntity
{
    /// <summary>The lookup id; the primary key.</summary>
    public string KeyId { get; set; } = "";

    public string TenantId { get; set; } = "";

    public string Actor { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The lowercase hex hash of the key.</summary>
    public string SecretHash { get; set; } = "";

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC.</summary>
    public DateTime? LastUsedAt { get; set; }

    /// <summary>UTC; the first revocation.</summary>
    public DateTime? RevokedAt { get; set; }

    /// <summary>The last four characters of the key (not a secret).</summary>
    public string? Hint { get; set; }

    /// <summary>UTC.</summary>
    public DateTime? ExpiresAt { get; set; }

    /// <summary>UTC; set by the first touch.</summary>
    public DateTime? FirstUsedAt { get; set; }
}

/// <summary>One provisioning log record as <see cref="EfProvisioningLog"/> keeps it.</summary>
internal sealed class ScimProvisioningLogEntity
{
    /// <summary>The surrogate key; with <see cref="Timestamp"/>, the keyset of the newest-first paging.</summary>
    public long Id { get; set; }

    /// <summary>UTC.</summary>
    public DateTime Timestamp { get; set; }

    public string TenantId { get; set; } = "";

    public string? Actor { get; set; }

    public string? KeyId { get; set; }

    /// <summary>The <see cref="Provisioning.ProvisioningOperation"/> name.</summary>
    public string Operation { get; set; } = "";

    public string? ResourceType { get; set; }

    public string? ResourceId { get; set; }

    public string? UserName { get; set; }

    public string? ExternalId { get; set; }

    public string? DisplayName { get; set; }

    public int Status { get; set; }

    public string? ScimType { get; set; }

    public string? Detail { get; set; }

    public double DurationMs { get; set; }

    /// <summary>The request-body compatibility rules that fired, as a JSON array of names; <see langword="null"/> when none did.</summary>
    public string? CompatibilityRules { get; set; }

    /// <summary>The filter compatibility rules that fired, as a JSON array of names; <see langword="null"/> when none did.</summary>
    public string? FilterRules { get; set; }

    public string CorrelationId { get; set; } = "";

    public string? BulkId { get; set; }

    public string? Method { get; set; }

    public string? Path { get; set; }

    /// <summary>The masked request summary.</summary>
    public string? RequestSummary { get; set; }

    /// <summary>The unmasked summary, encrypted with Data Protection.</summary>
    public string? ProtectedRequestSummary { get; set; }
}
