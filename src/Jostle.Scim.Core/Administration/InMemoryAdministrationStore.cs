using System.Collections.Concurrent;

namespace Jostle.Scim.Administration;

/// <summary>A thread-safe in-memory <see cref="IScimAdministrationStore"/> (the library default); its state is lost when the process ends.</summary>
public sealed class InMemoryAdministrationStore : IScimAdministrationStore
{
    private readonly ConcurrentDictionary<string, ScimCredentialRotation> _rotations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ScimNotificationSettings> _settings = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public Task<bool> CreateRotationAsync(ScimCredentialRotation rotation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        return Task.FromResult(_rotations.TryAdd(rotation.RotationId, rotation));
    }

    /// <inheritdoc/>
    public Task<ScimCredentialRotation?> FindRotationAsync(string rotationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rotationId);
        return Task.FromResult(_rotations.TryGetValue(rotationId, out var rotation) ? rotation : null);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimCredentialRotation>> ListRotationsAsync(string? tenantId = null, bool openOnly = false, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimCredentialRotation>>(
        [
            .. _rotations.Values
                .Where(r => (tenantId is null || string.Equals(r.TenantId, tenantId, StringComparison.Ordinal)) && (!openOnly || r.CompletedAt is null))
                .OrderBy(r => r.StartedAt)
                .ThenBy(r => r.RotationId, StringComparer.Ordinal),
        ]);

    /// <inheritdoc/>
    public Task<ScimCredentialRotation?> UpdateRotationAsync(string rotationId, DateTimeOffset? firstUsedAt, DateTimeOffset? completedAt, string? completedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rotationId);
        while (_rotations.TryGetValue(rotationId, out var current))
        {
            var updated = current with
            {
                NewCredentialFirstUsedAt = current.NewCredentialFirstUsedAt ?? firstUsedAt,
                CompletedAt = current.CompletedAt ?? completedAt,
                CompletedBy = current.CompletedAt is null && completedAt is not null ? completedBy : current.CompletedBy,
            };
            if (_rotations.TryUpdate(rotationId, updated, current))
            {
                return Task.FromResult<ScimCredentialRotation?>(updated);
            }
        }

        return Task.FromResult<ScimCredentialRotation?>(null);
    }

    /// <inheritdoc/>
    public Task<ScimNotificationSettings?> GetNotificationSettingsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        return Task.FromResult(_settings.TryGetValue(tenantId, out var settings) ? settings : null);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ScimNotificationSettings>> ListNotificationSettingsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ScimNotificationSettings>>([.. _settings.Values.OrderBy(s => s.TenantId, StringComparer.Ordinal)]);

    /// <inheritdoc/>
    public Task SaveNotificationSettingsAsync(ScimNotificationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings[settings.TenantId] = settings;
        return Task.CompletedTask;
    }
}
