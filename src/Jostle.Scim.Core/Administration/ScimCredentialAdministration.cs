using System.Globalization;
using Jostle.Scim.Keys;
using Jostle.Scim.OAuth;

namespace Jostle.Scim.Administration;

/// <summary>A console request that cannot be carried out as asked; <see cref="Exception.Message"/> says why and what to do, for the admin.</summary>
public sealed class ScimAdministrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do, in words for the admin.</param>
    public ScimAdministrationException(string message)
        : base(message)
    {
    }
}

/// <summary>The result of <see cref="ScimCredentialAdministration.StartKeyRotationAsync"/>: the rotation and the new key, whose plaintext exists only here.</summary>
/// <param name="Rotation">The rotation record.</param>
/// <param name="NewKey">The new key; show <see cref="ScimCreatedApiKey.PlaintextKey"/> once.</param>
public sealed record ScimStartedKeyRotation(ScimCredentialRotation Rotation, ScimCreatedApiKey NewKey);

/// <summary>The result of <see cref="ScimCredentialAdministration.StartSecretRotationAsync"/>: the rotation and the new secret, whose plaintext exists only here.</summary>
/// <param name="Rotation">The rotation record.</param>
/// <param name="NewSecret">The new secret; show <see cref="ScimCreatedClientSecret.PlaintextSecret"/> once.</param>
public sealed record ScimStartedSecretRotation(ScimCredentialRotation Rotation, ScimCreatedClientSecret NewSecret);

