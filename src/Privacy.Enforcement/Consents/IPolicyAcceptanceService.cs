namespace Privacy.Enforcement.Consents;

/// <summary>
/// Records and answers the subject's acceptance of policy versions (<c>intro.acceptance</c>, <c>changes.notice</c>):
/// explicit, or deemed by continued use after publication. Acceptance is not consent.
/// </summary>
public interface IPolicyAcceptanceService
{
    /// <summary>Records that the subject explicitly accepted a published version. Accepting a version twice records it once.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="policyVersion">The version accepted; it must have been published.</param>
    /// <param name="policyContentHash">The content hash of the version shown.</param>
    /// <param name="countedEvent">The host's reference to the explicit action (never personal data).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The acceptance on record.</returns>
    /// <exception cref="ArgumentException">An argument is invalid; nothing is stored.</exception>
    ValueTask<PolicyAcceptance> AcceptAsync(SubjectId subject, Version policyVersion, string policyContentHash, string countedEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Records a use of the services. It counts as deemed acceptance of the version in force when the use happened;
    /// a use before any version was published counts for nothing.
    /// </summary>
    /// <param name="subject">The subject.</param>
    /// <param name="useEvent">The host's reference to the use event (never personal data).</param>
    /// <param name="occurredAt">When the use happened; not in the future.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The acceptance on record for that version, or <see langword="null"/> when the use does not count.</returns>
    /// <exception cref="ArgumentException">An argument is invalid; nothing is stored.</exception>
    ValueTask<PolicyAcceptance?> RecordUseAsync(SubjectId subject, string useEvent, DateTimeOffset occurredAt, CancellationToken cancellationToken);

    /// <summary>Answers "has this subject seen and accepted the current version" (<c>changes.notice</c>).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The status.</returns>
    ValueTask<PolicyAcceptanceStatus> GetStatusAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Lists the subject's acceptances, oldest first.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The acceptances.</returns>
    IAsyncEnumerable<PolicyAcceptance> GetHistoryAsync(SubjectId subject, CancellationToken cancellationToken);
}

/// <summary>Whether a subject accepted the version in force.</summary>
/// <param name="Current">The version in force.</param>
/// <param name="CurrentAcceptance">The subject's acceptance of it, or <see langword="null"/>.</param>
/// <param name="LatestAcceptance">The subject's newest acceptance of any version, or <see langword="null"/>.</param>
public sealed record PolicyAcceptanceStatus(PolicyVersion Current, PolicyAcceptance? CurrentAcceptance, PolicyAcceptance? LatestAcceptance)
{
    /// <summary>Gets a value indicating whether the subject has seen and accepted the version in force.</summary>
    public bool HasAcceptedCurrent => CurrentAcceptance is not null;
}

/// <summary>Records objections (opt-outs) to purposes the policy marks objectable (<c>use.own-marketing</c>).</summary>
public interface IObjectionService
{
    /// <summary>Records that the subject objects to a purpose; the use is denied from then on. Objecting twice records it once.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="purpose">The purpose; the policy in force must mark it objectable.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The objection on record.</returns>
    /// <exception cref="ArgumentException">The purpose is unknown or not objectable; nothing is stored.</exception>
    ValueTask<ObjectionFact> ObjectAsync(SubjectId subject, PurposeId purpose, CancellationToken cancellationToken);

    /// <summary>Lifts the subject's objection to a purpose.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="purpose">The purpose.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The fact recorded.</returns>
    /// <exception cref="ArgumentException">The subject has no objection to the purpose; nothing is stored.</exception>
    ValueTask<ObjectionFact> LiftAsync(SubjectId subject, PurposeId purpose, CancellationToken cancellationToken);

    /// <summary>Answers whether the subject objected to a purpose as of an instant.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="purpose">The purpose.</param>
    /// <param name="asOf">The instant; now when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when an objection was raised and not lifted by then.</returns>
    ValueTask<bool> IsObjectingAsync(SubjectId subject, PurposeId purpose, DateTimeOffset? asOf, CancellationToken cancellationToken);
}
