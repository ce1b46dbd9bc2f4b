using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Runs access, rectification and erasure requests. Erasure and consent records: consents are first ended by appending
/// a withdrawal fact (so no later decision relies on them, even while a source is still failing); once every source has
/// erased and the audit trail has recorded the erasure (with the consent ids, under the pseudonym), the consent facts,
/// acceptances and objections are deleted, and the pseudonym mapping last. The audit trail keeps the proof that
/// processing was lawful in the past without identifying the subject any more (<c>store.subject-delete</c>).
/// </summary>
internal sealed partial class SubjectRightsService : ISubjectRightsService
{
    private readonly IPersonalDataSource[] _sources;
    private readonly ISubjectRightsRequestStore _requests;
    private readonly IConsentStore _consents;
    private readonly IAcceptanceStore _acceptances;
    private readonly IEngagementStore _engagements;
    private readonly IViolationStore _violations;
    private readonly IViolationService _violationService;
    private readonly IPseudonymStore _pseudonyms;
    private readonly ILegalHoldStore _holds;
    private readonly IAuditTrail _audit;
    private readonly IAuditTrailReader? _auditReader;
    private readonly ISubjectStateCache? _cache;
    private readonly IPrivacyChangeFeed? _changeFeed;
    private readonly IPolicyProvider? _policy;
    private readonly ISubjectKeyStore? _keys;
    private readonly SubjectRightsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DataCategory[] _credentials;

