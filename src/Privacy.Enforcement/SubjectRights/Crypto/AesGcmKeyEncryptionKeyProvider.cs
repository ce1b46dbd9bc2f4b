using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Wraps data keys with AES-256-GCM under host-supplied 256-bit key-encryption keys, one per version. The wrapped form
/// is <c>nonce (12) || ciphertext || tag (16)</c>; the associated data binds the subject and the KEK version, so a
/// wrapped key moved to another subject or relabelled with another version fails to unwrap. Versions are epochs: an
/// older one is destroyed by <see cref="DestroyAsync"/> (see <see cref="KeyEncryptionKeyRotation"/>).
/// </summary>
public sealed class AesGcmKeyEncryptionKeyProvider : IKeyEncryptionKeyProvider, IKeyEncryptionKeyEpochs, IDisposable
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly ConcurrentDictionary<int, AesGcm> _keys = new();

    /// <summary>Creates the provider.</summary>
    /// <param name="keys">The key-encryption keys by version; each exactly 32 bytes. The caller keeps ownership of the arrays.</param>
    /// <param name="currentVersion">The version new keys are wrapped under; must be among <paramref name="keys"/>.</param>
    /// <exception cref="ArgumentException">A key is not 256 bits, a version is not positive, or the current version is missing.</exception>
    public AesGcmKeyEncryptionKeyProvider(IReadOnlyDictionary<int, byte[]> keys, int currentVersion)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.ContainsKey(currentVersion))
        {
            throw new ArgumentException($"The current key-encryption key version {currentVersion} is not among the keys supplied.", nameof(currentVersion));
        }

        foreach (var (version, key) in keys)
        {
            if (version <= 0)
            {
                throw new ArgumentException($"Key-encryption key versions must be positive; got {version}.", nameof(keys));
            }

            if (key is not { Length: 32 })
            {
                throw new ArgumentException($"Key-encryption key version {version} must be 256 bits (32 bytes).", nameof(keys));
            }

            _keys[version] = new AesGcm(key, TagSize);
        }

        CurrentVersion = currentVersion;
    }

    /// <inheritdoc />
    public int CurrentVersion { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<int> Versions => [.. _keys.Keys.Order()];

    /// <inheritdoc />
    /// <remarks>The provider forgets its copy of the key; the host must also destroy the bytes it supplied and every copy it keeps.</remarks>
    public ValueTask DestroyAsync(int kekVersion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (kekVersion == CurrentVersion)
        {
            throw new InvalidOperationException($"Key-encryption key version {kekVersion} is the current one and cannot be destroyed; make another version current first.");
        }

        if (_keys.TryRemove(kekVersion, out var aes))
        {
            aes.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<KeyWrapResult> WrapAsync(ReadOnlyMemory<byte> dataKey, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var version = CurrentVersion;
        var output = new byte[NonceSize + dataKey.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var aad = BindVersion(version, associatedData.Span);
        _keys[version].Encrypt(nonce, dataKey.Span, output.AsSpan(NonceSize, dataKey.Length), output.AsSpan(NonceSize + dataKey.Length, TagSize), aad);
        return ValueTask.FromResult(new KeyWrapResult(version, output));
    }

    /// <inheritdoc />
    public ValueTask<byte[]> UnwrapAsync(int kekVersion, ReadOnlyMemory<byte> wrappedKey, ReadOnlyMemory<byte> associatedData, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_keys.TryGetValue(kekVersion, out var aes))
        {
            throw new CryptographicException($"Key-encryption key version {kekVersion} is not available.");
        }

        var wrapped = wrappedKey.Span;
        if (wrapped.Length <= NonceSize + TagSize)
        {
            throw new CryptographicException("The wrapped data key is truncated.");
        }

        var length = wrapped.Length - NonceSize - TagSize;
        var key = new byte[length];
        aes.Decrypt(wrapped[..NonceSize], wrapped.Slice(NonceSize, length), wrapped[^TagSize..], key, BindVersion(kekVersion, associatedData.Span));
        return ValueTask.FromResult(key);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var version in _keys.Keys)
        {
            if (_keys.TryRemove(version, out var aes))
            {
                aes.Dispose();
            }
        }
    }

    private static byte[] BindVersion(int version, ReadOnlySpan<byte> associatedData)
    {
        var aad = new byte[4 + associatedData.Length];
        BinaryPrimitives.WriteInt32BigEndian(aad, version);
        associatedData.CopyTo(aad.AsSpan(4));
        return aad;
    }
}
