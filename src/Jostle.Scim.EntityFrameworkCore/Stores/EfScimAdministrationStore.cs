using Jostle.Scim.Administration;
using Microsoft.EntityFrameworkCore;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// An <see cref="IScimAdministrationStore"/> on the <see cref="ScimDbContext"/> (tables <c>scim_credential_rotations</c>
/// and <c>scim_notification_settings</c>): rotations and per-tenant notification settings survive a restart and are shared
/// by every process on the database. Updates are single conditional statements, so concurrent processes agree.
/// </summary>
public sealed class EfScimAdministrationStore : EfScimStoreBase, IScimAdministrationStore
{
    /// <summary>Creates the store.</summary>
    /// <param name="contextFactory">Creates the short-lived contexts each call uses.</param>
    public EfScimAdministrationStore(IDbContextFactory<ScimDbContext> contextFactory)
        : base(contextFactory)
    {
    }

    /// <inheritdoc/>
    public async Task<bool> CreateRotationAsync(ScimCredentialRotation rotation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            context.CredentialRotations.Add(new ScimCredentialRotationEntity
            {
                RotationId = rotation.RotationId,
                TenantId = rotation.TenantId,
                Kind = rotation.Kind.ToString(),
                ClientId = rotation.ClientId,
                OldCredentialId = rotation.OldCredentialId,
                NewCredentialId = rotation.NewCredentialId,
                StartedAt = rotation.StartedAt.UtcDateTime,
                StartedBy = rotation.StartedBy,
                GracePeriodTicks = rotation.GracePeriod?.Ticks,
                NewCredentialFirstUsedAt = rotation.NewCredentialFirstUsedAt?.UtcDateTime,
                CompletedAt = rotation.CompletedAt?.UtcDateTime,
                CompletedBy = rotation.CompletedBy,
            });
            try
            {
                using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
                await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (DbUpdateException exception) when (IsUniqueViolation(exception, out _))
            {
                return false;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<ScimCredentialRotation?> FindRotationAsync(string rotationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rotationId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entity = await context.CredentialRotations.AsNoTracking().FirstOrDefaultAsync(r => r.RotationId == rotationId, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : ToRotation(entity);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimCredentialRotation>> ListRotationsAsync(string? tenantId = null, bool openOnly = false, CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var rows = context.CredentialRotations.AsNoTracking();
            if (tenantId is not null)
            {
                rows = rows.Where(r => r.TenantId == tenantId);
            }

            if (openOnly)
            {
                rows = rows.Where(r => r.CompletedAt == null);
            }

            var entities = await rows.OrderBy(r => r.StartedAt).ThenBy(r => r.RotationId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(ToRotation)];
        }
    }

    /// <inheritdoc/>
    public async Task<ScimCredentialRotation?> UpdateRotationAsync(string rotationId, DateTimeOffset? firstUsedAt, DateTimeOffset? completedAt, string? completedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rotationId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            using (await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false))
            {
                // Each value is set only while unset: the first writer wins, in one statement per value.
                if (firstUsedAt is { } first)
                {
                    var at = first.UtcDateTime;
                    await context.CredentialRotations.Where(r => r.RotationId == rotationId && r.NewCredentialFirstUsedAt == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.NewCredentialFirstUsedAt, at), cancellationToken).ConfigureAwait(false);
                }

                if (completedAt is { } completed)
                {
                    var at = completed.UtcDateTime;
                    await context.CredentialRotations.Where(r => r.RotationId == rotationId && r.CompletedAt == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.CompletedAt, at).SetProperty(r => r.CompletedBy, completedBy), cancellationToken).ConfigureAwait(false);
                }
            }

            var entity = await context.CredentialRotations.AsNoTracking().FirstOrDefaultAsync(r => r.RotationId == rotationId, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : ToRotation(entity);
        }
    }

    /// <inheritdoc/>
    public async Task<ScimNotificationSettings?> GetNotificationSettingsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entity = await context.NotificationSettings.AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId, cancellationToken).ConfigureAwait(false);
            return entity is null ? null : ToSettings(entity);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScimNotificationSettings>> ListNotificationSettingsAsync(CancellationToken cancellationToken = default)
    {
        var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (context.ConfigureAwait(false))
        {
            var entities = await context.NotificationSettings.AsNoTracking().OrderBy(s => s.TenantId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. entities.Select(ToSettings)];
        }
    }

    /// <inheritdoc/>
    public async Task SaveNotificationSettingsAsync(ScimNotificationSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        for (var attempt = 1; ; attempt++)
        {
            var context = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (context.ConfigureAwait(false))
            {
                using var turn = await SqliteWriteGate.EnterAsync(context, cancellationToken).ConfigureAwait(false);
                var entity = await context.NotificationSettings.FirstOrDefaultAsync(s => s.TenantId == settings.TenantId, cancellationToken).ConfigureAwait(false);
                if (entity is null)
                {
                    entity = new ScimNotificationSettingsEntity { TenantId = settings.TenantId };
                    context.NotificationSettings.Add(entity);
                }

                entity.EmailAddresses = string.Join("\n", settings.EmailAddresses);
                entity.WebhookUrl = settings.WebhookUrl?.AbsoluteUri;
                entity.DigestIntervalTicks = settings.DigestInterval?.Ticks;
                entity.KeyExpiryWarningDays = settings.KeyExpiryWarningDays;
                entity.UpdatedAt = settings.UpdatedAt.UtcDateTime;
                entity.UpdatedBy = settings.UpdatedBy;
                try
                {
                    await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (DbUpdateException exception) when (attempt < 3 && IsUniqueViolation(exception, out _))
                {
                    // Another process inserted the tenant's row first: update it on the next attempt.
                }
            }
        }
    }

    private static ScimCredentialRotation ToRotation(ScimCredentialRotationEntity e) => new()
    {
        RotationId = e.RotationId,
        TenantId = e.TenantId,
        Kind = Enum.Parse<ScimCredentialKind>(e.Kind),
        ClientId = e.ClientId,
        OldCredentialId = e.OldCredentialId,
        NewCredentialId = e.NewCredentialId,
        StartedAt = Utc(e.StartedAt),
        StartedBy = e.StartedBy,
        GracePeriod = e.GracePeriodTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null,
        NewCredentialFirstUsedAt = e.NewCredentialFirstUsedAt is { } first ? Utc(first) : null,
        CompletedAt = e.CompletedAt is { } completed ? Utc(completed) : null,
        CompletedBy = e.CompletedBy,
    };

    private static ScimNotificationSettings ToSettings(ScimNotificationSettingsEntity e) => new()
    {
        TenantId = e.TenantId,
        EmailAddresses = e.EmailAddresses.Length == 0 ? [] : e.EmailAddresses.Split('\n'),
        WebhookUrl = e.WebhookUrl is { } url ? new Uri(url) : null,
        DigestInterval = e.DigestIntervalTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null,
        KeyExpiryWarningDays = e.KeyExpiryWarningDays,
        UpdatedAt = Utc(e.UpdatedAt),
        UpdatedBy = e.UpdatedBy,
    };

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
