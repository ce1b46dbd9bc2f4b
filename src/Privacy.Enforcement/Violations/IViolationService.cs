namespace Privacy.Enforcement.Violations;

/// <summary>
/// Records violations and the measures taken against violators (<c>use.no-free-harvesting</c>,
/// <c>use.violator-termination</c>). The records are outside the policy (<c>collect.exempt.violations</c>): they are
/// kept when a subject asks for erasure, and <see cref="GetRetainedRecordsAsync"/> says which and why.
/// </summary>
public interface IViolationService
{
    /// <summary>Reports a violation; it starts as <see cref="ViolationStatus.Reported"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored violation.</returns>
    /// <exception cref="ArgumentException">The report is invalid; the message and <see cref="ArgumentException.ParamName"/> name the field. Nothing is stored.</exception>
    ValueTask<Violation> ReportAsync(ViolationReport report, CancellationToken cancellationToken);

    /// <summary>
    /// Reports a request the enforcer denied under <c>use.no-free-harvesting</c> (a user or a third party collecting,
    /// editing, selling or disseminating another subject's information): the actor is the violator (a
    /// <see cref="ViolatorKind.ThirdParty"/> for <see cref="Actor.ThirdParty"/>), the request's subject the affected one.
    /// </summary>
    /// <param name="request">The denied request; its actor must be a user, a subject or a third party.</param>
    /// <param name="evidenceReference">The host's reference to the evidence (for example the decision's correlation id).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored violation.</returns>
    /// <exception cref="ArgumentException">The request's actor is not a user or third party, or acts on its own information. Nothing is stored.</exception>
    ValueTask<Violation> ReportHarvestingAsync(PrivacyRequest request, string evidenceReference, CancellationToken cancellationToken);

    /// <summary>Confirms a reported violation.</summary>
    /// <param name="id">The violation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The confirmed violation.</returns>
    /// <exception cref="ArgumentException">The violation is unknown.</exception>
    /// <exception cref="InvalidOperationException">The violation is not in <see cref="ViolationStatus.Reported"/>.</exception>
    ValueTask<Violation> ConfirmAsync(ViolationId id, CancellationToken cancellationToken);

    /// <summary>Dismisses a reported violation.</summary>
    /// <param name="id">The violation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The dismissed violation.</returns>
    /// <exception cref="ArgumentException">The violation is unknown.</exception>
    /// <exception cref="InvalidOperationException">The violation is not in <see cref="ViolationStatus.Reported"/>.</exception>
    ValueTask<Violation> DismissAsync(ViolationId id, CancellationToken cancellationToken);

    /// <summary>
    /// Terminates the violator's service agreement (<c>use.violator-termination</c>); allowed only for a confirmed
    /// harvesting or trading violation. From then on the enforcer denies every request acting for that user. For a
    /// <see cref="ViolatorKind.ThirdParty"/> the agreement is its engagements: the sanction is
    /// <see cref="SanctionKind.EngagementsTerminated"/>, every engagement of it that has not ended is terminated (each
    /// emits its return-or-delete obligation, <c>use.third-party.service-end</c>), it cannot be engaged again, and every
    /// request acting for it is denied. Calling it again for the same violation returns the sanction already imposed
    /// (and finishes terminating engagements a failure left).
    /// </summary>
    /// <param name="id">The confirmed violation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The sanction.</returns>
    /// <exception cref="ArgumentException">The violation is unknown.</exception>
    /// <exception cref="InvalidOperationException">The violation is not confirmed, or not harvesting or trading.</exception>
    ValueTask<Sanction> TerminateServiceAgreementAsync(ViolationId id, CancellationToken cancellationToken);

    /// <summary>Finds a violation.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The violation, or <see langword="null"/>.</returns>
    ValueTask<Violation?> FindAsync(ViolationId id, CancellationToken cancellationToken);

    /// <summary>Returns whether the user's service agreement was terminated.</summary>
    /// <param name="user">The user.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when terminated.</returns>
    ValueTask<bool> IsServiceAgreementTerminatedAsync(SubjectId user, CancellationToken cancellationToken);

    /// <summary>Lists the records kept about a subject outside the policy, and why (<c>collect.exempt.violations</c>).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The violations the subject committed and the sanctions imposed on it.</returns>
    IAsyncEnumerable<RetainedRecord> GetRetainedRecordsAsync(SubjectId subject, CancellationToken cancellationToken);
}
