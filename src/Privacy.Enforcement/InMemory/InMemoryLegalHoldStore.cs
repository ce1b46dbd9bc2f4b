using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.InMemory;

/// <summary>An in-process store of legal holds.</summary>
internal sealed class InMemoryLegalHoldStore : ILegalHoldStore
{
    private readonly object _gate = new();
    private readonly List<LegalHold> _holds = [];

    /// <inheritdoc />
    public ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hold);
        ArgumentNullException.ThrowIfNull(hold.Reference, "hold.Reference");
        ArgumentNullException.ThrowIfNull(hold.Reason, "hold.Reason");
        ArgumentNullException.ThrowIfNull(hold.Categories, "hold.Categories");
        if (hold.Subject.IsEmpty)
        {
            throw new ArgumentException("LegalHold.Subject is required but was the default SubjectId.", nameof(hold));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_holds.Exists(h => h.Id == hold.Id))
            {
                _holds.Add(hold);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(Guid id, DateTimeOffset releasedAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var index = _holds.FindIndex(h => h.Id == id && h.ReleasedAt is null);
            if (index < 0)
            {
                return ValueTask.FromResult(false);
            }

            _holds[index] = _holds[index] with { ReleasedAt = releasedAt };
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<LegalHold> GetActiveAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        LegalHold[] copy;
        lock (_gate)
        {
            copy = [.. _holds.Where(h => h.Subject == subject && h.ReleasedAt is null).OrderBy(h => h.PlacedAt)];
        }

        return InMemoryEnumerable.From(copy, cancellationToken);
    }
}
