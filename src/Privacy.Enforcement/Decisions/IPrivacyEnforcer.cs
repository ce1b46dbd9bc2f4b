namespace Privacy.Enforcement;

/// <summary>
/// The one call a host makes before it collects, uses or discloses personal information. Deny by default and fail
/// closed: a store fault, timeout, cancellation, malformed request or audit failure is a Deny with reason
/// <see cref="DecisionReason.Indeterminate"/>, never an exception (null arguments excepted).
/// </summary>
public interface IPrivacyEnforcer
{
    /// <summary>Decides a request under the newest published policy version.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the decision; a cancelled decision is a Deny (Indeterminate).</param>
    /// <returns>The decision; synchronous when the subject's state is cached and audit is off or completes synchronously.</returns>
    ValueTask<PrivacyDecision> DecideAsync(PrivacyRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decides many requests in one call (filtering records before an export, say); each is decided on its own. With
    /// audit on, the decisions' events are written together (group commit) rather than one flush per request.
    /// </summary>
    /// <param name="requests">The requests.</param>
    /// <param name="cancellationToken">Cancels the decisions; those not yet made are Deny (Indeterminate).</param>
    /// <returns>One decision per request, in order.</returns>
    ValueTask<PrivacyDecision[]> DecideManyAsync(IReadOnlyList<PrivacyRequest> requests, CancellationToken cancellationToken = default);
}
