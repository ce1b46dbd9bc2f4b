using System.Text;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.Testing;

/// <summary>Records and hostile inputs the conformance suite stores.</summary>
internal static class StoreTestData
{
    /// <summary>A fixed instant the records are dated from (UTC).</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The policy version the records name.</summary>
    public static readonly PolicyVersion Policy = new(new PolicyId("standard"), new Version(1, 0), Epoch, new string('a', 64));

    /// <summary>Gets identifiers that a careless store would break: SQL, quoting, wildcards, Unicode, the longest allowed.</summary>
    /// <remarks>Invisible and direction-changing characters (Unicode Cf, Zl, Zp) are not among them: no identifier may hold one.</remarks>
    public static IReadOnlyList<string> HostileIdentifiers { get; } =
    [
        "'; DROP TABLE pe_consent_facts; --",
        "Robert'); DELETE FROM pe_pseudonyms WHERE ('1'='1",
        "\" OR \"\"=\"",
        "x' OR 1=1 --",
        "%_[]^\\*?",
        "$1 $$ @subject :name ?",
        "😀👩👧🏳️🌈",
        "مرحبا بالعالم שלום",
        "e\u0301\u0302\u0303 Zalgo z\u0351\u0352\u0357",
        "é",
        "e\u0301",
        "\u00A0no-break\u3000ideographic space",
        "𝕦𝕟𝕚𝕔𝕠𝕕𝕖 𐍈 𠜎",
        "trailing space ",
        new string('x', Identifier.MaxLength),
        string.Concat(Enumerable.Repeat("😀", Identifier.MaxLength / 2)),
    ];

    /// <summary>Gets free texts a store must keep exactly: empty, one mebibyte, quotes and Unicode.</summary>
    public static IReadOnlyList<string> HostileTexts { get; } =
    [
        string.Empty,
        " ",
        "'; DROP TABLE pe_consent_facts; --",
        "line\nbreak\r\ttab",
        "{\"json\": [1, 2, \"three\"]}",
        "😀 مرحبا e\u0301 \u200F",
        OneMebibyte(),
    ];

    /// <summary>A new random subject.</summary>
    /// <returns>The subject.</returns>
    public static SubjectId NewSubject() => new("subject-" + Guid.NewGuid().ToString("N"));

    /// <summary>A grant of marketing consent.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="consent">The consent.</param>
    /// <param name="at">Minutes after <see cref="Epoch"/>.</param>
    /// <returns>The fact.</returns>
    public static ConsentFact Grant(SubjectId subject, ConsentId consent, int at = 0) => new()
    {
        FactId = Guid.NewGuid(),
        ConsentId = consent,
        Subject = subject,
        State = ConsentState.Given,
        RecordedAt = Epoch.AddMinutes(at),
        Policy = Policy,
        Terms = new ConsentTerms
        {
            Purposes = [new PurposeId("marketing.own"), new PurposeId("analytics")],
            Categories = [new DataCategory("contact.email"), new DataCategory("device")],
            Acts = [ProcessingAct.Collect, ProcessingAct.Use],
            CollectionMethod = "web-form",
            Notice = "notice-v1",
            Language = "en-GB",
            EvidenceReference = "form-42",
            ExpiresAt = Epoch.AddYears(1),
        },
    };

    /// <summary>A withdrawal.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="consent">The consent.</param>
    /// <param name="at">Minutes after <see cref="Epoch"/>.</param>
    /// <returns>The fact.</returns>
    public static ConsentFact Withdrawal(SubjectId subject, ConsentId consent, int at = 1) => new()
    {
        FactId = Guid.NewGuid(),
        ConsentId = consent,
        Subject = subject,
        State = ConsentState.Withdrawn,
        RecordedAt = Epoch.AddMinutes(at),
        Policy = Policy,
        Reason = "withdrawn in the privacy center",
    };

    /// <summary>An engagement of a provider for a service.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="subjects">The subjects covered; none means all subjects.</param>
    /// <returns>The engagement.</returns>
    public static ServiceEngagement Engagement(string provider, params SubjectId[] subjects) => new()
    {
        Id = EngagementId.New(),
        Provider = new RecipientId(provider),
        Service = new ServiceId("delivery"),
        Subjects = subjects,
        AllSubjects = subjects.Length == 0,
        Categories = [new DataCategory("contact.address"), new DataCategory("contact.phone")],
        StartsAt = Epoch,
        EndsAt = Epoch.AddDays(30),
    };

    /// <summary>A reported violation.</summary>
    /// <param name="violator">The violator.</param>
    /// <returns>The violation.</returns>
    public static Violation Violation(SubjectId violator) => new()
    {
        Id = ViolationId.New(),
        Kind = ViolationKind.Harvesting,
        Violator = violator,
        EvidenceReference = "complaint-7",
        AffectedSubjects = [NewSubject()],
        RelevantCategories = [new DataCategory("content")],
        ReportedAt = Epoch,
    };

