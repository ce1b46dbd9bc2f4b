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
        Subject = subject;
        Categories = categories ?? throw new ArgumentNullException(nameof(categories));
        Purpose = purpose;
        Actor = actor;
    }

    /// <summary>Gets the act the request is about.</summary>
    public abstract ProcessingAct Act { get; }

    /// <summary>Gets the subject whose information the request concerns.</summary>
    public SubjectId Subject { get; }

    /// <summary>Gets the data categories concerned.</summary>
    public IReadOnlyList<DataCategory> Categories { get; }

    /// <summary>Gets the purpose of the act.</summary>
    public PurposeId Purpose { get; }

    /// <summary>Gets who makes the request.</summary>
    public Actor Actor { get; }

    /// <summary>Gets the time of the act when it is not now (consents are checked against this time); <see langword="null"/> for now.</summary>
    public DateTimeOffset? OccursAt { get; init; }

    /// <summary>Gets an optional correlation id carried into the audit event (never personal data).</summary>
    public string? CorrelationId { get; init; }
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
    public ProcessingAct UseAct { get; init; } = ProcessingAct.Use;

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
        Recipient = recipient;
        Evidence = evidence;
    }

    /// <summary>Gets the recipient.</summary>
    public Recipient Recipient { get; }

    /// <summary>Gets how the data passes to the recipient.</summary>
    public TransferKind TransferKind { get; init; } = TransferKind.Share;

    /// <summary>Gets the evidence of the ground the disclosure relies on; <see langword="null"/> is a Deny.</summary>
    public DisclosureEvidence? Evidence { get; }

    /// <summary>Gets the ground named by the evidence, if any.</summary>
    public DisclosureGround? Ground => Evidence?.Ground;

    /// <inheritdoc />
    public override ProcessingAct Act => ProcessingAct.Disclose;
}
