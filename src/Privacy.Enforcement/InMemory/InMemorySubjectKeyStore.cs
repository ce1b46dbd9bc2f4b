using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.InMemory;

/// <summary>An in-process store of wrapped subject data keys.</summary>
internal sealed class InMemorySubjectKeyStore : ISubjectKeyStore
{
    private readonly object _gate = new();
    private readonly Dictionary<SubjectId, WrappedSubjectKey> _keys = [];

    /// <inheritdoc />
    public ValueTask<WrappedSubjectKey?> FindAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_keys.GetValueOrDefault(subject));
        }
    }

    /// <inheritdoc />
    public ValueTask<WrappedSubjectKey> GetOrAddAsync(WrappedSubjectKey candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Subject.IsEmpty)
        {
            throw new ArgumentException("WrappedSubjectKey.Subject is required but was the default SubjectId.", nameof(candidate));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_keys.TryGetValue(candidate.Subject, out var existing))
            {
                return ValueTask.FromResult(existing);
            }

            _keys[candidate.Subject] = candidate;
            return ValueTask.FromResult(candidate);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryReplaceAsync(WrappedSubjectKey expected, WrappedSubjectKey updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (expected.Subject != updated.Subject)
        {
            throw new ArgumentException("The re-wrapped key must belong to the same subject.", nameof(updated));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_keys.TryGetValue(expected.Subject, out var current) || current.KekVersion != expected.KekVersion
                || !current.WrappedKey.Span.SequenceEqual(expected.WrappedKey.Span))
            {
                return ValueTask.FromResult(false);
            }

            _keys[expected.Subject] = updated;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<WrappedSubjectKey> GetWrappedBelowAsync(int kekVersion, CancellationToken cancellationToken)
    {
        WrappedSubjectKey[] copy;
        lock (_gate)
        {
            copy = [.. _keys.Values.Where(k => k.KekVersion < kekVersion)];
        }

        return InMemoryEnumerable.From(copy, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_keys.Remove(subject));
        }
    }
}
