using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>
/// Password hashes a credential property may hold (<c>store.account-security</c>), in the self-describing PHC string
/// format, checked against current guidance (OWASP Password Storage Cheat Sheet):
/// <list type="bullet">
/// <item><c>$pbkdf2-sha256$i=ITERATIONS$SALT$HASH</c>: PBKDF2-HMAC-SHA256 with at least
/// <see cref="MinimumPbkdf2Iterations"/> iterations, a salt of at least 16 bytes and a hash of at least 32 bytes.</item>
/// <item><c>$argon2id$v=19$m=MEMORY,t=TIME,p=LANES$SALT$HASH</c>: Argon2id with at least 7 MiB of memory and memory × time
/// at least that of the weakest configuration the guidance lists (19 MiB × 2 passes, 7 MiB × 5 passes, …).</item>
/// </list>
/// Anything else (a clear value, MD5, SHA-1, bcrypt, too few iterations) is refused before it is written.
/// </summary>
public static class PasswordHashing
{
    /// <summary>The fewest PBKDF2-HMAC-SHA256 iterations accepted (and used by <see cref="Hash(string)"/>).</summary>
    public const int MinimumPbkdf2Iterations = 600_000;

    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int MinimumArgon2MemoryKib = 7 * 1024;
    private const long MinimumArgon2MemoryTimeKib = 7L * 1024 * 5;

    /// <summary>Hashes a password with PBKDF2-HMAC-SHA256, <see cref="MinimumPbkdf2Iterations"/> iterations and a random 16-byte salt.</summary>
    /// <param name="password">The password.</param>
    /// <returns>The PHC string, such as <c>$pbkdf2-sha256$i=600000$…$…</c>.</returns>
    public static string Hash(string password) => Hash(password, MinimumPbkdf2Iterations);

    /// <summary>Hashes a password with PBKDF2-HMAC-SHA256 and more iterations than the minimum.</summary>
    /// <param name="password">The password.</param>
    /// <param name="iterations">The iterations: at least <see cref="MinimumPbkdf2Iterations"/>.</param>
    /// <returns>The PHC string.</returns>
    public static string Hash(string password, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinimumPbkdf2Iterations);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"$pbkdf2-sha256$i={iterations}${Base64(salt)}${Base64(hash)}");
    }

    /// <summary>Checks a password against a PBKDF2 hash made by <see cref="Hash(string)"/>, in constant time.</summary>
    /// <param name="password">The password given.</param>
    /// <param name="stored">The stored hash.</param>
    /// <returns><see langword="true"/> when the password matches.</returns>
    public static bool Verify(string password, string stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(stored);
        if (!TryParsePbkdf2(stored, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether a stored value is a hash of an approved scheme at or above the guidance.</summary>
    /// <param name="value">The value about to be stored.</param>
    /// <returns><see langword="true"/> when it may be stored as a credential.</returns>
    public static bool IsApproved(string? value) => Weakness(value) is null;

    /// <summary>Says why a value may not be stored as a credential, without repeating the value.</summary>
    /// <param name="value">The value about to be stored.</param>
    /// <returns>The reason, or <see langword="null"/> when it is an approved hash.</returns>
    public static string? Weakness(string? value)
    {
        if (string.IsNullOrEmpty(value) || value[0] != '$')
        {
            return "it is not a password hash in PHC format (a clear value?)";
        }

        if (value.StartsWith("$pbkdf2-sha256$", StringComparison.Ordinal))
        {
            if (!TryParsePbkdf2(value, out var iterations, out var salt, out var hash))
            {
                return "it is a malformed PBKDF2-SHA256 hash";
            }

            return iterations < MinimumPbkdf2Iterations ? $"PBKDF2-SHA256 with {iterations} iterations is below the {MinimumPbkdf2Iterations} required"
                : salt.Length < SaltBytes ? $"its salt is shorter than {SaltBytes} bytes"
                : hash.Length < HashBytes ? $"its hash is shorter than {HashBytes} bytes"
                : null;
        }

        if (value.StartsWith("$argon2id$", StringComparison.Ordinal))
        {
            return Argon2Weakness(value);
        }

        return "its scheme is not approved (PBKDF2-HMAC-SHA256 or Argon2id)";
    }

    private static string? Argon2Weakness(string value)
    {
        // $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH
        var parts = value.Split('$');
        if (parts.Length != 6 || parts[2] != "v=19")
        {
            return "it is a malformed Argon2id hash (version 19 expected)";
        }

        long memory = 0, time = 0, lanes = 0;
        foreach (var parameter in parts[3].Split(','))
        {
            var pair = parameter.Split('=');
            if (pair.Length != 2 || !long.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                return "it is a malformed Argon2id hash";
            }

            _ = pair[0] switch
            {
                "m" => memory = number,
                "t" => time = number,
                "p" => lanes = number,
                _ => 0,
            };
        }

        if (!TryBase64(parts[4], out var salt) || !TryBase64(parts[5], out var hash) || salt.Length < SaltBytes || hash.Length < HashBytes)
        {
            return "its salt or hash is malformed or too short";
        }

        return lanes < 1 || time < 1 || memory < MinimumArgon2MemoryKib || memory * time < MinimumArgon2MemoryTimeKib
            ? $"Argon2id with m={memory},t={time},p={lanes} is below the guidance (m >= {MinimumArgon2MemoryKib} KiB and m*t >= {MinimumArgon2MemoryTimeKib})"
            : null;
    }

    private static bool TryParsePbkdf2(string value, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = value.Split('$');
        return parts.Length == 5 && parts[1] == "pbkdf2-sha256" && parts[2].StartsWith("i=", StringComparison.Ordinal)
            && int.TryParse(parts[2].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            && TryBase64(parts[3], out salt) && TryBase64(parts[4], out hash);
    }

    // PHC strings use base64 without padding.
    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryBase64(string text, out byte[] bytes)
    {
        var padded = text.Length % 4 == 0 ? text : text + new string('=', 4 - (text.Length % 4));
        bytes = new byte[padded.Length];
        if (Convert.TryFromBase64String(padded, bytes, out var length))
        {
            bytes = bytes[..length];
            return true;
        }

        bytes = [];
        return false;
    }
}
