using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Jostle.Scim.Administration;

/// <summary>
/// Encrypts the unmasked request summaries of the provisioning log with ASP.NET Core Data Protection (purpose
/// <see cref="Purpose"/>), so that only <see cref="ScimRequestLogService.RevealAsync"/> can show personal values — and
/// records who did. When the data-protection keys are lost, old summaries can no longer be revealed; their masked form stays.
/// </summary>
public sealed class ScimRequestSummaryProtector
{
    /// <summary>The data-protection purpose string.</summary>
    public const string Purpose = "Jostle.Scim.ProvisioningLog.RequestSummary.v1";

    private readonly IDataProtector _protector;

    /// <summary>Creates the protector.</summary>
    /// <param name="provider">The data-protection provider.</param>
    public ScimRequestSummaryProtector(IDataProtectionProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _protector = provider.CreateProtector(Purpose);
    }

    internal string Protect(string summary) => _protector.Protect(summary);

    internal string? TryUnprotect(string protectedSummary)
    {
        try
        {
            return _protector.Unprotect(protectedSummary);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
