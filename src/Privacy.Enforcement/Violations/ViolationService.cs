using System.Runtime.CompilerServices;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Violations;

/// <summary>The default <see cref="IViolationService"/>: validates, stores, audits and invalidates the violator's cached state.</summary>
internal sealed class ViolationService : IViolationService
{
    private const string RetentionReason =
        "Records of a subject's violations and of the measures taken against it are outside the privacy policy and are not erased on request.";

    private readonly IViolationStore _store;
    private readonly IPolicyProvider _policy;
    private readonly TimeProvider _time;
    private readonly RecordAudit _audit;
    private readonly ISubjectStateCache? _cache;
    private readonly IEngagementStore? _engagementStore;
    private readonly IEngagementService? _engagements;

    public ViolationService(
        IViolationStore store,
        IPolicyProvider policy,
        TimeProvider time,
        RecordAudit audit,
        ISubjectStateCache? cache = null,
        IEngagementStore? engagementStore = null,
        IEngagementService? engagements = null)
    {
        _store = store;
        _policy = policy;
        _time = time;
        _audit = audit;
        _cache = cache;
        _engagementStore = engagementStore;
        _engagements = engagements;
    }

    /// <inheritdoc />
    public async ValueTask<Violation> ReportAsync(ViolationReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var violation = Validate(report, _time.GetUtcNow());

        // Audit before effect: if the trail refuses the event nothing is stored; if the store refuses the record, a
        // compensating event follows.
        await _audit.RecordThenStoreAsync(Event("violation.reported", violation), AuditedSubject(violation), ct => _store.CreateAsync(violation, ct), cancellationToken).ConfigureAwait(false);
        _cache?.Invalidate(violation.Violator);
        return violation;
    }

