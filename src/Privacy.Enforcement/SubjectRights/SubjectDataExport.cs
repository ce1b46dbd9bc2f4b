using System.Text.Json;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Everything held about one subject, as one JSON document (<c>store.subject-access</c>): the data of every source,
/// consents with their history, acceptances, objections, engagements that covered it, the ledger of every disclosure of
/// its data, and the records kept outside the policy (<c>collect.exempt.violations</c>). Credential categories appear
/// only as held, never with values (<c>store.account-security</c>). Its JSON schema is <see cref="SubjectDataExportSchema"/>.
/// </summary>
public sealed record SubjectDataExport
{
    /// <summary>The schema version of the document.</summary>
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>Gets the schema version.</summary>
    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Gets the access request the export answers.</summary>
    public required string RequestId { get; init; }

    /// <summary>Gets the subject (the export goes to the subject itself).</summary>
    public required string Subject { get; init; }

    /// <summary>Gets when the export was produced (UTC).</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Gets the policy version in force, if a policy is registered.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>Gets a value indicating whether every source answered; <see langword="false"/> when some are listed as failed.</summary>
    public required bool Complete { get; init; }

    /// <summary>Gets the data of each source.</summary>
    public IReadOnlyList<ExportedSource> Sources { get; init; } = [];

    /// <summary>Gets the consents with their full history.</summary>
    public IReadOnlyList<ExportedConsent> Consents { get; init; } = [];

    /// <summary>Gets the policy acceptances.</summary>
    public IReadOnlyList<ExportedAcceptance> Acceptances { get; init; } = [];

    /// <summary>Gets the objection facts.</summary>
    public IReadOnlyList<ExportedObjection> Objections { get; init; } = [];

    /// <summary>Gets the engagements of providers that covered the subject.</summary>
    public IReadOnlyList<ExportedEngagement> Engagements { get; init; } = [];

    /// <summary>Gets every disclosure of the subject's data, oldest first.</summary>
    public IReadOnlyList<ExportedDisclosure> Disclosures { get; init; } = [];

    /// <summary>Gets the records kept outside the policy or under legal hold, and why.</summary>
    public IReadOnlyList<ExportedKeptRecord> Kept { get; init; } = [];

    /// <summary>Gets the subject's rights requests.</summary>
    public IReadOnlyList<ExportedRequest> Requests { get; init; } = [];
}

/// <summary>One source's data about the subject.</summary>
public sealed record ExportedSource
{
    /// <summary>Gets the source's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the operator (<c>Application:application</c>, <c>Affiliate:id</c>; <c>store.location</c>).</summary>
    public required string Operator { get; init; }

    /// <summary>Gets <c>Succeeded</c>, or <c>Failed</c> when the source could not be read (its data is then missing).</summary>
    public required string Status { get; init; }

    /// <summary>Gets the kind of error when the source failed.</summary>
    public string? ErrorKind { get; init; }

    /// <summary>Gets each category held with its values.</summary>
    public IReadOnlyDictionary<string, JsonElement> Data { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Gets the credential categories held, whose values are never shown (<c>store.account-security</c>).</summary>
    public IReadOnlyList<string> HeldNotShown { get; init; } = [];
}

/// <summary>A consent and its history.</summary>
public sealed record ExportedConsent
{
    /// <summary>Gets the consent id.</summary>
    public required string ConsentId { get; init; }

    /// <summary>Gets the state now.</summary>
    public required string State { get; init; }

    /// <summary>Gets every fact, oldest first.</summary>
    public IReadOnlyList<ExportedConsentFact> History { get; init; } = [];
}

/// <summary>One consent fact.</summary>
public sealed record ExportedConsentFact
{
    /// <summary>Gets the state recorded.</summary>
    public required string State { get; init; }

    /// <summary>Gets when.</summary>
    public required DateTimeOffset RecordedAt { get; init; }

    /// <summary>Gets the policy version.</summary>
    public required string Policy { get; init; }

