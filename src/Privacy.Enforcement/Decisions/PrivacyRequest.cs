using Privacy.Enforcement.Consents;

namespace Privacy.Enforcement;

/// <summary>
/// A question the host asks before it collects, uses or discloses personal information. Build one of
/// <see cref="CollectionRequest"/>, <see cref="UseRequest"/> or <see cref="DisclosureRequest"/>; requests are
/// immutable and may be reused across decisions.
/// </summary>
public abstract record PrivacyRequest
{
    private protected PrivacyRequest(SubjectId subject, IReadOnlyList<DataCategory> categories, PurposeId purpose, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(categories);
        Subject = subject;

        // Copied once: the decision and its audit event read the same categories, whatever the caller's list does.
        Categories = RequestList.Copy(categories);
        Purpose = purpose;
        DefinedEnum.Require(actor.Kind, nameof(PrivacyRequest), nameof(Actor));
        Actor = actor;
    }

    /// <summary>Gets the act the request is about.</summary>
    public abstract ProcessingAct Act { get; }

    /// <summary>Gets the subject whose information the request concerns.</summary>
    public SubjectId Subject { get; }

    /// <summary>Gets the data categories concerned: a read-only copy of the list the request was made with.</summary>
    public IReadOnlyList<DataCategory> Categories { get; }

    /// <summary>Gets the purpose of the act.</summary>
    public PurposeId Purpose { get; }

    /// <summary>Gets who makes the request.</summary>
    public Actor Actor { get; }

    /// <summary>Gets the time of the act when it is not now (consents are checked against this time); <see langword="null"/> for now.</summary>
    /// <remarks>
    /// A past time is judged only when nothing about the subject (or a user actor) changed since: an act dated before
    /// the newest fact or state change (a consent given, withdrawn or expired, an objection, an acceptance, an
    /// engagement's start or end, a sanction, a new policy version) is a Deny with reason
    /// <see cref="DecisionReason.Indeterminate"/>, so a past-dated answer never permits more than a present one. A time
    /// in the future is denied the same way. The audit event records the time judged. Ask about the past with
    /// <see cref="IConsentService.GetStatusesAsync"/> and the audit trail, which never authorise anything.
    /// </remarks>
    public DateTimeOffset? OccursAt { get; init; }

    /// <summary>Gets an optional correlation id carried into the audit event (never personal data).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>
    /// Gets a value indicating whether the request is made in the subject's own session (a signed-in web request about
    /// the signed-in user): the application acts, for that user, so a user whose service agreement was terminated is
    /// denied with <see cref="DecisionReason.ActorSanctioned"/> (<c>use.violator-termination</c>), as when the subject
    /// is the actor. Rules and subject rights are judged as for the application.
    /// </summary>
    public bool InSubjectSession { get; init; }
}

/// <summary>May the application collect these categories from the subject for this purpose? (<c>collect.consent</c>)</summary>
public sealed record CollectionRequest : PrivacyRequest
{
    /// <summary>Creates the request.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="categories">The categories to collect.</param>
    /// <param name="purpose">The purpose of collection.</param>
    /// <param name="actor">Who collects; the application when omitted.</param>
    public CollectionRequest(SubjectId subject, IReadOnlyList<DataCategory> categories, PurposeId purpose, Actor actor = default)
        : base(subject, categories, purpose, actor)
    {
    }

    /// <summary>Gets the recipient id of the operator of the store the data is written to, when it is not the application (<c>store.location</c>).</summary>
    public RecipientId? StoreOperator { get; init; }

    /// <inheritdoc />
    public override ProcessingAct Act => ProcessingAct.Collect;
}

/// <summary>May these categories be used for this purpose by this actor? (<c>use.*</c>)</summary>
public sealed record UseRequest : PrivacyRequest
{
    /// <summary>Creates the request.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="categories">The categories to use.</param>
    /// <param name="purpose">The purpose of use.</param>
    /// <param name="actor">Who uses the data; the application when omitted. A service provider accessing data is a third-party actor.</param>
    public UseRequest(SubjectId subject, IReadOnlyList<DataCategory> categories, PurposeId purpose, Actor actor = default)
        : base(subject, categories, purpose, actor)
    {
    }

    /// <summary>Gets the act when it is more specific than use: <see cref="ProcessingAct.Edit"/> or <see cref="ProcessingAct.Store"/>.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="ProcessingAct"/>.</exception>
    public ProcessingAct UseAct { get; init => field = DefinedEnum.Require(value, nameof(UseRequest), nameof(UseAct)); } = ProcessingAct.Use;

    /// <inheritdoc />
    public override ProcessingAct Act => UseAct;
}

/// <summary>May these categories be disclosed or transferred to this recipient on this ground? (<c>disclose.*</c>, <c>use.third-party.*</c>)</summary>
public sealed record DisclosureRequest : PrivacyRequest
{
    /// <summary>Creates the request.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="categories">The categories asked for; the decision releases all or part of them.</param>
    /// <param name="purpose">The purpose of the disclosure.</param>
    /// <param name="recipient">Who receives the data.</param>
    /// <param name="evidence">The ground's evidence; its type names the ground.</param>
    /// <param name="actor">Who discloses; the application when omitted.</param>
    public DisclosureRequest(
        SubjectId subject,
        IReadOnlyList<DataCategory> categories,
        PurposeId purpose,
        Recipient recipient,
        DisclosureEvidence? evidence,
        Actor actor = default)
        : base(subject, categories, purpose, actor)
    {
        DefinedEnum.Require(recipient.Kind, nameof(DisclosureRequest), nameof(Recipient));
        Recipient = recipient;
        Evidence = evidence;
    }

    /// <summary>Gets the recipient.</summary>
    public Recipient Recipient { get; }

    /// <summary>Gets how the data passes to the recipient.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="Enforcement.TransferKind"/>.</exception>
    public TransferKind TransferKind { get; init => field = DefinedEnum.Require(value, nameof(DisclosureRequest), nameof(TransferKind)); } = TransferKind.Share;

    /// <summary>Gets the evidence of the ground the disclosure relies on; <see langword="null"/> is a Deny.</summary>
    public DisclosureEvidence? Evidence { get; }

    /// <summary>Gets the ground named by the evidence, if any.</summary>
    public DisclosureGround? Ground => Evidence?.Ground;

    /// <inheritdoc />
    public override ProcessingAct Act => ProcessingAct.Disclose;
}
