using System.Globalization;
using Jostle.Scim.Keys;
using Jostle.Scim.OAuth;
using Jostle.Scim.Provisioning;
using Microsoft.Extensions.Options;

namespace Jostle.Scim.Administration;

/// <summary>A tenant's connection state, as the console shows it.</summary>
public enum ScimConnectionState
{
    /// <summary>No request of the tenant has arrived yet.</summary>
    WaitingForFirstRequest = 0,

    /// <summary>Requests arrive and succeed.</summary>
    Connected,

    /// <summary>Requests arrive and fail; <see cref="ScimConnectionStatus.Problem"/> says how.</summary>
    Failing,
}

/// <summary>Why a connection is <see cref="ScimConnectionState.Failing"/>.</summary>
public enum ScimConnectionProblem
{
    /// <summary>Nothing is wrong.</summary>
    None = 0,

    /// <summary>The newest requests came with a revoked or expired key or secret of the tenant.</summary>
    CredentialRefused,

    /// <summary>Requests authenticate but too many of them fail (above <see cref="ScimAdministrationOptions.WarningFailureRate"/>).</summary>
    RequestsFailing,
}

/// <summary>A tenant's connection status: the state, in words, and the numbers behind it.</summary>
public sealed record ScimConnectionStatus
{
    /// <summary>The state.</summary>
    public required ScimConnectionState State { get; init; }

    /// <summary>Why it is failing, or <see cref="ScimConnectionProblem.None"/>.</summary>
    public required ScimConnectionProblem Problem { get; init; }

    /// <summary>The state in a sentence for the page: "Waiting for the first request", "Connected (last request at …)", "Failing: …".</summary>
    public required string Summary { get; init; }

    /// <summary>When the tenant's newest request arrived (a key's last use or the newest log record), or <see langword="null"/>.</summary>
    public DateTimeOffset? LastRequestAt { get; init; }

    /// <summary>The window the counts cover (<see cref="ScimAdministrationOptions.ConnectionWindow"/>).</summary>
    public TimeSpan Window { get; init; }

    /// <summary>Recorded operations in the window (writes, failures, and lookups that found nothing are not counted).</summary>
    public int RecentOperations { get; init; }

    /// <summary>Failed operations in the window.</summary>
    public int RecentFailures { get; init; }

    /// <summary><see cref="RecentFailures"/> / <see cref="RecentOperations"/>, 0 when there were none.</summary>
    public double FailureRate { get; init; }

    /// <summary>The newest refusal of a revoked or expired credential of the tenant in the window, or <see langword="null"/>.</summary>
    public ProvisioningLogEntry? LastCredentialRefusal { get; init; }

    /// <summary>The newest failure in the window, or <see langword="null"/>.</summary>
    public ProvisioningLogEntry? LastFailure { get; init; }

    /// <summary>Requests in the window, server-wide, whose token was unknown or malformed (they name no tenant).</summary>
    public int UnknownTokenRefusals { get; init; }
}