    /// <summary>An audit event with a sequence number and fake hashes.</summary>
    /// <param name="sequence">The sequence number.</param>
    /// <param name="action">The action.</param>
    /// <returns>The event.</returns>
    public static AuditEvent AuditEvent(long sequence, string action = "decision.use") => new()
    {
        Sequence = sequence,
        Timestamp = Epoch.AddSeconds(sequence),
        Kind = AuditEventKind.Decision,
        Action = action,
        SubjectPseudonym = "p-" + sequence.ToString("x32", System.Globalization.CultureInfo.InvariantCulture),
        Purpose = "marketing.own",
        Categories = ["contact.email"],
        PermittedCategories = ["contact.email"],
        Outcome = "Permit",
        Reasons = ["ConsentGiven"],
        ClauseIds = ["use.own-marketing"],
        PolicyVersion = "standard@1.0",
        PreviousHash = new string('0', 64),
        Hash = sequence.ToString("x64", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A batch of consecutive audit events.</summary>
    /// <param name="from">The first sequence number.</param>
    /// <param name="count">How many.</param>
    /// <returns>The events.</returns>
    public static AuditEvent[] AuditBatch(long from, int count) =>
        [.. Enumerable.Range(0, count).Select(i => AuditEvent(from + i))];

    /// <summary>A new subject-rights request (version 1), received at <see cref="Epoch"/> plus <paramref name="at"/> minutes and due 30 days later.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="kind">What is asked.</param>
    /// <param name="scope">What distinguishes it from other requests of the subject and kind.</param>
    /// <param name="at">Minutes after <see cref="Epoch"/>.</param>
    /// <returns>The request.</returns>
    public static SubjectRightsRequest SubjectRightsRequest(SubjectId subject, SubjectRightsRequestKind kind = SubjectRightsRequestKind.Access, string scope = "", int at = 0) => new()
    {
        Id = SubjectRightsRequestId.New(),
        Subject = subject,
        Kind = kind,
        Scope = scope,
        Status = SubjectRightsRequestStatus.Received,
        ReceivedAt = Epoch.AddMinutes(at),
        Deadline = Epoch.AddMinutes(at).AddDays(30),
    };

    /// <summary>A request as a run left it: steps, kept records and obligations filled in, version incremented.</summary>
    /// <param name="request">The request as read.</param>
    /// <param name="status">Where it stands now.</param>
    /// <returns>The next version.</returns>
    public static SubjectRightsRequest Ran(SubjectRightsRequest request, SubjectRightsRequestStatus status)
    {
        ArgumentNullException.ThrowIfNull(request);
        var at = request.ReceivedAt.AddHours(1);
        return request with
        {
            Status = status,
            Version = request.Version + 1,
            CompletedAt = status == SubjectRightsRequestStatus.Completed ? at : null,
            Steps =
            [
                new("orders", SubjectRightsStepStatus.Succeeded, [new DataCategory("transactions")], at, null, 1),
                new("$consents", status == SubjectRightsRequestStatus.Completed ? SubjectRightsStepStatus.Succeeded : SubjectRightsStepStatus.Failed, [], at, "TimeoutException", 2),
            ],
            Kept = [new("violation", ViolationId.New().ToString(), "collect.exempt.violations", "evidence of a violation", [new DataCategory("content")])],
            Obligations = [new(EngagementId.New(), new RecipientId("courier"), [new DataCategory("contact.address")], at)],
        };
    }

    /// <summary>An active legal hold placed at <see cref="Epoch"/> plus <paramref name="at"/> minutes.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="at">Minutes after <see cref="Epoch"/>.</param>
    /// <param name="categories">The categories held; none holds every category.</param>
    /// <returns>The hold.</returns>
    public static LegalHold LegalHold(SubjectId subject, int at = 0, params DataCategory[] categories) => new()
    {
        Id = Guid.NewGuid(),
        Subject = subject,
        Reference = "matter-2026-17",
        Reason = "litigation",
        Categories = categories,
        PlacedAt = Epoch.AddMinutes(at),
    };

    /// <summary>A wrapped subject key with random bytes.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="kekVersion">The key-encryption key version.</param>
    /// <param name="length">How many bytes.</param>
    /// <returns>The key.</returns>
    public static WrappedSubjectKey WrappedKey(SubjectId subject, int kekVersion = 1, int length = 60) =>
        new(subject, kekVersion, System.Security.Cryptography.RandomNumberGenerator.GetBytes(length), Epoch.AddMinutes(kekVersion));

    private static string OneMebibyte()
    {
        var builder = new StringBuilder(1 << 20);
        while (builder.Length < (1 << 20) - 16)
        {
            builder.Append("0123456789abcdef'\"😀");
        }

        return builder.ToString();
    }
}
