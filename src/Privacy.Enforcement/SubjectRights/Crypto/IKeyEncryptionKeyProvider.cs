namespace Privacy.Enforcement.SubjectRights;

/// <summary>A data key wrapped by a key-encryption key version.</summary>
/// <param name="KekVersion">The key-encryption key version used.</param>
/// <param name="WrappedKey">The wrapped key.</param>
public readonly record struct KeyWrapResult(int KekVersion, byte[] WrappedKey);

/// <summary>
/// The host's key-encryption key (KEK), in versions: wraps and unwraps subjects' data keys. Hosts back it with a KMS or
/// HSM, or use <see cref="AesGcmKeyEncryptionKeyProvider"/> with their own 256-bit keys. Rotation adds a version; old
/// versions stay able to unwrap until every key is re-wrapped.
/// </summary>
public interface IKeyEncryptionKeyProvider
{
    /// <summary>Gets the version new keys are wrapped under.</summary>
    int CurrentVersion { get; }

    /// <summary>Wraps a data key under the current version.</summary>
    /// <param name="dataKey">The plaintext data key.</param>
    /// <param name="associatedData">Data bound to the wrapping (the subject); unwrapping with other data fails.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The version used and the wrapped key.</returns>
    ValueTask<KeyWrapResult> WrapAsync(ReadOnlyMemory<byte> dataKey, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken);

    /// <summary>Unwraps a data key.</summary>
    /// <param name="kekVersion">The version it was wrapped under.</param>
    /// <param name="wrappedKey">The wrapped key.</param>
    /// <param name="associatedData">The data bound at wrapping.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The plaintext data key.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The version is unknown or the wrapped key or associated data was altered.</exception>
    ValueTask<byte[]> UnwrapAsync(int kekVersion, ReadOnlyMemory<byte> wrappedKey, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken);
}
