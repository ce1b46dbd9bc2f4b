namespace Privacy.Enforcement.Violations;

/// <summary>A report of a violation by a user of the platform or a third party (<c>use.no-free-harvesting</c>, <c>disclose.user-violation</c>).</summary>
public sealed record ViolationReport
{
    /// <summary>Gets the kind.</summary>
    public required ViolationKind Kind { get; init; }

    /// <summary>Gets who committed it: the user's subject id, or for a <see cref="ViolatorKind.ThirdParty"/> its recipient id.</summary>
    public required SubjectId Violator { get; init; }

    /// <summary>Gets whether the violator is a user (the default) or a third party; a third party can be reported for harvesting or trading only.</summary>
    public ViolatorKind ViolatorKind { get; init; }

    /// <summary>Gets the host's reference to the evidence (a case, document or log reference; never personal data).</summary>
    public required string EvidenceReference { get; init; }

    /// <summary>Gets the subjects whose information was affected; for harvesting and trading, others than the violator.</summary>
    public IReadOnlyList<SubjectId> AffectedSubjects { get; init; } = [];

    /// <summary>Gets the categories relevant to the violation; each must be declared by the policy.</summary>
    public IReadOnlyList<DataCategory> RelevantCategories { get; init; } = [];
}
