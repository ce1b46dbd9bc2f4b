using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.Engagements;

// Why one type of about 580 lines: an engagement's life (engage, terminate, confirm return or deletion, emit and deliver
// the end obligation) is one state machine over one stored record. Every transition goes through the same optimistic
// retry, audit-or-revert and cache invalidation (ChangeAsync, AuditOrRevertAsync, Invalidate), so the transitions stay
// together where those three steps can be read once.
/// <summary>The default <see cref="IEngagementService"/>: validates against the policy in force, stores, audits, invalidates.</summary>
internal sealed partial class EngagementService : IEngagementService
{
    private const int MaxConcurrencyRetries = 5;

    private readonly IEngagementStore _store;
    private readonly IPolicyProvider _policy;
    private readonly TimeProvider _time;
    private readonly IOptions<PrivacyDecisionOptions> _options;
    private readonly IOptionsMonitor<EngagementOptions> _engagementOptions;
    private readonly RecordAudit _audit;
    private readonly EngagementEndSignal _signal;
    private readonly IEngagementEndHandler[] _handlers;
    private readonly ILogger _logger;
    private readonly ISubjectStateCache? _cache;
    private readonly IAuditTrailReader? _trailReader;
    private readonly IPseudonymStore? _pseudonyms;
    private readonly IViolationStore? _violations;

    public EngagementService(
        IEngagementStore store,
        IPolicyProvider policy,
        TimeProvider time,
        IOptions<PrivacyDecisionOptions> options,
        IOptionsMonitor<EngagementOptions> engagementOptions,
        RecordAudit audit,
        EngagementEndSignal signal,
        IEnumerable<IEngagementEndHandler> handlers,
        ISubjectStateCache? cache = null,
        IAuditTrailReader? trailReader = null,
        IPseudonymStore? pseudonyms = null,
        ILoggerFactory? loggerFactory = null,
        IViolationStore? violations = null)
    {
        _store = store;
        _policy = policy;
        _time = time;
        _options = options;
        _engagementOptions = engagementOptions;
        _audit = audit;
        _signal = signal;
        _handlers = [.. handlers];
        // Logging is optional: a host without AddLogging still gets the service.
        _logger = (ILogger?)loggerFactory?.CreateLogger<EngagementService>() ?? NullLogger.Instance;
        _cache = cache;
        _trailReader = trailReader;
        _pseudonyms = pseudonyms;
        _violations = violations;
    }

    /// <inheritdoc />
    public async ValueTask<ServiceEngagement> EngageAsync(EngagementRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var engagement = Validate(request, _time.GetUtcNow());
        await RequireNotSanctionedAsync(engagement.Provider, cancellationToken).ConfigureAwait(false);

        // Audit before effect: if the trail refuses the event nothing is stored; if the store refuses the record, a
        // compensating event follows.
        await _audit.RecordThenStoreAsync(
            Event("engagement.created", engagement, ClauseIds.UseThirdPartyServiceProvider),
            null,
            ct => _store.CreateAsync(engagement, ct),
            cancellationToken).ConfigureAwait(false);
        Invalidate(engagement);
        if (engagement.EndsAt is not null)
        {
            _signal.Notify();
        }

        return engagement;
    }

