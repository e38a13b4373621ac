using Jostle.Scim.Provisioning;

namespace Jostle.Scim.Administration;

/// <summary>Reads a tenant's recent provisioning log records (provisioning records only, console actions skipped), newest first, up to a cap.</summary>
internal static class ScimLogScan
{
    public const int MaxRecords = 100_000;

    public static async Task<List<ProvisioningLogEntry>> RecentAsync(IProvisioningLogReader reader, string tenant, DateTimeOffset from, CancellationToken cancellationToken, int max = MaxRecords)
    {
        var entries = new List<ProvisioningLogEntry>();
        string? token = null;
        do
        {
            var page = await reader.QueryAsync(new ProvisioningLogQuery { Tenant = tenant, From = from, PageSize = 1000, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            entries.AddRange(page.Entries.Where(e => e.Operation != ProvisioningOperation.Administration));
            token = page.ContinuationToken;
        }
        while (token is not null && entries.Count < max);
        return entries;
    }

    /// <summary>Whether a record counts toward the failure rate: every recorded provisioning operation except the "lookup found nothing" notes (reads are recorded only when they fail).</summary>
    public static bool Counts(ProvisioningLogEntry entry) => !IsEmptyLookup(entry);

    public static bool IsWrite(ProvisioningLogEntry entry) =>
        entry.Operation is ProvisioningOperation.Create or ProvisioningOperation.Replace or ProvisioningOperation.Patch or ProvisioningOperation.Delete;

    public static bool IsEmptyLookup(ProvisioningLogEntry entry) =>
        entry.Operation == ProvisioningOperation.Query && entry.Succeeded && entry.Detail == ProvisioningLogNotes.EmptyUserNameLookup;
}
