using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Jostle.Scim.OAuth;

/// <summary>
/// The signing keys of federated credential issuers: a JWKS fetched from a URL (through <see cref="IHttpClientFactory"/>,
/// client <see cref="HttpClientName"/>) or read from a file, parsed by <see cref="JsonWebKeySet"/>, cached for
/// <see cref="ScimOAuthOptions.JwksCacheDuration"/> and fetched again early when an assertion names a key id the cached set
/// lacks (a key rollover), at most once per <see cref="ScimOAuthOptions.JwksMinimumRefreshInterval"/>.
/// </summary>
internal sealed class ScimJwksCache(IHttpClientFactory httpClientFactory, IOptions<ScimOAuthOptions> options, TimeProvider time, ILogger<ScimJwksCache> logger)
{
    /// <summary>The named <see cref="HttpClient"/> JWKS URLs are fetched with; a host (or a test) may configure its handler.</summary>
    public const string HttpClientName = "Jostle.Scim.OAuth.Jwks";

    private const int MaxJwksBytes = 512 * 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public static bool IsValidSource(string source, bool requireHttps)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (!requireHttps && uri.Scheme == Uri.UriSchemeHttp)))
        {
            return true;
        }

        return !source.Contains("://", StringComparison.Ordinal) && Path.IsPathFullyQualified(source);
    }

    /// <summary>The issuer's keys; fetched again first when <paramref name="keyId"/> is not among the cached ones and the last fetch is old enough.</summary>
    /// <exception cref="ScimJwksUnavailableException">The keys could not be fetched or parsed.</exception>
    public async Task<IReadOnlyList<SecurityKey>> GetKeysAsync(string source, string? keyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var o = options.Value;
        if (_entries.TryGetValue(source, out var entry) && now - entry.FetchedAt < o.JwksCacheDuration)
        {
            var known = keyId is null || entry.Keys.Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));
            if (known || now - entry.FetchedAt < o.JwksMinimumRefreshInterval)
            {
                return entry.Keys;
            }
        }

        var keys = await FetchAsync(source, cancellationToken).ConfigureAwait(false);
        _entries[source] = new Entry(keys, now);
        OAuthLog.JwksFetched(logger, source, keys.Count);
        return keys;
    }

    private async Task<IReadOnlyList<SecurityKey>> FetchAsync(string source, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                using var client = httpClientFactory.CreateClient(HttpClientName);
                using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new ScimJwksUnavailableException($"The JWKS URL answered {(int)response.StatusCode}.");
                }

                if (response.Content.Headers.ContentLength > MaxJwksBytes)
                {
                    throw new ScimJwksUnavailableException("The JWKS is too large.");
                }

                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var buffer = new byte[MaxJwksBytes + 1];
                    var total = 0;
                    int read;
                    while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        total += read;
                    }

                    if (total > MaxJwksBytes)
                    {
                        throw new ScimJwksUnavailableException("The JWKS is too large.");
                    }

                    json = System.Text.Encoding.UTF8.GetString(buffer, 0, total);
                }
            }
            else
            {
                json = await File.ReadAllTextAsync(source, cancellationToken).ConfigureAwait(false);
            }

            var set = new JsonWebKeySet(json);
            return [.. set.GetSigningKeys()];
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException or ArgumentException or System.Text.Json.JsonException
            or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ScimJwksUnavailableException("The issuer's keys could not be read: " + e.GetType().Name + ".", e);
        }
    }

    private sealed record Entry(IReadOnlyList<SecurityKey> Keys, DateTimeOffset FetchedAt);
}

/// <summary>A federated credential's JWKS could not be fetched, read or parsed.</summary>
internal sealed class ScimJwksUnavailableException : Exception
{
    public ScimJwksUnavailableException(string message)
        : base(message)
    {
    }

    public ScimJwksUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
