using System.Security.Cryptography;
using System.Text;

namespace Privacy.Enforcement.Tests.Canonical;

/// <summary>
/// Golden vectors of the two formats stored trails and acceptances depend on: the audit event's canonical JSON (and the
/// hash chained over it) and the policy content hash. The expected bytes and hashes are literals produced once from
/// the released format; they are never recomputed by the code under test, so an upgrade of System.Text.Json or a
/// refactor that changes a byte fails here. If one of these tests fails, the format changed: existing trails would no
/// longer verify and existing acceptances would no longer match. Do not update a literal to make a test pass.
/// </summary>
public class CanonicalFormGoldenTests
{
    public static TheoryData<int> EventVectorIndexes => [.. Enumerable.Range(0, EventVectors.Length)];

    private static readonly EventVector[] EventVectors =
    [
        new(CanonicalFormInputs.Minimal(AuditEventKind.Decision), 1, AuditHashChain.GenesisHash,
            """{"sequence":1,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"Decision","action":"a.decision","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "540e36dbef7808fc9ee5c5d8b4aa7e961e60255fa1e01b52587fd839a886983a"),
        new(CanonicalFormInputs.Full(AuditEventKind.Decision), 101, CanonicalFormInputs.PreviousHash,
            """{"sequence":101,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"Decision","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "5042fc8386a24521f9d46ba2cc206501d700877ad7d25027371ffc3e27316bfd"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.ConsentFact), 2, AuditHashChain.GenesisHash,
            """{"sequence":2,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"ConsentFact","action":"a.consentfact","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "2031d7fa94d7627a872b0ea06d61f073fcd3d00c3a95c26063525387844e98d9"),
        new(CanonicalFormInputs.Full(AuditEventKind.ConsentFact), 102, CanonicalFormInputs.PreviousHash,
            """{"sequence":102,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"ConsentFact","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "fd5d336f92a4fb999f4ddd36fae8eb43b3745070f6d07825800b387515864316"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.PolicyAccepted), 3, AuditHashChain.GenesisHash,
            """{"sequence":3,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"PolicyAccepted","action":"a.policyaccepted","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "856eea3d24989922252f876058f57a91c2836ee0d4b6f507e1e37eb161b738f7"),
        new(CanonicalFormInputs.Full(AuditEventKind.PolicyAccepted), 103, CanonicalFormInputs.PreviousHash,
            """{"sequence":103,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"PolicyAccepted","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "fe96c627a8f9f3648124560814e573b5f91849e3a110fed92d4cde2f0b8a7c9c"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.Objection), 4, AuditHashChain.GenesisHash,
            """{"sequence":4,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"Objection","action":"a.objection","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "271974d86e9fe3de6614449ea4fbc5d516b0f0f3ff0f71d250698731e266ad76"),
        new(CanonicalFormInputs.Full(AuditEventKind.Objection), 104, CanonicalFormInputs.PreviousHash,
            """{"sequence":104,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"Objection","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "4ad3b0264c04db0efa5ec4436b855dcc08befe0b6efec785fae65ef32a99bfb6"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.Engagement), 5, AuditHashChain.GenesisHash,
            """{"sequence":5,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"Engagement","action":"a.engagement","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "d9aaf1192b22e783bffbac64e2d61b155f2be297431cf3e5a7120802d0d3d05d"),
        new(CanonicalFormInputs.Full(AuditEventKind.Engagement), 105, CanonicalFormInputs.PreviousHash,
            """{"sequence":105,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"Engagement","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "3e2e8322a4b08f5f6b33206b632ac09ab9431d0f5c22c9014c7b6f62ddd54c2d"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.Violation), 6, AuditHashChain.GenesisHash,
            """{"sequence":6,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"Violation","action":"a.violation","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "aecc7e9f60e7a6441ae648afce4c78cb8431aff67a3d9dbf3cd8a1328acd89d1"),
        new(CanonicalFormInputs.Full(AuditEventKind.Violation), 106, CanonicalFormInputs.PreviousHash,
            """{"sequence":106,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"Violation","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "ecb1fa6688e3e6cadecc093298a5ac51d3a5eab5591fc2724d945689a7fc362a"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.Sanction), 7, AuditHashChain.GenesisHash,
            """{"sequence":7,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"Sanction","action":"a.sanction","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "1e55e0e52745c9184c644df96db9720913eecd3946aa6b9e6c3b51829b797c29"),
        new(CanonicalFormInputs.Full(AuditEventKind.Sanction), 107, CanonicalFormInputs.PreviousHash,
            """{"sequence":107,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"Sanction","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "8c8506985fea96764f3ad1b27f185751ae518a5a0cd1751804b1b056d990adb8"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.SubjectRightsRequest), 8, AuditHashChain.GenesisHash,
            """{"sequence":8,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"SubjectRightsRequest","action":"a.subjectrightsrequest","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "4bab3d84e0d5d5e9d1d18f8e3233d62d61ecc4144bd44259670f390ba463bf0a"),
        new(CanonicalFormInputs.Full(AuditEventKind.SubjectRightsRequest), 108, CanonicalFormInputs.PreviousHash,
            """{"sequence":108,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"SubjectRightsRequest","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "5ea148bdba5590a5c941f1f37da7632d14e8cd63a1e39932acfb96a4e21b360c"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.PolicyPublished), 9, AuditHashChain.GenesisHash,
            """{"sequence":9,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"PolicyPublished","action":"a.policypublished","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "026464c3818064dab1a604c52031208b04ab92334dc5874b6fc0b9b3390fb9b0"),
        new(CanonicalFormInputs.Full(AuditEventKind.PolicyPublished), 109, CanonicalFormInputs.PreviousHash,
            """{"sequence":109,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"PolicyPublished","action":"decision.disclose","subjectPseudonym":"p-0123456789abcdef","actor":"service:orders","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["contact.email","contact.phone"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"Permit","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"corr-1","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "657d9778cc52c516121c8af9e3c7410f9607b7ece1d592b1125b778531f7f368"),
        new(CanonicalFormInputs.Awkward(), 7, CanonicalFormInputs.PreviousHash,
            """{"sequence":7,"timestamp":"2026-12-31T15:59:59.1234567Z","kind":"Decision","action":"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F !\u0022#$%\u0026\u0027()*\u002B,-./0123456789:;\u003C=\u003E?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\u0060abcdefghijklmnopqrstuvwxyz{|}~\u007F\u00E9\u4E2D\uD83D\uDE42\u2028\u2029\uFEFF\uFFFF\u00A0\u0085\u003C\u003E\u0026\u0027\u0022\u002B\u0060\\","subjectPseudonym":"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F !\u0022#$%\u0026\u0027()*\u002B,-./0123456789:;\u003C=\u003E?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\u0060abcdefghijklmnopqrstuvwxyz{|}~\u007F\u00E9\u4E2D\uD83D\uDE42\u2028\u2029\uFEFF\uFFFF\u00A0\u0085\u003C\u003E\u0026\u0027\u0022\u002B\u0060\\","actor":"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F !\u0022#$%\u0026\u0027()*\u002B,-./0123456789:;\u003C=\u003E?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\u0060abcdefghijklmnopqrstuvwxyz{|}~\u007F\u00E9\u4E2D\uD83D\uDE42\u2028\u2029\uFEFF\uFFFF\u00A0\u0085\u003C\u003E\u0026\u0027\u0022\u002B\u0060\\","recipient":"courier","recipientKind":"ServiceProvider","purpose":"service-provision","categories":["\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F !\u0022#$%\u0026\u0027()*\u002B,-./0123456789:;\u003C=\u003E?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\u0060abcdefghijklmnopqrstuvwxyz{|}~\u007F\u00E9\u4E2D\uD83D\uDE42\u2028\u2029\uFEFF\uFFFF\u00A0\u0085\u003C\u003E\u0026\u0027\u0022\u002B\u0060\\"],"permittedCategories":["contact.email"],"ground":"TransactionCounterparty","evidenceReferences":["order:42","contract:7"],"outcome":"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F !\u0022#$%\u0026\u0027()*\u002B,-./0123456789:;\u003C=\u003E?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\u0060abcdefghijklmnopqrstuvwxyz{|}~\u007F\u00E9\u4E2D\uD83D\uDE42\u2028\u2029\uFEFF\uFFFF\u00A0\u0085\u003C\u003E\u0026\u0027\u0022\u002B\u0060\\","reasons":["Permitted","CategoryWithheld"],"clauseIds":["disclose.transaction","collect.consent"],"obligations":["ReturnOrDelete:2027-01-30T00:00:00.0000000Z"],"policyVersion":"standard@1.0","recordId":"rec-1","correlationId":"\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000B\f\r\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F !\u0022#$%\u0026\u0027()*\u002B,-./0123456789:;\u003C=\u003E?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\u0060abcdefghijklmnopqrstuvwxyz{|}~\u007F\u00E9\u4E2D\uD83D\uDE42\u2028\u2029\uFEFF\uFFFF\u00A0\u0085\u003C\u003E\u0026\u0027\u0022\u002B\u0060\\","judgedAt":"2026-12-31T15:00:00.0000000Z","previousHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}""",
            "accaedd51d5ac413dea9536d4f376e8883b0f616a67526117bc7ef54c1442324"),
        new(CanonicalFormInputs.At(CanonicalFormInputs.ExtremeTimes[0]), 1000, AuditHashChain.GenesisHash,
            """{"sequence":1000,"timestamp":"0001-01-01T00:00:00.0000000Z","kind":"ConsentFact","action":"a.consentfact","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"judgedAt":"0001-01-01T00:00:00.0000000Z","previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "1226b6c3185305d9d4eac7a436d58ddd250b4c01414287903797d4afba3e3d5a"),
        new(CanonicalFormInputs.At(CanonicalFormInputs.ExtremeTimes[1]), 1001, AuditHashChain.GenesisHash,
            """{"sequence":1001,"timestamp":"9999-12-31T23:59:59.9999999Z","kind":"ConsentFact","action":"a.consentfact","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"judgedAt":"9999-12-31T23:59:59.9999999Z","previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "0736bdd25bba6d07d7b0fcda6c589308abf986804e0c445cbc77032c813df0c1"),
        new(CanonicalFormInputs.At(CanonicalFormInputs.ExtremeTimes[2]), 1002, AuditHashChain.GenesisHash,
            """{"sequence":1002,"timestamp":"0001-01-01T00:00:00.0000000Z","kind":"ConsentFact","action":"a.consentfact","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"judgedAt":"0001-01-01T00:00:00.0000000Z","previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "3457324773ff22b705930bef8d3fa2aacb75ab1009c8c2d63a2613e6bec4b315"),
        new(CanonicalFormInputs.At(CanonicalFormInputs.ExtremeTimes[3]), 1003, AuditHashChain.GenesisHash,
            """{"sequence":1003,"timestamp":"9999-12-31T23:59:59.9999999Z","kind":"ConsentFact","action":"a.consentfact","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"judgedAt":"9999-12-31T23:59:59.9999999Z","previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "bde2bc57fb91011198bf76bac588e8c127606b6c0ca3449e04e21a40ef27c664"),
        new(CanonicalFormInputs.At(CanonicalFormInputs.ExtremeTimes[4]), 1004, AuditHashChain.GenesisHash,
            """{"sequence":1004,"timestamp":"2024-03-01T00:29:59.0000001Z","kind":"ConsentFact","action":"a.consentfact","subjectPseudonym":null,"actor":null,"recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"judgedAt":"2024-03-01T00:29:59.0000001Z","previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "28264da985a0b2c713d33e5ec59a654b49c446db0c88b929b5ce8d42c3bf3bd8"),
        new(CanonicalFormInputs.Minimal(AuditEventKind.Decision) with { Actor = "a\uD800b\uDC00c" }, 2000, AuditHashChain.GenesisHash,
            """{"sequence":2000,"timestamp":"2026-03-04T05:06:07.0000001Z","kind":"Decision","action":"a.decision","subjectPseudonym":null,"actor":"a\uFFFDb\uFFFDc","recipient":null,"recipientKind":null,"purpose":null,"categories":[],"permittedCategories":[],"ground":null,"evidenceReferences":[],"outcome":null,"reasons":[],"clauseIds":[],"obligations":[],"policyVersion":null,"recordId":null,"correlationId":null,"previousHash":"0000000000000000000000000000000000000000000000000000000000000000"}""",
            "e347359c0d06177b40a0c4b76c1da1c1956753330e3f15e4609d0d8103d6cd7c"),
    ];

    [Fact]
    public void There_is_a_minimal_and_a_full_vector_for_every_event_kind()
    {
        foreach (var kind in Enum.GetValues<AuditEventKind>())
        {
            EventVectors.Should().Contain(v => v.Event.Kind == kind && v.Event.JudgedAt == null && v.Event.Actor == null, $"a minimal {kind} event is pinned");
            EventVectors.Should().Contain(v => v.Event.Kind == kind && v.Event.JudgedAt != null && v.Event.CorrelationId != null, $"a full {kind} event is pinned");
        }
    }

    [Theory]
    [MemberData(nameof(EventVectorIndexes))]
    public void An_event_has_the_pinned_canonical_json_and_hash(int index)
    {
        var vector = EventVectors[index];

        var sealedEvent = AuditHashChain.Seal(vector.Event, vector.Sequence, vector.PreviousHash);

        Encoding.ASCII.GetString(AuditHashChain.GetCanonicalJson(sealedEvent)).Should().Be(vector.Json);
        sealedEvent.Hash.Should().Be(vector.Hash);
        AuditHashChain.ComputeHash(vector.PreviousHash, sealedEvent).Should().Be(vector.Hash);
        AuditHashChain.Seal(vector.Event, vector.Sequence, vector.PreviousHash, AuditHashChain.GetBody(vector.Event)).Hash.Should().Be(vector.Hash);
        var line = StoredLine(vector);
        Encoding.ASCII.GetString(AuditHashChain.GetLine(sealedEvent)).Should().Be(line);
        sealedEvent.SealedLineBytes.Should().Equal(Encoding.ASCII.GetBytes(line));
    }

    [Theory]
    [MemberData(nameof(EventVectorIndexes))]
    public void A_stored_line_reads_back_to_the_pinned_hash(int index)
    {
        var vector = EventVectors[index];
        var line = StoredLine(vector);

        var parsed = AuditEventJson.ParseEvent(Encoding.ASCII.GetBytes(line));

        AuditHashChain.ComputeHash(vector.PreviousHash, parsed).Should().Be(vector.Hash);
    }

    [Fact]
    public void The_hash_is_sha256_of_the_previous_hash_bytes_and_the_pinned_json()
    {
        // Independent of the code under test: the chain rule over the pinned bytes.
        foreach (var vector in EventVectors)
        {
            var hashed = SHA256.HashData([.. Convert.FromHexString(vector.PreviousHash), .. Encoding.ASCII.GetBytes(vector.Json)]);
            Convert.ToHexStringLower(hashed).Should().Be(vector.Hash);
        }
    }

    [Fact]
    public void A_checkpoint_has_the_pinned_payload_and_hash()
    {
        var checkpoint = new AuditCheckpoint(42, CanonicalFormInputs.PreviousHash, CanonicalFormInputs.ExtremeTimes[3], "key-\u00E9")
        {
            PreviousCheckpointHash = AuditHashChain.GenesisHash,
        };

        Encoding.ASCII.GetString(AuditHashChain.GetCheckpointPayload(checkpoint)).Should().Be(
            """{"size":42,"headHash":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","createdAt":"9999-12-31T23:59:59.9999999Z","previousCheckpointHash":"0000000000000000000000000000000000000000000000000000000000000000","keyId":"key-\u00E9"}""");
        AuditHashChain.GetCheckpointHash(checkpoint).Should().Be("b1117066daff5a3802acc6f55b6053406d5acf805a2ee95134127b053d0b38ea");
    }

    [Fact]
    public void The_standard_policy_has_the_pinned_content_hash()
    {
        // Moved from b5abf044d8a7e967d8ac8e56879399db43c6af624dca837733ad4ffc543a02cd (13991 bytes) when the taxonomy took the fideslang keys and purposes their data
        // uses: the version stays 1.0 because the published text subjects accept is unchanged (docs/policies.md).
        StandardPolicy.Published.Version.ContentHash.Should().Be("20b421ba18d1431270680aae9a1191eaff5dbb5905f0caa5e54af42271a28f96");
        PolicyDocumentSerializer.ComputeContentHash(StandardPolicy.Published.Document).Should().Be("20b421ba18d1431270680aae9a1191eaff5dbb5905f0caa5e54af42271a28f96");
        Encoding.UTF8.GetByteCount(PolicyDocumentSerializer.Serialize(StandardPolicy.Published.Document)).Should().Be(17642);
    }

    [Fact]
    public void A_small_document_has_the_pinned_canonical_json_and_content_hash()
    {
        var document = PolicyDocumentSerializer.Deserialize(CanonicalFormInputs.SmallPolicy);

        PolicyDocumentSerializer.Serialize(document).Should().Be(
            """{"id":"acme","version":"1.2","publishedAt":"2025-06-30T12:34:56.789+08:00","title":"Acm\u00E9 \u003CPrivacy\u003E \u0026 \u0022Terms\u0022 \u9690\u79C1\u653F\u7B56 \u2028 \uD83D\uDE42","language":"zh-CN","clauses":[{"id":"collect.consent","text":"We ask first; \u0027always\u0027 \u002B \u0060never\u0060 \\ \t."}],"categories":[{"id":"user","flags":[]},{"id":"user.contact","flags":["identifying","contact-capable"]}],"purposes":[{"id":"service-provision","basis":"acceptance","objectable":false}],"recipients":[{"id":"courier","kind":"service-provider"}],"services":[],"grounds":[],"rules":[{"clause":"collect.consent","kind":"require-consent-to-collect","purposes":["service-provision"],"categories":["user.contact"],"categoryFlags":[],"recipientKinds":[],"transferKinds":[],"acts":[]}]}""");
        PolicyDocumentSerializer.ComputeContentHash(document).Should().Be("e19d5cf34f3398efa76a17c7b67721405490ad4ffb5f9d5e0aa543a798d9a43e");
    }

    [Fact]
    public void A_published_small_document_is_hashed_in_utc()
    {
        var published = PolicyDocumentSerializer.Load(CanonicalFormInputs.SmallPolicy);

        PolicyDocumentSerializer.Serialize(published.Document).Should().Be(
            """{"id":"acme","version":"1.2","publishedAt":"2025-06-30T04:34:56.789+00:00","title":"Acm\u00E9 \u003CPrivacy\u003E \u0026 \u0022Terms\u0022 \u9690\u79C1\u653F\u7B56 \u2028 \uD83D\uDE42","language":"zh-CN","clauses":[{"id":"collect.consent","text":"We ask first; \u0027always\u0027 \u002B \u0060never\u0060 \\ \t."}],"categories":[{"id":"user","flags":[]},{"id":"user.contact","flags":["identifying","contact-capable"]}],"purposes":[{"id":"service-provision","basis":"acceptance","objectable":false}],"recipients":[{"id":"courier","kind":"service-provider"}],"services":[],"grounds":[],"rules":[{"clause":"collect.consent","kind":"require-consent-to-collect","purposes":["service-provision"],"categories":["user.contact"],"categoryFlags":[],"recipientKinds":[],"transferKinds":[],"acts":[]}]}""");
        published.Version.ContentHash.Should().Be("5fdce3d3ba09ab929a2a817d1f1ec60239a4f12fc114f8b82c65337796b70821");
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(
            """{"id":"acme","version":"1.2","publishedAt":"2025-06-30T04:34:56.789+00:00","title":"Acm\u00E9 \u003CPrivacy\u003E \u0026 \u0022Terms\u0022 \u9690\u79C1\u653F\u7B56 \u2028 \uD83D\uDE42","language":"zh-CN","clauses":[{"id":"collect.consent","text":"We ask first; \u0027always\u0027 \u002B \u0060never\u0060 \\ \t."}],"categories":[{"id":"user","flags":[]},{"id":"user.contact","flags":["identifying","contact-capable"]}],"purposes":[{"id":"service-provision","basis":"acceptance","objectable":false}],"recipients":[{"id":"courier","kind":"service-provider"}],"services":[],"grounds":[],"rules":[{"clause":"collect.consent","kind":"require-consent-to-collect","purposes":["service-provision"],"categories":["user.contact"],"categoryFlags":[],"recipientKinds":[],"transferKinds":[],"acts":[]}]}"""))).Should().Be("5fdce3d3ba09ab929a2a817d1f1ec60239a4f12fc114f8b82c65337796b70821");
    }

    // A stored line is the canonical JSON with the hash as its last member.
    private static string StoredLine(EventVector vector) => vector.Json[..^1] + ",\"hash\":\"" + vector.Hash + "\"}";

    private sealed record EventVector(AuditEvent Event, long Sequence, string PreviousHash, string Json, string Hash);
}
