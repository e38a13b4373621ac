using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Jostle.Scim.Keys;

/// <summary>
/// The key format: <c>jscim_&lt;keyId&gt;_&lt;secret&gt;</c> — the prefix <c>jscim_</c> (so secret scanners can find a
/// leaked key), a 16-character lowercase hex lookup id (64 random bits, public, used to find the record), an underscore,
/// and 43 characters of unpadded base64url holding 256 random bits. 66 characters in all.
/// </summary>
internal static class ScimApiKeyFormat
{
    public const string Prefix = "jscim_";
    public const int KeyIdBytes = 8;
    public const int SecretBytes = 32;
    public const int KeyIdLength = KeyIdBytes * 2;
    public const int SecretLength = 43; // base64url of 32 bytes, unpadded
    public const int Length = 6 + KeyIdLength + 1 + SecretLength;

    /// <summary>Generates a new key from <see cref="RandomNumberGenerator"/>.</summary>
    public static (string KeyId, string Plaintext) Generate()
    {
        Span<byte> id = stackalloc byte[KeyIdBytes];
        Span<byte> secret = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(id);
        RandomNumberGenerator.Fill(secret);
        var keyId = Convert.ToHexStringLower(id);
        var plaintext = Prefix + keyId + "_" + Base64Url.EncodeToString(secret);
        CryptographicOperations.ZeroMemory(secret);
        return (keyId, plaintext);
    }

    /// <summary>Checks the shape of a presented key and returns its lookup id. Says nothing about whether it is valid.</summary>
    public static bool TryParse(ReadOnlySpan<char> key, [NotNullWhen(true)] out string? keyId)
    {
        keyId = null;
        if (key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + KeyIdLength] != '_')
        {
            return false;
        }

        var id = key.Slice(Prefix.Length, KeyIdLength);
        foreach (var c in id)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        var secret = key[(Prefix.Length + KeyIdLength + 1)..];
        foreach (var c in secret)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        keyId = id.ToString();
        return true;
    }

    /// <summary>The hash stored for a key: SHA-256 of its UTF-8 bytes, or HMAC-SHA-256 keyed with the pepper.</summary>
    public static byte[] Hash(ReadOnlySpan<char> key, byte[]? pepper)
    {
        Span<byte> utf8 = stackalloc byte[Length * 3];
        var count = System.Text.Encoding.UTF8.GetBytes(key, utf8);
        var hash = pepper is { Length: > 0 } ? HMACSHA256.HashData(pepper, utf8[..count]) : SHA256.HashData(utf8[..count]);
        CryptographicOperations.ZeroMemory(utf8);
        return hash;
    }
}
