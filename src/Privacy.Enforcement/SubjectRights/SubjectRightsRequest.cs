using System.Text.Json.Serialization;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>What a data subject asks for.</summary>
public enum SubjectRightsRequestKind
{
    /// <summary>See and export everything held about it (<c>store.subject-access</c>).</summary>
    Access = 0,

    /// <summary>Correct data it submitted (<c>store.subject-edit</c>, <c>store.accuracy</c>).</summary>
    Rectify = 1,

    /// <summary>Delete data it submitted (<c>store.subject-delete</c>).</summary>
    Erase = 2,
}

/// <summary>Where a request stands. Only <see cref="Completed"/> closes it, and never while a source failed.</summary>
public enum SubjectRightsRequestStatus
{
    /// <summary>Received, not yet run.</summary>
    Received = 0,

    /// <summary>Running.</summary>
    InProgress = 1,

    /// <summary>Some sources or steps succeeded, some failed: open, retry the failed ones.</summary>
    PartiallyCompleted = 2,

    /// <summary>Every source or step failed: open, retry.</summary>
    Failed = 3,

    /// <summary>Every source and step succeeded.</summary>
    Completed = 4,
}

/// <summary>How one source or library step fared.</summary>
public enum SubjectRightsStepStatus
{
    /// <summary>Not run yet.</summary>
    Pending = 0,

    /// <summary>Done.</summary>
    Succeeded = 1,

    /// <summary>Failed; retried by the next retry of the request.</summary>
    Failed = 2,

    /// <summary>Nothing to do (the source holds none of the categories concerned).</summary>
    NotApplicable = 3,
}

/// <summary>
/// The result of one source (or library step, whose name starts with <c>$</c>) for a request: the evidence of what was
/// read, corrected or erased. Never personal data: categories, a time and the kind of error only.
/// </summary>
/// <param name="Source">The source name, or a library step (<c>$consents</c>, <c>$acceptances</c>, <c>$pseudonym</c>, <c>$subject-key</c>).</param>
/// <param name="Status">How it fared.</param>
/// <param name="Categories">The categories read, corrected or erased.</param>
/// <param name="At">When it last ran (UTC).</param>
/// <param name="ErrorKind">The kind of error when it failed (an exception type name), never its message.</param>
/// <param name="Attempts">How many times it ran.</param>
public sealed record SubjectRightsStepResult(
    string Source,
    SubjectRightsStepStatus Status,
    IReadOnlyList<DataCategory> Categories,
    DateTimeOffset? At,
    string? ErrorKind,
    int Attempts);

/// <summary>A record kept despite an erasure request, and why (<c>collect.exempt.violations</c>, legal holds).</summary>
/// <param name="RecordType">The kind of record (<c>violation</c>, <c>sanction</c>, <c>legal-hold</c>, <c>subject-rights-request</c>).</param>
/// <param name="RecordId">The record's id or reference.</param>
/// <param name="Clause">The clause or basis that keeps it.</param>
/// <param name="Reason">Why it is kept (no personal data).</param>
/// <param name="Categories">The data categories kept with it, if any.</param>
public sealed record KeptRecord(string RecordType, string RecordId, string Clause, string Reason, IReadOnlyList<DataCategory> Categories);

/// <summary>An obligation on a provider to return or delete a subject's data it received under an engagement (<c>use.third-party.service-end</c>, <c>store.subject-delete</c>).</summary>
/// <param name="Engagement">The engagement.</param>
/// <param name="Provider">The provider that must return or delete.</param>
/// <param name="Categories">The categories it may hold.</param>
/// <param name="EmittedAt">When the obligation was emitted (UTC).</param>
public sealed record ReturnOrDeleteObligation(EngagementId Engagement, RecipientId Provider, IReadOnlyList<DataCategory> Categories, DateTimeOffset EmittedAt);

/// <summary>
/// A data-subject rights request (<c>store.subject-access</c>, <c>store.subject-edit</c>, <c>store.subject-delete</c>):
/// its status, deadline and the per-source evidence. It holds the subject id while it is open (the request is the proof
/// the right was honoured) but never the data read or written. Once an erasure of the subject completes, the store keeps
/// the subject's closed requests sealed: <see cref="Subject"/> is empty and <see cref="SubjectHash"/> holds a keyed hash
/// of the id, so nothing stored links the id to the pseudonym the audit trail knows the requests by, while the subject,
/// presenting its id, is still matched to them (<c>store.subject-delete</c>).
/// </summary>
public sealed record SubjectRightsRequest
{
    /// <summary>Gets the id.</summary>
    public required SubjectRightsRequestId Id { get; init; }

    /// <summary>Gets the subject; the default (empty) value once the request is sealed (see <see cref="SubjectHash"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public SubjectId Subject { get; init; }

    /// <summary>
    /// Gets the keyed hash of the subject id (<see cref="ErasedSubjectHash"/>) that replaces <see cref="Subject"/> once an
    /// erasure of the subject completed; <see langword="null"/> before.
    /// </summary>
    public string? SubjectHash { get; init; }

    /// <summary>Gets what is asked.</summary>
    public required SubjectRightsRequestKind Kind { get; init; }

    /// <summary>
    /// Gets what distinguishes two requests of the same subject and kind (for a rectification: the sorted categories
    /// corrected; empty otherwise). An open request with the same subject, kind and scope is a duplicate.
    /// </summary>
    public string Scope { get; init; } = string.Empty;

    /// <summary>Gets where the request stands.</summary>
    public required SubjectRightsRequestStatus Status { get; init; }

    /// <summary>Gets when the request was received (UTC).</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Gets when it must be answered: received time plus the configured response period.</summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>Gets when it was completed, once every source and step succeeded.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets the per-source and per-step results.</summary>
    public IReadOnlyList<SubjectRightsStepResult> Steps { get; init; } = [];

    /// <summary>Gets what was kept despite an erasure, and why.</summary>
    public IReadOnlyList<KeptRecord> Kept { get; init; } = [];

    /// <summary>Gets the return-or-delete obligations an erasure emitted.</summary>
    public IReadOnlyList<ReturnOrDeleteObligation> Obligations { get; init; } = [];

    /// <summary>Gets the concurrency version: 1 when created, incremented by each update.</summary>
    public long Version { get; init; } = 1;

    /// <summary>Gets a value indicating whether the request is still open (not completed).</summary>
    public bool IsOpen => Status != SubjectRightsRequestStatus.Completed;
}
