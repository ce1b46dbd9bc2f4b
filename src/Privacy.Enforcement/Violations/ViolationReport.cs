namespace Privacy.Enforcement;

/// <summary>A report of a violation by a user of the platform (<c>use.no-free-harvesting</c>, <c>disclose.user-violation</c>).</summary>
public sealed record ViolationReport
{
    /// <summary>Gets the kind.</summary>
    public required ViolationKind Kind { get; init; }

    /// <summary>Gets the user who committed it.</summary>
    public required SubjectId Violator { get; init; }

    /// <summary>Gets the host's reference to the evidence (a case, document or log reference; never personal data).</summary>
    public required string EvidenceReference { get; init; }

    /// <summary>Gets the subjects whose information was affected; for harvesting and trading, others than the violator.</summary>
    public IReadOnlyList<SubjectId> AffectedSubjects { get; init; } = [];

    /// <summary>Gets the categories relevant to the violation; each must be declared by the policy.</summary>
    public IReadOnlyList<DataCategory> RelevantCategories { get; init; } = [];
}
