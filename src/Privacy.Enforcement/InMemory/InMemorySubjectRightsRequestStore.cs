using System.Security.Cryptography;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.InMemory;

/// <summary>An in-process store of subject-rights requests; it seals an erased subject's requests under a key of its own, kept for its lifetime.</summary>
internal sealed class InMemorySubjectRightsRequestStore : ISubjectRightsRequestStore
{
    private readonly byte[] _hashKey = RandomNumberGenerator.GetBytes(ErasedSubjectHash.MinKeySize);
    private readonly object _gate = new();
    private readonly Dictionary<SubjectRightsRequestId, SubjectRightsRequest> _items = [];

    /// <inheritdoc />
    public ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Scope, "request.Scope");
        if (request.Subject.IsEmpty)
        {
            throw new ArgumentException("SubjectRightsRequest.Subject is required but was the default SubjectId.", nameof(request));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var existing in _items.Values)
            {
                if (existing.IsOpen && existing.Subject == request.Subject && existing.Kind == request.Kind
                    && string.Equals(existing.Scope, request.Scope, StringComparison.Ordinal))
                {
                    return ValueTask.FromResult(existing);
                }
            }

            if (!_items.TryAdd(request.Id, request))
            {
                throw new PrivacyStoreException($"A subject-rights request with id {request.Id} already exists.");
            }

            return ValueTask.FromResult(request);
        }
    }

    /// <inheritdoc />
    public ValueTask<SubjectRightsRequest?> FindAsync(SubjectRightsRequestId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_items.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryUpdateAsync(SubjectRightsRequest expected, SubjectRightsRequest updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (expected.Id != updated.Id || updated.Version != expected.Version + 1)
        {
            throw new ArgumentException("The updated request must keep the id and carry the next version.", nameof(updated));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_items.TryGetValue(expected.Id, out var current) || current.Version != expected.Version)
            {
                return ValueTask.FromResult(false);
            }

            if (!ErasedSubjectHash.SealsSubject(updated))
            {
                _items[expected.Id] = updated;
                return ValueTask.FromResult(true);
            }

            // store.subject-delete: the completed erasure and every closed request of its subject keep only the keyed hash.
            _items[expected.Id] = ErasedSubjectHash.Seal(updated, _hashKey);
            foreach (var other in _items.Values.Where(r => !r.IsOpen && r.Subject == updated.Subject).ToArray())
            {
                _items[other.Id] = ErasedSubjectHash.Seal(other, _hashKey);
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SubjectRightsRequest> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        SubjectRightsRequest[] copy;
        lock (_gate)
        {
            var hash = subject.IsEmpty ? null : ErasedSubjectHash.Compute(_hashKey, subject);
            copy = [.. _items.Values.Where(r => r.Subject == subject || (hash is not null && string.Equals(r.SubjectHash, hash, StringComparison.Ordinal))).OrderBy(r => r.ReceivedAt).ThenBy(r => r.Id.Value)];
        }

        return InMemoryEnumerable.From(copy, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SubjectRightsRequest> GetOpenAsync(CancellationToken cancellationToken)
    {
        SubjectRightsRequest[] copy;
        lock (_gate)
        {
            copy = [.. _items.Values.Where(r => r.IsOpen).OrderBy(r => r.Deadline).ThenBy(r => r.Id.Value)];
        }

        return InMemoryEnumerable.From(copy, cancellationToken);
    }
}
