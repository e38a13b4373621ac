using System.Globalization;
using System.Net.Mail;

namespace Jostle.Scim.Administration;

/// <summary>The result of <see cref="ScimNotificationSettingsService.SendTestAsync"/>.</summary>
/// <param name="Delivered">Whether at least one notifier delivered it.</param>
/// <param name="Message">What happened, in words for the page.</param>
public sealed record ScimTestNotificationResult(bool Delivered, string Message);

/// <summary>
/// The notifications page's service: reads and saves a tenant's <see cref="ScimNotificationSettings"/> (validated; the change
/// is recorded in the tenant's log) and sends a test notification through every registered <see cref="IScimAdministrationNotifier"/>.
/// Failure digests and key-expiry warnings go to these settings in addition to the host's own defaults.
/// </summary>
public sealed class ScimNotificationSettingsService
{
    private readonly IScimAdministrationStore _store;
    private readonly ScimAdministrationAudit _audit;
    private readonly IScimAdministrationNotifier[] _notifiers;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    /// <param name="store">The administration store.</param>
    /// <param name="audit">Where changes are recorded.</param>
    /// <param name="notifiers">The notifiers.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ScimNotificationSettingsService(IScimAdministrationStore store, ScimAdministrationAudit audit, IEnumerable<IScimAdministrationNotifier> notifiers, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(notifiers);
        _store = store;
        _audit = audit;
        _notifiers = [.. notifiers];
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Reads a tenant's settings; a tenant that has none gets the defaults (no addresses, no webhook, the host's interval, 14 days).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The settings.</returns>
    public async Task<ScimNotificationSettings> GetAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return await _store.GetNotificationSettingsAsync(tenantId, cancellationToken).ConfigureAwait(false) ?? new ScimNotificationSettings { TenantId = tenantId };
    }

    /// <summary>Validates and saves a tenant's settings, and records the change (what changed, never more) in its log.</summary>
    /// <param name="tenantId">The tenant; replaces <see cref="ScimNotificationSettings.TenantId"/>.</param>
    /// <param name="settings">The new settings.</param>
    /// <param name="consoleUser">The console user.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    /// <returns>The saved settings.</returns>
    /// <exception cref="ScimAdministrationException">An address, the webhook URL, the interval or the warning days are invalid; the message names which.</exception>
    public async Task<ScimNotificationSettings> SaveAsync(string tenantId, ScimNotificationSettings settings, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        var addresses = new List<string>();
        foreach (var raw in settings.EmailAddresses)
        {
            var address = raw?.Trim() ?? "";
            if (address.Length == 0)
            {
                continue;
            }

            if (!MailAddress.TryCreate(address, out var parsed) || parsed.Address != address || !address.Contains('.', StringComparison.Ordinal))
            {
                throw new ScimAdministrationException($"'{address}' is not an e-mail address; enter one address like admin@example.com per line.");
            }

            if (!addresses.Contains(address, StringComparer.OrdinalIgnoreCase))
            {
                addresses.Add(address);
            }
        }

        if (addresses.Count > 20)
        {
            throw new ScimAdministrationException("At most 20 e-mail addresses can be notified; use a distribution list.");
        }

        if (settings.WebhookUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            throw new ScimAdministrationException($"The webhook URL '{url}' must be an absolute http or https URL.");
        }

        if (settings.DigestInterval is { } interval && (interval < TimeSpan.FromMinutes(1) || interval > TimeSpan.FromDays(7)))
        {
            throw new ScimAdministrationException("The digest interval must be between 1 minute and 7 days.");
        }

        if (settings.KeyExpiryWarningDays is < 0 or > 365)
        {
            throw new ScimAdministrationException("Key-expiry warnings are sent 0 (off) to 365 days ahead.");
        }

        var previous = await _store.GetNotificationSettingsAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var saved = settings with { TenantId = tenantId, EmailAddresses = addresses, UpdatedAt = _time.GetUtcNow(), UpdatedBy = consoleUser };
        await _store.SaveNotificationSettingsAsync(saved, cancellationToken).ConfigureAwait(false);
        await _audit.RecordAsync(tenantId, consoleUser, ScimAdministrationAction.SettingsChanged, "notifications", "Notification settings changed: " + Describe(previous, saved) + ".", cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <summary>Sends a test notification for the tenant through every notifier, and records that it was sent.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="consoleUser">The console user.</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>Whether it was delivered, in words.</returns>
    public async Task<ScimTestNotificationResult> SendTestAsync(string tenantId, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        var notification = new ScimAdministrationNotification
        {
            Kind = ScimAdministrationNotificationKind.Test,
            Tenant = tenantId,
            Subject = $"Test notification for SCIM tenant {tenantId}",
            Message = $"{consoleUser} sent this test from the provisioning console at {_time.GetUtcNow():u}. Failure digests and key-expiry warnings for tenant {tenantId} will arrive here.",
        };
        var delivered = 0;
        foreach (var notifier in _notifiers)
        {
            delivered += await notifier.NotifyAsync(notification, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        var result = delivered > 0
            ? new ScimTestNotificationResult(true, string.Create(CultureInfo.InvariantCulture, $"Sent through {delivered} channel(s); check the inbox or the webhook's receiver."))
            : new ScimTestNotificationResult(false, "Nothing was delivered: no e-mail address or webhook is configured for this tenant, or every delivery failed (the server's log says why).");
        await _audit.RecordAsync(tenantId, consoleUser, ScimAdministrationAction.TestNotificationSent, "notifications", "Test notification: " + result.Message, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static string Describe(ScimNotificationSettings? before, ScimNotificationSettings after)
    {
        var changes = new List<string>();
        var beforeAddresses = before?.EmailAddresses ?? [];
        if (!beforeAddresses.SequenceEqual(after.EmailAddresses, StringComparer.OrdinalIgnoreCase))
        {
            changes.Add($"e-mail recipients {after.EmailAddresses.Count} (was {beforeAddresses.Count})");
        }

        if (before?.WebhookUrl != after.WebhookUrl)
        {
            changes.Add(after.WebhookUrl is null ? "webhook removed" : $"webhook set to {after.WebhookUrl.GetLeftPart(UriPartial.Path)}");
        }

        if (before?.DigestInterval != after.DigestInterval)
        {
            changes.Add(after.DigestInterval is { } i ? $"digest interval {ScimCredentialAdministration.Duration(i)}" : "digest interval: the server's default");
        }

        if ((before?.KeyExpiryWarningDays ?? 14) != after.KeyExpiryWarningDays)
        {
            changes.Add(string.Create(CultureInfo.InvariantCulture, $"key-expiry warnings {after.KeyExpiryWarningDays} days ahead"));
        }

        return changes.Count == 0 ? "nothing" : string.Join(", ", changes);
    }
}
