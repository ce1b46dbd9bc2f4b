namespace Privacy.Enforcement.Storage;

/// <summary>A subject's data key, wrapped by a key-encryption key; the plaintext key is never stored.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="KekVersion">The version of the key-encryption key that wrapped it.</param>
/// <param name="WrappedKey">The wrapped key.</param>
/// <param name="CreatedAt">When the data key was created (UTC).</param>
public sealed record WrappedSubjectKey(SubjectId Subject, int KekVersion, ReadOnlyMemory<byte> WrappedKey, DateTimeOffset CreatedAt);

/// <summary>
/// Stores subjects' wrapped data keys for crypto-shredding: deleting a subject's key makes every field encrypted under
/// it unreadable (<c>store.subject-delete</c>).
/// </summary>
public interface ISubjectKeyStore
{
    /// <summary>Finds a subject's key.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The wrapped key, or <see langword="null"/> (never created, or shredded).</returns>
    ValueTask<WrappedSubjectKey?> FindAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="candidate"/> unless the subject already has a key; atomically.</summary>
    /// <param name="candidate">The new wrapped key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored key: the candidate or the existing one.</returns>
    ValueTask<WrappedSubjectKey> GetOrAddAsync(WrappedSubjectKey candidate, CancellationToken cancellationToken);

    /// <summary>Replaces a key re-wrapped under another key-encryption key version, if the stored one is still <paramref name="expected"/> (same KEK version).</summary>
    /// <param name="expected">The key as read.</param>
    /// <param name="updated">The re-wrapped key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when replaced.</returns>
    ValueTask<bool> TryReplaceAsync(WrappedSubjectKey expected, WrappedSubjectKey updated, CancellationToken cancellationToken);

    /// <summary>Lists the keys wrapped under a key-encryption key version lower than <paramref name="kekVersion"/> (for rotation).</summary>
    /// <param name="kekVersion">The current version.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The keys.</returns>
    IAsyncEnumerable<WrappedSubjectKey> GetWrappedBelowAsync(int kekVersion, CancellationToken cancellationToken);

    /// <summary>Destroys a subject's key (crypto-shredding).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when a key was destroyed.</returns>
    ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken);
}
