namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>What <c>AddEntityFrameworkStores</c> keeps in the database besides users and groups, and how the database provisioning log writes.</summary>
public sealed class ScimEntityFrameworkOptions
{
    /// <summary>
    /// Keep provisioning API keys in the database (<see cref="EfScimApiKeyStore"/>, table <c>scim_api_keys</c>) in place
    /// of the in-memory store of <c>AddApiKeys</c>. Default <see langword="true"/>.
    /// </summary>
    public bool UseForApiKeys { get; set; } = true;

    /// <summary>
    /// Keep OAuth clients, secret hashes, federated credentials, token signing keys and used assertion ids in the database
    /// (<see cref="EfScimOAuthStore"/>, tables <c>scim_oauth_*</c>) in place of the in-memory store of <c>AddOAuthClients</c>.
    /// Default <see langword="true"/>.
    /// </summary>
    public bool UseForOAuthClients { get; set; } = true;

    /// <summary>
    /// Keep the provisioning console's state — credential rotations and per-tenant notification settings — in the database
    /// (<see cref="EfScimAdministrationStore"/>, tables <c>scim_credential_rotations</c> and <c>scim_notification_settings</c>)
    /// in place of the in-memory store of <c>AddAdministration</c>. Default <see langword="true"/>.
    /// </summary>
    public bool UseForAdministration { get; set; } = true;

    /// <summary>
    /// Keep the provisioning log in the database (table <c>scim_provisioning_log</c>), as the log's sink and
    /// reader, in place of the in-memory log of <c>AddProvisioningLog</c>. Records older than
    /// <see cref="Provisioning.ProvisioningLogOptions.MaxAge"/> are deleted in the background;
    /// <see cref="Provisioning.ProvisioningLogOptions.MaxEntries"/> applies only to the in-memory log. Default <see langword="true"/>.
    /// </summary>
    public bool UseForProvisioningLog { get; set; } = true;

    /// <summary>
    /// How many log records may wait for the background writer. A request never waits for the database: when the queue is
    /// full the record is dropped, counted (metric <c>jostle.scim.provisioning_log.dropped</c>) and a warning is logged.
    /// Default 10 000.
    /// </summary>
    public int ProvisioningLogQueueCapacity { get; set; } = 10_000;

    /// <summary>The most log records the background writer inserts in one statement batch. Default 500.</summary>
    public int ProvisioningLogBatchSize { get; set; } = 500;

    /// <summary>
    /// How long the background writer waits, once records are queued, for more to join the same insert. A longer wait
    /// means fewer, larger transactions under load (on SQLite, fewer syncs to disk and fewer turns at the one write lock
    /// the resource writes also need); records are readable that much later. <c>FlushAsync</c> and shutdown do not wait.
    /// <see cref="TimeSpan.Zero"/> writes whatever is queued at once. Default 100 ms.
    /// </summary>
    public TimeSpan ProvisioningLogWriteDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the background writer deletes expired log records. Default one hour.</summary>
    public TimeSpan ProvisioningLogRetentionInterval { get; set; } = TimeSpan.FromHours(1);
}