/// <summary>
/// The credentials page's service: API keys (create with an optional expiry, list with hint, created, last used, expiry;
/// revoke) and rotations without downtime for API keys and OAuth client secrets. Every method is scoped to one tenant —
/// a key or client of another tenant is treated as absent — and every change is recorded in the tenant's log through
/// <see cref="ScimAdministrationAudit"/> with the console user as its actor.
/// </summary>
public sealed class ScimCredentialAdministration
{
    private readonly ScimApiKeyManager _keys;
    private readonly IScimApiKeyStore _keyStore;
    private readonly IScimAdministrationStore _store;
    private readonly ScimAdministrationAudit _audit;
    private readonly ScimOAuthClientManager? _clients;
    private readonly IScimOAuthStore? _oauthStore;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    /// <param name="keys">The key manager.</param>
    /// <param name="keyStore">The key store.</param>
    /// <param name="store">The administration store (rotations).</param>
    /// <param name="audit">Where console actions are recorded.</param>
    /// <param name="clients">The OAuth client manager, or <see langword="null"/> when OAuth is not configured.</param>
    /// <param name="oauthStore">The OAuth store, or <see langword="null"/> when OAuth is not configured.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ScimCredentialAdministration(
        ScimApiKeyManager keys,
        IScimApiKeyStore keyStore,
        IScimAdministrationStore store,
        ScimAdministrationAudit audit,
        ScimOAuthClientManager? clients = null,
        IScimOAuthStore? oauthStore = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(keyStore);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(audit);
        _keys = keys;
        _keyStore = keyStore;
        _store = store;
        _audit = audit;
        _clients = clients;
        _oauthStore = oauthStore;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates an API key for an automation user of the tenant and records it.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="actor">The automation user the key acts as.</param>
    /// <param name="description">What the key is for, e.g. <c>Entra ID</c>.</param>
    /// <param name="expiresAt">When the key expires, or <see langword="null"/>.</param>
    /// <param name="consoleUser">The console user doing it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The key; its plaintext is available only here.</returns>
    /// <exception cref="ScimAdministrationException">The expiry is not in the future.</exception>
    public async Task<ScimCreatedApiKey> CreateKeyAsync(string tenantId, string actor, string description, DateTimeOffset? expiresAt, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        CheckExpiry(expiresAt);
        var created = await _keys.CreateAsync(tenantId, actor, description ?? "", expiresAt, cancellationToken).ConfigureAwait(false);
        await _audit.RecordAsync(tenantId, consoleUser, ScimAdministrationAction.KeyCreated, created.Key.KeyId, $"API key {created.Key.KeyId} (…{created.Key.Hint}) created for automation user {actor}{Expiry(expiresAt)}.", cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>Lists the tenant's API keys, oldest first, revoked and expired ones included.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys (records only).</returns>
    public Task<IReadOnlyList<ScimApiKey>> ListKeysAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        return _keys.ListAsync(tenantId, cancellationToken);
    }

    /// <summary>Revokes one of the tenant's keys and records it; open rotations that replace it are completed.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="keyId">The key id.</param>
    /// <param name="consoleUser">The console user doing it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="false"/> when the tenant has no such key.</returns>
    public async Task<bool> RevokeKeyAsync(string tenantId, string keyId, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        var key = await FindKeyAsync(tenantId, keyId, cancellationToken).ConfigureAwait(false);
        if (key is null || !await _keys.RevokeAsync(keyId, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await _audit.RecordAsync(tenantId, consoleUser, ScimAdministrationAction.KeyRevoked, keyId, $"API key {keyId} (…{key.Hint}) of automation user {key.Actor} revoked.", cancellationToken).ConfigureAwait(false);
        foreach (var rotation in await _store.ListRotationsAsync(tenantId, openOnly: true, cancellationToken).ConfigureAwait(false))
        {
            if (rotation.Kind == ScimCredentialKind.ApiKey && rotation.OldCredentialId == keyId)
            {
                await FinishAsync(rotation, consoleUser, revoke: false, cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    /// <summary>
    /// Starts a rotation of an API key: issues a second key for the same tenant and automation user (both valid), to be
    /// entered in the identity provider. When the provider first uses it is recorded; the old key is revoked by
    /// <see cref="CompleteRotationAsync"/>, or automatically <paramref name="gracePeriod"/> after that first use.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="keyId">The key to replace.</param>
    /// <param name="gracePeriod">How long after the new key's first use the old one is revoked automatically, or <see langword="null"/> to wait for an admin.</param>
    /// <param name="expiresAt">When the new key expires, or <see langword="null"/>.</param>
    /// <param name="consoleUser">The console user doing it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rotation and the new key.</returns>
    /// <exception cref="ScimAdministrationException">The tenant has no such active key, or it is already being rotated, or the grace period or expiry is invalid.</exception>
    public async Task<ScimStartedKeyRotation> StartKeyRotationAsync(string tenantId, string keyId, TimeSpan? gracePeriod, DateTimeOffset? expiresAt, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        CheckGrace(gracePeriod);
        CheckExpiry(expiresAt);
        var old = await FindKeyAsync(tenantId, keyId, cancellationToken).ConfigureAwait(false)
            ?? throw new ScimAdministrationException($"Tenant {tenantId} has no API key {keyId}; list the keys and pick one of them.");
        if (old.IsRevoked)
        {
            throw new ScimAdministrationException($"API key {keyId} is revoked; create a new key instead of rotating it.");
        }

        await EnsureNotRotatingAsync(tenantId, ScimCredentialKind.ApiKey, keyId, cancellationToken).ConfigureAwait(false);
        var created = await _keys.CreateAsync(tenantId, old.Actor, old.Description, expiresAt, cancellationToken).ConfigureAwait(false);
        var rotation = new ScimCredentialRotation
        {
            RotationId = ScimClientSecretFormat.NewId(),
            TenantId = tenantId,
            Kind = ScimCredentialKind.ApiKey,
            OldCredentialId = keyId,
            NewCredentialId = created.Key.KeyId,
            StartedAt = _time.GetUtcNow(),
            StartedBy = consoleUser,
            GracePeriod = gracePeriod,
        };
        await _store.CreateRotationAsync(rotation, cancellationToken).ConfigureAwait(false);
        await _audit.RecordAsync(tenantId, consoleUser, ScimAdministrationAction.RotationStarted, rotation.RotationId, $"Rotation of API key {keyId} started: new key {created.Key.KeyId} (…{created.Key.Hint}) issued for automation user {old.Actor}; both are valid until the old one is revoked{Grace(gracePeriod)}.", cancellationToken).ConfigureAwait(false);
        return new ScimStartedKeyRotation(rotation, created);
    }

    /// <summary>Starts a rotation of an OAuth client secret: adds a second secret (both valid); the old one is revoked like an API key's.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="clientId">The client.</param>
    /// <param name="secretId">The secret to replace.</param>
    /// <param name="gracePeriod">How long after the new secret's first use the old one is revoked automatically, or <see langword="null"/>.</param>
    /// <param name="lifetime">How long the new secret lives; default the OAuth options' default.</param>
    /// <param name="consoleUser">The console user doing it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rotation and the new secret.</returns>
    /// <exception cref="ScimAdministrationException">OAuth is not configured, the tenant has no such client or active secret, or it is already being rotated.</exception>
    public async Task<ScimStartedSecretRotation> StartSecretRotationAsync(string tenantId, string clientId, string secretId, TimeSpan? gracePeriod, TimeSpan? lifetime, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        CheckGrace(gracePeriod);
        var (clients, _) = OAuth();
        var old = await FindSecretAsync(tenantId, clientId, secretId, cancellationToken).ConfigureAwait(false)
            ?? throw new ScimAdministrationException($"Tenant {tenantId} has no OAuth client {clientId} with secret {secretId}; list the client's secrets and pick one of them.");
        if (old.IsRevoked)
        {
            throw new ScimAdministrationException($"Client secret {secretId} is revoked; add a new secret instead of rotating it.");
        }

        await EnsureNotRotatingAsync(tenantId, ScimCredentialKind.ClientSecret, secretId, cancellationToken).ConfigureAwait(false);
        ScimCreatedClientSecret created;
        try
        {
            created = await clients.AddSecretAsync(clientId, "rotation of " + secretId, lifetime, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            throw new ScimAdministrationException(e.Message);
        }

        var rotation = new ScimCredentialRotation
        {
            RotationId = ScimClientSecretFormat.NewId(),
            TenantId = tenantId,
            Kind = ScimCredentialKind.ClientSecret,
            ClientId = clientId,
            OldCredentialId = secretId,
            NewCredentialId = created.Secret.SecretId,
            StartedAt = _time.GetUtcNow(),
            StartedBy = consoleUser,
            GracePeriod = gracePeriod,
        };
        await _store.CreateRotationAsync(rotation, cancellationToken).ConfigureAwait(false);
        await _audit.RecordAsync(tenantId, consoleUser, ScimAdministrationAction.RotationStarted, rotation.RotationId, $"Rotation of client secret {secretId} of OAuth client {clientId} started: new secret {created.Secret.SecretId} issued (expires {created.Secret.ExpiresAt:u}); both are valid until the old one is revoked{Grace(gracePeriod)}.", cancellationToken).ConfigureAwait(false);
        return new ScimStartedSecretRotation(rotation, created);
    }

    /// <summary>Lists the tenant's rotations, oldest first, after noting any first use of a new credential since the last look.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rotations, completed ones included.</returns>
    public async Task<IReadOnlyList<ScimCredentialRotation>> ListRotationsAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var rotations = await _store.ListRotationsAsync(tenantId, false, cancellationToken).ConfigureAwait(false);
        var result = new List<ScimCredentialRotation>(rotations.Count);
        foreach (var rotation in rotations)
        {
            result.Add(rotation.CompletedAt is null ? await ObserveFirstUseAsync(rotation, cancellationToken).ConfigureAwait(false) : rotation);
        }

        return result;
    }

    /// <summary>Completes a rotation now: revokes the old credential and records it. Completing a completed rotation changes nothing.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="rotationId">The rotation.</param>
    /// <param name="consoleUser">The console user doing it.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The rotation after completion, or <see langword="null"/> when the tenant has no such rotation.</returns>
    public async Task<ScimCredentialRotation?> CompleteRotationAsync(string tenantId, string rotationId, string consoleUser, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(consoleUser);
        var rotation = await _store.FindRotationAsync(rotationId, cancellationToken).ConfigureAwait(false);
        if (rotation is null || !string.Equals(rotation.TenantId, tenantId, StringComparison.Ordinal))
        {
            return null;
        }

        return rotation.CompletedAt is not null ? rotation : await FinishAsync(await ObserveFirstUseAsync(rotation, cancellationToken).ConfigureAwait(false), consoleUser, revoke: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Notes first uses of new credentials and completes every open rotation whose grace period has run out since that
    /// first use; what <see cref="ScimCredentialRotationService"/> runs periodically.
    /// </summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The rotations completed by this run.</returns>
    public async Task<IReadOnlyList<ScimCredentialRotation>> RunDueRotationsAsync(CancellationToken cancellationToken = default)
    {
        var completed = new List<ScimCredentialRotation>();
        foreach (var open in await _store.ListRotationsAsync(null, openOnly: true, cancellationToken).ConfigureAwait(false))
        {
            var rotation = await ObserveFirstUseAsync(open, cancellationToken).ConfigureAwait(false);
            if (rotation.AutomaticRevocationAt is { } due && due <= _time.GetUtcNow())
            {
                completed.Add(await FinishAsync(rotation, ScimCredentialRotationService.Actor, revoke: true, cancellationToken).ConfigureAwait(false));
            }
        }

        return completed;
    }

    private async Task<ScimCredentialRotation> ObserveFirstUseAsync(ScimCredentialRotation rotation, CancellationToken cancellationToken)
    {
        if (rotation.NewCredentialFirstUsedAt is not null)
        {
            return rotation;
        }

        DateTimeOffset? firstUse = rotation.Kind == ScimCredentialKind.ApiKey
            ? (await _keyStore.FindAsync(rotation.NewCredentialId, cancellationToken).ConfigureAwait(false))?.FirstUsedAt
            : _oauthStore is null ? null : (await _oauthStore.FindSecretAsync(rotation.NewCredentialId, cancellationToken).ConfigureAwait(false))?.FirstUsedAt;
        if (firstUse is null)
        {
            return rotation;
        }

        var updated = await _store.UpdateRotationAsync(rotation.RotationId, firstUse, null, null, cancellationToken).ConfigureAwait(false) ?? rotation;
        var what = rotation.Kind == ScimCredentialKind.ApiKey ? "API key" : "client secret";
        await _audit.RecordAsync(rotation.TenantId, ScimCredentialRotationService.Actor, ScimAdministrationAction.RotationNewCredentialUsed, rotation.RotationId, $"The identity provider first used the new {what} {rotation.NewCredentialId} at {firstUse:u}; the old {what} {rotation.OldCredentialId} can now be revoked{(updated.AutomaticRevocationAt is { } at ? $" (automatically at {at:u})" : "")}.", cancellationToken).ConfigureAwait(false);
        return updated;
    }

    private async Task<ScimCredentialRotation> FinishAsync(ScimCredentialRotation rotation, string by, bool revoke, CancellationToken cancellationToken)
    {
        var what = rotation.Kind == ScimCredentialKind.ApiKey ? "API key" : "client secret";
        if (revoke)
        {
            if (rotation.Kind == ScimCredentialKind.ApiKey)
            {
                await _keys.RevokeAsync(rotation.OldCredentialId, cancellationToken).ConfigureAwait(false);
            }
            else if (_clients is not null)
            {
                await _clients.RevokeSecretAsync(rotation.ClientId!, rotation.OldCredentialId, cancellationToken).ConfigureAwait(false);
            }
        }

        var updated = await _store.UpdateRotationAsync(rotation.RotationId, null, _time.GetUtcNow(), by, cancellationToken).ConfigureAwait(false) ?? rotation;
        var how = by == ScimCredentialRotationService.Actor && rotation.GracePeriod is { } grace
            ? $"automatically, {Duration(grace)} after the new {what}'s first use"
            : "by " + by;
        await _audit.RecordAsync(rotation.TenantId, by, ScimAdministrationAction.RotationCompleted, rotation.RotationId, $"Rotation completed: the old {what} {rotation.OldCredentialId} was revoked {how}; {rotation.NewCredentialId} stays.", cancellationToken).ConfigureAwait(false);
        return updated;
    }

    private async Task EnsureNotRotatingAsync(string tenantId, ScimCredentialKind kind, string credentialId, CancellationToken cancellationToken)
    {
        foreach (var open in await _store.ListRotationsAsync(tenantId, openOnly: true, cancellationToken).ConfigureAwait(false))
        {
            if (open.Kind == kind && (open.OldCredentialId == credentialId || open.NewCredentialId == credentialId))
            {
                throw new ScimAdministrationException($"{credentialId} is already part of rotation {open.RotationId}; complete that rotation first.");
            }
        }
    }

    private async Task<ScimApiKey?> FindKeyAsync(string tenantId, string keyId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        var key = await _keyStore.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
        return key is not null && string.Equals(key.TenantId, tenantId, StringComparison.Ordinal) ? key : null;
    }

    private async Task<ScimOAuthClientSecret?> FindSecretAsync(string tenantId, string clientId, string secretId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        var (_, store) = OAuth();
        var client = await store.FindClientAsync(clientId, cancellationToken).ConfigureAwait(false);
        if (client is null || !string.Equals(client.TenantId, tenantId, StringComparison.Ordinal))
        {
            return null;
        }

        var secret = await store.FindSecretAsync(secretId, cancellationToken).ConfigureAwait(false);
        return secret is not null && string.Equals(secret.ClientId, clientId, StringComparison.Ordinal) ? secret : null;
    }

    private (ScimOAuthClientManager Clients, IScimOAuthStore Store) OAuth() =>
        _clients is not null && _oauthStore is not null
            ? (_clients, _oauthStore)
            : throw new ScimAdministrationException("OAuth clients are not configured on this server (AddOAuth was not called); rotate API keys instead.");

    private void CheckExpiry(DateTimeOffset? expiresAt)
    {
        if (expiresAt is { } at && at <= _time.GetUtcNow())
        {
            throw new ScimAdministrationException($"The expiry {at:u} is not in the future; pick a later date or none.");
        }
    }

    private static void CheckGrace(TimeSpan? gracePeriod)
    {
        if (gracePeriod is { } grace && (grace < TimeSpan.Zero || grace > TimeSpan.FromDays(365)))
        {
            throw new ScimAdministrationException("The grace period must be between 0 and 365 days (or none, to revoke the old credential by hand).");
        }
    }

    private static string Expiry(DateTimeOffset? expiresAt) => expiresAt is { } at ? $", expiring {at:u}" : "";

    private static string Grace(TimeSpan? gracePeriod) =>
        gracePeriod is { } grace ? $" (automatically {Duration(grace)} after the new credential's first use)" : " (by an admin)";

    /// <summary>A duration in words (<c>1 day</c>, <c>12 hours</c>, <c>1.5 days</c>, <c>30 minutes</c>), as the console and log say it.</summary>
    /// <param name="span">The duration.</param>
    /// <returns>The words.</returns>
    public static string Describe(TimeSpan span) => Duration(span);

    internal static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 ? Unit(span.TotalDays, "day")
        : span.TotalHours >= 1 ? Unit(span.TotalHours, "hour")
        : Unit(Math.Max(1, Math.Ceiling(span.TotalMinutes)), "minute");

    private static string Unit(double value, string unit)
    {
        var rounded = Math.Round(value, 1);
        return rounded.ToString(CultureInfo.InvariantCulture) + " " + unit + (rounded == 1 ? "" : "s");
    }
}
