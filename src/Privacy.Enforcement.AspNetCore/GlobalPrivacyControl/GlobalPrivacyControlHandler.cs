using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// Global Privacy Control (<c>Sec-GPC: 1</c>). From a signed-in subject, the signal objects to each configured purpose
/// once, its source recorded: a purpose the policy lets subjects object to gets the library's objection fact (left
/// alone if the subject already objects), and every purpose gets an <c>objection.signal</c> audit event naming
/// <c>sec-gpc</c> (found in the trail before it is written again, so it is recorded once across restarts). An explicit
/// opt-in (a lifted objection, or a consent given for the purpose) is kept, not overridden; the conflict is recorded
/// (<c>objection.signal-conflict</c>, once per opt-in). For any request, signed in or not, a sale or share is refused.
/// </summary>
internal sealed class GlobalPrivacyControlHandler(
    IObjectionService objections,
    IConsentService consents,
    IAcceptanceStore acceptances,
    IPolicyProvider policies,
    IAuditTrail audit,
    IPseudonymStore pseudonyms,
    TimeProvider time,
    IOptions<PrivacyWebOptions> options,
    IAuditTrailQuery? trailQuery = null)
{
    /// <summary>The request header of the signal.</summary>
    public const string HeaderName = "Sec-GPC";

    /// <summary>The source recorded with an objection the signal raised.</summary>
    public const string Source = "sec-gpc";

    /// <summary>The audit action of an objection the signal recorded.</summary>
    public const string SignalAction = "objection.signal";

    /// <summary>The audit action of a signal that contradicts the subject's explicit opt-in (which is kept).</summary>
    public const string ConflictAction = "objection.signal-conflict";

    private static readonly TimeSpan SettledFor = TimeSpan.FromMinutes(1);
    private const int MaxRemembered = 10_000;

    private readonly PurposeId[] _purposes = [.. options.Value.GlobalPrivacyControlPurposes.Select(static p => new PurposeId(p))];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _settled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _recordedHere = new(StringComparer.Ordinal);

    public bool Enabled { get; } = options.Value.HonorGlobalPrivacyControl;

    /// <summary>Whether the request carries the signal: the header's value is exactly <c>1</c> (GPC specification, section 3.1).</summary>
    public static bool IsPresent(HttpRequest request) =>
        request.Headers.TryGetValue(HeaderName, out var values) && values.Count == 1 && string.Equals(values[0]?.Trim(), "1", StringComparison.Ordinal);

    /// <summary>A sale (sell, rent, trade) or a share with a partner or an unrelated third party.</summary>
    public static bool IsSaleOrShare(PrivacyRequirement requirement) =>
        requirement.Act == ProcessingAct.Disclose &&
        (requirement.TransferKind != TransferKind.Share ||
         requirement.Recipient!.Value.Kind is RecipientKind.Partner or RecipientKind.UnrelatedThirdParty);

    /// <summary>Records the signal for <paramref name="subject"/> where it has not been recorded yet.</summary>
    public async ValueTask ApplyAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_settled.TryGetValue(subject.Value, out var until) && until > now)
        {
            return;
        }

        var recorded = await RecordedAsync(subject, cancellationToken).ConfigureAwait(false);
        var latest = new Dictionary<PurposeId, ObjectionFact>();
        await foreach (var fact in acceptances.GetObjectionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            if (!latest.TryGetValue(fact.Purpose, out var seen) || fact.RecordedAt >= seen.RecordedAt)
            {
                latest[fact.Purpose] = fact;
            }
        }

        IReadOnlyList<ConsentStatus>? consentStatuses = null;
        var policy = policies.Current;
        foreach (var purpose in _purposes)
        {
            var definition = FindPurpose(policy, purpose);
            if (definition is null)
            {
                continue;
            }

            if (definition.Objectable)
            {
                // A purpose the subject may object to: the signal raises the objection, once.
                if (!latest.TryGetValue(purpose, out var fact))
                {
                    await objections.ObjectAsync(subject, purpose, cancellationToken).ConfigureAwait(false);
                    await RecordAsync(subject, purpose, SignalAction, Source, recorded, cancellationToken).ConfigureAwait(false);
                }
                else if (fact.State == ObjectionState.Lifted)
                {
                    // The subject's explicit opt-in (a lifted objection) stands; the contradicting signal is recorded once per opt-in.
                    await RecordAsync(subject, purpose, ConflictAction, $"objection-lifted:{fact.RecordedAt.UtcTicks}", recorded, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            // A consent-based purpose (partner marketing in the standard policy): there is nothing to object to without a
            // consent, and every signalled sale or share is refused; the objection is the signal's record in the trail.
            await RecordAsync(subject, purpose, SignalAction, Source, recorded, cancellationToken).ConfigureAwait(false);
            consentStatuses ??= await consents.GetStatusesAsync(subject, null, cancellationToken).ConfigureAwait(false);
            foreach (var status in consentStatuses)
            {
                if (status.IsGiven && status.Terms is { } terms && terms.Purposes.Contains(purpose))
                {
                    // The subject's explicit consent is kept, not withdrawn by the signal; the conflict is recorded once per consent.
                    await RecordAsync(subject, purpose, ConflictAction, $"consent:{status.ConsentId.Value}:{status.GivenAt?.UtcTicks}", recorded, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The signal's records already in the trail for the subject (durable idempotence across restarts and instances).</summary>
    private async ValueTask<HashSet<string>> RecordedAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var pseudonym = await pseudonyms.FindAsync(subject, cancellationToken).ConfigureAwait(false);
        if (pseudonym is null)
        {
            return keys;
        }

        if (trailQuery is not null)
        {
            await foreach (var recorded in trailQuery.QueryAsync(new AuditQuery { SubjectPseudonym = pseudonym, Kind = AuditEventKind.Objection }, cancellationToken).ConfigureAwait(false))
            {
                if (recorded.Action is SignalAction or ConflictAction && recorded.EvidenceReferences.Count > 0)
                {
                    keys.Add(Key(pseudonym, recorded.Purpose, recorded.Action, recorded.EvidenceReferences[^1]));
                }
            }
        }

        return keys;
    }

    private async ValueTask RecordAsync(SubjectId subject, PurposeId purpose, string action, string reference, HashSet<string> recorded, CancellationToken cancellationToken)
    {
        var pseudonym = await pseudonyms.GetOrCreateAsync(subject, cancellationToken).ConfigureAwait(false);
        var key = Key(pseudonym, purpose.Value, action, reference);

        // The trail says what was recorded before; the set covers events still queued (asynchronous audit) in this instance.
        if (recorded.Contains(key) || !_recordedHere.TryAdd(key, 0))
        {
            return;
        }

        TrimIfFull(_recordedHere);
        await audit.RecordAsync(new AuditEvent
        {
            Timestamp = time.GetUtcNow(),
            Kind = AuditEventKind.Objection,
            Action = action,
            SubjectPseudonym = pseudonym,
            Purpose = purpose.Value,
            EvidenceReferences = reference == Source ? [Source] : [Source, reference],
        }, cancellationToken).ConfigureAwait(false);
    }

    private static PurposeDefinition? FindPurpose(PublishedPolicy policy, PurposeId purpose)
    {
        foreach (var definition in policy.Document.Purposes)
        {
            if (string.Equals(definition.Id, purpose.Value, StringComparison.Ordinal))
            {
                return definition;
            }
        }

        return null;
    }

    private static string Key(string pseudonym, string? purpose, string action, string reference) => $"{pseudonym}\n{purpose}\n{action}\n{reference}";

    private static void TrimIfFull<TValue>(ConcurrentDictionary<string, TValue> map)
    {
        if (map.Count >= MaxRemembered)
        {
            map.Clear();
        }
    }
}
