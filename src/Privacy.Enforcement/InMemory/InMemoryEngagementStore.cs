using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.InMemory;

/// <summary>An in-process engagement store.</summary>
internal sealed class InMemoryEngagementStore : IEngagementStore
{
    private readonly object _gate = new();
    private readonly Dictionary<EngagementId, ServiceEngagement> _items = [];

    /// <inheritdoc />
    public ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_items.TryAdd(engagement.Id, engagement))
            {
                throw new PrivacyStoreException($"An engagement with id {engagement.Id} already exists.");
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<ServiceEngagement?> FindAsync(EngagementId id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_items.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryUpdateAsync(ServiceEngagement expected, ServiceEngagement updated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(updated);
        if (expected.Id != updated.Id)
        {
            throw new ArgumentException("The updated engagement must keep the id of the expected one.", nameof(updated));
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_items.TryGetValue(expected.Id, out var current) || !current.Equals(expected))
            {
                return ValueTask.FromResult(false);
            }

            _items[expected.Id] = updated;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEngagement> GetByProviderAsync(RecipientId provider, CancellationToken cancellationToken) =>
        Where(e => e.Provider == provider, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEngagement> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
        Where(e => e.Covers(subject), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, CancellationToken cancellationToken) =>
        Where(e => e.EffectiveEnd is { } end && end <= until && e.DeletionConfirmedAt is null, cancellationToken);

    private IAsyncEnumerable<ServiceEngagement> Where(Func<ServiceEngagement, bool> predicate, CancellationToken cancellationToken)
    {
        ServiceEngagement[] copy;
        lock (_gate)
        {
            copy = [.. _items.Values.Where(predicate).OrderBy(e => e.StartsAt).ThenBy(e => e.Id.Value)];
        }

        return InMemoryEnumerable.From(copy, cancellationToken);
    }
}