/// <summary>
/// Tells a tenant's connection apart: no request yet, requests with a bad, revoked or expired credential, requests failing,
/// or connected. Reads the key and OAuth stores (last use) and the provisioning log; nothing is cached.
/// </summary>
public sealed class ScimConnectionStatusService
{
    private readonly IProvisioningLogReader _log;
    private readonly IScimApiKeyStore _keys;
    private readonly IScimOAuthStore? _oauth;
    private readonly ScimUnattributedRefusals? _unattributed;
    private readonly ScimAdministrationOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    /// <param name="log">The provisioning log.</param>
    /// <param name="keys">The API key store.</param>
    /// <param name="options">The administration options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="oauth">The OAuth store, when OAuth is configured.</param>
    /// <param name="unattributed">The count of refusals that name no tenant, when registered.</param>
    public ScimConnectionStatusService(IProvisioningLogReader log, IScimApiKeyStore keys, IOptions<ScimAdministrationOptions> options, TimeProvider? timeProvider = null, IScimOAuthStore? oauth = null, ScimUnattributedRefusals? unattributed = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        _log = log;
        _keys = keys;
        _oauth = oauth;
        _unattributed = unattributed;
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Computes a tenant's status now.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The status.</returns>
    public async Task<ScimConnectionStatus> GetAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var now = _time.GetUtcNow();
        var window = _options.ConnectionWindow;
        DateTimeOffset? lastUse = null;
        foreach (var key in await _keys.ListAsync(tenantId, cancellationToken).ConfigureAwait(false))
        {
            lastUse = Max(lastUse, key.LastUsedAt);
        }

        if (_oauth is not null)
        {
            foreach (var client in await _oauth.ListClientsAsync(tenantId, cancellationToken).ConfigureAwait(false))
            {
                foreach (var secret in await _oauth.ListSecretsAsync(client.ClientId, cancellationToken).ConfigureAwait(false))
                {
                    lastUse = Max(lastUse, secret.LastUsedAt);
                }
            }
        }

        var recent = await ScimLogScan.RecentAsync(_log, tenantId, now - window, cancellationToken, 10_000).ConfigureAwait(false);
        var newestEver = recent.Count > 0 ? recent[0] : await NewestAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var lastRequest = Max(lastUse, newestEver?.Timestamp);
        var counted = recent.Where(ScimLogScan.Counts).ToList();
        var failures = counted.Where(e => !e.Succeeded).ToList();
        var rate = counted.Count == 0 ? 0 : (double)failures.Count / counted.Count;
        var refusal = failures.FirstOrDefault(e => e.Status == 401);
        var lastSuccess = Max(lastUse, recent.FirstOrDefault(e => e.Succeeded)?.Timestamp);
        var (unknown, lastUnknown) = _unattributed?.Since(window) ?? (0, null);
        var status = new ScimConnectionStatus
        {
            State = ScimConnectionState.Connected,
            Problem = ScimConnectionProblem.None,
            Summary = "",
            LastRequestAt = lastRequest,
            Window = window,
            RecentOperations = counted.Count,
            RecentFailures = failures.Count,
            FailureRate = rate,
            LastCredentialRefusal = refusal,
            LastFailure = failures.FirstOrDefault(),
            UnknownTokenRefusals = unknown,
        };

        if (lastRequest is null)
        {
            var hint = unknown > 0
                ? $" {unknown} request(s) with a token this server does not know arrived in the last {ScimCredentialAdministration.Duration(window)} (last at {lastUnknown:u}): if that was this tenant's identity provider, re-enter the whole key."
                : " Enter the base URL and the key in the identity provider and click Test Connection.";
            return status with { State = ScimConnectionState.WaitingForFirstRequest, Summary = "Waiting for the first request." + hint };
        }

        if (refusal is not null && (lastSuccess is null || refusal.Timestamp >= lastSuccess))
        {
            var how = refusal.Detail?.Contains("expired", StringComparison.OrdinalIgnoreCase) == true ? "an expired" : "a revoked";
            return status with
            {
                State = ScimConnectionState.Failing,
                Problem = ScimConnectionProblem.CredentialRefused,
                Summary = $"Failing: requests arrive with {how} credential ({refusal.KeyId ?? "unknown id"}, last at {refusal.Timestamp:u}). Rotate or create a key and enter it in the identity provider.",
            };
        }

        // Refusals of a credential that was replaced since are the credential's story (above), not requests failing.
        var authenticated = counted.Where(e => e.Status != 401).ToList();
        var authenticatedFailures = authenticated.Where(e => !e.Succeeded).ToList();
        if (authenticatedFailures.Count > 0 && (double)authenticatedFailures.Count / authenticated.Count > _options.WarningFailureRate)
        {
            var top = authenticatedFailures.GroupBy(f => (f.Status, f.ScimType)).OrderByDescending(g => g.Count()).First();
            return status with
            {
                State = ScimConnectionState.Failing,
                Problem = ScimConnectionProblem.RequestsFailing,
                Summary = string.Create(CultureInfo.InvariantCulture, $"Failing: {authenticatedFailures.Count} of {authenticated.Count} recorded operations in the last {ScimCredentialAdministration.Duration(window)} failed ({(double)authenticatedFailures.Count / authenticated.Count:P0}); most often {top.Key.Status}{(top.Key.ScimType is { } t ? " " + t : "")} ({top.Count()}). See the request log for hints."),
            };
        }

        return status with { Summary = $"Connected (last request at {lastRequest:u})." };
    }

    private async Task<ProvisioningLogEntry?> NewestAsync(string tenantId, CancellationToken cancellationToken)
    {
        string? token = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await _log.QueryAsync(new ProvisioningLogQuery { Tenant = tenantId, PageSize = 100, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            if (page.Entries.FirstOrDefault(e => e.Operation != ProvisioningOperation.Administration) is { } entry)
            {
                return entry;
            }

            if ((token = page.ContinuationToken) is null)
            {
                break;
            }
        }

        return null;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
