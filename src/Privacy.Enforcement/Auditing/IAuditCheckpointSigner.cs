using System.Security.Cryptography;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Signs and verifies checkpoints of the audit trail with a key the host supplies, so that a checkpoint cannot be
/// forged by whoever can write the checkpoint file. Built in: <see cref="HmacSha256CheckpointSigner"/> and
/// <see cref="ECDsaCheckpointSigner"/>.
/// </summary>
public interface IAuditCheckpointSigner
{
    /// <summary>Gets the id of the key, recorded on each checkpoint (empty: accept any key id when verifying).</summary>
    string KeyId { get; }

    /// <summary>Signs a payload.</summary>
    /// <param name="payload">The bytes to sign (<see cref="AuditHashChain.GetCheckpointPayload"/>).</param>
    /// <returns>The signature.</returns>
    byte[] Sign(ReadOnlySpan<byte> payload);

    /// <summary>Verifies a signature.</summary>
    /// <param name="payload">The signed bytes.</param>
    /// <param name="signature">The signature.</param>
    /// <returns><see langword="true"/> when the signature is valid for the payload.</returns>
    bool Verify(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature);
}

/// <summary>Signs checkpoints with HMAC-SHA256 and a shared secret key.</summary>
public sealed class HmacSha256CheckpointSigner : IAuditCheckpointSigner
{
    private readonly byte[] _key;

    /// <summary>Creates the signer.</summary>
    /// <param name="keyId">The key's id.</param>
    /// <param name="key">The secret key (at least 32 bytes).</param>
    public HmacSha256CheckpointSigner(string keyId, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("An HMAC-SHA256 checkpoint key must be at least 32 bytes.", nameof(key));
        }

        KeyId = keyId;
        _key = (byte[])key.Clone();
    }

    /// <inheritdoc />
    public string KeyId { get; }

    /// <inheritdoc />
    public byte[] Sign(ReadOnlySpan<byte> payload) => HMACSHA256.HashData(_key, payload);

    /// <inheritdoc />
    public bool Verify(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(_key, payload, expected);
        return signature.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, signature);
    }
}

/// <summary>
/// Signs checkpoints with an ECDSA key (SHA-256); a verifier needs only the public key, so the party that checks the
/// trail cannot forge checkpoints.
/// </summary>
public sealed class ECDsaCheckpointSigner : IAuditCheckpointSigner
{
    private readonly ECDsa _key;

    /// <summary>Creates the signer. The caller keeps ownership of <paramref name="key"/>.</summary>
    /// <param name="keyId">The key's id.</param>
    /// <param name="key">The key: private to sign, public suffices to verify.</param>
    public ECDsaCheckpointSigner(string keyId, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(key);
        KeyId = keyId;
        _key = key;
    }

    /// <inheritdoc />
    public string KeyId { get; }

    /// <inheritdoc />
    public byte[] Sign(ReadOnlySpan<byte> payload) => _key.SignData(payload, HashAlgorithmName.SHA256);

    /// <inheritdoc />
    public bool Verify(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature) => _key.VerifyData(payload, signature, HashAlgorithmName.SHA256);
}
