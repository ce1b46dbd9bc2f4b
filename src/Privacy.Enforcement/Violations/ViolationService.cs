using System.Runtime.CompilerServices;

namespace Privacy.Enforcement;

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

    public ViolationService(IViolationStore store, IPolicyProvider policy, TimeProvider time, RecordAudit audit, ISubjectStateCache? cache = null)
    {
        _store = store;
        _policy = policy;
        _time = time;
        _audit = audit;
        _cache = cache;
    }

    /// <inheritdoc />
    public async ValueTask<Violation> ReportAsync(ViolationReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var violation = Validate(report, _time.GetUtcNow());

        // Audit before effect: if the trail refuses the event nothing is stored; if the store refuses the record, a
        // compensating event follows.
        await _audit.RecordThenStoreAsync(Event("violation.reported", violation), violation.Violator, ct => _store.CreateAsync(violation, ct), cancellationToken).ConfigureAwait(false);
        _cache?.Invalidate(violation.Violator);
        return violation;
    }

    /// <inheritdoc />
    public ValueTask<Violation> ReportHarvestingAsync(PrivacyRequest request, string evidenceReference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Actor.Kind is not (ActorKind.User or ActorKind.Subject) || request.Actor.IsActingFor(request.Subject))
        {
            throw new ArgumentException(
                $"{nameof(PrivacyRequest.Actor)} must be a user acting on another subject's information to be reported as harvesting ({ClauseIds.UseNoFreeHarvesting}); it is {request.Actor.Kind}.",
                nameof(request));
        }

        // use.no-free-harvesting: selling, renting or trading is trading; collecting, editing or disseminating is harvesting.
        var kind = request is DisclosureRequest { TransferKind: not TransferKind.Share } ? ViolationKind.Trading : ViolationKind.Harvesting;
        return ReportAsync(
            new ViolationReport
            {
                Kind = kind,
                Violator = new SubjectId(request.Actor.Id.Value),
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

        await foreach (var existing in _store.GetSanctionsAsync(violation.Violator, cancellationToken).ConfigureAwait(false))
        {
            if (existing.Violation == id && existing.Kind == SanctionKind.ServiceAgreementTerminated)
            {
                return existing;
            }
        }

        var sanction = new Sanction(violation.Violator, id, SanctionKind.ServiceAgreementTerminated, _time.GetUtcNow());
        await _audit.RecordThenStoreAsync(
            new AuditEvent
            {
                Timestamp = sanction.ImposedAt,
                Kind = AuditEventKind.Sanction,
                Action = "sanction.service-agreement-terminated",
                ClauseIds = [ClauseIds.UseViolatorTermination, ClauseIds.CollectExemptViolations],
                RecordId = id.ToString(),
            },
            violation.Violator,
            ct => _store.AddSanctionAsync(sanction, ct),
            cancellationToken).ConfigureAwait(false);

        // use.violator-termination: the very next decision acting for this user must see the sanction.
        _cache?.Invalidate(violation.Violator);
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
        var clause = new ClauseId(ClauseIds.CollectExemptViolations);
        await foreach (var violation in _store.GetByViolatorAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            yield return new RetainedRecord(RetainedRecordKind.Violation, violation.Id.ToString(), clause, RetentionReason, violation.ReportedAt);
        }

        await foreach (var sanction in _store.GetSanctionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
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
            await _audit.RecordAsync(Event(action, decided), decided.Violator, cancellationToken).ConfigureAwait(false);
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

            if (harvesting && subject == report.Violator)
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
            EvidenceReference = evidence,
            AffectedSubjects = [.. affected],
            RelevantCategories = categories,
            Status = ViolationStatus.Reported,
            ReportedAt = now,
        };
    }

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
    };
}
