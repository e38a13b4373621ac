namespace Jostle.Scim.Keys;

/// <summary>Options of provisioning API keys.</summary>
public sealed class ScimApiKeyOptions
{
    /// <summary>
    /// An optional secret mixed into every stored hash (HMAC-SHA-256 instead of SHA-256), kept outside the key store
    /// (configuration, a vault), so a stolen copy of the store alone cannot even confirm a guessed key. At least 32 bytes
    /// when set. Changing or removing it invalidates every existing key. Default <see langword="null"/>.
    /// </summary>
#pragma warning disable CA1819 // A pepper is a byte string; an array is what configuration binding and HMAC want.
    public byte[]? Pepper { get; set; }
#pragma warning restore CA1819

    /// <summary>
    /// How stale <see cref="ScimApiKey.LastUsedAt"/> may get: a key's last-used time is written at most once per interval
    /// per process, so a provisioning cycle of thousands of requests costs one store write a minute, not one per request.
    /// Default one minute; <see cref="TimeSpan.Zero"/> writes on every request.
    /// </summary>
    public TimeSpan LastUsedUpdateInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The <c>realm</c> of the <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750 §3). Default <c>scim</c>.</summary>
    public string Realm { get; set; } = "scim";
}
