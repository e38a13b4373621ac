namespace Jostle.Scim.Administration;

/// <summary>
/// Persists what the provisioning console manages beside keys, clients and the log: credential rotations and per-tenant
/// notification settings. Implementations must be thread-safe. The library default is <see cref="InMemoryAdministrationStore"/>;
/// <c>AddEntityFrameworkStores</c> registers a durable one.
/// </summary>
public interface IScimAdministrationStore
{
    /// <summary>Adds a rotation.</summary>
    /// <param name="rotation">The rotation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when a rotation with the same id exists (nothing is changed).</returns>
    Task<bool> CreateRotationAsync(ScimCredentialRotation rotation, CancellationToken cancellationToken = default);

    /// <summary>Finds a rotation.</summary>
    /// <param name="rotationId">The rotation id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rotation, or <see langword="null"/>.</returns>
    Task<ScimCredentialRotation?> FindRotationAsync(string rotationId, CancellationToken cancellationToken = default);

    /// <summary>Lists rotations, oldest first.</summary>
    /// <param name="tenantId">Only this tenant's, or <see langword="null"/> for all.</param>
    /// <param name="openOnly">Only rotations not yet completed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rotations.</returns>
    Task<IReadOnlyList<ScimCredentialRotation>> ListRotationsAsync(string? tenantId = null, bool openOnly = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the new credential's first use and the completion of a rotation: sets
    /// <see cref="ScimCredentialRotation.NewCredentialFirstUsedAt"/> when it is unset and <paramref name="firstUsedAt"/> is
    /// given, and <see cref="ScimCredentialRotation.CompletedAt"/>/<see cref="ScimCredentialRotation.CompletedBy"/> when it is
    /// unset and <paramref name="completedAt"/> is given. A value already set is kept (the first writer wins).
    /// </summary>
    /// <param name="rotationId">The rotation id.</param>
    /// <param name="firstUsedAt">The first use of the new credential, or <see langword="null"/>.</param>
    /// <param name="completedAt">The completion time, or <see langword="null"/>.</param>
    /// <param name="completedBy">Who completed it (with <paramref name="completedAt"/>).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rotation after the update, or <see langword="null"/> when there is no such rotation.</returns>
    Task<ScimCredentialRotation?> UpdateRotationAsync(string rotationId, DateTimeOffset? firstUsedAt, DateTimeOffset? completedAt, string? completedBy, CancellationToken cancellationToken = default);

    /// <summary>Reads a tenant's notification settings.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings, or <see langword="null"/> when the tenant has none.</returns>
    Task<ScimNotificationSettings?> GetNotificationSettingsAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Lists every tenant's notification settings.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The settings.</returns>
    Task<IReadOnlyList<ScimNotificationSettings>> ListNotificationSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces a tenant's notification settings.</summary>
    /// <param name="settings">The settings.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    Task SaveNotificationSettingsAsync(ScimNotificationSettings settings, CancellationToken cancellationToken = default);
}
