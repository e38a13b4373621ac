using Jostle.Scim.Keys;
using Jostle.Scim.OAuth;

namespace Jostle.Scim.Administration;

/// <summary>
/// Warns before credentials expire: an active API key or client secret that expires within its tenant's
/// <see cref="ScimNotificationSettings.KeyExpiryWarningDays"/> (14 by default) is announced once, through every
/// <see cref="IScimAdministrationNotifier"/>. Which credentials were announced is remembered in memory, so a restart may
/// announce one again. <see cref="ScimCredentialRotationService"/> runs it every interval.
/// </summary>
public sealed class ScimKeyExpiryWarnings
{
    private readonly IScimApiKeyStore _keys;
    private readonly IScimOAuthStore? _oauth;
    private readonly IScimAdministrationStore _store;
    private readonly IScimAdministrationNotifier[] _notifiers;
    private readonly TimeProvider _time;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>Creates the warnings.</summary>
    /// <param name="keys">The API key store.</param>
    /// <param name="store">The administration store (per-tenant days).</param>
    /// <param name="notifiers">The notifiers.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="oauth">The OAuth store, when OAuth is configured (client secrets always expire).</param>
    public ScimKeyExpiryWarnings(IScimApiKeyStore keys, IScimAdministrationStore store, IEnumerable<IScimAdministrationNotifier> notifiers, TimeProvider? timeProvider = null, IScimOAuthStore? oauth = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(notifiers);
        _keys = keys;
        _store = store;
        _notifiers = [.. notifiers];
        _oauth = oauth;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Sends the warnings that are due now.</summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The warnings sent.</returns>
    public async Task<IReadOnlyList<ScimAdministrationNotification>> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var days = (await _store.ListNotificationSettingsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.TenantId, s => s.KeyExpiryWarningDays, StringComparer.Ordinal);
        var due = new List<ScimAdministrationNotification>();
        foreach (var key in await _keys.ListAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (!key.IsRevoked && key.ExpiresAt is { } expires && IsDue(key.TenantId, expires, now, days) && Remember("key:" + key.KeyId, expires))
            {
                due.Add(Warning(key.TenantId, "API key", key.KeyId, $" (…{key.Hint}, automation user {key.Actor})", expires, now));
            }
        }

        if (_oauth is not null)
        {
            foreach (var client in await _oauth.ListClientsAsync(null, cancellationToken).ConfigureAwait(false))
            {
                if (client.IsRevoked)
                {
                    continue;
                }

                foreach (var secret in await _oauth.ListSecretsAsync(client.ClientId, cancellationToken).ConfigureAwait(false))
                {
                    if (!secret.IsRevoked && IsDue(client.TenantId, secret.ExpiresAt, now, days) && Remember("secret:" + secret.SecretId, secret.ExpiresAt))
                    {
                        due.Add(Warning(client.TenantId, "client secret", secret.SecretId, $" of OAuth client {client.ClientId}", secret.ExpiresAt, now));
                    }
                }
            }
        }

        foreach (var notification in due)
        {
            foreach (var notifier in _notifiers)
            {
                await notifier.NotifyAsync(notification, cancellationToken).ConfigureAwait(false);
            }
        }

        return due;
    }

    private static bool IsDue(string tenant, DateTimeOffset expires, DateTimeOffset now, Dictionary<string, int> days)
    {
        var ahead = days.TryGetValue(tenant, out var d) ? d : 14;
        return ahead > 0 && expires > now && expires - now <= TimeSpan.FromDays(ahead);
    }

    private bool Remember(string id, DateTimeOffset expires)
    {
        lock (_warned)
        {
            return _warned.Add(id + "@" + expires.UtcTicks);
        }
    }

    private static ScimAdministrationNotification Warning(string tenant, string what, string id, string about, DateTimeOffset expires, DateTimeOffset now) => new()
    {
        Kind = ScimAdministrationNotificationKind.CredentialExpiring,
        Tenant = tenant,
        CredentialId = id,
        ExpiresAt = expires,
        Subject = $"SCIM {what} {id} of tenant {tenant} expires {expires:u}",
        Message = $"The {what} {id}{about} of tenant {tenant} expires at {expires:u} (in {ScimCredentialAdministration.Duration(expires - now)}). Provisioning stops when it does: start a rotation in the provisioning console (Credentials → Rotate), enter the new credential in the identity provider, and the old one is revoked once the new one is in use.",
    };
}
