namespace Privacy.Enforcement.Violations;

/// <summary>The kinds of violation the policy names.</summary>
public enum ViolationKind
{
    /// <summary>Collecting, editing or disseminating others' information (<c>use.no-free-harvesting</c>).</summary>
    Harvesting = 0,

    /// <summary>Selling or trading others' information (<c>use.no-free-harvesting</c>).</summary>
    Trading = 1,

    /// <summary>Violating laws or regulations (<c>disclose.user-violation</c>).</summary>
    LawViolation = 2,

    /// <summary>Violating the service agreement or related rules (<c>disclose.user-violation</c>).</summary>
    AgreementViolation = 3,
}

/// <summary>Who committed a violation.</summary>
public enum ViolatorKind
{
    /// <summary>A user of the platform; <see cref="Violation.Violator"/> is its subject id.</summary>
    User = 0,

    /// <summary>
    /// A third party (a service provider or partner) caught harvesting or trading (<c>use.no-free-harvesting</c>);
    /// <see cref="Violation.Violator"/> holds its recipient id. A third party is not a data subject: its records are
    /// never listed among a subject's, even one whose id reads the same.
    /// </summary>
    ThirdParty = 1,
}

/// <summary>Where a reported violation stands.</summary>
public enum ViolationStatus
{
    /// <summary>Reported, not decided.</summary>
    Reported = 0,

    /// <summary>Confirmed by the application.</summary>
    Confirmed = 1,

    /// <summary>Dismissed by the application.</summary>
    Dismissed = 2,
}

/// <summary>A violation by a user of the platform or by a third party. Outside the policy (<c>collect.exempt.violations</c>): never erased by the violator's erasure request.</summary>
public sealed record Violation
{
    /// <summary>Gets the id.</summary>
    public required ViolationId Id { get; init; }

    /// <summary>Gets the kind.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="ViolationKind"/>.</exception>
    public required ViolationKind Kind { get; init => field = DefinedEnum.Require(value, nameof(Violation), nameof(Kind)); }

    /// <summary>Gets who committed it: the user's subject id, or for a <see cref="ViolatorKind.ThirdParty"/> its recipient id.</summary>
    public required SubjectId Violator { get; init; }

    /// <summary>Gets whether the violator is a user or a third party.</summary>
    // Not written for a user, so a record stored before third parties could be violators reads and compares the same.
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public ViolatorKind ViolatorKind { get; init => field = DefinedEnum.Require(value, nameof(Violation), nameof(ViolatorKind)); }

    /// <summary>Gets the host's reference to the evidence.</summary>
    public required string EvidenceReference { get; init; }

    /// <summary>Gets the subjects whose information was affected.</summary>
    public IReadOnlyList<SubjectId> AffectedSubjects { get; init; } = [];

    /// <summary>Gets the categories relevant to the violation (what <c>disclose.user-violation</c> may release).</summary>
    public IReadOnlyList<DataCategory> RelevantCategories { get; init; } = [];

    /// <summary>Gets the status.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="ViolationStatus"/>.</exception>
    public ViolationStatus Status { get; init => field = DefinedEnum.Require(value, nameof(Violation), nameof(Status)); }

    /// <summary>Gets when it was reported.</summary>
    public required DateTimeOffset ReportedAt { get; init; }

    /// <summary>Gets when it was confirmed or dismissed.</summary>
    public DateTimeOffset? DecidedAt { get; init; }
}

/// <summary>The measures the application takes against a violator.</summary>
public enum SanctionKind
{
    /// <summary>The user's service agreement was terminated (<c>use.violator-termination</c>).</summary>
    ServiceAgreementTerminated = 0,

    /// <summary>
    /// A third party's engagements were terminated (<c>use.violator-termination</c>, <c>use.third-party.service-end</c>):
    /// each ended with a return-or-delete obligation, none can be made again, and every request acting for it is denied.
    /// </summary>
    EngagementsTerminated = 1,
}

/// <summary>A measure taken against a violator; outside the policy (<c>collect.exempt.violations</c>).</summary>
/// <param name="Subject">The sanctioned user; for <see cref="SanctionKind.EngagementsTerminated"/>, the third party's recipient id.</param>
/// <param name="Violation">The violation it answers.</param>
/// <param name="Kind">The measure.</param>
/// <param name="ImposedAt">When (UTC).</param>
public sealed record Sanction(SubjectId Subject, ViolationId Violation, SanctionKind Kind, DateTimeOffset ImposedAt)
{
    /// <summary>Gets the measure.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="SanctionKind"/>.</exception>
    public SanctionKind Kind { get; init => field = DefinedEnum.Require(value, nameof(Sanction), nameof(Kind)); } = DefinedEnum.Require(Kind, nameof(Sanction), nameof(Kind));
}
