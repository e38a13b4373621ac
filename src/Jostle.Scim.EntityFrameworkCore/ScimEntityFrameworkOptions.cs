namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>What <c>AddEntityFrameworkStores</c> keeps in the database besides users and groups, and how the database provisioning log writes.</summary>
public sealed class ScimEntityFrameworkOptions
{
    /// <summary>
    /// Register the document stores (<see cref="EfScimUserStore"/>, <see cref="EfScimGroupStore"/>, tables
    /// <c>scim_users</c> and <c>scim_groups</c>) as the SCIM user and group stores. Default <see langword="true"/>.
    /// An app whose users and groups are its own entities (an entity-mapped store, or its own <c>IScimUserStore</c>)
    /// sets it to <see langword="false"/> to keep only API keys, OAuth clients and the provisioning log in this database;
    /// the user store (and, for <c>/Groups</c>, the group store) then comes from another registration.
    /// </summary>
    public bool UseForResources { get; set; } = true;

    /// <summary>
    /// Keep provisioning API keys in the database (<see cref="EfScimApiKeyStore"/>, table <c>scim_api_keys</c>) in place
    /// of the in-memory store of <c>AddApiKeys</c>, and the console's sign-in links (<see cref="EfScimConsoleLinkStore"/>,
    /// table <c>scim_console_links</c>) in place of the in-memory one of <c>AddJostleScimConsole</c>. Default <see langword="true"/>.
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
