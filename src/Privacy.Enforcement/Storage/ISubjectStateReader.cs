using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.Storage;

/// <summary>
/// Reads everything a decision needs about one subject (consent facts, policy acceptances, objections, the engagements
/// that cover the subject, sanctions) in one round trip to the store, where a store can. A consent store may implement
/// it; decisions then load a subject that is not cached with one read instead of one per kind of record, as long as
/// <see cref="Reads"/> says the reader sees exactly the records of the stores registered for the other kinds.
/// </summary>
public interface ISubjectStateReader
{
    /// <summary>Whether this reader reads the same records these stores hold (the same database), so its answer may stand for theirs.</summary>
    /// <param name="acceptances">The registered acceptance store.</param>
    /// <param name="engagements">The registered engagement store.</param>
    /// <param name="violations">The registered violation store.</param>
    /// <returns><see langword="true"/> when the stores are this reader's own.</returns>
    bool Reads(IAcceptanceStore acceptances, IEngagementStore engagements, IViolationStore violations);

    /// <summary>Reads one subject's records, each kind in the order its own store lists it, in one round trip.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The subject's records.</returns>
    ValueTask<SubjectRecords> ReadSubjectAsync(SubjectId subject, CancellationToken cancellationToken);
}

/// <summary>One subject's records, as <see cref="ISubjectStateReader"/> reads them.</summary>
/// <param name="Facts">The consent facts, oldest first (<see cref="IConsentStore.GetFactsAsync"/>).</param>
/// <param name="Acceptances">The policy acceptances, oldest first (<see cref="IAcceptanceStore.GetAcceptancesAsync"/>).</param>
/// <param name="Objections">The objection facts, oldest first (<see cref="IAcceptanceStore.GetObjectionsAsync"/>).</param>
/// <param name="Engagements">The engagements covering the subject (<see cref="IEngagementStore.GetBySubjectAsync"/>).</param>
/// <param name="Sanctions">The sanctions imposed on the subject (<see cref="IViolationStore.GetSanctionsAsync"/>).</param>
public sealed record SubjectRecords(
    IReadOnlyList<ConsentFact> Facts,
    IReadOnlyList<PolicyAcceptance> Acceptances,
    IReadOnlyList<ObjectionFact> Objections,
    IReadOnlyList<ServiceEngagement> Engagements,
    IReadOnlyList<Sanction> Sanctions);
