namespace Privacy.Enforcement.Tests.Canonical;

/// <summary>
/// The fixed inputs of the golden vectors in <see cref="CanonicalFormGoldenTests"/>. Never change an input: the expected
/// bytes and hashes there were produced from these inputs by the released format.
/// </summary>
internal static class CanonicalFormInputs
{
    /// <summary>A previous hash that is not the genesis hash, so the hashed prefix is not all zeros.</summary>
    public const string PreviousHash = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    /// <summary>Every code unit of ASCII, then non-ASCII letters, a supplementary-plane character, the JavaScript line
    /// separators, a byte-order mark, a noncharacter and the characters System.Text.Json escapes by default.</summary>
    public static readonly string AwkwardText =
        new string([.. Enumerable.Range(0, 128).Select(c => (char)c)]) + "é中\U0001F642\u2028\u2029\uFEFF\uFFFF\u00A0\u0085<>&'\"+`\\";

    public static readonly DateTimeOffset Time = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    /// <summary>An event of <paramref name="kind"/> with every optional member absent (null or empty).</summary>
    public static AuditEvent Minimal(AuditEventKind kind) => new()
    {
        Timestamp = Time.AddTicks(1),
        Kind = kind,
        Action = "a." + kind.ToString().ToLowerInvariant(),
    };

    /// <summary>An event of <paramref name="kind"/> with every optional member present, <c>judgedAt</c> included.</summary>
    public static AuditEvent Full(AuditEventKind kind) => new()
    {
        Timestamp = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.FromHours(8)).AddTicks(1_234_567),
        Kind = kind,
        Action = "decision.disclose",
        SubjectPseudonym = "p-0123456789abcdef",
        Actor = "service:orders",
        Recipient = "courier",
        RecipientKind = "ServiceProvider",
        Purpose = "service-provision",
        Categories = ["contact.email", "contact.phone"],
        PermittedCategories = ["contact.email"],
        Ground = "TransactionCounterparty",
        EvidenceReferences = ["order:42", "contract:7"],
        Outcome = "Permit",
        Reasons = ["Permitted", "CategoryWithheld"],
        ClauseIds = ["disclose.transaction", "collect.consent"],
        Obligations = ["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],
        PolicyVersion = "standard@1.0",
        RecordId = "rec-1",
        CorrelationId = "corr-1",
        JudgedAt = new DateTimeOffset(2026, 12, 31, 15, 0, 0, TimeSpan.Zero),
    };

    /// <summary>An event whose every string member holds <see cref="AwkwardText"/>.</summary>
    public static AuditEvent Awkward() => Full(AuditEventKind.Decision) with
    {
        Action = AwkwardText,
        SubjectPseudonym = AwkwardText,
        Actor = AwkwardText,
        Categories = [AwkwardText],
        Outcome = AwkwardText,
        CorrelationId = AwkwardText,
    };

    /// <summary>Timestamps at the extremes of the type and of the offsets.</summary>
    public static readonly DateTimeOffset[] ExtremeTimes =
    [
        DateTimeOffset.MinValue,
        DateTimeOffset.MaxValue,
        new DateTimeOffset(1, 1, 1, 14, 0, 0, TimeSpan.FromHours(14)),
        new DateTimeOffset(9999, 12, 31, 9, 59, 59, TimeSpan.FromHours(-14)).AddTicks(9_999_999),
        new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromMinutes(-30)).AddTicks(1),
    ];

    /// <summary>An event at <paramref name="time"/> for both <c>timestamp</c> and <c>judgedAt</c>.</summary>
    public static AuditEvent At(DateTimeOffset time) => Minimal(AuditEventKind.ConsentFact) with { Timestamp = time, JudgedAt = time };

    /// <summary>A small policy document with non-ASCII and escaped characters in its texts.</summary>
    public const string SmallPolicy = """
        {
          "id": "acme",
          "version": "1.2",
          "publishedAt": "2025-06-30T12:34:56.789+08:00",
          "title": "Acmé <Privacy> & \"Terms\" 隐私政策 \u2028 🙂",
          "language": "zh-CN",
          "clauses": [ { "id": "collect.consent", "text": "We ask first; 'always' + `never` \\ \t." } ],
          "categories": [ { "id": "user" }, { "id": "user.contact", "flags": ["contact-capable", "identifying"] } ],
          "purposes": [ { "id": "service-provision", "basis": "acceptance" } ],
          "recipients": [ { "id": "courier", "kind": "service-provider" } ],
          "rules": [ { "clause": "collect.consent", "kind": "require-consent-to-collect", "categories": ["user.contact"], "purposes": ["service-provision"] } ]
        }
        """;
}
