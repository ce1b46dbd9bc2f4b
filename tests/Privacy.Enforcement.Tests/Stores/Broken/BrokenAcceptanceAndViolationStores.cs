using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Stores.Broken;

/// <summary>An acceptance store over the in-memory one; each broken store below changes one behaviour.</summary>
internal class AcceptanceStoreOver : IAcceptanceStore
{
    protected InMemoryAcceptanceStore Inner { get; } = new();

    public virtual ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken) => Inner.AppendAcceptanceAsync(acceptance, cancellationToken);

    public virtual IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.GetAcceptancesAsync(subject, cancellationToken);

    public virtual ValueTask AppendObjectionAsync(ObjectionFact objection, CancellationToken cancellationToken) => Inner.AppendObjectionAsync(objection, cancellationToken);

    public virtual IAsyncEnumerable<ObjectionFact> GetObjectionsAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.GetObjectionsAsync(subject, cancellationToken);

    public virtual ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.DeleteSubjectAsync(subject, cancellationToken);
}

/// <summary>Acknowledges every acceptance and keeps none.</summary>
internal sealed class DropsAcceptances : AcceptanceStoreOver
{
    public override ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Returns objections newest first.</summary>
internal sealed class ReturnsObjectionsNewestFirst : AcceptanceStoreOver
{
    public override IAsyncEnumerable<ObjectionFact> GetObjectionsAsync(SubjectId subject, CancellationToken cancellationToken) =>
        Inner.GetObjectionsAsync(subject, cancellationToken).ToBlockingEnumerable(cancellationToken).Reverse().ToAsyncEnumerable();
}

/// <summary>Returns acceptances newest first.</summary>
internal sealed class ReturnsAcceptancesNewestFirst : AcceptanceStoreOver
{
    public override IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, CancellationToken cancellationToken) =>
        Inner.GetAcceptancesAsync(subject, cancellationToken).ToBlockingEnumerable(cancellationToken).Reverse().ToAsyncEnumerable();
}

/// <summary>Deletes a subject's acceptances but keeps the objections.</summary>
internal sealed class KeepsObjectionsOnDelete : AcceptanceStoreOver
{
    private readonly Dictionary<SubjectId, ObjectionFact[]> _kept = [];

    public override async ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        _kept[subject] = [.. Inner.GetObjectionsAsync(subject, cancellationToken).ToBlockingEnumerable(cancellationToken)];
        var deleted = await Inner.DeleteSubjectAsync(subject, cancellationToken);
        foreach (var objection in _kept[subject])
        {
            await Inner.AppendObjectionAsync(objection, cancellationToken);
        }

        return deleted - _kept[subject].Length;
    }
}

/// <summary>Keys subjects case-insensitively after trimming, as a careless collation would.</summary>
internal sealed class FoldsAcceptanceSubjects : AcceptanceStoreOver
{
    public override ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken) =>
        base.AppendAcceptanceAsync(acceptance with { Subject = Fold(acceptance.Subject) }, cancellationToken);

    public override IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, CancellationToken cancellationToken) =>
        base.GetAcceptancesAsync(Fold(subject), cancellationToken);

    private static SubjectId Fold(SubjectId subject) => new(subject.Value.Trim().ToUpperInvariant() is { Length: > 0 } folded ? folded : subject.Value);
}

/// <summary>Stores every acceptance as explicit, whatever its kind.</summary>
internal sealed class LosesAcceptanceKind : AcceptanceStoreOver
{
    public override ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken) =>
        base.AppendAcceptanceAsync(acceptance with { Kind = AcceptanceKind.Explicit }, cancellationToken);
}

/// <summary>Ignores the cancellation token when writing.</summary>
internal sealed class AcceptanceStoreIgnoringCancellation : AcceptanceStoreOver
{
    public override ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken) => base.AppendAcceptanceAsync(acceptance, CancellationToken.None);

    public override ValueTask AppendObjectionAsync(ObjectionFact objection, CancellationToken cancellationToken) => base.AppendObjectionAsync(objection, CancellationToken.None);
}

/// <summary>A violation store over the in-memory one; each broken store below changes one behaviour.</summary>
internal class ViolationStoreOver : IViolationStore
{
    protected InMemoryViolationStore Inner { get; } = new();

    public virtual ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken) => Inner.CreateAsync(violation, cancellationToken);

    public virtual ValueTask<Violation?> FindAsync(ViolationId id, CancellationToken cancellationToken) => Inner.FindAsync(id, cancellationToken);

    public virtual ValueTask<bool> TryUpdateAsync(Violation expected, Violation updated, CancellationToken cancellationToken) => Inner.TryUpdateAsync(expected, updated, cancellationToken);

    public virtual IAsyncEnumerable<Violation> GetByViolatorAsync(SubjectId violator, CancellationToken cancellationToken) => Inner.GetByViolatorAsync(violator, cancellationToken);

    public virtual ValueTask AddSanctionAsync(Sanction sanction, CancellationToken cancellationToken) => Inner.AddSanctionAsync(sanction, cancellationToken);

    public virtual IAsyncEnumerable<Sanction> GetSanctionsAsync(SubjectId subject, CancellationToken cancellationToken) => Inner.GetSanctionsAsync(subject, cancellationToken);
}

/// <summary>Acknowledges every report and keeps none.</summary>
internal sealed class DropsViolations : ViolationStoreOver
{
    public override ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Overwrites a violation created again under its id instead of refusing it.</summary>
internal sealed class OverwritesViolations : ViolationStoreOver
{
    public override async ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken)
    {
        var existing = await Inner.FindAsync(violation.Id, cancellationToken);
        if (existing is null)
        {
            await Inner.CreateAsync(violation, cancellationToken);
        }
        else
        {
            await Inner.TryUpdateAsync(existing, violation, cancellationToken);
        }
    }
}

/// <summary>Updates whatever is stored, ignoring the copy the caller read (last writer wins).</summary>
internal sealed class UpdatesWithoutConcurrencyCheck : ViolationStoreOver
{
    public override async ValueTask<bool> TryUpdateAsync(Violation expected, Violation updated, CancellationToken cancellationToken)
    {
        var current = await Inner.FindAsync(expected.Id, cancellationToken);
        return current is not null && await Inner.TryUpdateAsync(current, updated, cancellationToken);
    }
}

/// <summary>Lists every sanction for whoever asks.</summary>
internal sealed class ListsEverySanction : ViolationStoreOver
{
    private readonly List<Sanction> _all = [];

    public override async ValueTask AddSanctionAsync(Sanction sanction, CancellationToken cancellationToken)
    {
        await base.AddSanctionAsync(sanction, cancellationToken);
        _all.Add(sanction);
    }

    public override IAsyncEnumerable<Sanction> GetSanctionsAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _all.ToAsyncEnumerable();
    }
}

/// <summary>Cuts evidence references to 1,000 characters.</summary>
internal sealed class TruncatesEvidence : ViolationStoreOver
{
    public override ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken) =>
        base.CreateAsync(violation.EvidenceReference is { Length: > 1000 } e ? violation with { EvidenceReference = e[..1000] } : violation, cancellationToken);
}

/// <summary>Ignores the cancellation token when writing.</summary>
internal sealed class ViolationStoreIgnoringCancellation : ViolationStoreOver
{
    public override ValueTask CreateAsync(Violation violation, CancellationToken cancellationToken) => base.CreateAsync(violation, CancellationToken.None);

    public override IAsyncEnumerable<Sanction> GetSanctionsAsync(SubjectId subject, CancellationToken cancellationToken) => base.GetSanctionsAsync(subject, CancellationToken.None);
}
