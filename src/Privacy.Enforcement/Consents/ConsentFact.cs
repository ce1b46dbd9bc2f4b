namespace Privacy.Enforcement.Consents;

/// <summary>The state a consent fact records.</summary>
public enum ConsentState
{
    /// <summary>The subject gave the consent.</summary>
    Given = 0,

    /// <summary>The subject refused the consent.</summary>
    Refused = 1,

    /// <summary>The subject withdrew the consent.</summary>
    Withdrawn = 2,

    /// <summary>The consent reached its expiry.</summary>
    Expired = 3,

    /// <summary>A new policy version changed what the consent covers: it needs renewal (<c>changes.notice</c>).</summary>
    Invalidated = 4,
}

/// <summary>
/// What a consent covers and how it was obtained: the fields of ISO/IEC TS 27560 and the Kantara Consent Receipt
/// that apply. Carried by <see cref="ConsentState.Given"/> and <see cref="ConsentState.Refused"/> facts.
/// </summary>
public sealed record ConsentTerms
{
    /// <summary>The schema version of the consent record.</summary>
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>Gets the schema version of the record.</summary>
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Gets the purposes consented to.</summary>
    public required IReadOnlyList<PurposeId> Purposes { get; init; }

    /// <summary>Gets the data categories consented to (a category covers the categories within it).</summary>
    public required IReadOnlyList<DataCategory> Categories { get; init; }

    /// <summary>Gets the acts consented to (collect, use, disclose).</summary>
    /// <exception cref="ArgumentException">A value is not a defined <see cref="ProcessingAct"/>.</exception>
    public required IReadOnlyList<ProcessingAct> Acts { get; init => field = DefinedEnum.RequireAll(value, nameof(ConsentTerms), nameof(Acts)); }

    /// <summary>Gets the named recipient of a sharing consent, if any.</summary>
    public RecipientId? Recipient { get; init; }

    /// <summary>Gets the recipient kind a sharing consent covers when it names no single recipient.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="Enforcement.RecipientKind"/>.</exception>
    public RecipientKind? RecipientKind { get; init => field = DefinedEnum.Require(value, nameof(ConsentTerms), nameof(RecipientKind)); }

    /// <summary>Gets the controller the consent was given to.</summary>
    public string Controller { get; init; } = "application";

    /// <summary>Gets how the consent was collected (web form, app dialog, paper...).</summary>
    public string CollectionMethod { get; init; } = "unspecified";

    /// <summary>Gets the notice shown to the subject (a reference, not its text).</summary>
    public string? Notice { get; init; }

    /// <summary>Gets the language of the notice (BCP 47).</summary>
    public string? Language { get; init; }

    /// <summary>Gets the host's reference to its evidence of the consent (a form submission id).</summary>
    public string? EvidenceReference { get; init; }

    /// <summary>Gets when the consent expires, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}

/// <summary>
/// One append-only fact in a consent's history. A consent's state as of time T is the fold of its facts recorded
/// at or before T; a withdrawal is a new fact, never an update in place.
/// </summary>
public sealed record ConsentFact
{
    /// <summary>Gets the fact's own id.</summary>
    public required Guid FactId { get; init; }

    /// <summary>Gets the consent the fact belongs to.</summary>
    public required ConsentId ConsentId { get; init; }

    /// <summary>Gets the subject.</summary>
    public required SubjectId Subject { get; init; }

    /// <summary>Gets the state the fact records.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="ConsentState"/>.</exception>
    public required ConsentState State { get; init => field = DefinedEnum.Require(value, nameof(ConsentFact), nameof(State)); }

    /// <summary>Gets when the fact took effect (UTC, from the library's <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>Gets the policy version in force when the fact was recorded (the one shown to the subject for a grant).</summary>
    public required PolicyVersion Policy { get; init; }

    /// <summary>Gets what the consent covers; present on <see cref="ConsentState.Given"/> and <see cref="ConsentState.Refused"/> facts.</summary>
    public ConsentTerms? Terms { get; init; }

    /// <summary>Gets why the state changed (for withdrawals, expiries and invalidations); never personal data.</summary>
    public string? Reason { get; init; }
}
