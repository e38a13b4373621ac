using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Jostle.Scim.Protocol;

/// <summary>
/// Issues and opens RFC 9865 cursors. A cursor is base64url of
/// <c>version (1) | expiry, Unix ms (8) | query hash (16) | store position (UTF-8)</c> followed by an HMAC-SHA256 of
/// those bytes (32). The query hash binds the cursor to the tenant, resource type, filter and sort it was issued for;
/// the store position is where the next page starts (the last row's key, never an offset), so a walk survives
/// creates and deletes between pages.
/// </summary>
internal sealed class ScimCursorCodec
{
    private const byte Version = 1;
    private const int HashLength = 16;
    private const int MacLength = 32;
    private const int HeadLength = 1 + 8 + HashLength;

    /// <summary>The key used when the options give none: one per process, so every runtime in it agrees.</summary>
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    public ScimCursorCodec(byte[]? key, TimeSpan timeout, TimeProvider time)
    {
        _key = key ?? ProcessKey;
        Timeout = timeout;
        _time = time;
    }

    /// <summary>How long a cursor lives after it is issued.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The hash that binds a cursor to one query. Each part is length-prefixed, so no two queries share an encoding.</summary>
    public static byte[] QueryHash(string tenant, string resourceType, string? filter, string? sortBy, bool descending)
    {
        var builder = new StringBuilder();
        foreach (var part in new[] { tenant, resourceType, filter ?? "", sortBy ?? "", descending ? "d" : "a" })
        {
            builder.Append(part.Length).Append(':').Append(part).Append('|');
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString()))[..HashLength];
    }

    /// <summary>A signed cursor for the page that starts after <paramref name="position"/>.</summary>
    public string Issue(byte[] queryHash, string position)
    {
        var positionBytes = Encoding.UTF8.GetBytes(position);
        var buffer = new byte[HeadLength + positionBytes.Length + MacLength];
        buffer[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(1, 8), (_time.GetUtcNow() + Timeout).ToUnixTimeMilliseconds());
        queryHash.AsSpan(0, HashLength).CopyTo(buffer.AsSpan(9));
        positionBytes.CopyTo(buffer.AsSpan(HeadLength));
        var signed = buffer.AsSpan(0, buffer.Length - MacLength);
        HMACSHA256.HashData(_key, signed, buffer.AsSpan(signed.Length));
        return Base64UrlEncode(buffer);
    }

    /// <summary>The store position a cursor carries.</summary>
    /// <exception cref="ScimException"><c>400 invalidCursor</c>: not a cursor of this service, altered, or issued for another query; <c>400 expiredCursor</c>: too old.</exception>
    public string Open(string cursor, byte[] queryHash)
    {
        if (!TryBase64UrlDecode(cursor, out var buffer) || buffer.Length < HeadLength + MacLength || buffer[0] != Version)
        {
            throw Invalid("The cursor is not one this service provider issued; use the nextCursor of the previous page, or cursor= (empty) for the first page.");
        }

        var signed = buffer.AsSpan(0, buffer.Length - MacLength);
        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(_key, signed, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, buffer.AsSpan(signed.Length)))
        {
            throw Invalid("The cursor was altered or was not issued by this service provider (its signature does not match); use the nextCursor of the previous page, or cursor= (empty) for the first page.");
        }

        if (!CryptographicOperations.FixedTimeEquals(buffer.AsSpan(9, HashLength), queryHash.AsSpan(0, HashLength)))
        {
            throw Invalid("The cursor belongs to another query: send it with the same filter, sortBy and sortOrder (and to the same resource type) as the request that returned it.");
        }

        var expires = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(1, 8)));
        if (_time.GetUtcNow() > expires)
        {
            throw new ScimException(ScimErrorType.ExpiredCursor, $"The cursor expired at {expires:O} (cursors live {Timeout.TotalSeconds:0} seconds); start again with cursor= (empty).");
        }

        return Encoding.UTF8.GetString(buffer.AsSpan(HeadLength, buffer.Length - HeadLength - MacLength));
    }

    private static ScimException Invalid(string detail) => new(ScimErrorType.InvalidCursor, detail);

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64UrlDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length > 2048)
        {
            return false;
        }

        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => "!" };
        var buffer = new byte[padded.Length * 3 / 4];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }
}
