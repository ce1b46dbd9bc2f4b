namespace Privacy.Enforcement.Auditing;

/// <summary>What an audit event records.</summary>
public enum AuditEventKind
{
    /// <summary>A decision of the enforcer.</summary>
    Decision = 0,

    /// <summary>A consent fact was recorded (given, refused, withdrawn, expired, invalidated).</summary>
    ConsentFact = 1,

    /// <summary>A policy acceptance was recorded.</summary>
    PolicyAccepted = 2,

    /// <summary>An objection was raised or lifted.</summary>
    Objection = 3,

    /// <summary>An engagement was created, ended, terminated, or its deletion confirmed.</summary>
    Engagement = 4,

    /// <summary>A violation was reported, confirmed or dismissed.</summary>
    Violation = 5,

    /// <summary>A sanction was imposed.</summary>
    Sanction = 6,

    /// <summary>A data-subject rights request changed state.</summary>
    SubjectRightsRequest = 7,

    /// <summary>A policy version was published.</summary>
    PolicyPublished = 8,
}

/// <summary>
/// One entry of the tamper-evident audit trail. It names the subject only by pseudonym and carries categories,
/// clause ids and references, never personal data itself. <see cref="Sequence"/>, <see cref="PreviousHash"/> and
/// <see cref="Hash"/> are assigned by the audit pipeline: <c>Hash = SHA-256(PreviousHash || canonical JSON of the event)</c>.
/// </summary>
public sealed record AuditEvent
{
    // Sequence, PreviousHash and Hash are assigned once by the pipeline: on a copy (a caller's event is never changed
    // under it), or in place on an event the library made for itself (SealInPlace), which no caller holds.
    private long _sequence;
    private string _previousHash = string.Empty;
    private string _hash = string.Empty;

    /// <summary>Gets the position in the trail, from 1; 0 until the pipeline assigns it.</summary>
    public long Sequence { get => _sequence; init => _sequence = value; }

    /// <summary>Gets when the event happened (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets what the event records.</summary>
    public required AuditEventKind Kind { get; init; }

    /// <summary>Gets a finer name of the action (for example <c>consent.withdrawn</c>, <c>decision.disclose</c>).</summary>
    public required string Action { get; init; }

    /// <summary>Gets the subject's pseudonym, never its id.</summary>
    public string? SubjectPseudonym { get; init; }

    /// <summary>Gets the actor (kind and id; a user actor is pseudonymised).</summary>
    public string? Actor { get; init; }

    /// <summary>Gets the recipient id, for disclosures and engagements.</summary>
    public string? Recipient { get; init; }

    /// <summary>Gets the recipient's kind.</summary>
    public string? RecipientKind { get; init; }

    /// <summary>Gets the purpose.</summary>
    public string? Purpose { get; init; }

    /// <summary>Gets the categories concerned (credential categories appear by name only, never with values).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets the categories permitted, for decisions.</summary>
    public IReadOnlyList<string> PermittedCategories { get; init; } = [];

    /// <summary>Gets the disclosure ground, for disclosures.</summary>
    public string? Ground { get; init; }

    /// <summary>Gets references to the evidence relied on (document, transaction, complaint, consent ids).</summary>
    public IReadOnlyList<string> EvidenceReferences { get; init; } = [];

    /// <summary>Gets the outcome, for decisions (<c>Permit</c>, <c>Deny</c>, <c>NotApplicable</c>).</summary>
    public string? Outcome { get; init; }

    /// <summary>Gets the reasons given.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>Gets the clause ids behind the event.</summary>
    public IReadOnlyList<string> ClauseIds { get; init; } = [];

    /// <summary>Gets the obligations emitted.</summary>
    public IReadOnlyList<string> Obligations { get; init; } = [];

    /// <summary>Gets the policy version in force (<c>id@version</c>).</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>Gets the id of the record the event is about (consent, engagement, violation, request).</summary>
    public string? RecordId { get; init; }

    /// <summary>Gets the host's correlation id.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>
    /// Gets the time a decision judged when it was not the time of the event: the request's
    /// <see cref="PrivacyRequest.OccursAt"/>. <see langword="null"/> for a decision about the moment it was made.
    /// </summary>
    /// <remarks>Part of the canonical JSON only when set (as <c>judgedAt</c>, after <c>correlationId</c>), so an event without it keeps its bytes and hash.</remarks>
    public DateTimeOffset? JudgedAt { get; init; }

    // What the pipeline keeps about this very instance: whether the library made it (so it may be sealed in place) and
    // the stored line produced while sealing it (so a sink need not serialise it again). A copy made with 'with' does
    // not inherit either (the state names its owner), and equality ignores it.
    private SealedLine _sealedLine;

    /// <summary>Gets the previous event's hash (lower-case hex; 64 zeros before the first event).</summary>
    public string PreviousHash { get => _previousHash; init => _previousHash = value; }

    /// <summary>Gets this event's hash (lower-case hex).</summary>
    public string Hash { get => _hash; init => _hash = value; }

    /// <summary>Gets a value indicating whether the library made this instance for itself, so no caller holds it.</summary>
    internal bool IsLibraryOwned => _sealedLine.IsLibraryOwned(this);

