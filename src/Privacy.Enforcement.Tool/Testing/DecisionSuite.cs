using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.Tool.Testing;

/// <summary>A decision test suite: the facts, the clock the cases are decided at, and the cases.</summary>
internal sealed record DecisionSuite(string File, string Name, DateTimeOffset Clock, IReadOnlyList<SuiteFact> Facts, IReadOnlyList<SuiteCase> Cases);

/// <summary>Something that happened before the cases are decided, at its own time.</summary>
internal abstract record SuiteFact(string Path, DateTimeOffset At);

/// <summary>The subject accepted the policy in force.</summary>
internal sealed record AcceptanceFact(string Path, DateTimeOffset At, SubjectId Subject) : SuiteFact(Path, At);

/// <summary>A newer version of the policy published (<c>changes.replace</c>, <c>changes.notice</c>).</summary>
internal sealed record PublicationFact(string Path, DateTimeOffset At, Privacy.Enforcement.Policies.PolicyDocument Document) : SuiteFact(Path, At);

/// <summary>A consent granted (or refused), and perhaps withdrawn later.</summary>
internal sealed record GrantFact(string Path, DateTimeOffset At, string? Name, ConsentRequest Request, bool Refused, DateTimeOffset? WithdrawnAt) : SuiteFact(Path, At);

/// <summary>An objection to a purpose, perhaps lifted later.</summary>
internal sealed record ObjectionFact(string Path, DateTimeOffset At, SubjectId Subject, PurposeId Purpose, DateTimeOffset? LiftedAt) : SuiteFact(Path, At);

/// <summary>A provider engaged for a service, perhaps terminated early.</summary>
internal sealed record EngagementFact(string Path, DateTimeOffset At, string? Name, EngagementRequest Request, DateTimeOffset? TerminatedAt) : SuiteFact(Path, At);

/// <summary>A violation reported, perhaps confirmed and the violator's agreement terminated.</summary>
internal sealed record ViolationFact(string Path, DateTimeOffset At, string? Name, ViolationReport Report, bool Confirmed, bool Terminated) : SuiteFact(Path, At);

/// <summary>One case: a request and what the decision must be. The request is built once the facts named in it exist.</summary>
internal sealed record SuiteCase(string Name, string Path, int Line, Func<SuiteIds, PrivacyRequest> Request, Expectation Expect);

/// <summary>What a case expects; only what it states is compared (sets compare exactly, order aside).</summary>
internal sealed record Expectation
{
    public DecisionOutcome? Outcome { get; init; }

    public IReadOnlySet<string>? Clauses { get; init; }

    public IReadOnlySet<string>? Permitted { get; init; }

    public IReadOnlySet<string>? Withheld { get; init; }

    public IReadOnlySet<DecisionReason>? Reasons { get; init; }

    public IReadOnlySet<ObligationKind>? Obligations { get; init; }
}

/// <summary>The ids the library gave the facts a suite names (consents, engagements, violations).</summary>
internal sealed class SuiteIds
{
    public Dictionary<string, ConsentId> Consents { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, EngagementId> Engagements { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ViolationId> Violations { get; } = new(StringComparer.Ordinal);
}
