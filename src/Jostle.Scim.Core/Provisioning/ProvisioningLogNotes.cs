namespace Jostle.Scim.Provisioning;

/// <summary>Fixed <see cref="ProvisioningLogEntry.Detail"/> texts of records that are not failures.</summary>
public static class ProvisioningLogNotes
{
    /// <summary>
    /// The detail of a <see cref="ProvisioningOperation.Query"/> record of a <c>userName eq "…"</c> lookup that found no user:
    /// such lookups are recorded (other successful reads are not) because the create that usually follows may be a duplicate.
    /// </summary>
    public const string EmptyUserNameLookup = "The lookup by userName found no user.";
}
