using System.Security.Cryptography;
using System.Text;

namespace Nris.Server.Auth;

/// <summary>Random passwords and API keys, and the key hash. Nothing here is ever logged.</summary>
public static class Secrets
{
    public const string KeyPrefix = "nris_";

    // No look-alike characters (0/O, 1/l/I): people type these from a console.
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "23456789";
    private const string Symbols = "-_.!@#%+=";

    /// <summary>A 20-character password with every character class, ~118 bits: satisfies any password policy we set.</summary>
    public static string Password()
    {
        var all = Lower + Upper + Digits + Symbols;
        var chars = new char[20];
        chars[0] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[1] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        chars[3] = Symbols[RandomNumberGenerator.GetInt32(Symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }

    /// <summary>A new client id (public, the lookup part of the key).</summary>
    public static string ClientId() => "c" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A new key for <paramref name="clientId"/> and the hash to store: "nris_{id}_{43 base64url chars of 256 random bits}".</summary>
    public static (string Key, string Hash) NewKey(string clientId)
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (KeyPrefix + clientId + "_" + secret, Hash(secret));
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Splits a presented key into client id and secret; false when it has not the shape of a key.</summary>
    public static bool TryParseKey(string? key, out string clientId, out string secret)
    {
        clientId = secret = "";
        if (key is null || key.Length > 200 || !key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key[KeyPrefix.Length..];
        var split = rest.IndexOf('_', StringComparison.Ordinal);
        if (split <= 0 || split == rest.Length - 1)
        {
            return false;
        }

        clientId = rest[..split];
        secret = rest[(split + 1)..];
        return true;
    }

    /// <summary>Compares two hex hashes in constant time, so response timing says nothing about how much matched.</summary>
    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
