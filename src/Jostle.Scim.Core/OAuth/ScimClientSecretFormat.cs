using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Jostle.Scim.OAuth;

/// <summary>
/// Identifiers and secrets of OAuth clients. A client id is <c>jsc_</c> and 16 lowercase hex digits; a secret is
/// <c>jscs_&lt;secretId&gt;_&lt;43 base64url characters&gt;</c> (256 random bits; the prefix lets secret scanners find a
/// leaked one, the id finds the record). Only a SHA-256 (or peppered HMAC) of a secret is stored: with 256 random bits a
/// slow password hash adds nothing.
/// </summary>
internal static class ScimClientSecretFormat
{
    public const string ClientIdPrefix = "jsc_";
    public const string SecretPrefix = "jscs_";
    public const int IdLength = 16;
    public const int SecretLength = 5 + IdLength + 1 + 43;

    public static string NewId()
    {
        Span<byte> id = stackalloc byte[IdLength / 2];
        RandomNumberGenerator.Fill(id);
        return Convert.ToHexStringLower(id);
    }

    public static string NewClientId() => ClientIdPrefix + NewId();

    public static (string SecretId, string Plaintext) NewSecret()
    {
        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        var id = NewId();
        var plaintext = SecretPrefix + id + "_" + Base64Url.EncodeToString(secret);
        CryptographicOperations.ZeroMemory(secret);
        return (id, plaintext);
    }

    /// <summary>Checks the shape of a presented secret and returns its id; says nothing about whether it is valid.</summary>
    public static bool TryParse(string? secret, [NotNullWhen(true)] out string? secretId)
    {
        secretId = null;
        if (secret is null || secret.Length != SecretLength || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret[SecretPrefix.Length + IdLength] != '_')
        {
            return false;
        }

        var id = secret.AsSpan(SecretPrefix.Length, IdLength);
        foreach (var c in id)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        foreach (var c in secret.AsSpan(SecretPrefix.Length + IdLength + 1))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        secretId = id.ToString();
        return true;
    }

    public static string Hash(string secret, byte[]? pepper)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(secret);
        var hash = pepper is { Length: > 0 } ? HMACSHA256.HashData(pepper, utf8) : SHA256.HashData(utf8);
        CryptographicOperations.ZeroMemory(utf8);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Compares a presented secret with a stored hash in constant time.</summary>
    public static bool Matches(string presented, string storedHash, byte[]? pepper)
    {
        byte[] stored;
        try
        {
            stored = Convert.FromHexString(storedHash);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Convert.FromHexString(Hash(presented, pepper)), stored);
    }
}
