using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.InMemory;

/// <summary>An in-process store of policy acceptances and objections.</summary>
internal sealed class InMemoryAcceptanceStore : IAcceptanceStore
{
    private readonly object _gate = new();
    private readonly Dictionary<SubjectId, List<PolicyAcceptance>> _acceptances = [];
    private readonly Dictionary<SubjectId, List<ObjectionFact>> _objections = [];

    /// <inheritdoc />
    public ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acceptance);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Append(_acceptances, acceptance.Subject, acceptance);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, CancellationToken cancellationToken) =>
        InMemoryEnumerable.From(Copy(_acceptances, subject), cancellationToken);

    /// <inheritdoc />
    public ValueTask AppendObjectionAsync(ObjectionFact objection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objection);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Append(_objections, objection.Subject, objection);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ObjectionFact> GetObjectionsAsync(SubjectId subject, CancellationToken cancellationToken) =>
        InMemoryEnumerable.From(Copy(_objections, subject), cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var count = 0;
            if (_acceptances.Remove(subject, out var a))
            {
                count += a.Count;
            }

            if (_objections.Remove(subject, out var o))
            {
                count += o.Count;
            }

            return ValueTask.FromResult(count);
        }
    }

    private static void Append<T>(Dictionary<SubjectId, List<T>> index, SubjectId key, T item)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(item);
    }

    private T[] Copy<T>(Dictionary<SubjectId, List<T>> index, SubjectId key)
    {
        lock (_gate)
        {
            return index.TryGetValue(key, out var list) ? [.. list] : [];
        }
    }
}
