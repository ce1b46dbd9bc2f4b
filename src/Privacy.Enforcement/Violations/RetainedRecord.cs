namespace Privacy.Enforcement.Violations;

/// <summary>What kind of record is kept outside the policy.</summary>
public enum RetainedRecordKind
{
    /// <summary>A violation the subject committed.</summary>
    Violation = 0,

    /// <summary>A measure taken against the subject.</summary>
    Sanction = 1,
}

/// <summary>
/// A record kept about a subject that its erasure request does not erase, and why: records of violations and of the
/// measures taken are outside the policy (<c>collect.exempt.violations</c>). The subject-rights service lists them
/// in the answer to access and erasure requests.
/// </summary>
/// <param name="Kind">What the record is.</param>
/// <param name="RecordId">The record's id (the violation's id; for a sanction, the violation it answers).</param>
/// <param name="Clause">The clause that keeps it.</param>
/// <param name="Reason">Why it is kept, in words.</param>
/// <param name="RecordedAt">When it was recorded.</param>
public sealed record RetainedRecord(RetainedRecordKind Kind, string RecordId, ClauseId Clause, string Reason, DateTimeOffset RecordedAt);
