namespace Privacy.Enforcement.Engagements;

/// <summary>
/// Engages providers for services and ends their engagements (<c>use.third-party.service-provider</c>,
/// <c>use.third-party.service-end</c>). Every change is validated against the policy in force, stored, audited and
/// invalidates the enforcer's cached state of the subjects it covers before the call returns.
/// </summary>
public interface IEngagementService
{
    /// <summary>Engages a provider for a service.</summary>
    /// <param name="request">What to engage.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored engagement.</returns>
    /// <exception cref="ArgumentException">The request is invalid; the message and <see cref="ArgumentException.ParamName"/> name the field. Nothing is stored.</exception>
    ValueTask<ServiceEngagement> EngageAsync(EngagementRequest request, CancellationToken cancellationToken);

    /// <summary>Terminates an engagement early; its return-or-delete obligation is emitted at once.</summary>
    /// <param name="id">The engagement.</param>
    /// <param name="reason">Why (never personal data).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The terminated engagement.</returns>
    /// <exception cref="ArgumentException">The engagement is unknown or the reason is empty. Nothing is stored.</exception>
    /// <exception cref="InvalidOperationException">The engagement has already ended. Nothing is stored.</exception>
    ValueTask<ServiceEngagement> TerminateAsync(EngagementId id, string reason, CancellationToken cancellationToken);

    /// <summary>Records the provider's confirmation that it returned or deleted what it held.</summary>
    /// <param name="id">The engagement.</param>
    /// <param name="reference">The host's reference to the confirmation (document, ticket).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The engagement with the confirmation.</returns>
    /// <exception cref="ArgumentException">The engagement is unknown or the reference is empty. Nothing is stored.</exception>
    /// <exception cref="InvalidOperationException">The engagement is still active or already confirmed. Nothing is stored.</exception>
    ValueTask<ServiceEngagement> ConfirmReturnOrDeletionAsync(EngagementId id, string reference, CancellationToken cancellationToken);

    /// <summary>
    /// Emits the return-or-delete obligation of every engagement that has ended and has none yet, and delivers again to
    /// the <see cref="IEngagementEndHandler"/>s every obligation they have not taken whose back-off has run out. The end
    /// monitor calls it; a host without hosted services may call it on its own schedule.
    /// </summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of obligations emitted by this call.</returns>
    ValueTask<int> EmitEndedObligationsAsync(CancellationToken cancellationToken);

    /// <summary>Finds an engagement.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The engagement, or <see langword="null"/>.</returns>
    ValueTask<ServiceEngagement?> FindAsync(EngagementId id, CancellationToken cancellationToken);

    /// <summary>Lists a provider's engagements active now.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The active engagements.</returns>
    IAsyncEnumerable<ServiceEngagement> GetActiveByProviderAsync(RecipientId provider, CancellationToken cancellationToken);

    /// <summary>Lists the engagements active now that cover a subject (including those covering all subjects).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The active engagements.</returns>
    IAsyncEnumerable<ServiceEngagement> GetActiveBySubjectAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Lists the emitted return-or-delete obligations the provider has not confirmed yet.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The pending obligations.</returns>
    IAsyncEnumerable<EngagementEndObligation> GetPendingObligationsAsync(CancellationToken cancellationToken);

    /// <summary>Lists the pending obligations whose deadline has passed.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The overdue obligations.</returns>
    IAsyncEnumerable<EngagementEndObligation> GetOverdueObligationsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Lists what the provider received during an engagement: the permitted decisions naming it as recipient within the
    /// engagement's period, read from the audit trail.
    /// </summary>
    /// <param name="id">The engagement.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The transfers, in trail order.</returns>
    /// <exception cref="ArgumentException">The engagement is unknown.</exception>
    /// <exception cref="InvalidOperationException">No audit trail reader is registered.</exception>
    IAsyncEnumerable<ProviderReceipt> GetReceivedDuringAsync(EngagementId id, CancellationToken cancellationToken);
}
