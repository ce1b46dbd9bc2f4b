namespace Privacy.Enforcement.Policies;

/// <summary>
/// A privacy policy described as data: the JSON policy document and the fluent <c>PolicyBuilder</c> both produce one.
/// It is validated and then compiled once per version into the immutable form the decision engine reads.
/// </summary>
public sealed record PolicyDocument
{
    /// <summary>Gets the policy id, shared by all versions.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the version (<c>major.minor[.build]</c>); a newer version replaces an older one (<c>changes.replace</c>).</summary>
    public required string Version { get; init; }

    /// <summary>Gets when the version was published (UTC).</summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>Gets the policy's title.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the language of the published text (BCP 47).</summary>
    public string? Language { get; init; }

    /// <summary>Gets the clauses: each enforceable sentence of the published text with its id.</summary>
    public IReadOnlyList<ClauseDefinition> Clauses { get; init; } = [];

    /// <summary>Gets the data-category taxonomy (parents before or after children; cycles are rejected).</summary>
    public IReadOnlyList<DataCategoryDefinition> Categories { get; init; } = [];

    /// <summary>Gets the purposes of processing.</summary>
    public IReadOnlyList<PurposeDefinition> Purposes { get; init; } = [];

    /// <summary>Gets the declared recipients: affiliates, service providers, partners.</summary>
    public IReadOnlyList<RecipientDefinition> Recipients { get; init; } = [];

    /// <summary>Gets the services of the application, with the categories each needs.</summary>
    public IReadOnlyList<ServiceDefinition> Services { get; init; } = [];

    /// <summary>Gets the disclosure grounds the policy allows, each with its evidence rule and category limit.</summary>
    public IReadOnlyList<GroundDefinition> Grounds { get; init; } = [];

    /// <summary>Gets the rules, each citing the clause it encodes.</summary>
    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [];
}

/// <summary>An enforceable sentence of the published policy.</summary>
public sealed record ClauseDefinition
{
    /// <summary>Gets the clause id (for example <c>collect.consent</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the sentence, shortened as in the clause catalogue.</summary>
    public string? Text { get; init; }

    /// <summary>Gets how the sentence reads as a rule.</summary>
    public string? Rule { get; init; }
}

/// <summary>A data category of the taxonomy.</summary>
public sealed record DataCategoryDefinition
{
    /// <summary>Gets the dotted id (<c>user.contact.phone_number</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the parent id, or <see langword="null"/> for a root. When omitted for a dotted id, the dotted prefix is the parent.</summary>
    public string? Parent { get; init; }

    /// <summary>Gets the flags the rules read. A category inherits its parent's flags.</summary>
    public DataCategoryFlags Flags { get; init; }

    /// <summary>Gets the clause that puts an exempt category outside the policy (for example <c>collect.exempt.search-keywords</c>).</summary>
    public string? ExemptionClause { get; init; }

    /// <summary>Gets a description.</summary>
    public string? Description { get; init; }
}

/// <summary>What a purpose rests on.</summary>
public enum PurposeBasis
{
    /// <summary>Allowed under the accepted policy (<c>intro.acceptance</c>); collection of identifying or contact data still needs consent.</summary>
    Acceptance = 0,

    /// <summary>Needs a prior consent for this purpose (<c>use.partner-marketing</c>).</summary>
    Consent = 1,
}

/// <summary>A purpose of processing.</summary>
public sealed record PurposeDefinition
{
    /// <summary>Gets the id (<c>own-marketing</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Gets what the purpose rests on.</summary>
    public PurposeBasis Basis { get; init; }

    /// <summary>Gets a value indicating whether the subject may object (opt out) to it (<c>use.own-marketing</c>).</summary>
    public bool Objectable { get; init; }

    /// <summary>Gets the clause that governs the purpose, if any.</summary>
    public string? Clause { get; init; }

    /// <summary>Gets a description.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Gets the fideslang data uses the purpose corresponds to (<c>essential.service</c>, <c>marketing.communications</c>),
    /// shown in the data map; <see langword="null"/> when not said (a document without them keeps its content hash).
    /// </summary>
    public IReadOnlyList<string>? DataUses { get; init; }
}

/// <summary>A declared recipient.</summary>
public sealed record RecipientDefinition
{
    /// <summary>Gets the recipient id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the kind.</summary>
    public required RecipientKind Kind { get; init; }

    /// <summary>Gets a display name.</summary>
    public string? Name { get; init; }
}

/// <summary>A service of the application.</summary>
public sealed record ServiceDefinition
{
    /// <summary>Gets the service id.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the categories the service needs disclosed to its providers (<c>disclose.service-necessity</c>).</summary>
    public IReadOnlyList<string> NecessaryCategories { get; init; } = [];

    /// <summary>Gets the declared providers of the service (recipient ids of kind service provider or affiliate).</summary>
    public IReadOnlyList<string> Providers { get; init; } = [];

    /// <summary>Gets a description.</summary>
    public string? Description { get; init; }
}

/// <summary>Where a ground's category limit comes from ("all or part").</summary>
public enum CategoryLimitSource
{
    /// <summary>The categories a prior consent covers (<c>disclose.consent</c>).</summary>
    Consent = 0,

    /// <summary>The categories the service declares necessary (<c>disclose.service-necessity</c>).</summary>
    ServiceNecessary = 1,

    /// <summary>The categories named in the evidence (<c>disclose.legal-requirement</c>, <c>disclose.other-legal</c>).</summary>
    Evidence = 2,

    /// <summary>The categories relevant to the recorded violation (<c>disclose.user-violation</c>).</summary>
    Violation = 3,

