namespace Privacy.Enforcement.Consents;

/// <summary>
/// Grants, refuses, withdraws, renews and answers questions about consents (<c>collect.consent</c>,
/// <c>use.third-party.permission</c>, <c>use.partner-marketing</c>, <c>disclose.consent</c>). Every change is a new
/// append-only fact bound to the policy version in force; a change is acknowledged only once it is durable and the
/// decision cache no longer holds the old state.
/// </summary>
public interface IConsentService
{
    /// <summary>Records a consent the subject gave under the policy version it was shown.</summary>
    /// <param name="request">What the subject consented to and how.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The recorded fact and the receipt for the subject.</returns>
    /// <exception cref="ArgumentException">A field of the request is invalid; <see cref="ArgumentException.ParamName"/> names it and nothing is stored.</exception>
    ValueTask<ConsentResult> GrantAsync(ConsentRequest request, CancellationToken cancellationToken);

    /// <summary>Records that the subject refused a consent it was asked for.</summary>
    /// <param name="request">What the subject was asked to consent to.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The recorded fact and the receipt for the subject.</returns>
    /// <exception cref="ArgumentException">A field of the request is invalid; nothing is stored.</exception>
    ValueTask<ConsentResult> RefuseAsync(ConsentRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Withdraws a consent. When the task completes the withdrawal is durable and every decision that starts afterwards
    /// sees it. Withdrawing an already withdrawn consent records nothing new and returns the earlier withdrawal.
    /// </summary>
    /// <param name="subject">The subject the consent belongs to.</param>
    /// <param name="consentId">The consent.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The withdrawal fact and the receipt for the subject.</returns>
    /// <exception cref="ArgumentException">No such consent exists for the subject; nothing is stored.</exception>
    /// <exception cref="InvalidOperationException">The consent was refused, so there is nothing to withdraw.</exception>
    ValueTask<ConsentResult> WithdrawAsync(SubjectId subject, ConsentId consentId, CancellationToken cancellationToken);

    /// <summary>
    /// Renews a consent under the current policy version: a new <see cref="ConsentState.Given"/> fact for the same
    /// consent, keeping its purposes, categories and recipient (<c>changes.notice</c>).
    /// </summary>
    /// <param name="request">The consent, the version shown and how the renewal was collected.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The recorded fact and the receipt for the subject.</returns>
    /// <exception cref="ArgumentException">A field is invalid, or the current version no longer declares what the consent covers; nothing is stored.</exception>
    ValueTask<ConsentResult> RenewAsync(ConsentRenewalRequest request, CancellationToken cancellationToken);

    /// <summary>Gets the state of one consent as of an instant ("permission obtained in advance" is checked at the time of the act).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="consentId">The consent.</param>
    /// <param name="asOf">The instant; now when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The state, or <see langword="null"/> when the subject had no such consent by then.</returns>
    ValueTask<ConsentStatus?> GetStatusAsync(SubjectId subject, ConsentId consentId, DateTimeOffset? asOf, CancellationToken cancellationToken);

    /// <summary>Gets the state of each of the subject's consents as of an instant.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="asOf">The instant; now when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One state per consent, in order of first fact.</returns>
    ValueTask<IReadOnlyList<ConsentStatus>> GetStatusesAsync(SubjectId subject, DateTimeOffset? asOf, CancellationToken cancellationToken);

    /// <summary>Lists the subject's consent facts, oldest first (<c>store.subject-access</c>).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The facts.</returns>
    IAsyncEnumerable<ConsentFact> GetHistoryAsync(SubjectId subject, CancellationToken cancellationToken);
}

/// <summary>A consent the subject gives or refuses: the ISO/IEC TS 27560 and Kantara Consent Receipt fields that apply.</summary>
public sealed record ConsentRequest
{
    /// <summary>Gets the subject.</summary>
    public required SubjectId Subject { get; init; }

    /// <summary>Gets the policy version the subject was shown; it must be the published version in force (<c>changes.replace</c>).</summary>
    public required Version PolicyVersion { get; init; }

    /// <summary>Gets the content hash of the version shown, so a consent cannot bind to text the subject never saw.</summary>
    public required string PolicyContentHash { get; init; }

    /// <summary>Gets the purposes consented to; each must be declared by the policy.</summary>
    public required IReadOnlyList<PurposeId> Purposes { get; init; }

    /// <summary>Gets the data categories consented to; each must be declared by the policy.</summary>
    public required IReadOnlyList<DataCategory> Categories { get; init; }

    /// <summary>Gets the acts consented to (collect, use, disclose).</summary>
    public required IReadOnlyList<ProcessingAct> Acts { get; init; }

    /// <summary>Gets the named recipient of a sharing consent.</summary>
    public RecipientId? Recipient { get; init; }

    /// <summary>Gets the recipient kind a sharing consent covers when it names no single recipient.</summary>
    public RecipientKind? RecipientKind { get; init; }

    /// <summary>Gets the controller the consent is given to.</summary>
    public string Controller { get; init; } = "application";

    /// <summary>Gets how the consent was collected (<c>web-form</c>, <c>app-dialog</c>...).</summary>
    public required string CollectionMethod { get; init; }

    /// <summary>Gets a reference to the notice shown (not its text).</summary>
    public string? Notice { get; init; }

    /// <summary>Gets the language of the notice (BCP 47).</summary>
    public string? Language { get; init; }

    /// <summary>Gets the host's reference to its evidence of the consent (a form submission id).</summary>
    public string? EvidenceReference { get; init; }

    /// <summary>Gets when the consent expires; must lie in the future.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>A renewal of an existing consent under the current policy version (<c>changes.notice</c>).</summary>
public sealed record ConsentRenewalRequest
{
    /// <summary>Gets the subject.</summary>
    public required SubjectId Subject { get; init; }

    /// <summary>Gets the consent to renew.</summary>
    public required ConsentId ConsentId { get; init; }

    /// <summary>Gets the policy version the subject was shown; it must be the published version in force.</summary>
    public required Version PolicyVersion { get; init; }

    /// <summary>Gets the content hash of the version shown.</summary>
    public required string PolicyContentHash { get; init; }

    /// <summary>Gets how the renewal was collected.</summary>
    public required string CollectionMethod { get; init; }

    /// <summary>Gets a reference to the notice shown; the earlier one when <see langword="null"/>.</summary>
    public string? Notice { get; init; }

    /// <summary>Gets the language of the notice; the earlier one when <see langword="null"/>.</summary>
    public string? Language { get; init; }

    /// <summary>Gets the host's reference to its evidence of the renewal.</summary>
    public string? EvidenceReference { get; init; }

    /// <summary>Gets the new expiry; must lie in the future. <see langword="null"/> means none.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>The outcome of a consent change: the fact now stored and the receipt to give the subject.</summary>
/// <param name="Fact">The fact recorded (or, for a repeated withdrawal, the earlier one).</param>
/// <param name="Receipt">The receipt.</param>
public sealed record ConsentResult(ConsentFact Fact, ConsentReceipt Receipt)
{
    /// <summary>Gets the consent.</summary>
    public ConsentId ConsentId => Fact.ConsentId;
}