    /// <inheritdoc />
    public async ValueTask<ServiceEngagement> TerminateAsync(EngagementId id, string reason, CancellationToken cancellationToken)
    {
        reason = PolicyLookup.ValidateText(reason, nameof(reason));
        var (terminated, now) = await ChangeAsync(
            id,
            (current, now, _) => current.EffectiveEnd is { } end && end <= now
                ? throw new InvalidOperationException($"Engagement {id} already ended at {end:O}; it cannot be terminated ({ClauseIds.UseThirdPartyServiceEnd}).")
                : ValueTask.FromResult(current),
            (current, now) => current with { TerminatedAt = now, TerminationReason = reason },
            changed => Event("engagement.terminated", changed, ClauseIds.UseThirdPartyServiceEnd) with { Reasons = [reason] },
            cancellationToken).ConfigureAwait(false);

        // use.third-party.service-end: termination emits the return-or-delete obligation at once, not at the monitor's next pass.
        return await EmitAsync(terminated, now, cancellationToken).ConfigureAwait(false) ?? await FindExistingAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<ServiceEngagement> ConfirmReturnOrDeletionAsync(EngagementId id, string reference, CancellationToken cancellationToken)
    {
        reference = PolicyLookup.ValidateText(reference, nameof(reference));
        var (confirmed, _) = await ChangeAsync(
            id,
            async (current, now, ct) =>
            {
                if (current.EffectiveEnd is not { } end || end > now)
                {
                    throw new InvalidOperationException(
                        $"Engagement {id} is still active; a provider confirms return or deletion after the engagement ends ({ClauseIds.UseThirdPartyServiceEnd}).");
                }

                if (current.DeletionConfirmedAt is { } confirmedAt)
                {
                    throw new InvalidOperationException($"The return or deletion of engagement {id} was already confirmed at {confirmedAt:O}.");
                }

                // The confirmation answers an obligation: emit it first if the monitor has not yet.
                return await EmitAsync(current, now, ct).ConfigureAwait(false) ?? current;
            },
            (current, now) => current with { DeletionConfirmedAt = now, DeletionConfirmationReference = reference },
            changed => Event("engagement.deletion-confirmed", changed, ClauseIds.UseThirdPartyServiceEnd) with { EvidenceReferences = [reference] },
            cancellationToken).ConfigureAwait(false);
        return confirmed;
    }

    /// <inheritdoc />
    public async ValueTask<int> EmitEndedObligationsAsync(CancellationToken cancellationToken) =>
        (await RunPassAsync(cancellationToken).ConfigureAwait(false)).Emitted;

    /// <summary>
    /// Emits the obligations of the engagements that ended, and delivers again every emitted obligation the handlers
    /// have not taken whose back-off has run out.
    /// </summary>
    /// <returns>How many obligations were emitted, and when the next delivery owed falls due (the end monitor wakes then).</returns>
    internal async ValueTask<(int Emitted, DateTimeOffset? NextDelivery)> RunPassAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var due = new List<ServiceEngagement>();
        var redeliver = new List<ServiceEngagement>();
        DateTimeOffset? nextDelivery = null;
        await foreach (var engagement in _store.GetEndedAsync(now, cancellationToken).ConfigureAwait(false))
        {
            if (engagement.ObligationEmittedAt is null)
            {
                due.Add(engagement);
            }
            else if (engagement.ObligationDeliveredAt is null && engagement.NextObligationDeliveryAt is { } next)
            {
                if (next <= now)
                {
                    redeliver.Add(engagement);
                }
                else if (nextDelivery is null || next < nextDelivery)
                {
                    nextDelivery = next;
                }
            }
        }

        var emitted = 0;
        foreach (var engagement in due)
        {
            var current = engagement;
            for (var attempt = 0; attempt < MaxConcurrencyRetries && current is { ObligationEmittedAt: null }; attempt++)
            {
                if (await EmitAsync(current, now, cancellationToken).ConfigureAwait(false) is { } done)
                {
                    emitted++;
                    if (done is { ObligationDeliveredAt: null, NextObligationDeliveryAt: { } next } && (nextDelivery is null || next < nextDelivery))
                    {
                        nextDelivery = next;
                    }

                    break;
                }

                // Changed meanwhile (another instance emitted, or it was confirmed or terminated): look again.
                current = await _store.FindAsync(current.Id, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var engagement in redeliver)
        {
            // Claimed with the next attempt's time first, so one instance delivers and a crash mid-delivery is retried.
            var claimed = WithDeliveryAttempt(engagement, now);
            if (!await _store.TryUpdateAsync(engagement, claimed, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            if (!await DeliverAsync(claimed, cancellationToken).ConfigureAwait(false) && (nextDelivery is null || claimed.NextObligationDeliveryAt < nextDelivery))
            {
                nextDelivery = claimed.NextObligationDeliveryAt;
            }
        }

        return (emitted, nextDelivery);
    }

    /// <inheritdoc />
    public ValueTask<ServiceEngagement?> FindAsync(EngagementId id, CancellationToken cancellationToken) =>
        _store.FindAsync(id, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEngagement> GetActiveByProviderAsync(RecipientId provider, CancellationToken cancellationToken) =>
        ActiveAsync(_store.GetByProviderAsync(provider, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<ServiceEngagement> GetActiveBySubjectAsync(SubjectId subject, CancellationToken cancellationToken) =>
        ActiveAsync(_store.GetBySubjectAsync(subject, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<EngagementEndObligation> GetPendingObligationsAsync(CancellationToken cancellationToken) =>
        PendingAsync(overdueOnly: false, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<EngagementEndObligation> GetOverdueObligationsAsync(CancellationToken cancellationToken) =>
        PendingAsync(overdueOnly: true, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ProviderReceipt> GetReceivedDuringAsync(EngagementId id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var engagement = await FindExistingAsync(id, cancellationToken).ConfigureAwait(false);
        var reader = _trailReader ?? throw new InvalidOperationException(
            "No audit trail reader is registered; what a provider received is read from the audit trail. Register an audit sink that implements IAuditTrailReader.");

        // The trail names subjects by pseudonym: restrict to the covered subjects' pseudonyms when the engagement lists them.
        HashSet<string>? pseudonyms = null;
        if (!engagement.AllSubjects && _pseudonyms is not null)
        {
            pseudonyms = new HashSet<string>(StringComparer.Ordinal);
            foreach (var subject in engagement.Subjects)
            {
                if (await _pseudonyms.FindAsync(subject, cancellationToken).ConfigureAwait(false) is { } pseudonym)
                {
                    pseudonyms.Add(pseudonym);
                }
            }
        }

        var provider = engagement.Provider.Value;
        var end = engagement.EffectiveEnd;
        // The recipient's decisions during the engagement: an indexed query where the trail has one, a scan otherwise.
        var query = new AuditQuery { Recipient = provider, Kind = AuditEventKind.Decision, From = engagement.StartsAt, To = end };
        await foreach (var e in reader.QueryAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (e.Kind == AuditEventKind.Decision
                && string.Equals(e.Recipient, provider, StringComparison.Ordinal)
                && string.Equals(e.Outcome, nameof(DecisionOutcome.Permit), StringComparison.Ordinal)
                && e.Timestamp >= engagement.StartsAt
                && (end is null || e.Timestamp < end)
                && (pseudonyms is null || (e.SubjectPseudonym is { } p && pseudonyms.Contains(p))))
            {
                yield return new ProviderReceipt(
                    e.Sequence,
                    e.Timestamp,
                    e.SubjectPseudonym,
                    e.PermittedCategories.Count > 0 ? e.PermittedCategories : e.Categories,
                    e.Purpose,
                    e.Ground);
            }
        }
    }

    /// <summary>
    /// Emits the obligation of an ended engagement that has none: claims it in the store (optimistic concurrency, so
    /// exactly one caller in one instance wins, and a restart sees it done), audits it, then tells the handlers.
    /// </summary>
    /// <returns>The engagement as stored with the obligation, or <see langword="null"/> when there was nothing to emit or another caller won.</returns>
    private async ValueTask<ServiceEngagement?> EmitAsync(ServiceEngagement engagement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (engagement.ObligationEmittedAt is not null || engagement.EffectiveEnd is not { } end || end > now)
        {
            return null;
        }

        var emitted = engagement with
        {
            ObligationEmittedAt = now,
            // The same deadline a denied decision after the end carries (use.third-party.service-end).
            ReturnOrDeleteDueBy = end + _options.Value.ReturnOrDeletePeriod,
        };
        emitted = _handlers.Length == 0 ? emitted with { ObligationDeliveredAt = now } : WithDeliveryAttempt(emitted, now);
        if (!await _store.TryUpdateAsync(engagement, emitted, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await AuditOrRevertAsync(
            Event("engagement.ended", emitted, ClauseIds.UseThirdPartyServiceEnd) with
            {
                Obligations = [nameof(ObligationKind.ReturnOrDelete)],
                Reasons = [nameof(DecisionReason.EngagementEnded)],
            },
            engagement,
            emitted,
            cancellationToken).ConfigureAwait(false);
        Invalidate(emitted);
        Log.ObligationEmitted(_logger, emitted.Id, emitted.Provider.Value, emitted.ReturnOrDeleteDueBy!.Value);

        if (_handlers.Length > 0 && await DeliverAsync(emitted, cancellationToken).ConfigureAwait(false))
        {
            return await _store.FindAsync(emitted.Id, cancellationToken).ConfigureAwait(false) ?? emitted;
        }

        return emitted;
    }

    /// <summary>The delivery attempt after the ones made so far: counted, and the next one planned after the back-off.</summary>
    private ServiceEngagement WithDeliveryAttempt(ServiceEngagement engagement, DateTimeOffset now)
    {
        var attempt = (engagement.ObligationDeliveryAttempts ?? 0) + 1;
        var options = _engagementOptions.CurrentValue;
        var backOff = options.HandlerRetryDelay;
        for (var i = 1; i < attempt && backOff < options.HandlerMaxRetryDelay; i++)
        {
            backOff += backOff;
        }

        return engagement with
        {
            ObligationDeliveryAttempts = attempt,
            NextObligationDeliveryAt = now + (backOff < options.HandlerMaxRetryDelay ? backOff : options.HandlerMaxRetryDelay),
        };
    }

    /// <summary>
    /// Tells every handler of an emitted obligation; when all of them took it, records the delivery so it is not made
    /// again. A handler that throws leaves the delivery owed: it is made again after the back-off, to every handler
    /// (at least once: a handler must accept an obligation it was already told of).
    /// </summary>
    /// <returns><see langword="true"/> when every handler took it.</returns>
    private async ValueTask<bool> DeliverAsync(ServiceEngagement engagement, CancellationToken cancellationToken)
    {
        var obligation = EngagementEndObligation.From(engagement)!;
        var delivered = true;
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.OnEngagementEndedAsync(obligation, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The obligation is stored and audited; it stays pending and queryable whatever the handler did.
                Log.HandlerFailed(_logger, ex, engagement.Id, handler.GetType().FullName ?? handler.GetType().Name, engagement.NextObligationDeliveryAt!.Value);
                delivered = false;
            }
        }

        if (!delivered)
        {
            // The end monitor plans its sleep around the deliveries owed: wake it for this one.
            _signal.Notify();
            return false;
        }

        var current = engagement;
        for (var attempt = 0; attempt < MaxConcurrencyRetries && current is { ObligationDeliveredAt: null }; attempt++)
        {
            var now = _time.GetUtcNow();
            if (await _store.TryUpdateAsync(current, current with { ObligationDeliveredAt = now, NextObligationDeliveryAt = null }, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            // Changed meanwhile (confirmed, or claimed by another instance): record the delivery on what is stored now.
            current = await _store.FindAsync(current.Id, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private ServiceEngagement Validate(EngagementRequest request, DateTimeOffset now)
    {
        const string Clause = ClauseIds.UseThirdPartyServiceProvider;
        var policy = _policy.Current;

        if (request.Provider.IsEmpty)
        {
            throw PolicyLookup.Invalid(nameof(EngagementRequest.Provider), $"{nameof(EngagementRequest.Provider)} is required ({Clause}).");
        }

        var recipient = policy.Document.FindRecipient(request.Provider) ?? throw PolicyLookup.Invalid(nameof(EngagementRequest.Provider), $"{nameof(EngagementRequest.Provider)} '{request.Provider.Value}' is not a recipient declared by policy {policy.Version} ({Clause}).");
        if (recipient.Kind is not (RecipientKind.ServiceProvider or RecipientKind.Affiliate))
        {
            throw PolicyLookup.Invalid(nameof(EngagementRequest.Provider), $"{nameof(EngagementRequest.Provider)} '{request.Provider.Value}' is declared as {recipient.Kind}; only a {nameof(RecipientKind.ServiceProvider)} or an {nameof(RecipientKind.Affiliate)} can be engaged ({Clause}).");
        }

        if (request.Service.IsEmpty || !policy.Document.DeclaresService(request.Service))
        {
            throw PolicyLookup.Invalid(nameof(EngagementRequest.Service), $"{nameof(EngagementRequest.Service)} '{request.Service.Value}' is not a service declared by policy {policy.Version} ({Clause}).");
        }

        var categories = policy.ValidateCategories(request.Categories, nameof(EngagementRequest.Categories), Clause, allowEmpty: false);
        var subjects = ValidateSubjects(request);

        var startsAt = (request.StartsAt ?? now).ToUniversalTime();
        var endsAt = request.EndsAt?.ToUniversalTime();
        if (endsAt is { } e)
        {
            if (e <= startsAt)
            {
                throw PolicyLookup.Invalid(nameof(EngagementRequest.EndsAt), $"{nameof(EngagementRequest.EndsAt)} ({e:O}) must be after {nameof(EngagementRequest.StartsAt)} ({startsAt:O}) ({Clause}).");
            }

            if (e <= now)
            {
                throw PolicyLookup.Invalid(nameof(EngagementRequest.EndsAt), $"{nameof(EngagementRequest.EndsAt)} ({e:O}) is not in the future; an engagement that has already ended cannot be created ({Clause}).");
            }
        }

        return new ServiceEngagement
        {
            Id = EngagementId.New(),
            Provider = request.Provider,
            Service = request.Service,
            Subjects = subjects,
            AllSubjects = request.AllSubjects,
            Categories = categories,
            StartsAt = startsAt,
            EndsAt = endsAt,
        };
    }

    /// <summary>use.violator-termination: a third party whose engagements were terminated for a violation is not engaged again.</summary>
    private async ValueTask RequireNotSanctionedAsync(RecipientId provider, CancellationToken cancellationToken)
    {
        if (_violations is null || !SubjectId.TryCreate(provider.Value, out var key))
        {
            return;
        }

        await foreach (var sanction in _violations.GetSanctionsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            if (sanction.Kind == SanctionKind.EngagementsTerminated)
            {
                throw PolicyLookup.Invalid(
                    nameof(EngagementRequest.Provider),
                    $"{nameof(EngagementRequest.Provider)} '{provider.Value}' had its engagements terminated for violation {sanction.Violation} ({ClauseIds.UseViolatorTermination}); it cannot be engaged again.");
            }
        }
    }

    private static SubjectId[] ValidateSubjects(EngagementRequest request)
    {
        const string Field = nameof(EngagementRequest.Subjects);
        var subjects = request.Subjects ?? throw PolicyLookup.Invalid(Field, $"{Field} must not be null.");
        if (request.AllSubjects)
        {
            return subjects.Count == 0
                ? []
                : throw PolicyLookup.Invalid(Field, $"{Field} must be empty when {nameof(EngagementRequest.AllSubjects)} is set.");
        }

        if (subjects.Count == 0)
        {
            throw PolicyLookup.Invalid(Field, $"{Field} must name at least one subject, or set {nameof(EngagementRequest.AllSubjects)}.");
        }

        var result = new List<SubjectId>(subjects.Count);
        foreach (var subject in subjects)
        {
            if (subject.IsEmpty)
            {
                throw PolicyLookup.Invalid(Field, $"{Field} contains an empty subject id.");
            }

            if (!result.Contains(subject))
            {
                result.Add(subject);
            }
        }

        return [.. result];
    }

    /// <summary>
    /// Changes a stored engagement with optimistic concurrency: reads it, checks it (<paramref name="check"/> throws
    /// when the change is not allowed, and returns the state to change from), swaps it, audits the change (putting
    /// it back when the trail refuses) and invalidates the covered subjects. Re-reads when another writer won.
    /// </summary>
    private async ValueTask<(ServiceEngagement Changed, DateTimeOffset At)> ChangeAsync(
        EngagementId id,
        Func<ServiceEngagement, DateTimeOffset, CancellationToken, ValueTask<ServiceEngagement>> check,
        Func<ServiceEngagement, DateTimeOffset, ServiceEngagement> change,
        Func<ServiceEngagement, AuditEvent> describe,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var current = await check(await FindExistingAsync(id, cancellationToken).ConfigureAwait(false), now, cancellationToken).ConfigureAwait(false);
            var changed = change(current, now);
            if (!await _store.TryUpdateAsync(current, changed, cancellationToken).ConfigureAwait(false))
            {
                if (attempt + 1 >= MaxConcurrencyRetries)
                {
                    throw new PrivacyStoreException($"Engagement {id} kept changing concurrently; the update was not applied.");
                }

                continue;
            }

            await AuditOrRevertAsync(describe(changed), current, changed, cancellationToken).ConfigureAwait(false);
            Invalidate(changed);
            return (changed, now);
        }
    }

    private async ValueTask<ServiceEngagement> FindExistingAsync(EngagementId id, CancellationToken cancellationToken) =>
        await _store.FindAsync(id, cancellationToken).ConfigureAwait(false)
        ?? throw new ArgumentException($"No engagement with id {id} exists.", nameof(id));

    /// <summary>Records the event of an update; when the trail refuses it, puts the stored engagement back so no change stands unaudited.</summary>
    private async ValueTask AuditOrRevertAsync(AuditEvent auditEvent, ServiceEngagement before, ServiceEngagement after, CancellationToken cancellationToken)
    {
        try
        {
            await _audit.RecordAsync(auditEvent, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception auditFailure)
        {
            if (!await _store.TryUpdateAsync(after, before, CancellationToken.None).ConfigureAwait(false))
            {
                Log.RevertFailed(_logger, auditFailure, after.Id);
            }

            throw;
        }
    }

    private async IAsyncEnumerable<ServiceEngagement> ActiveAsync(IAsyncEnumerable<ServiceEngagement> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await foreach (var engagement in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (engagement.IsActiveAt(now))
            {
                yield return engagement;
            }
        }
    }

    private async IAsyncEnumerable<EngagementEndObligation> PendingAsync(bool overdueOnly, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await foreach (var engagement in _store.GetEndedAsync(now, cancellationToken).ConfigureAwait(false))
        {
            if (EngagementEndObligation.From(engagement) is { IsPending: true } obligation && (!overdueOnly || obligation.IsOverdueAt(now)))
            {
                yield return obligation;
            }
        }
    }

    private void Invalidate(ServiceEngagement engagement)
    {
        if (_cache is null)
        {
            return;
        }

        if (engagement.AllSubjects)
        {
            _cache.InvalidateAll();
            return;
        }

        foreach (var subject in engagement.Subjects)
        {
            _cache.Invalidate(subject);
        }
    }

    private static AuditEvent Event(string action, ServiceEngagement engagement, string clause) => new()
    {
        Timestamp = default,
        Kind = AuditEventKind.Engagement,
        Action = action,
        Recipient = engagement.Provider.Value,
        Purpose = engagement.Service.Value,
        Categories = [.. engagement.Categories.Select(c => c.Value)],
        ClauseIds = [clause],
        RecordId = engagement.Id.ToString(),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, EventName = "EngagementObligationEmitted", Level = LogLevel.Information, Message = "Return-or-delete obligation emitted for engagement {EngagementId} of provider {Provider}, due by {DueBy}.")]
        public static partial void ObligationEmitted(ILogger logger, EngagementId engagementId, string provider, DateTimeOffset dueBy);

        [LoggerMessage(EventId = 4002, EventName = "EngagementEndHandlerFailed", Level = LogLevel.Error, Message = "Engagement end handler {Handler} failed for engagement {EngagementId}; the obligation stays pending and is delivered again at {NextDelivery}.")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, EngagementId engagementId, string handler, DateTimeOffset nextDelivery);

        [LoggerMessage(EventId = 4003, EventName = "EngagementRevertFailed", Level = LogLevel.Critical, Message = "Engagement {EngagementId} changed after an unaudited update and could not be reverted.")]
        public static partial void RevertFailed(ILogger logger, Exception exception, EngagementId engagementId);
    }
}
