using System.Text;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>
/// An encrypted property's stored text: <c>pe1:</c> followed by the base64 of the field ciphertext of
/// <see cref="SubjectDataKey"/> (AES-256-GCM under the subject's data key, bound to the subject and the field).
/// </summary>
internal static class EncryptedText
{
    public const string Prefix = "pe1:";

    public static bool IsEncrypted(string? text) => text is not null && text.StartsWith(Prefix, StringComparison.Ordinal);

    public static string Encrypt(SubjectDataKey key, string field, string plaintext) =>
        Prefix + Convert.ToBase64String(key.Encrypt(field, Encoding.UTF8.GetBytes(plaintext)));

    public static string Decrypt(SubjectDataKey key, string field, string text)
    {
        if (!IsEncrypted(text))
        {
            throw new System.Security.Cryptography.CryptographicException($"The stored value of {field} is not an encrypted value: it was written without the privacy interceptor.");
        }

        return Encoding.UTF8.GetString(key.Decrypt(field, Convert.FromBase64String(text[Prefix.Length..])));
    }
}