    public SubjectRightsService(
        IEnumerable<IPersonalDataSource> sources,
        ISubjectRightsRequestStore requests,
        IConsentStore consents,
        IAcceptanceStore acceptances,
        IEngagementStore engagements,
        IViolationStore violations,
        IViolationService violationService,
        IPseudonymStore pseudonyms,
        ILegalHoldStore holds,
        IAuditTrail audit,
        IOptions<SubjectRightsOptions> options,
        TimeProvider time,
        ILogger<SubjectRightsService> logger,
        IAuditTrailReader? auditReader = null,
        ISubjectStateCache? cache = null,
        IPrivacyChangeFeed? changeFeed = null,
        IPolicyProvider? policy = null,
        ISubjectKeyStore? keys = null)
    {
        _sources = [.. sources];
        _requests = requests;
        _consents = consents;
        _acceptances = acceptances;
        _engagements = engagements;
        _violations = violations;
        _violationService = violationService;
        _pseudonyms = pseudonyms;
        _holds = holds;
        _audit = audit;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _auditReader = auditReader;
        _cache = cache;
        _changeFeed = changeFeed;
        _policy = policy;
        _keys = keys;

        // store.location: refuse a foreign operator even when the options validator did not run (no host start-up).
        var failures = PersonalDataSourceValidator.Check(_sources, PersonalDataSourceValidator.DeclaredAffiliates(_options, policy));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(SubjectRightsOptions), typeof(SubjectRightsOptions), failures);
        }

        _credentials = CredentialCategories(_options, policy);
    }

    /// <inheritdoc />
    public async ValueTask<SubjectAccessResult> AccessAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        ThrowIfEmpty(subject);
        var request = await OpenAsync(subject, SubjectRightsRequestKind.Access, string.Empty, cancellationToken).ConfigureAwait(false);
        var pseudonym = await _pseudonyms.GetOrCreateAsync(subject, cancellationToken).ConfigureAwait(false);
        await RecordAsync(request, "subject-rights.access.received", pseudonym, [], [], cancellationToken).ConfigureAwait(false);

        var steps = new List<SubjectRightsStepResult>();
        var exportedSources = new List<ExportedSource>(_sources.Length);
        foreach (var source in _sources)
        {
            var previous = Find(request.Steps, source.Name);
            IReadOnlyDictionary<DataCategory, JsonElement>? data = null;
            var step = await RunAsync(previous, source.Name, async () =>
            {
                data = await source.ReadAsync(subject, cancellationToken).ConfigureAwait(false);
                return [.. data.Keys];
            }, cancellationToken).ConfigureAwait(false);
            steps.Add(step);
            exportedSources.Add(ExportSource(source, step, data));
        }

        SubjectDataExport? records = null;
        steps.Add(await RunAsync(Find(request.Steps, SubjectRightsStepNames.Records), SubjectRightsStepNames.Records, async () =>
        {
            records = await ReadRecordsAsync(subject, cancellationToken).ConfigureAwait(false);
            return [];
        }, cancellationToken).ConfigureAwait(false));

        List<ExportedDisclosure> ledger = [];
        steps.Add(await RunAsync(Find(request.Steps, SubjectRightsStepNames.DisclosureLedger), SubjectRightsStepNames.DisclosureLedger, async () =>
        {
            ledger = await ReadLedgerAsync(pseudonym, cancellationToken).ConfigureAwait(false);
            return [];
        }, cancellationToken).ConfigureAwait(false));

        request = await SaveStepsAsync(request, steps, [], [], cancellationToken).ConfigureAwait(false);
        var requests = await ReadRequestsAsync(subject, cancellationToken).ConfigureAwait(false);
        var export = (records ?? new SubjectDataExport { RequestId = string.Empty, Subject = string.Empty, GeneratedAt = default, Complete = false }) with
        {
            RequestId = request.Id.ToString(),
            Subject = subject.Value,
            GeneratedAt = _time.GetUtcNow(),
            PolicyVersion = _policy?.Current.Version.ToString(),
            Complete = !request.IsOpen,
            Sources = exportedSources,
            Disclosures = ledger,
            Requests = requests,
        };

        await RecordAsync(request, "subject-rights.access.answered", pseudonym, Categories(steps), Outcome(request), cancellationToken).ConfigureAwait(false);
        return new SubjectAccessResult(request, export);
    }

    /// <inheritdoc />
    public async ValueTask<SubjectRightsRequest> RectifyAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> corrections, CancellationToken cancellationToken)
    {
        ThrowIfEmpty(subject);
        ArgumentNullException.ThrowIfNull(corrections);
        if (corrections.Count == 0)
        {
            throw new ArgumentException("A rectification needs at least one corrected category.", nameof(corrections));
        }

        foreach (var category in corrections.Keys)
        {
            if (category.IsEmpty || !_sources.Any(s => Holds(s, category)))
            {
                throw new ArgumentException($"No registered personal data source holds category '{category}'; it cannot be rectified ({ClauseIds.StoreSubjectEdit}).", nameof(corrections));
            }
        }

        var scope = string.Join(',', corrections.Keys.Select(c => c.Value).Order(StringComparer.Ordinal));
        var request = await OpenAsync(subject, SubjectRightsRequestKind.Rectify, scope, cancellationToken).ConfigureAwait(false);
        var pseudonym = await _pseudonyms.GetOrCreateAsync(subject, cancellationToken).ConfigureAwait(false);
        var categories = corrections.Keys.Select(c => c.Value).Order(StringComparer.Ordinal).ToArray();

        // Audit before effect: if the trail is down nothing is changed (store.subject-edit).
        await RecordAsync(request, "subject-rights.rectify.received", pseudonym, categories, [], cancellationToken).ConfigureAwait(false);

        var steps = new List<SubjectRightsStepResult>();
        foreach (var source in _sources)
        {
            var changes = corrections.Where(c => Holds(source, c.Key)).ToDictionary(c => c.Key, c => c.Value);
            var previous = Find(request.Steps, source.Name);
            if (changes.Count == 0)
            {
                steps.Add(new SubjectRightsStepResult(source.Name, SubjectRightsStepStatus.NotApplicable, [], _time.GetUtcNow(), null, previous?.Attempts ?? 0));
                continue;
            }

            steps.Add(await RunAsync(previous, source.Name, async () =>
            {
                await source.UpdateAsync(subject, changes, cancellationToken).ConfigureAwait(false);
                return [.. changes.Keys];
            }, cancellationToken, rerunSucceeded: true).ConfigureAwait(false));
        }

        request = await SaveStepsAsync(request, steps, [], [], cancellationToken).ConfigureAwait(false);
        Invalidate(subject);
        await RecordAsync(request, "subject-rights.rectify.answered", pseudonym, categories, Outcome(request), cancellationToken).ConfigureAwait(false);
        return request;
    }

    /// <inheritdoc />
    public async ValueTask<SubjectRightsRequest> EraseAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        ThrowIfEmpty(subject);
        var request = await OpenAsync(subject, SubjectRightsRequestKind.Erase, string.Empty, cancellationToken).ConfigureAwait(false);
        return await RunErasureAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubjectRightsRequest?> RetryAsync(SubjectRightsRequestId requestId, CancellationToken cancellationToken)
    {
        var request = await _requests.FindAsync(requestId, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return null;
        }

        if (request.Kind != SubjectRightsRequestKind.Erase)
        {
            throw new InvalidOperationException($"Request {requestId} is a {request.Kind} request; only erasures are retried by id. Submit the access or rectification again: the open request is reused and its failed sources retried.");
        }

        return request.IsOpen ? await RunErasureAsync(request, cancellationToken).ConfigureAwait(false) : request;
    }

    /// <inheritdoc />
    public async ValueTask<LegalHold> PlaceLegalHoldAsync(SubjectId subject, string reference, string reason, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        ThrowIfEmpty(subject);
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentNullException.ThrowIfNull(categories);
        var hold = new LegalHold
        {
            Id = Guid.NewGuid(),
            Subject = subject,
            Reference = reference,
            Reason = reason,
            Categories = [.. categories],
            PlacedAt = _time.GetUtcNow(),
        };
        await _holds.PlaceAsync(hold, cancellationToken).ConfigureAwait(false);
        return hold;
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseLegalHoldAsync(Guid holdId, CancellationToken cancellationToken) =>
        _holds.ReleaseAsync(holdId, _time.GetUtcNow(), cancellationToken);

    private async ValueTask<SubjectRightsRequest> RunErasureAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        var subject = request.Subject;
        var pseudonym = await _pseudonyms.GetOrCreateAsync(subject, cancellationToken).ConfigureAwait(false);
        await RecordAsync(request, request.Steps.Count == 0 ? "subject-rights.erase.received" : "subject-rights.erase.retried", pseudonym, [], [], cancellationToken).ConfigureAwait(false);

        var holds = await ToListAsync(_holds.GetActiveAsync(subject, cancellationToken)).ConfigureAwait(false);
        var kept = await KeptRecordsAsync(subject, holds, cancellationToken).ConfigureAwait(false);
        var obligations = request.Obligations;
        var steps = new List<SubjectRightsStepResult>();

        // End the consents first: no later decision may rely on them, even while a source still fails.
        steps.Add(await RunAsync(Find(request.Steps, SubjectRightsStepNames.ConsentsWithdraw), SubjectRightsStepNames.ConsentsWithdraw, () => WithdrawConsentsAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false));

        foreach (var source in _sources)
        {
            var toErase = source.Categories.Where(c => !holds.Exists(h => h.Restricts(c))).ToArray();
            var previous = Find(request.Steps, source.Name);
            if (toErase.Length == 0)
            {
                steps.Add(new SubjectRightsStepResult(source.Name, SubjectRightsStepStatus.NotApplicable, [], _time.GetUtcNow(), null, previous?.Attempts ?? 0));
                continue;
            }

            steps.Add(await RunAsync(previous, source.Name, async () => await source.EraseAsync(subject, toErase, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));
        }

        steps.Add(await RunAsync(Find(request.Steps, SubjectRightsStepNames.SubjectKey), SubjectRightsStepNames.SubjectKey, async () =>
        {
            // Crypto-shredding: fields the host encrypted under this key become unreadable.
            var destroyed = _keys is not null && await _keys.DeleteAsync(subject, cancellationToken).ConfigureAwait(false);
            return destroyed ? [] : null;
        }, cancellationToken).ConfigureAwait(false));

        steps.Add(await RunAsync(Find(request.Steps, SubjectRightsStepNames.Engagements), SubjectRightsStepNames.Engagements, async () =>
        {
            obligations = await EmitObligationsAsync(request, pseudonym, cancellationToken).ConfigureAwait(false);
            return [.. obligations.SelectMany(o => o.Categories).Distinct()];
        }, cancellationToken).ConfigureAwait(false));

        Invalidate(subject);

        // The records that prove past lawful processing go only once every source has erased.
        var finalSteps = new[] { SubjectRightsStepNames.AuditErasure, SubjectRightsStepNames.ConsentsDelete, SubjectRightsStepNames.AcceptancesDelete, SubjectRightsStepNames.Pseudonym };
        var ready = steps.TrueForAll(s => s.Status is SubjectRightsStepStatus.Succeeded or SubjectRightsStepStatus.NotApplicable);
        foreach (var name in finalSteps)
        {
            var previous = Find(request.Steps, name);
            if (!ready)
            {
                steps.Add(previous ?? new SubjectRightsStepResult(name, SubjectRightsStepStatus.Pending, [], null, null, 0));
                continue;
            }

            var step = name switch
            {
                SubjectRightsStepNames.AuditErasure => await RunAsync(previous, name, async () =>
                {
                    var evidence = steps.Where(s => s.Status == SubjectRightsStepStatus.Succeeded)
                        .Select(s => $"{s.Source}:{string.Join('|', s.Categories.Select(c => c.Value))}");
                    await RecordAsync(request, "subject-rights.erase.erased", pseudonym, Categories(steps), [.. evidence], cancellationToken).ConfigureAwait(false);
                    return [];
                }, cancellationToken).ConfigureAwait(false),
                SubjectRightsStepNames.ConsentsDelete => await RunAsync(previous, name, async () =>
                {
                    await _consents.DeleteSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
                    return [];
                }, cancellationToken).ConfigureAwait(false),
                SubjectRightsStepNames.AcceptancesDelete => await RunAsync(previous, name, async () =>
                {
                    await _acceptances.DeleteSubjectAsync(subject, cancellationToken).ConfigureAwait(false);
                    return [];
                }, cancellationToken).ConfigureAwait(false),
                _ => await RunAsync(previous, name, async () =>
                {
                    // Last: from now on the trail verifies but no longer names the subject.
                    await _pseudonyms.DeleteAsync(subject, cancellationToken).ConfigureAwait(false);
                    return [];
                }, cancellationToken).ConfigureAwait(false),
            };
            steps.Add(step);
            ready = step.Status is SubjectRightsStepStatus.Succeeded or SubjectRightsStepStatus.NotApplicable;
        }

        Invalidate(subject);
        if (_changeFeed is not null)
        {
            await _changeFeed.PublishAsync(subject, cancellationToken).ConfigureAwait(false);
        }

        request = await SaveStepsAsync(request, steps, kept, obligations, cancellationToken).ConfigureAwait(false);
        if (request.IsOpen)
        {
            // The pseudonym still exists while the request is open: record where it stands.
            await RecordAsync(request, "subject-rights.erase.open", pseudonym, Categories(steps), Outcome(request), cancellationToken).ConfigureAwait(false);
        }

        return request;
    }

    private async ValueTask<IReadOnlyList<DataCategory>?> WithdrawConsentsAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        var facts = await ToListAsync(_consents.GetFactsAsync(request.Subject, cancellationToken)).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var withdrawals = new List<ConsentFact>();
        foreach (var status in ConsentHistory.EvaluateAll(facts, now))
        {
            if (status.IsGiven)
            {
                withdrawals.Add(new ConsentFact
                {
                    FactId = Guid.NewGuid(),
                    ConsentId = status.ConsentId,
                    Subject = request.Subject,
                    State = ConsentState.Withdrawn,
                    RecordedAt = now,
                    Policy = _policy?.Current.Version ?? status.Policy!,
                    Reason = $"erasure request {request.Id} ({ClauseIds.StoreSubjectDelete})",
                });
            }
        }

        if (withdrawals.Count > 0)
        {
            await _consents.AppendManyAsync(withdrawals, cancellationToken).ConfigureAwait(false);
            Invalidate(request.Subject);
        }

        return [.. withdrawals.SelectMany(w => facts.First(f => f.ConsentId == w.ConsentId && f.Terms is not null).Terms!.Categories).Distinct()];
    }

    private async ValueTask<IReadOnlyList<ReturnOrDeleteObligation>> EmitObligationsAsync(SubjectRightsRequest request, string pseudonym, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var obligations = new List<ReturnOrDeleteObligation>();
        await foreach (var engagement in _engagements.GetBySubjectAsync(request.Subject, cancellationToken).ConfigureAwait(false))
        {
            // A provider that never started cannot hold anything; one that confirmed deletion already complied.
            if (engagement.StartsAt > now || engagement.DeletionConfirmedAt is not null)
            {
                continue;
            }

            var obligation = new ReturnOrDeleteObligation(engagement.Id, engagement.Provider, engagement.Categories, now);
            await _audit.RecordAsync(new AuditEvent
            {
                Timestamp = now,
                Kind = AuditEventKind.Engagement,
                Action = "engagement.return-or-delete",
                SubjectPseudonym = pseudonym,
                Recipient = engagement.Provider.Value,
                RecipientKind = nameof(RecipientKind.ServiceProvider),
                Categories = [.. engagement.Categories.Select(c => c.Value)],
                ClauseIds = [ClauseIds.StoreSubjectDelete, ClauseIds.UseThirdPartyServiceEnd],
                Obligations = [nameof(ObligationKind.ReturnOrDelete)],
                RecordId = engagement.Id.ToString(),
                CorrelationId = request.Id.ToString(),
                PolicyVersion = _policy?.Current.Version.ToString(),
            }, cancellationToken).ConfigureAwait(false);
            obligations.Add(obligation);
        }

        return obligations;
    }

    private async ValueTask<IReadOnlyList<KeptRecord>> KeptRecordsAsync(SubjectId subject, List<LegalHold> holds, CancellationToken cancellationToken)
    {
        var kept = new List<KeptRecord>();
        foreach (var record in await ReadExemptAsync(subject, holds, cancellationToken).ConfigureAwait(false))
        {
            kept.Add(new KeptRecord(record.RecordType, record.RecordId, record.Clause, record.Reason, [.. record.Categories.Select(c => new DataCategory(c))]));
        }

        return kept;
    }

    private async ValueTask<List<ExportedKeptRecord>> ReadExemptAsync(SubjectId subject, List<LegalHold> holds, CancellationToken cancellationToken)
    {
        var kept = new List<ExportedKeptRecord>();

        // collect.exempt.violations: the violation service says what it keeps and why; the store adds categories and status.
        await foreach (var record in _violationService.GetRetainedRecordsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            var violation = record.Kind == RetainedRecordKind.Violation && Guid.TryParse(record.RecordId, out var id)
                ? await _violations.FindAsync(new ViolationId(id), cancellationToken).ConfigureAwait(false)
                : null;
            kept.Add(new ExportedKeptRecord
            {
                RecordType = record.Kind == RetainedRecordKind.Violation ? "violation" : "sanction",
                RecordId = record.RecordId,
                Clause = record.Clause.Value,
                Reason = record.Reason,
                Categories = violation is null ? [] : [.. violation.RelevantCategories.Select(c => c.Value)],
                Status = violation?.Status.ToString(),
                RecordedAt = record.RecordedAt,
            });
        }

        foreach (var hold in holds)
        {
            kept.Add(new ExportedKeptRecord
            {
                RecordType = "legal-hold",
                RecordId = hold.Reference,
                Clause = "legal-hold",
                Reason = hold.Reason,
                Categories = hold.Categories.Count == 0 ? ["*"] : [.. hold.Categories.Select(c => c.Value)],
                RecordedAt = hold.PlacedAt,
            });
        }

        return kept;
    }

    private async ValueTask<SubjectDataExport> ReadRecordsAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var facts = await ToListAsync(_consents.GetFactsAsync(subject, cancellationToken)).ConfigureAwait(false);
        var consents = ConsentHistory.EvaluateAll(facts, now).Select(status => new ExportedConsent
        {
            ConsentId = status.ConsentId.ToString(),
            State = status.State.ToString(),
            History = [.. facts.Where(f => f.ConsentId == status.ConsentId).Select(ExportFact)],
        }).ToList();

        var acceptances = new List<ExportedAcceptance>();
        await foreach (var a in _acceptances.GetAcceptancesAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            acceptances.Add(new ExportedAcceptance(a.Policy.ToString(), a.Kind.ToString(), a.AcceptedAt, a.CountedEvent));
        }

        var objections = new List<ExportedObjection>();
        await foreach (var o in _acceptances.GetObjectionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            objections.Add(new ExportedObjection(o.Purpose.Value, o.State.ToString(), o.RecordedAt));
        }

        var engagements = new List<ExportedEngagement>();
        await foreach (var e in _engagements.GetBySubjectAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            engagements.Add(new ExportedEngagement
            {
                EngagementId = e.Id.ToString(),
                Provider = e.Provider.Value,
                Service = e.Service.Value,
                Categories = [.. e.Categories.Select(c => c.Value)],
                StartsAt = e.StartsAt,
                EndedAt = e.EffectiveEnd is { } end && end <= now ? end : null,
                DeletionConfirmedAt = e.DeletionConfirmedAt,
            });
        }

        var holds = await ToListAsync(_holds.GetActiveAsync(subject, cancellationToken)).ConfigureAwait(false);
        return new SubjectDataExport
        {
            RequestId = string.Empty,
            Subject = string.Empty,
            GeneratedAt = now,
            Complete = false,
            Consents = consents,
            Acceptances = acceptances,
            Objections = objections,
            Engagements = engagements,
            Kept = await ReadExemptAsync(subject, holds, cancellationToken).ConfigureAwait(false),
        };
    }

    private async ValueTask<List<ExportedDisclosure>> ReadLedgerAsync(string pseudonym, CancellationToken cancellationToken)
    {
        if (_auditReader is null)
        {
            throw new InvalidOperationException("No audit trail reader is registered: the disclosure ledger cannot be read.");
        }

        var ledger = new List<ExportedDisclosure>();
        var query = new AuditQuery { SubjectPseudonym = pseudonym, Kind = AuditEventKind.Decision };
        await foreach (var e in _auditReader.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            // The ledger: permitted decisions about this pseudonym that named a recipient (store.subject-access).
            if (e.Recipient is null || !string.Equals(e.Outcome, nameof(DecisionOutcome.Permit), StringComparison.Ordinal))
            {
                continue;
            }

            ledger.Add(new ExportedDisclosure
            {
                Sequence = e.Sequence,
                At = e.Timestamp,
                Recipient = e.Recipient,
                RecipientKind = e.RecipientKind,
                Categories = e.PermittedCategories.Count > 0 ? e.PermittedCategories : e.Categories,
                Ground = e.Ground,
                Purpose = e.Purpose,
                Clauses = e.ClauseIds,
                Evidence = e.EvidenceReferences,
                PolicyVersion = e.PolicyVersion,
            });
        }

        return ledger;
    }

    private async ValueTask<List<ExportedRequest>> ReadRequestsAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var list = new List<ExportedRequest>();
        await foreach (var r in _requests.GetBySubjectAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ExportedRequest(r.Id.ToString(), r.Kind.ToString(), r.Status.ToString(), r.ReceivedAt, r.Deadline, r.CompletedAt));
        }

        return list;
    }

    private ExportedSource ExportSource(IPersonalDataSource source, SubjectRightsStepResult step, IReadOnlyDictionary<DataCategory, JsonElement>? data)
    {
        var shown = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        var hidden = new List<string>();
        if (data is not null)
        {
            foreach (var (category, value) in data)
            {
                // store.account-security: a credential is said to be held, never shown.
                if (IsCredential(category))
                {
                    hidden.Add(category.Value);
                }
                else
                {
                    shown[category.Value] = value;
                }
            }
        }

        hidden.Sort(StringComparer.Ordinal);
        return new ExportedSource
        {
            Name = source.Name,
            Operator = source.Operator.ToString(),
            Status = step.Status == SubjectRightsStepStatus.Failed ? "Failed" : "Succeeded",
            ErrorKind = step.ErrorKind,
            Data = shown,
            HeldNotShown = hidden,
        };
    }

    private static ExportedConsentFact ExportFact(ConsentFact fact) => new()
    {
        State = fact.State.ToString(),
        RecordedAt = fact.RecordedAt,
        Policy = fact.Policy.ToString(),
        Purposes = fact.Terms is { } t ? [.. t.Purposes.Select(p => p.Value)] : [],
        Categories = fact.Terms is { } c ? [.. c.Categories.Select(x => x.Value)] : [],
        Acts = fact.Terms is { } a ? [.. a.Acts.Select(x => x.ToString())] : [],
        Recipient = fact.Terms?.Recipient?.Value,
        RecipientKind = fact.Terms?.RecipientKind?.ToString(),
        ExpiresAt = fact.Terms?.ExpiresAt,
        Reason = fact.Reason,
    };

    private async ValueTask<SubjectRightsRequest> OpenAsync(SubjectId subject, SubjectRightsRequestKind kind, string scope, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var candidate = new SubjectRightsRequest
        {
            Id = SubjectRightsRequestId.New(),
            Subject = subject,
            Kind = kind,
            Scope = scope,
            Status = SubjectRightsRequestStatus.Received,
            ReceivedAt = now,
            Deadline = now + _options.ResponsePeriod,
        };
        return await _requests.AddOrGetOpenAsync(candidate, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SubjectRightsRequest> SaveStepsAsync(
        SubjectRightsRequest request,
        IReadOnlyList<SubjectRightsStepResult> steps,
        IReadOnlyList<KeptRecord> kept,
        IReadOnlyList<ReturnOrDeleteObligation> obligations,
        CancellationToken cancellationToken)
    {
        var status = StatusOf(steps);
        var updated = request with
        {
            Steps = steps,
            Kept = kept,
            Obligations = obligations,
            Status = status,
            CompletedAt = status == SubjectRightsRequestStatus.Completed ? _time.GetUtcNow() : null,
            Version = request.Version + 1,
        };
        if (!await _requests.TryUpdateAsync(request, updated, cancellationToken).ConfigureAwait(false))
        {
            throw new PrivacyStoreException($"Subject-rights request {request.Id} was changed concurrently; run it again.");
        }

        if (status != SubjectRightsRequestStatus.Completed)
        {
            LogRequestOpen(_logger, request.Id.ToString(), request.Kind, status);
        }

        return updated;
    }

    internal static SubjectRightsRequestStatus StatusOf(IReadOnlyList<SubjectRightsStepResult> steps)
    {
        var failed = steps.Any(s => s.Status == SubjectRightsStepStatus.Failed);
        var pending = steps.Any(s => s.Status == SubjectRightsStepStatus.Pending);
        var done = steps.Any(s => s.Status is SubjectRightsStepStatus.Succeeded or SubjectRightsStepStatus.NotApplicable);
        return (failed, pending, done) switch
        {
            (false, false, _) => SubjectRightsRequestStatus.Completed,
            (true, _, true) => SubjectRightsRequestStatus.PartiallyCompleted,
            (true, _, false) => SubjectRightsRequestStatus.Failed,
            _ => SubjectRightsRequestStatus.InProgress,
        };
    }

    private async ValueTask<SubjectRightsStepResult> RunAsync(
        SubjectRightsStepResult? previous,
        string name,
        Func<ValueTask<IReadOnlyList<DataCategory>?>> action,
        CancellationToken cancellationToken,
        bool rerunSucceeded = false)
    {
        if (!rerunSucceeded && previous is { Status: SubjectRightsStepStatus.Succeeded or SubjectRightsStepStatus.NotApplicable })
        {
            return previous;
        }

        var attempts = (previous?.Attempts ?? 0) + 1;
        try
        {
            var categories = await action().ConfigureAwait(false);
            return categories is null
                ? new SubjectRightsStepResult(name, SubjectRightsStepStatus.NotApplicable, [], _time.GetUtcNow(), null, attempts)
                : new SubjectRightsStepResult(name, SubjectRightsStepStatus.Succeeded, categories, _time.GetUtcNow(), null, attempts);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Only the type: a source's message may carry personal data.
            LogStepFailed(_logger, name, ex.GetType().Name);
            return new SubjectRightsStepResult(name, SubjectRightsStepStatus.Failed, [], _time.GetUtcNow(), ex.GetType().Name, attempts);
        }
    }

    private async ValueTask RecordAsync(SubjectRightsRequest request, string action, string pseudonym, IReadOnlyList<string> categories, IReadOnlyList<string> reasons, CancellationToken cancellationToken)
    {
        var clause = request.Kind switch
        {
            SubjectRightsRequestKind.Access => ClauseIds.StoreSubjectAccess,
            SubjectRightsRequestKind.Rectify => ClauseIds.StoreSubjectEdit,
            _ => ClauseIds.StoreSubjectDelete,
        };
        await _audit.RecordAsync(new AuditEvent
        {
            Timestamp = _time.GetUtcNow(),
            Kind = AuditEventKind.SubjectRightsRequest,
            Action = action,
            SubjectPseudonym = pseudonym,
            Categories = categories,
            Reasons = reasons,
            ClauseIds = request.Kind == SubjectRightsRequestKind.Rectify ? [clause, ClauseIds.StoreAccuracy] : [clause],
            RecordId = request.Id.ToString(),
            Outcome = request.Status.ToString(),
            PolicyVersion = _policy?.Current.Version.ToString(),
        }, cancellationToken).ConfigureAwait(false);
    }

    private static string[] Categories(IEnumerable<SubjectRightsStepResult> steps) =>
        [.. steps.SelectMany(s => s.Categories).Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static string[] Outcome(SubjectRightsRequest request) =>
        [.. request.Steps.Select(s => s.ErrorKind is null ? $"{s.Source}={s.Status}" : $"{s.Source}={s.Status}:{s.ErrorKind}")];

    private static SubjectRightsStepResult? Find(IReadOnlyList<SubjectRightsStepResult> steps, string name)
    {
        foreach (var step in steps)
        {
            if (string.Equals(step.Source, name, StringComparison.Ordinal))
            {
                return step;
            }
        }

        return null;
    }

    private static bool Holds(IPersonalDataSource source, DataCategory category)
    {
        foreach (var held in source.Categories)
        {
            if (category.IsWithin(held))
            {
                return true;
            }
        }

        return false;
    }

    internal bool IsCredential(DataCategory category)
    {
        foreach (var credential in _credentials)
        {
            if (category.IsWithin(credential))
            {
                return true;
            }
        }

        return false;
    }

    private static DataCategory[] CredentialCategories(SubjectRightsOptions options, IPolicyProvider? policy)
    {
        var set = new HashSet<DataCategory>(options.CredentialCategories.Select(c => new DataCategory(c)));
        if (policy is not null)
        {
            foreach (var definition in policy.Current.Document.Categories)
            {
                if (definition.Flags.HasFlag(DataCategoryFlags.Credential))
                {
                    set.Add(new DataCategory(definition.Id));
                }
            }
        }

        return [.. set];
    }

    private void Invalidate(SubjectId subject) => _cache?.Invalidate(subject);

    private static void ThrowIfEmpty(SubjectId subject, [CallerArgumentExpression(nameof(subject))] string? name = null)
    {
        if (subject.IsEmpty)
        {
            throw new ArgumentException("The subject id is empty.", name);
        }
    }

    private static async ValueTask<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items.ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Subject-rights step {Step} failed with {ErrorKind}; the request stays open for retry.")]
    private static partial void LogStepFailed(ILogger logger, string step, string errorKind);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Subject-rights request {RequestId} ({Kind}) is {Status}.")]
    private static partial void LogRequestOpen(ILogger logger, string requestId, SubjectRightsRequestKind kind, SubjectRightsRequestStatus status);
}