    /// <summary>The categories carrying the limit's flags (contact and identity: <c>disclose.ip-complaint</c>, <c>disclose.transaction</c>).</summary>
    Flags = 4,
}

/// <summary>A disclosure ground the policy allows.</summary>
public sealed record GroundDefinition
{
    /// <summary>Gets the ground.</summary>
    public required DisclosureGround Ground { get; init; }

    /// <summary>Gets the clause that allows it.</summary>
    public required string Clause { get; init; }

    /// <summary>Gets the recipient kinds the ground may disclose to.</summary>
    public IReadOnlyList<RecipientKind> RecipientKinds { get; init; } = [];

    /// <summary>Gets the evidence fields the request must carry (names of the evidence record's properties); a ground without an evidence rule is rejected.</summary>
    public IReadOnlyList<string> RequiredEvidence { get; init; } = [];

    /// <summary>Gets where the category limit comes from.</summary>
    public CategoryLimitSource CategoryLimit { get; init; }

    /// <summary>Gets the flags of the categories released when <see cref="CategoryLimit"/> is <see cref="CategoryLimitSource.Flags"/>.</summary>
    public DataCategoryFlags LimitFlags { get; init; }

    /// <summary>Gets the obligations a Permit on this ground carries.</summary>
    public IReadOnlyList<ObligationKind> Obligations { get; init; } = [];
}

/// <summary>The kinds of rule the decision engine understands; each rule of a policy is one of them and cites its clause.</summary>
public enum RuleKind
{
    /// <summary>Processing needs the subject's acceptance of the version in force (<c>intro.acceptance</c>).</summary>
    RequireAcceptance = 0,

    /// <summary>Collecting categories with the rule's flags needs consent (<c>collect.consent</c>).</summary>
    RequireConsentToCollect = 1,

    /// <summary>Categories flagged exempt are outside the policy (<c>collect.exempt.*</c>).</summary>
    ExemptCategories = 2,

    /// <summary>Transfers to unrelated third parties, and by the rule's transfer kinds, are denied (<c>use.third-party.no-trade</c>).</summary>
    DenyUnrelatedTransfer = 3,

    /// <summary>A transfer is permitted by a prior consent naming the recipient or its kind (<c>use.third-party.permission</c>).</summary>
    PermitTransferWithPriorConsent = 4,

    /// <summary>A transfer to a provider is permitted while its engagement is active (<c>use.third-party.service-provider</c>).</summary>
    PermitEngagedProvider = 5,

    /// <summary>After an engagement ends every access by the provider is denied (<c>use.third-party.service-end</c>).</summary>
    DenyAfterEngagementEnd = 6,

    /// <summary>Actors other than the application may not collect, edit, sell or disseminate others' data (<c>use.no-free-harvesting</c>).</summary>
    DenyHarvesting = 7,

    /// <summary>Every request acting for a terminated user is denied (<c>use.violator-termination</c>).</summary>
    DenySanctionedActor = 8,

    /// <summary>The rule's purposes are permitted under acceptance unless the subject objected (<c>use.own-marketing</c>).</summary>
    PermitUnlessObjected = 9,

    /// <summary>The rule's purposes need a prior consent naming the recipient or its kind (<c>use.partner-marketing</c>).</summary>
    RequireConsentForPurpose = 10,

    /// <summary>Writing to a store operated by neither the application nor an affiliate is denied (<c>store.location</c>).</summary>
    RequireControllerStore = 11,

    /// <summary>Categories with the rule's flags are never disclosed (<c>store.account-security</c>).</summary>
    NeverDisclose = 12,

    /// <summary>Whatever no rule permits is denied, and so is whatever cannot be decided (<c>store.security</c>).</summary>
    DenyByDefault = 13,

    /// <summary>Records are durable and the audit trail tamper-evident (<c>store.integrity</c>).</summary>
    DurableRecords = 14,

    /// <summary>A subject right the subject-rights service serves (<c>store.subject-*</c>, <c>store.accuracy</c>).</summary>
    SubjectRight = 15,

    /// <summary>Decisions use the newest published version (<c>changes.replace</c>).</summary>
    NewestVersionReplaces = 16,

    /// <summary>Consents whose terms a new version changes need renewal; subjects can see what changed (<c>changes.notice</c>).</summary>
    RenewConsentOnChange = 17,
}

/// <summary>A rule of the policy.</summary>
public sealed record RuleDefinition
{
    /// <summary>Gets the clause the rule encodes; required.</summary>
    public required string Clause { get; init; }

    /// <summary>Gets the kind of rule.</summary>
    public required RuleKind Kind { get; init; }

    /// <summary>Gets the purposes the rule applies to (empty: all).</summary>
    public IReadOnlyList<string> Purposes { get; init; } = [];

    /// <summary>Gets the categories the rule applies to (empty: all, or those with <see cref="CategoryFlags"/>).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Gets the category flags the rule applies to.</summary>
    public DataCategoryFlags CategoryFlags { get; init; }

    /// <summary>Gets the recipient kinds the rule applies to.</summary>
    public IReadOnlyList<RecipientKind> RecipientKinds { get; init; } = [];

    /// <summary>Gets the transfer kinds the rule applies to.</summary>
    public IReadOnlyList<TransferKind> TransferKinds { get; init; } = [];

    /// <summary>Gets the acts the rule applies to.</summary>
    public IReadOnlyList<ProcessingAct> Acts { get; init; } = [];

    /// <summary>Gets a note on the reading of the clause.</summary>
    public string? Note { get; init; }
}