    /// <summary>Gets a copy of the stored line kept while sealing this instance, or <see langword="null"/> once it is written.</summary>
    internal byte[]? SealedLineBytes => _sealedLine.For(this) is { IsEmpty: false } line ? line.ToArray() : null;

    /// <summary>Gets the stored line kept while sealing this instance (valid until its batch is written); empty when none is kept.</summary>
    internal ReadOnlySpan<byte> SealedLineSpan => _sealedLine.For(this);

    /// <summary>Marks an event the library made for itself and hands to the trail at once: the pipeline may seal it in place.</summary>
    internal AuditEvent OwnedByLibrary()
    {
        _sealedLine = new SealedLine(this, libraryOwned: true, null, 0, 0);
        return this;
    }

    /// <summary>Assigns the chain position of a library-owned event in place (see <see cref="IsLibraryOwned"/>).</summary>
    internal void SealInPlace(long sequence, string previousHash, string hash)
    {
        _sequence = sequence;
        _previousHash = previousHash;
        _hash = hash;
    }

    internal void KeepSealedLine(byte[] buffer, int start, int length) =>
        _sealedLine = new SealedLine(this, _sealedLine.IsLibraryOwned(this), buffer, start, length);

    /// <summary>Forgets the kept line (its batch is written and the buffer goes back to the pool).</summary>
    internal void ReleaseSealedLine() => _sealedLine = new SealedLine(this, _sealedLine.IsLibraryOwned(this), null, 0, 0);
}

/// <summary>
/// A checkpoint of the trail: its size and head hash at a time, optionally signed. Checkpoints form a chain of their own:
/// each carries the hash of the one before it (<see cref="PreviousCheckpointHash"/>), covered by its signature.
/// </summary>
/// <param name="Size">The number of events covered (the last sequence number).</param>
/// <param name="HeadHash">The hash of event <paramref name="Size"/>.</param>
/// <param name="CreatedAt">When (UTC).</param>
/// <param name="KeyId">The id of the signing key, if signed.</param>
/// <param name="Signature">The signature over size, head hash, time, chain link and key id, if signed (base64).</param>
public sealed record AuditCheckpoint(long Size, string HeadHash, DateTimeOffset CreatedAt, string? KeyId = null, string? Signature = null)
{
    /// <summary>
    /// Gets the hash of the previous checkpoint (<see cref="AuditHashChain.GetCheckpointHash"/>), or
    /// <see cref="AuditHashChain.GenesisHash"/> for the first of a chain; <see langword="null"/> on a checkpoint written
    /// before checkpoints were chained (a legacy checkpoint, accepted only before the first chained one).
    /// </summary>
    public string? PreviousCheckpointHash { get; init; }

    /// <summary>
    /// Gets the chain this checkpoint covers, for a trail kept as several hash chains (one per writer,
    /// <see cref="Storage.IAuditChainedTrail"/>): <see cref="Size"/> and <see cref="HeadHash"/> are that chain's, and the
    /// checkpoint links to the one before it of the same chain. 0, the default, is the trail's first chain (and the only
    /// one of a single-chain trail); part of the signed payload only when not 0, so other checkpoints keep their bytes.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public long Chain { get; init; }

    /// <summary>
    /// Gets the sizes and heads of the trail's other chains when the checkpoint was made, in chain order, or
    /// <see langword="null"/> for a single-chain trail. Signed with the rest, it ties the chains together: a chain it names
    /// that was later removed, or truncated below the size named, fails verification
    /// (<see cref="AuditChainsVerifier"/>) even when that chain's own checkpoints went with it.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<AuditChainSize>? OtherChains { get; init; }
}

/// <summary>The size and head of one chain of a trail kept as several chains, as a checkpoint names it.</summary>
/// <param name="Chain">The chain's id.</param>
/// <param name="Size">The number of events of the chain covered (its last sequence number; 0 for none).</param>
/// <param name="HeadHash">The hash of the chain's event <paramref name="Size"/> (<see cref="AuditHashChain.GenesisHash"/> for none).</param>
public sealed record AuditChainSize(long Chain, long Size, string HeadHash);

/// <summary>
/// What the pipeline keeps about one event instance (library-owned or not, its stored line while it is written), valid
/// only for the instance it names; never part of the event's value.
/// </summary>
internal readonly struct SealedLine : IEquatable<SealedLine>
{
    private readonly AuditEvent? _owner;
    private readonly byte[]? _buffer;
    private readonly int _start;
    private readonly int _length;
    private readonly bool _libraryOwned;

    public SealedLine(AuditEvent owner, bool libraryOwned, byte[]? buffer, int start, int length)
    {
        _owner = owner;
        _libraryOwned = libraryOwned;
        _buffer = buffer;
        _start = start;
        _length = length;
    }

    public bool IsLibraryOwned(AuditEvent auditEvent) => _libraryOwned && ReferenceEquals(_owner, auditEvent);

    public ReadOnlySpan<byte> For(AuditEvent auditEvent) =>
        _buffer is not null && ReferenceEquals(_owner, auditEvent) ? _buffer.AsSpan(_start, _length) : default;

    public bool Equals(SealedLine other) => true;

    public override bool Equals(object? obj) => obj is SealedLine;

    public override int GetHashCode() => 0;
}
