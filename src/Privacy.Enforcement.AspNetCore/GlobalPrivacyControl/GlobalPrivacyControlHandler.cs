using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// Global Privacy Control (<c>Sec-GPC: 1</c>). From a signed-in subject that has never said anything about a GPC
/// purpose, the signal records an objection once (the library's objection fact, plus an audit event naming the
/// signal as its source). A subject that already objects is left as it is (idempotent). A subject that lifted an
/// objection (an explicit opt-in) keeps its opt-in: the signal does not override it, and the conflict is recorded in
/// the audit trail. For any request, signed in or not, a sale or share disclosure is refused.
/// </summary>
internal sealed class GlobalPrivacyControlHandler(
    IObjectionService objections,
    IAcceptanceStore acceptances,
    IAuditTrail audit,
    IPseudonymStore pseudonyms,
    TimeProvider time,
    IOptions<PrivacyWebOptions> options)
{
    /// <summary>The request header of the signal.</summary>
    public const string HeaderName = "Sec-GPC";

    /// <summary>The source recorded with an objection the signal raised.</summary>
    public const string Source = "sec-gpc";

    private static readonly TimeSpan SettledFor = TimeSpan.FromMinutes(1);
    private const int MaxRemembered = 10_000;

    private readonly PurposeId[] _purposes = [.. options.Value.GlobalPrivacyControlPurposes.Select(static p => new PurposeId(p))];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _settled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _conflictsRecorded = new(StringComparer.Ordinal);

    public bool Enabled { get; } = options.Value.HonorGlobalPrivacyControl;

    /// <summary>Whether the request carries the signal: the header's value is exactly <c>1</c> (GPC specification, section 3.1).</summary>
    public static bool IsPresent(HttpRequest request) =>
        request.Headers.TryGetValue(HeaderName, out var values) && values.Count == 1 && string.Equals(values[0]?.Trim(), "1", StringComparison.Ordinal);

    /// <summary>A sale (sell, rent, trade) or a share with a partner or an unrelated third party.</summary>
    public static bool IsSaleOrShare(PrivacyRequirement requirement) =>
        requirement.Act == ProcessingAct.Disclose &&
        (requirement.TransferKind != TransferKind.Share ||
         requirement.Recipient!.Value.Kind is RecipientKind.Partner or RecipientKind.UnrelatedThirdParty);

    /// <summary>Records the signal's objections for <paramref name="subject"/> where it has said nothing yet.</summary>
    public async ValueTask ApplyAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_settled.TryGetValue(subject.Value, out var until) && until > now)
        {
            return;
        }

        var latest = new Dictionary<PurposeId, ObjectionFact>();
        await foreach (var fact in acceptances.GetObjectionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            if (!latest.TryGetValue(fact.Purpose, out var seen) || fact.RecordedAt >= seen.RecordedAt)
            {
                latest[fact.Purpose] = fact;
            }
        }

        foreach (var purpose in _purposes)
        {
            if (!latest.TryGetValue(purpose, out var fact))
            {
                await objections.ObjectAsync(subject, purpose, cancellationToken).ConfigureAwait(false);
                await RecordAsync(subject, purpose, "objection.signal", cancellationToken).ConfigureAwait(false);
            }
            else if (fact.State == ObjectionState.Lifted)
            {
                // The subject's explicit opt-in stands; the signal that contradicts it is recorded once per opt-in.
                var key = $"{subject.Value}\n{purpose.Value}\n{fact.RecordedAt.UtcTicks}";
                if (_conflictsRecorded.TryAdd(key, 0))
                {
                    TrimIfFull(_conflictsRecorded);
                    await RecordAsync(subject, purpose, "objection.signal-conflict", cancellationToken).ConfigureAwait(false);
                }
            }
        }

        TrimIfFull(_settled);
        _settled[subject.Value] = now + SettledFor;
    }

    /// <summary>Forgets what is cached for <paramref name="subject"/> (after it raised or lifted an objection itself).</summary>
    public void Forget(SubjectId subject) => _settled.TryRemove(subject.Value, out _);

    /// <summary>Records a refused sale or share in the audit trail.</summary>
    public async ValueTask RecordRefusalAsync(SubjectId? subject, PrivacyRequirement requirement, string? policyVersion, CancellationToken cancellationToken)
    {
        var pseudonym = subject is { } s ? await pseudonyms.GetOrCreateAsync(s, cancellationToken).ConfigureAwait(false) : null;
        await audit.RecordAsync(new AuditEvent
        {
            Timestamp = time.GetUtcNow(),
            Kind = AuditEventKind.Decision,
            Action = "decision.disclose",
            SubjectPseudonym = pseudonym,
            Recipient = requirement.Recipient?.Id.Value,
            RecipientKind = requirement.Recipient?.Kind.ToString(),
            Purpose = requirement.Purpose.Value,
            Categories = [.. requirement.Categories.Select(static c => c.Value)],
            Outcome = nameof(DecisionOutcome.Deny),
            Reasons = [PrivacyProblemTypes.GlobalPrivacyControl],
            EvidenceReferences = [Source],
            PolicyVersion = policyVersion,
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RecordAsync(SubjectId subject, PurposeId purpose, string action, CancellationToken cancellationToken)
    {
        var pseudonym = await pseudonyms.GetOrCreateAsync(subject, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(new AuditEvent
        {
            Timestamp = time.GetUtcNow(),
            Kind = AuditEventKind.Objection,
            Action = action,
            SubjectPseudonym = pseudonym,
            Purpose = purpose.Value,
            EvidenceReferences = [Source],
        }, cancellationToken).ConfigureAwait(false);
    }

    private static void TrimIfFull<TValue>(ConcurrentDictionary<string, TValue> map)
    {
        if (map.Count >= MaxRemembered)
        {
            map.Clear();
        }
    }
}
