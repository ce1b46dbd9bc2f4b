using System.Runtime.CompilerServices;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.InMemory;

/// <summary>An in-process consent store for tests and single-instance hosts that need no durability.</summary>
internal sealed class InMemoryConsentStore : IConsentStore
{
    private readonly object _gate = new();
    private readonly Dictionary<SubjectId, List<ConsentFact>> _bySubject = [];
    private readonly Dictionary<ConsentId, List<ConsentFact>> _byConsent = [];
    private readonly HashSet<Guid> _factIds = [];

    /// <inheritdoc />
    public ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return AppendManyAsync([fact], cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        foreach (var fact in facts)
        {
            // Checked before anything is added: a bad fact leaves the whole batch unwritten.
            ArgumentNullException.ThrowIfNull(fact);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var fact in facts)
            {
                if (!_factIds.Add(fact.FactId))
                {
                    continue;
                }

                Add(_bySubject, fact.Subject, fact);
                Add(_byConsent, fact.ConsentId, fact);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) =>
        Snapshot(_bySubject, subject, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) =>
        Snapshot(_byConsent, consentId, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken)
    {
        SubjectId[] subjects;
        lock (_gate)
        {
            subjects = [.. _bySubject.Keys];
        }

        return InMemoryEnumerable.From(subjects, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_bySubject.Remove(subject, out var facts))
            {
                return ValueTask.FromResult(0);
            }

            foreach (var fact in facts)
            {
                _byConsent.Remove(fact.ConsentId);
                _factIds.Remove(fact.FactId);
            }

            return ValueTask.FromResult(facts.Count);
        }
    }

    private static void Add<TKey>(Dictionary<TKey, List<ConsentFact>> index, TKey key, ConsentFact fact)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(fact);
    }

    private IAsyncEnumerable<ConsentFact> Snapshot<TKey>(Dictionary<TKey, List<ConsentFact>> index, TKey key, CancellationToken cancellationToken)
        where TKey : notnull
    {
        ConsentFact[] copy;
        lock (_gate)
        {
            copy = index.TryGetValue(key, out var list) ? [.. list] : [];
        }

        return InMemoryEnumerable.From(copy, cancellationToken);
    }
}

internal static class InMemoryEnumerable
{
    public static async IAsyncEnumerable<T> From<T>(IReadOnlyList<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Honoured even for an empty list: a cancelled caller never gets an answer.
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