    /// <inheritdoc />
    public ValueTask<Violation> ReportHarvestingAsync(PrivacyRequest request, string evidenceReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var thirdParty = request.Actor.Kind == ActorKind.ThirdParty;
        if (!(thirdParty || request.Actor.Kind is ActorKind.User or ActorKind.Subject) || request.Actor.IsActingFor(request.Subject))
        {
            throw new ArgumentException(
                $"{nameof(PrivacyRequest.Actor)} must be a user or a third party acting on another subject's information to be reported as harvesting ({ClauseIds.UseNoFreeHarvesting}); it is {request.Actor.Kind}.",
                nameof(request));
        }

        if (!SubjectId.TryCreate(request.Actor.Id.Value, out var violator))
        {
            throw new ArgumentException($"{nameof(PrivacyRequest.Actor)} has no id that can be recorded as a violator ({ClauseIds.UseNoFreeHarvesting}).", nameof(request));
        }

        // use.no-free-harvesting: selling, renting or trading is trading; collecting, editing or disseminating is harvesting.
        var kind = request is DisclosureRequest { TransferKind: not TransferKind.Share } ? ViolationKind.Trading : ViolationKind.Harvesting;
        return ReportAsync(
            new ViolationReport
            {
                Kind = kind,
                Violator = violator,
                ViolatorKind = thirdParty ? ViolatorKind.ThirdParty : ViolatorKind.User,
                EvidenceReference = evidenceReference,
                AffectedSubjects = [request.Subject],
                RelevantCategories = request.Categories,
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<Violation> ConfirmAsync(ViolationId id, CancellationToken cancellationToken) =>
        DecideAsync(id, ViolationStatus.Confirmed, "violation.confirmed", cancellationToken);

    /// <inheritdoc />
    public ValueTask<Violation> DismissAsync(ViolationId id, CancellationToken cancellationToken) =>
        DecideAsync(id, ViolationStatus.Dismissed, "violation.dismissed", cancellationToken);

    /// <inheritdoc />
    public async ValueTask<Sanction> TerminateServiceAgreementAsync(ViolationId id, CancellationToken cancellationToken)
    {
        var violation = await FindExistingAsync(id, cancellationToken).ConfigureAwait(false);
        if (violation.Status != ViolationStatus.Confirmed)
        {
            throw new InvalidOperationException(
                $"Violation {id} is {violation.Status}; only a confirmed violation lets the application terminate the service agreement ({ClauseIds.UseViolatorTermination}).");
        }

        if (violation.Kind is not (ViolationKind.Harvesting or ViolationKind.Trading))
        {
            throw new InvalidOperationException(
                $"Violation {id} is of kind {violation.Kind}; termination of the service agreement answers harvesting or trading ({ClauseIds.UseNoFreeHarvesting}, {ClauseIds.UseViolatorTermination}).");
        }

        // A third party's agreement with the application is its engagements: they are what is terminated.
        var thirdParty = violation.ViolatorKind == ViolatorKind.ThirdParty;
        var kind = thirdParty ? SanctionKind.EngagementsTerminated : SanctionKind.ServiceAgreementTerminated;
        Sanction? sanction = null;
        await foreach (var existing in _store.GetSanctionsAsync(violation.Violator, cancellationToken).ConfigureAwait(false))
        {
            if (existing.Violation == id && existing.Kind == kind)
            {
                sanction = existing;
                break;
            }
        }

        if (sanction is null)
        {
            var imposed = new Sanction(violation.Violator, id, kind, _time.GetUtcNow());
            await _audit.RecordThenStoreAsync(
                new AuditEvent
                {
                    Timestamp = imposed.ImposedAt,
                    Kind = AuditEventKind.Sanction,
                    Action = thirdParty ? "sanction.engagements-terminated" : "sanction.service-agreement-terminated",
                    Recipient = thirdParty ? violation.Violator.Value : null,
                    ClauseIds = thirdParty
                        ? [ClauseIds.UseViolatorTermination, ClauseIds.UseThirdPartyServiceEnd, ClauseIds.CollectExemptViolations]
                        : [ClauseIds.UseViolatorTermination, ClauseIds.CollectExemptViolations],
                    RecordId = id.ToString(),
                },
                AuditedSubject(violation),
                ct => _store.AddSanctionAsync(imposed, ct),
                cancellationToken).ConfigureAwait(false);
            sanction = imposed;
        }

        // use.violator-termination: the very next decision acting for this user or third party must see the sanction.
        _cache?.Invalidate(violation.Violator);

        // A retry after a failure part-way finishes the terminations: the sanction is recorded first, so every request
        // acting for the third party is denied meanwhile.
        if (thirdParty)
        {
            await TerminateEngagementsAsync(new RecipientId(violation.Violator.Value), id, cancellationToken).ConfigureAwait(false);
        }

        return sanction;
    }

    /// <inheritdoc />
    public ValueTask<Violation?> FindAsync(ViolationId id, CancellationToken cancellationToken) => _store.FindAsync(id, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> IsServiceAgreementTerminatedAsync(SubjectId user, CancellationToken cancellationToken)
    {
        await foreach (var sanction in _store.GetSanctionsAsync(user, cancellationToken).ConfigureAwait(false))
        {
            if (sanction.Kind == SanctionKind.ServiceAgreementTerminated && sanction.ImposedAt <= _time.GetUtcNow())
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<RetainedRecord> GetRetainedRecordsAsync(SubjectId subject, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A third party's records are not a subject's, even when its recipient id reads as this subject's id.
        var clause = new ClauseId(ClauseIds.CollectExemptViolations);
        await foreach (var violation in _store.GetByViolatorAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            if (violation.ViolatorKind != ViolatorKind.User)
            {
                continue;
            }

            yield return new RetainedRecord(RetainedRecordKind.Violation, violation.Id.ToString(), clause, RetentionReason, violation.ReportedAt);
        }

        await foreach (var sanction in _store.GetSanctionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            if (sanction.Kind != SanctionKind.ServiceAgreementTerminated)
            {
                continue;
            }

            yield return new RetainedRecord(RetainedRecordKind.Sanction, sanction.Violation.ToString(), clause, RetentionReason, sanction.ImposedAt);
        }
    }

    private async ValueTask<Violation> DecideAsync(ViolationId id, ViolationStatus status, string action, CancellationToken cancellationToken)
    {
        var current = await FindExistingAsync(id, cancellationToken).ConfigureAwait(false);
        if (current.Status != ViolationStatus.Reported)
        {
            throw new InvalidOperationException(
                $"Violation {id} is already {current.Status}; only a reported violation can be confirmed or dismissed.");
        }

        var decided = current with { Status = status, DecidedAt = _time.GetUtcNow() };
        if (!await _store.TryUpdateAsync(current, decided, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Violation {id} changed while it was being decided; read it again.");
        }

        try
        {
            await _audit.RecordAsync(Event(action, decided), AuditedSubject(decided), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // No decision stands unaudited.
            await _store.TryUpdateAsync(decided, current, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        _cache?.Invalidate(decided.Violator);
        return decided;
    }

    private Violation Validate(ViolationReport report, DateTimeOffset now)
    {
        if (!Enum.IsDefined(report.Kind))
        {
            throw PolicyLookup.Invalid(nameof(ViolationReport.Kind), $"{nameof(ViolationReport.Kind)} {(int)report.Kind} is not a known violation kind.");
        }

        if (report.Violator.IsEmpty)
        {
            throw PolicyLookup.Invalid(nameof(ViolationReport.Violator), $"{nameof(ViolationReport.Violator)} is required.");
        }

        if (!Enum.IsDefined(report.ViolatorKind))
        {
            throw PolicyLookup.Invalid(nameof(ViolationReport.ViolatorKind), $"{nameof(ViolationReport.ViolatorKind)} {(int)report.ViolatorKind} is not a known kind of violator.");
        }

        var thirdParty = report.ViolatorKind == ViolatorKind.ThirdParty;
        if (thirdParty && report.Kind is not (ViolationKind.Harvesting or ViolationKind.Trading))
        {
            throw PolicyLookup.Invalid(
                nameof(ViolationReport.ViolatorKind),
                $"A third party can be reported for harvesting or trading ({ClauseIds.UseNoFreeHarvesting}); {report.Kind} concerns a user ({ClauseIds.DiscloseUserViolation}).");
        }

        var evidence = PolicyLookup.ValidateText(report.EvidenceReference, nameof(ViolationReport.EvidenceReference));
        var harvesting = report.Kind is ViolationKind.Harvesting or ViolationKind.Trading;
        var clause = harvesting ? ClauseIds.UseNoFreeHarvesting : ClauseIds.DiscloseUserViolation;

        var affected = new List<SubjectId>();
        foreach (var subject in report.AffectedSubjects ?? [])
        {
            if (subject.IsEmpty)
            {
                throw PolicyLookup.Invalid(nameof(ViolationReport.AffectedSubjects), $"{nameof(ViolationReport.AffectedSubjects)} contains an empty subject id.");
            }

            if (harvesting && !thirdParty && subject == report.Violator)
            {
                throw PolicyLookup.Invalid(nameof(ViolationReport.AffectedSubjects), $"{nameof(ViolationReport.AffectedSubjects)} contains the violator; harvesting and trading concern other subjects' information ({clause}).");
            }

            if (!affected.Contains(subject))
            {
                affected.Add(subject);
            }
        }

        if (harvesting && affected.Count == 0)
        {
            throw PolicyLookup.Invalid(nameof(ViolationReport.AffectedSubjects), $"{nameof(ViolationReport.AffectedSubjects)} must name at least one subject whose information was harvested or traded ({clause}).");
        }

        var categories = _policy.Current.ValidateCategories(report.RelevantCategories, nameof(ViolationReport.RelevantCategories), clause, allowEmpty: true);
        return new Violation
        {
            Id = ViolationId.New(),
            Kind = report.Kind,
            Violator = report.Violator,
            ViolatorKind = report.ViolatorKind,
            EvidenceReference = evidence,
            AffectedSubjects = [.. affected],
            RelevantCategories = categories,
            Status = ViolationStatus.Reported,
            ReportedAt = now,
        };
    }

    /// <summary>
    /// Ends every engagement of a sanctioned third party that has not ended, those not yet started included; each
    /// emits its return-or-delete obligation (<c>use.third-party.service-end</c>).
    /// </summary>
    private async ValueTask TerminateEngagementsAsync(RecipientId provider, ViolationId id, CancellationToken cancellationToken)
    {
        if (_engagementStore is null || _engagements is null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var live = new List<EngagementId>();
        await foreach (var engagement in _engagementStore.GetByProviderAsync(provider, cancellationToken).ConfigureAwait(false))
        {
            if (engagement.EffectiveEnd is not { } end || end > now)
            {
                live.Add(engagement.Id);
            }
        }

        var reason = $"Violation {id}: the third party's engagements are terminated ({ClauseIds.UseViolatorTermination}).";
        foreach (var engagement in live)
        {
            try
            {
                await _engagements.TerminateAsync(engagement, reason, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Ended meanwhile (its end passed, or another instance terminated it): nothing left to do; otherwise the failure stands.
                if (!await HasEndedAsync(engagement, cancellationToken).ConfigureAwait(false))
                {
                    throw;
                }
            }
        }
    }

    private async ValueTask<bool> HasEndedAsync(EngagementId id, CancellationToken cancellationToken) =>
        await _engagementStore!.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { EffectiveEnd: { } end } || end <= _time.GetUtcNow();

    /// <summary>A user's events name it by pseudonym; a third party is not a data subject and is named as the recipient instead.</summary>
    private static SubjectId? AuditedSubject(Violation violation) =>
        violation.ViolatorKind == ViolatorKind.User ? violation.Violator : null;

    private async ValueTask<Violation> FindExistingAsync(ViolationId id, CancellationToken cancellationToken) =>
        await _store.FindAsync(id, cancellationToken).ConfigureAwait(false)
        ?? throw new ArgumentException($"No violation with id {id} exists.", nameof(id));

    private static AuditEvent Event(string action, Violation violation) => new()
    {
        Timestamp = default,
        Kind = AuditEventKind.Violation,
        Action = action,
        Categories = [.. violation.RelevantCategories.Select(c => c.Value)],
        EvidenceReferences = [violation.EvidenceReference],
        ClauseIds = violation.Kind is ViolationKind.Harvesting or ViolationKind.Trading
            ? [ClauseIds.UseNoFreeHarvesting, ClauseIds.CollectExemptViolations]
            : [ClauseIds.DiscloseUserViolation, ClauseIds.CollectExemptViolations],
        Outcome = violation.Status.ToString(),
        RecordId = violation.Id.ToString(),
        Recipient = violation.ViolatorKind == ViolatorKind.ThirdParty ? violation.Violator.Value : null,
    };
}
