using System.Runtime.CompilerServices;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Stores.Broken;

/// <summary>A consent store over the in-memory one; each broken store below changes one behaviour.</summary>
internal class ConsentStoreOver : IConsentStore
{
    protected InMemoryConsentStore Inner { get; } = new();

    public virtual ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => Inner.AppendAsync(fact, cancellationToken);

    public virtual ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => Inner.AppendManyAsync(facts, cancellationToken);

    public virtual IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.GetFactsAsync(subject, cancellationToken);

    public virtual IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) => Inner.GetConsentFactsAsync(consentId, cancellationToken);

    public virtual IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) => Inner.GetSubjectsAsync(cancellationToken);

    public virtual ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.DeleteSubjectAsync(subject, cancellationToken);

    protected static async IAsyncEnumerable<T> Yield<T>(IEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }
}

/// <summary>Acknowledges every append and keeps nothing.</summary>
internal sealed class DropsEveryFact : ConsentStoreOver
{
    public override ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public override ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Refuses, with a clear store error, every fact that carries a free text other than plain ASCII letters.</summary>
internal sealed class RejectsUnusualTexts : ConsentStoreOver
{
    public override ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken)
    {
        string?[] texts = [fact.Reason, fact.Terms?.Notice, fact.Terms?.EvidenceReference, fact.Terms?.CollectionMethod];
        return texts.Any(t => t is not null && (t.Length == 0 || t.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not ' ')))
            ? throw new PrivacyStoreException("This store keeps plain texts only.")
            : base.AppendAsync(fact, cancellationToken);
    }
}

/// <summary>Keeps a grant's terms but loses the notice shown to the subject.</summary>
internal sealed class LosesNotice : ConsentStoreOver
{
    public override ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => base.AppendAsync(Strip(fact), cancellationToken);

    public override ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => base.AppendManyAsync([.. facts.Select(Strip)], cancellationToken);

    private static ConsentFact Strip(ConsentFact fact) => fact?.Terms is null ? fact! : fact with { Terms = fact.Terms with { Notice = null } };
}

/// <summary>Returns a subject's and a consent's facts newest first.</summary>
internal sealed class ReturnsFactsNewestFirst : ConsentStoreOver
{
    public override IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) =>
        Yield(Reversed(Inner.GetFactsAsync(subject, cancellationToken)), cancellationToken);

    public override IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken) =>
        Yield(Reversed(Inner.GetConsentFactsAsync(consentId, cancellationToken)), cancellationToken);

    private static IEnumerable<ConsentFact> Reversed(IAsyncEnumerable<ConsentFact> facts) => facts.ToBlockingEnumerable(CancellationToken.None).Reverse();
}

/// <summary>Stores a fact again when its id is appended again (no idempotence on retry).</summary>
internal sealed class DuplicatesRetriedFacts : ConsentStoreOver
{
    public override ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) =>
        base.AppendAsync(fact with { FactId = Guid.NewGuid() }, cancellationToken);

    public override async ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        await base.AppendManyAsync([.. facts.Select(f => f is null ? f! : f with { FactId = Guid.NewGuid() })], cancellationToken);
    }
}

/// <summary>Writes a batch one fact at a time, so a bad fact leaves the ones before it stored.</summary>
internal sealed class AppendsBatchesHalfway : ConsentStoreOver
{
    public override async ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        foreach (var fact in facts)
        {
            await Inner.AppendAsync(fact, cancellationToken);
        }
    }
}

/// <summary>Ignores the cancellation token when writing.</summary>
internal sealed class IgnoresCancellation : ConsentStoreOver
{
    public override ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => base.AppendAsync(fact, CancellationToken.None);

    public override ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken) => base.AppendManyAsync(facts, CancellationToken.None);

    public override ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => base.DeleteSubjectAsync(subject, CancellationToken.None);
}

/// <summary>Deletes a subject's facts from the subject's list but not from the per-consent list, and counts wrongly.</summary>
internal sealed class DeletesHalfASubject : ConsentStoreOver
{
    private readonly HashSet<SubjectId> _deleted = [];

    public override async ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _deleted.Add(subject);
        return 1;
    }

    public override IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) =>
        _deleted.Contains(subject) ? Yield<ConsentFact>([], cancellationToken) : base.GetFactsAsync(subject, cancellationToken);
}

/// <summary>Lists a subject once per fact.</summary>
internal sealed class ListsSubjectsPerFact : ConsentStoreOver
{
    public override IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken) =>
        Yield(Inner.GetSubjectsAsync(cancellationToken).ToBlockingEnumerable(cancellationToken).SelectMany(s => Inner.GetFactsAsync(s, cancellationToken).ToBlockingEnumerable(cancellationToken).Select(_ => s)), cancellationToken);
}

/// <summary>Keys subjects case-insensitively after trimming, so distinct hostile ids collide.</summary>
internal sealed class FoldsSubjectIds : ConsentStoreOver
{
    public override ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) => base.AppendAsync(Fold(fact), cancellationToken);

    public override IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken) =>
        base.GetFactsAsync(Fold(subject), cancellationToken);

    private static ConsentFact Fold(ConsentFact fact) => fact with { Subject = Fold(fact.Subject) };

    private static SubjectId Fold(SubjectId subject) => new(subject.Value.Trim().ToUpperInvariant() is { Length: > 0 } folded ? folded : subject.Value);
}

/// <summary>Serves a subject's reads from a snapshot taken at the first read, so a later withdrawal is not seen.</summary>
internal sealed class ServesStaleReads : ConsentStoreOver
{
    private readonly Dictionary<SubjectId, ConsentFact[]> _snapshots = [];

    public override IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        ConsentFact[] snapshot;
        lock (_snapshots)
        {
            if (!_snapshots.TryGetValue(subject, out snapshot!) || snapshot.Length == 0)
            {
                snapshot = [.. Inner.GetFactsAsync(subject, cancellationToken).ToBlockingEnumerable(cancellationToken)];
                _snapshots[subject] = snapshot;
            }
        }

        return Yield(snapshot, cancellationToken);
    }
}

/// <summary>Loses the expiry of a grant's terms.</summary>
internal sealed class LosesExpiry : ConsentStoreOver
{
    public override ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken) =>
        base.AppendAsync(fact.Terms is null ? fact : fact with { Terms = fact.Terms with { ExpiresAt = null } }, cancellationToken);
}
