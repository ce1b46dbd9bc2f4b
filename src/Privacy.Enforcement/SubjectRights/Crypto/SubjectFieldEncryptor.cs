using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>A subject's data key was destroyed (crypto-shredded by erasure) or never created: its fields cannot be decrypted.</summary>
public sealed class SubjectKeyShreddedException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    public SubjectKeyShreddedException()
        : base("The subject's data key does not exist: it was destroyed by erasure (store.subject-delete) or never created.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed (no personal data).</param>
    public SubjectKeyShreddedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed (no personal data).</param>
    /// <param name="innerException">The cause.</param>
    public SubjectKeyShreddedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// One subject's unwrapped data key: encrypts and decrypts that subject's fields with AES-256-GCM (random 12-byte
/// nonce, 16-byte tag). A field's ciphertext is <c>version (1) || nonce (12) || ciphertext || tag (16)</c>; the
/// associated data binds the format version, the subject and the field name, so a ciphertext copied to another field or
/// subject fails to decrypt. Not thread-safe: take one per unit of work and dispose it.
/// </summary>
public sealed class SubjectDataKey : IDisposable
{
    /// <summary>The ciphertext format (and associated-data) version.</summary>
    public const byte FormatVersion = 1;

    /// <summary>The nonce size in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>The tag size in bytes.</summary>
    public const int TagSize = 16;

    private const int HeaderSize = 1 + NonceSize;
    private readonly AesGcm _aes;
    private readonly byte[] _subject;

    internal SubjectDataKey(SubjectId subject, ReadOnlySpan<byte> key)
    {
        Subject = subject;
        _subject = Encoding.UTF8.GetBytes(subject.Value);
        _aes = new AesGcm(key, TagSize);
    }

    /// <summary>Gets the subject.</summary>
    public SubjectId Subject { get; }

    /// <summary>Returns the ciphertext size for a plaintext size.</summary>
    /// <param name="plaintextLength">The plaintext length.</param>
    /// <returns>The ciphertext length.</returns>
    public static int GetCiphertextLength(int plaintextLength) => HeaderSize + plaintextLength + TagSize;

    /// <summary>Encrypts a field value.</summary>
    /// <param name="field">The field name (bound as associated data).</param>
    /// <param name="plaintext">The value.</param>
    /// <returns>The ciphertext.</returns>
    public byte[] Encrypt(string field, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[GetCiphertextLength(plaintext.Length)];
        Encrypt(field, plaintext, output);
        return output;
    }

    /// <summary>Encrypts a field value into a buffer of <see cref="GetCiphertextLength"/> bytes.</summary>
    /// <param name="field">The field name (bound as associated data).</param>
    /// <param name="plaintext">The value.</param>
    /// <param name="destination">The buffer.</param>
    public void Encrypt(string field, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (destination.Length != GetCiphertextLength(plaintext.Length))
        {
            throw new ArgumentException($"The destination must be exactly {GetCiphertextLength(plaintext.Length)} bytes.", nameof(destination));
        }

        destination[0] = FormatVersion;
        var nonce = destination.Slice(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Span<byte> aadBuffer = stackalloc byte[256];
        var aad = AssociatedData(field, aadBuffer, out var rented);
        try
        {
            _aes.Encrypt(nonce, plaintext, destination.Slice(HeaderSize, plaintext.Length), destination[^TagSize..], aad);
        }
        finally
        {
            Clear(rented);
        }
    }

    /// <summary>Decrypts a field value.</summary>
    /// <param name="field">The field name it was encrypted for.</param>
    /// <param name="ciphertext">The ciphertext.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CryptographicException">The ciphertext, nonce, tag, version, field or subject does not match (tampering or misuse).</exception>
    public byte[] Decrypt(string field, ReadOnlySpan<byte> ciphertext)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        if (ciphertext.Length < HeaderSize + TagSize)
        {
            throw new CryptographicException("The field ciphertext is truncated.");
        }

        if (ciphertext[0] != FormatVersion)
        {
            throw new CryptographicException($"Unknown field ciphertext version {ciphertext[0]}.");
        }

        var plaintext = new byte[ciphertext.Length - HeaderSize - TagSize];
        Span<byte> aadBuffer = stackalloc byte[256];
        var aad = AssociatedData(field, aadBuffer, out var rented);
        try
        {
            _aes.Decrypt(ciphertext.Slice(1, NonceSize), ciphertext.Slice(HeaderSize, plaintext.Length), ciphertext[^TagSize..], plaintext, aad);
        }
        finally
        {
            Clear(rented);
        }

        return plaintext;
    }

    /// <inheritdoc />
    public void Dispose() => _aes.Dispose();

    // version || len(subject) || subject || len(field) || field: length prefixes keep ("ab","c") and ("a","bc") apart.
    private ReadOnlySpan<byte> AssociatedData(string field, Span<byte> buffer, out byte[]? rented)
    {
        var fieldLength = Encoding.UTF8.GetByteCount(field);
        var length = 1 + 4 + _subject.Length + 4 + fieldLength;
        rented = null;
        if (length > buffer.Length)
        {
            rented = new byte[length];
            buffer = rented;
        }

        buffer[0] = FormatVersion;
        BinaryPrimitives.WriteInt32BigEndian(buffer[1..], _subject.Length);
        _subject.CopyTo(buffer[5..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer[(5 + _subject.Length)..], fieldLength);
        Encoding.UTF8.GetBytes(field, buffer[(9 + _subject.Length)..]);
        return buffer[..length];
    }

    private static void Clear(byte[]? rented)
    {
        if (rented is not null)
        {
            Array.Clear(rented);
        }
    }
}

/// <summary>
/// Crypto-shredding for hosts that store personal data themselves: each subject gets a random 256-bit data key, stored
/// only wrapped by the host's key-encryption key; fields are encrypted under it. Erasing the subject destroys the key
/// (the subject-rights service does it), after which none of its fields can be decrypted (<c>store.subject-delete</c>).
/// </summary>
public sealed class SubjectFieldEncryptor
{
    private readonly ISubjectKeyStore _keys;
    private readonly IKeyEncryptionKeyProvider _kek;
    private readonly TimeProvider _time;

    /// <summary>Creates the encryptor.</summary>
    /// <param name="keys">The store of wrapped subject keys.</param>
    /// <param name="kek">The host's key-encryption key.</param>
    /// <param name="time">The clock.</param>
    public SubjectFieldEncryptor(ISubjectKeyStore keys, IKeyEncryptionKeyProvider kek, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(kek);
        ArgumentNullException.ThrowIfNull(time);
        _keys = keys;
        _kek = kek;
        _time = time;
    }

    /// <summary>Returns the subject's data key, creating it on first use.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The unwrapped key; dispose it.</returns>
    public async ValueTask<SubjectDataKey> GetOrCreateKeyAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var stored = await _keys.FindAsync(subject, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            var key = RandomNumberGenerator.GetBytes(32);
            try
            {
                var wrapped = await _kek.WrapAsync(key, WrapContext(subject), cancellationToken).ConfigureAwait(false);
                var candidate = new WrappedSubjectKey(subject, wrapped.KekVersion, wrapped.WrappedKey, _time.GetUtcNow());
                stored = await _keys.GetOrAddAsync(candidate, cancellationToken).ConfigureAwait(false);
                if (ReferenceEquals(stored, candidate))
                {
                    return new SubjectDataKey(subject, key);
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }

        return await UnwrapAsync(stored, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the subject's existing data key.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The unwrapped key; dispose it.</returns>
    /// <exception cref="SubjectKeyShreddedException">The key was destroyed or never created.</exception>
    public async ValueTask<SubjectDataKey> GetKeyAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var stored = await _keys.FindAsync(subject, cancellationToken).ConfigureAwait(false) ?? throw new SubjectKeyShreddedException();
        return await UnwrapAsync(stored, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Encrypts one field of a subject (creating its key on first use).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="field">The field name (bound as associated data).</param>
    /// <param name="plaintext">The value.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ciphertext.</returns>
    public async ValueTask<byte[]> EncryptAsync(SubjectId subject, string field, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        using var key = await GetOrCreateKeyAsync(subject, cancellationToken).ConfigureAwait(false);
        return key.Encrypt(field, plaintext.Span);
    }

    /// <summary>Decrypts one field of a subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="field">The field name it was encrypted for.</param>
    /// <param name="ciphertext">The ciphertext.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SubjectKeyShreddedException">The subject was erased: its key no longer exists.</exception>
    /// <exception cref="CryptographicException">The ciphertext was altered or belongs to another field or subject.</exception>
    public async ValueTask<byte[]> DecryptAsync(SubjectId subject, string field, ReadOnlyMemory<byte> ciphertext, CancellationToken cancellationToken)
    {
        using var key = await GetKeyAsync(subject, cancellationToken).ConfigureAwait(false);
        return key.Decrypt(field, ciphertext.Span);
    }

    /// <summary>Destroys the subject's key; the subject-rights erasure does this itself.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a key was destroyed.</returns>
    public ValueTask<bool> ShredAsync(SubjectId subject, CancellationToken cancellationToken) => _keys.DeleteAsync(subject, cancellationToken);

    /// <summary>
    /// Key rotation: re-wraps every data key wrapped under an older key-encryption key version with the current one.
    /// Data keys (and so every field ciphertext) stay the same; old versions can be retired afterwards.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of keys re-wrapped.</returns>
    public async ValueTask<int> RewrapAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        var stale = new List<WrappedSubjectKey>();
        await foreach (var key in _keys.GetWrappedBelowAsync(_kek.CurrentVersion, cancellationToken).ConfigureAwait(false))
        {
            stale.Add(key);
        }

        foreach (var old in stale)
        {
            var context = WrapContext(old.Subject);
            var plain = await _kek.UnwrapAsync(old.KekVersion, old.WrappedKey, context, cancellationToken).ConfigureAwait(false);
            try
            {
                var wrapped = await _kek.WrapAsync(plain, context, cancellationToken).ConfigureAwait(false);
                if (await _keys.TryReplaceAsync(old, old with { KekVersion = wrapped.KekVersion, WrappedKey = wrapped.WrappedKey }, cancellationToken).ConfigureAwait(false))
                {
                    count++;
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plain);
            }
        }

        return count;
    }

    private async ValueTask<SubjectDataKey> UnwrapAsync(WrappedSubjectKey stored, CancellationToken cancellationToken)
    {
        var plain = await _kek.UnwrapAsync(stored.KekVersion, stored.WrappedKey, WrapContext(stored.Subject), cancellationToken).ConfigureAwait(false);
        try
        {
            return new SubjectDataKey(stored.Subject, plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] WrapContext(SubjectId subject) => Encoding.UTF8.GetBytes("privacy-enforcement.subject-key:" + subject.Value);
}