    /// <summary>Gets the purposes (grants and refusals).</summary>
    public IReadOnlyList<string> Purposes { get; init; } = [];

    /// <summary>Gets the categories (grants and refusals).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets the acts (grants and refusals).</summary>
    public IReadOnlyList<string> Acts { get; init; } = [];

    /// <summary>Gets the named recipient, if any.</summary>
    public string? Recipient { get; init; }

    /// <summary>Gets the recipient kind covered, if any.</summary>
    public string? RecipientKind { get; init; }

    /// <summary>Gets when the consent expires, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets why the state changed, for withdrawals, expiries and invalidations.</summary>
    public string? Reason { get; init; }
}

/// <summary>A policy acceptance.</summary>
/// <param name="Policy">The version accepted.</param>
/// <param name="Kind">Explicit or deemed by continued use.</param>
/// <param name="AcceptedAt">When.</param>
/// <param name="CountedEvent">The event that counted.</param>
public sealed record ExportedAcceptance(string Policy, string Kind, DateTimeOffset AcceptedAt, string CountedEvent);

/// <summary>An objection fact.</summary>
/// <param name="Purpose">The purpose objected to.</param>
/// <param name="State">Raised or lifted.</param>
/// <param name="RecordedAt">When.</param>
public sealed record ExportedObjection(string Purpose, string State, DateTimeOffset RecordedAt);

/// <summary>An engagement of a provider that covered the subject.</summary>
public sealed record ExportedEngagement
{
    /// <summary>Gets the engagement id.</summary>
    public required string EngagementId { get; init; }

    /// <summary>Gets the provider.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the service.</summary>
    public required string Service { get; init; }

    /// <summary>Gets the categories the provider may receive.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets when it starts.</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Gets when it ends or was terminated, if it did.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets when the provider confirmed it returned or deleted the data.</summary>
    public DateTimeOffset? DeletionConfirmedAt { get; init; }
}

/// <summary>One disclosure of the subject's data, from the audit trail.</summary>
public sealed record ExportedDisclosure
{
    /// <summary>Gets the audit event's sequence number.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets when.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Gets who received it.</summary>
    public required string Recipient { get; init; }

    /// <summary>Gets the recipient's kind.</summary>
    public string? RecipientKind { get; init; }

    /// <summary>Gets what was disclosed (the categories permitted).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets the ground.</summary>
    public string? Ground { get; init; }

    /// <summary>Gets the purpose.</summary>
    public string? Purpose { get; init; }

    /// <summary>Gets the clauses that permitted it.</summary>
    public IReadOnlyList<string> Clauses { get; init; } = [];

    /// <summary>Gets the references to the evidence relied on.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>Gets the policy version.</summary>
    public string? PolicyVersion { get; init; }
}

/// <summary>A record kept outside the policy or under legal hold, and why.</summary>
public sealed record ExportedKeptRecord
{
    /// <summary>Gets the kind of record (<c>violation</c>, <c>sanction</c>, <c>legal-hold</c>).</summary>
    public required string RecordType { get; init; }

    /// <summary>Gets its id or reference.</summary>
    public required string RecordId { get; init; }

    /// <summary>Gets the clause or basis that keeps it.</summary>
    public required string Clause { get; init; }

    /// <summary>Gets why it is kept.</summary>
    public required string Reason { get; init; }

    /// <summary>Gets the categories concerned.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets its status (for violations).</summary>
    public string? Status { get; init; }

    /// <summary>Gets when it was recorded.</summary>
    public DateTimeOffset? RecordedAt { get; init; }
}

/// <summary>A subject-rights request.</summary>
/// <param name="RequestId">The id.</param>
/// <param name="Kind">Access, rectify or erase.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="ReceivedAt">When it was received.</param>
/// <param name="Deadline">When it is due.</param>
/// <param name="CompletedAt">When it was completed.</param>
public sealed record ExportedRequest(string RequestId, string Kind, string Status, DateTimeOffset ReceivedAt, DateTimeOffset Deadline, DateTimeOffset? CompletedAt);
