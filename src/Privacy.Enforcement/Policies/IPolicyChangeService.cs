using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Consents;

namespace Privacy.Enforcement.Policies;

/// <summary>
/// Publishes new policy versions and carries out what a change means for existing consents (<c>changes.replace</c>,
/// <c>changes.notice</c>): consents whose purpose, recipient or categories the new version changes are invalidated and
/// need renewal; the others stay valid.
/// </summary>
public interface IPolicyChangeService
{
    /// <summary>
    /// Publishes a new version through the registered policy catalog, then applies it (see <see cref="ApplyPublicationAsync"/>).
    /// Publishing the version in force again, unchanged, retries its publication: a publication that failed part-way
    /// (the audit trail was down) is finished, and each invalidation stored but not audited is audited once.
    /// </summary>
    /// <param name="document">The new version's document.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What changed and which consents need renewal.</returns>
    /// <exception cref="InvalidOperationException">No policy catalog that can publish is registered.</exception>
    ValueTask<PolicyPublicationReport> PublishAsync(PolicyDocument document, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a version the host already made current in its own <see cref="IPolicyProvider"/>: computes the
    /// difference, appends an <see cref="ConsentState.Invalidated"/> fact for each affected consent, invalidates the
    /// decision cache and records a <see cref="AuditEventKind.PolicyPublished"/> event. Called again with the same
    /// versions it finishes a publication that failed part-way: consents it already invalidated are reported again
    /// and their events written if the trail does not hold them.
    /// </summary>
    /// <param name="previous">The version in force before.</param>
    /// <param name="published">The new version.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What changed and which consents need renewal.</returns>
    ValueTask<PolicyPublicationReport> ApplyPublicationAsync(PublishedPolicy previous, PublishedPolicy published, CancellationToken cancellationToken);

    /// <summary>Computes what changed between two published versions, for a host to show its users (<c>changes.notice</c>).</summary>
    /// <param name="from">The older version.</param>
    /// <param name="to">The newer version.</param>
    /// <returns>The difference.</returns>
    /// <exception cref="ArgumentException">A version was never published.</exception>
    PolicyDiff Compare(Version from, Version to);
}

/// <summary>The outcome of publishing a policy version.</summary>
/// <param name="Previous">The version in force before.</param>
/// <param name="Published">The version now in force.</param>
/// <param name="Diff">What changed.</param>
/// <param name="Affected">The consents that now need renewal, with the causes.</param>
/// <param name="UnaffectedConsents">How many consents in force stayed valid.</param>
public sealed record PolicyPublicationReport(
    PolicyVersion Previous,
    PolicyVersion Published,
    PolicyDiff Diff,
    IReadOnlyList<AffectedConsent> Affected,
    int UnaffectedConsents)
{
    /// <summary>Gets the ids of the consents that need renewal.</summary>
    public IReadOnlyList<ConsentId> AffectedConsentIds => [.. Affected.Select(a => a.ConsentId)];
}

/// <summary>A consent a new policy version invalidated (<c>changes.notice</c>).</summary>
/// <param name="Subject">The subject, so the host can ask it to renew.</param>
/// <param name="ConsentId">The consent.</param>
/// <param name="GivenUnder">The version the consent was given under.</param>
/// <param name="Causes">What changed for it (policy terms only).</param>
public sealed record AffectedConsent(SubjectId Subject, ConsentId ConsentId, PolicyVersion GivenUnder, IReadOnlyList<string> Causes);
