using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement;

// Why one type of about 430 lines: it is the one path of a decision, from request to audit event: take the compiled
// policy, load state (fast path from the cache, slow path from the stores under the deadline), evaluate, fail closed,
// record telemetry and the audit event. Kept together so a reader can follow a decision's every exit, and so the fast
// path stays synchronous and allocation-free.
/// <summary>
/// Decides requests under the newest published policy version (recompiled when the provider's current version
/// changes), on the subject's cached state, records each decision in the audit trail, and fails closed.
/// </summary>
internal sealed class PrivacyEnforcer : IPrivacyEnforcer
{
    private static readonly string[] DecisionActions = [.. Enumerable.Range(0, Enum.GetValues<ProcessingAct>().Length).Select(a => "decision." + DecisionTelemetry.Kind((ProcessingAct)a))];

    private readonly IPolicyProvider _policies;
    private readonly SubjectStateCache _cache;
    private readonly TimeProvider _time;
    private readonly PrivacyDecisionOptions _options;
    private readonly ILogger _logger;
    private readonly PrivacyTelemetry _telemetry;
    private readonly IAuditTrail? _audit;
    private readonly IPseudonymStore? _pseudonyms;
    private readonly object _compileGate = new();
    private CompiledPolicy? _compiled;
    private PolicyVersionText? _versionText; // the audit events' policy version, written once per compiled version

    public PrivacyEnforcer(
        IPolicyProvider policies,
        SubjectStateCache cache,
        TimeProvider time,
        IOptions<PrivacyDecisionOptions> options,
        IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        _policies = policies;
        _cache = cache;
        _time = time;
        _options = options.Value;
        _telemetry = services.GetRequiredService<PrivacyTelemetry>();
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger("Privacy.Enforcement.Decisions") ?? NullLogger.Instance;
        _audit = _options.AuditDecisions ? services.GetService<IAuditTrail>() : null;
        _pseudonyms = services.GetService<IPseudonymStore>();

        // A store shared by many instances announces their changes: listen, so their withdrawals are honoured here.
        if (services.GetService<IPrivacyChangeFeed>() is { } feed)
        {
            cache.Listen(feed, _logger);
        }
        if (_audit is not null && _pseudonyms is null)
        {
            throw new InvalidOperationException("Decision audit needs a pseudonym store (IPseudonymStore); call AddPrivacyEnforcement().UseInMemoryStores(), .UseSqlite(...) or .UsePostgreSql(...).");
        }
    }

    /// <summary>Gets the compiled version in force, compiling it when the provider published a new one (<c>changes.replace</c>).</summary>
    /// <summary>How many decisions of a batch are in flight at once (bounds the store reads a batch starts together).</summary>
    private const int ManyWindow = 256;

    internal CompiledPolicy CurrentPolicy
    {
        get
        {
            var published = _policies.Current;
            var compiled = _compiled;
            if (compiled is not null && ReferenceEquals(compiled.Source, published))
            {
                return compiled;
            }

            lock (_compileGate)
            {
                compiled = _compiled;
                if (compiled is null || !ReferenceEquals(compiled.Source, published))
                {
                    compiled = PolicyCompiler.Compile(published);
                    _compiled = compiled;
                    DecisionLog.PolicyCompiled(_logger, compiled.Version.ToString());
                }

                return compiled;
            }
        }
    }

    public ValueTask<PrivacyDecision> DecideAsync(PrivacyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _telemetry.Duration.Enabled ? Stopwatch.GetTimestamp() : 0;
        CompiledPolicy? policy = null;
        try
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new(Fail(request, policy, "cancelled", nameof(OperationCanceledException), started));
            }

            policy = CurrentPolicy;

            // Hot path: state cached, no evidence to read, no audit: no I/O and no allocation.
            if (_audit is null && !NeedsStore(request) && _cache.TryGet(request.Subject, policy, out var subject) &&
                TryActorState(request, policy, out var actor))
            {
                var at = request.OccursAt ?? (subject.TimeInvariant && (actor is null || actor.TimeInvariant) ? DateTimeOffset.MaxValue : _time.GetUtcNow());
                var decision = Evaluate(request, policy, subject, actor, at, violation: null);
                Complete(request, decision, started);
                return new(decision);
            }
        }
        catch (Exception exception)
        {
            return new(Fail(request, policy, "evaluation failed", exception.GetType().Name, started, exception));
        }

        if (_audit is not null && !PrivacyTelemetry.ActivitySource.HasListeners())
        {
            return DecideAuditedAsync(request, policy, started, cancellationToken);
        }

        return DecideSlowAsync(request, policy, started, cancellationToken);
    }

    /// <summary>
    /// Audit on, state and pseudonyms cached: decides and records without an async state machine, and returns at once
    /// when the trail takes the event at once (asynchronous mode); otherwise awaits the trail. Anything else takes the
    /// slow path.
    /// </summary>
    private ValueTask<PrivacyDecision> DecideAuditedAsync(PrivacyRequest request, CompiledPolicy policy, long started, CancellationToken cancellationToken)
    {
        PrivacyDecision decision;
        string subjectPseudonym, actorText;
        try
        {
            if (NeedsStore(request) || !_cache.TryGet(request.Subject, policy, out var subject) || !TryActorState(request, policy, out var actor) ||
                !_cache.TryGetPseudonym(request.Subject, out subjectPseudonym) || !TryCachedActorText(request.Actor, out actorText))
            {
                return DecideSlowAsync(request, policy, started, cancellationToken);
            }

            decision = Evaluate(request, policy, subject, actor, request.OccursAt ?? _time.GetUtcNow(), violation: null);
        }
        catch (Exception exception)
        {
            return new(Fail(request, policy, "evaluation failed", exception.GetType().Name, started, exception));
        }

        ValueTask recording;
        try
        {
            // Audit before effect: a Permit returns only once the trail took the event.
            recording = _audit!.RecordAsync(BuildAuditEvent(request, decision, subjectPseudonym, actorText), cancellationToken);
            if (recording.IsCompletedSuccessfully)
            {
                recording.GetAwaiter().GetResult();
                Complete(request, decision, started);
                return new(decision);
            }
        }
        catch (Exception exception)
        {
            return new(Fail(request, policy, "audit failed", exception.GetType().Name, started, exception));
        }

        return AwaitAuditAsync(recording, request, policy, decision, started);
    }

    private async ValueTask<PrivacyDecision> AwaitAuditAsync(ValueTask recording, PrivacyRequest request, CompiledPolicy policy, PrivacyDecision decision, long started)
    {
        try
        {
            await recording.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return Fail(request, policy, "audit failed", exception.GetType().Name, started, exception);
        }

        Complete(request, decision, started);
        return decision;
    }

    public async ValueTask<PrivacyDecision[]> DecideManyAsync(IReadOnlyList<PrivacyRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        for (var i = 0; i < requests.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(requests[i], $"{nameof(requests)}[{i}]");
        }

        var decisions = new PrivacyDecision[requests.Count];
        if (_audit is null)
        {
            for (var i = 0; i < decisions.Length; i++)
            {
                decisions[i] = await DecideAsync(requests[i], cancellationToken).ConfigureAwait(false);
            }

            return decisions;
        }

        // With audit on, a window of decisions is started before any is awaited, so their events reach the trail
        // together and share group commits: one flush for the window instead of one per record. Each decision still
        // returns only once its own event is durable.
        var window = new ValueTask<PrivacyDecision>[Math.Min(decisions.Length, ManyWindow)];
        for (var start = 0; start < decisions.Length; start += window.Length)
        {
            var count = Math.Min(window.Length, decisions.Length - start);

            // The window's events are queued together when it has started (one sealing, one batch, one flush), and
            // before any decision is awaited: nothing here waits for an event held back.
            using (_audit is AuditTrailPipeline pipeline ? pipeline.DeferQueueing() : default)
            {
                for (var j = 0; j < count; j++)
                {
#pragma warning disable CA2012 // Each ValueTask is stored once and awaited exactly once just below.
                    window[j] = DecideAsync(requests[start + j], cancellationToken);
#pragma warning restore CA2012
                }
            }

            for (var j = 0; j < count; j++)
            {
                decisions[start + j] = await window[j].ConfigureAwait(false);
            }
        }

        return decisions;
    }

    private async ValueTask<PrivacyDecision> DecideSlowAsync(PrivacyRequest request, CompiledPolicy? policy, long started, CancellationToken cancellationToken)
    {
        using var activity = PrivacyTelemetry.ActivitySource.HasListeners() ? PrivacyTelemetry.ActivitySource.StartActivity("privacy.decide") : null;
        activity?.SetTag(DecisionTelemetry.KindTag, DecisionTelemetry.Kind(request.Act));
        PrivacyDecision decision;
        try
        {
            policy ??= CurrentPolicy;
            if (!NeedsStore(request) && _cache.TryGet(request.Subject, policy, out var cached) && TryActorState(request, policy, out var cachedActor))
            {
                // Cached state, audit on: no store to wait for, so no timeout to arm.
                decision = Evaluate(request, policy, cached, cachedActor, request.OccursAt ?? _time.GetUtcNow(), violation: null);
            }
            else
            {
                decision = await LoadAndEvaluateAsync(request, policy, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException exception)
        {
            return Fail(request, policy, cancellationToken.IsCancellationRequested ? "cancelled" : "state load timed out", exception.GetType().Name, started, exception);
        }
        catch (Exception exception)
        {
            return Fail(request, policy, "state could not be read", exception.GetType().Name, started, exception);
        }

        if (_audit is not null)
        {
            try
            {
                // Audit before effect: a Permit returns only once the trail took the event.
                var auditEvent = await BuildAuditEventAsync(request, decision, cancellationToken).ConfigureAwait(false);
                await _audit.RecordAsync(auditEvent, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                return Fail(request, policy, "audit failed", exception.GetType().Name, started, exception);
            }
        }

        activity?.SetTag(DecisionTelemetry.OutcomeTag, DecisionTelemetry.Outcome(decision.Outcome));
        Complete(request, decision, started);
        return decision;
    }

    private async ValueTask<PrivacyDecision> LoadAndEvaluateAsync(PrivacyRequest request, CompiledPolicy policy, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.StateLoadTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;
        var (subject, actor, violation) = await Bounded(LoadStateAsync(request, policy, token), token).ConfigureAwait(false);
        token.ThrowIfCancellationRequested();
        return Evaluate(request, policy, subject, actor, request.OccursAt ?? _time.GetUtcNow(), violation);
    }

    private async ValueTask<(SubjectSnapshot Subject, SubjectSnapshot? Actor, Violation? Violation)> LoadStateAsync(PrivacyRequest request, CompiledPolicy policy, CancellationToken token)
    {
        if (!_cache.TryGet(request.Subject, policy, out var subject))
        {
            subject = await _cache.LoadAsync(request.Subject, policy, token).ConfigureAwait(false);
        }

        SubjectSnapshot? actor = null;
        if (ActorSubject(request) is { } actorSubject && !_cache.TryGet(actorSubject, policy, out actor))
        {
            actor = await _cache.LoadAsync(actorSubject, policy, token).ConfigureAwait(false);
        }

        Violation? violation = null;
        if (request is DisclosureRequest { Evidence: UserViolationEvidence evidence })
        {
            violation = await _cache.Violations.FindAsync(evidence.Violation, token).ConfigureAwait(false);
        }

        return (subject, actor, violation);
    }

    /// <summary>
    /// Waits for host code (a store) no longer than <paramref name="token"/> allows, whether or not the host code
    /// observes the token: the wait is bounded by the library's own clock, and the caller is answered (Deny
    /// Indeterminate) while a store that ignores cancellation is left to finish on its own.
    /// </summary>
    private static ValueTask<T> Bounded<T>(ValueTask<T> pending, CancellationToken token)
    {
        if (pending.IsCompleted)
        {
            return pending;
        }

        var task = pending.AsTask();

        // Observed, so an abandoned store call that fails later raises no unobserved-task exception.
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new(task.WaitAsync(token));
    }

    private PrivacyDecision Evaluate(PrivacyRequest request, CompiledPolicy policy, SubjectSnapshot subject, SubjectSnapshot? actor, DateTimeOffset at, Violation? violation)
    {
        if (request.OccursAt is { } occursAt && PastAct.IsRefused(occursAt, _time.GetUtcNow(), policy, subject, actor, violation))
        {
            // The library cannot decide about acts that have not happened (facts may still change), nor replay an
            // answer about a past the subject's state has since moved on from.
            DecisionLog.Indeterminate(_logger, null, DecisionTelemetry.Kind(request.Act), "the act is dated in the future or before the newest change of the state it is judged on", nameof(PrivacyRequest.OccursAt));
            return DecisionEvaluator.Indeterminate(request.Act, policy);
        }

        var context = new EvaluationContext
        {
            Policy = policy,
            Subject = subject,
            ActorState = actor,
            At = at,
            Violation = violation,
            ReturnOrDeletePeriod = _options.ReturnOrDeletePeriod,
        };
        return DecisionEvaluator.Evaluate(request, context);
    }

    private static bool NeedsStore(PrivacyRequest request) => request is DisclosureRequest { Evidence: UserViolationEvidence };

    private bool TryActorState(PrivacyRequest request, CompiledPolicy policy, out SubjectSnapshot? actor)
    {
        actor = null;
        if (ActorSubject(request) is not { } actorSubject)
        {
            return true;
        }

        var found = _cache.TryGet(actorSubject, policy, out var state);
        actor = state;
        return found;
    }

    /// <summary>A user acting on another subject's information, or a third party: the state under its id holds its sanctions (<c>use.violator-termination</c>).</summary>
    private static SubjectId? ActorSubject(PrivacyRequest request)
    {
        var actor = request.Actor;
        return actor.Kind is ActorKind.User or ActorKind.Subject or ActorKind.ThirdParty && !actor.Id.IsEmpty && !actor.IsActingFor(request.Subject) &&
            SubjectId.TryCreate(actor.Id.Value, out var subject)
            ? subject
            : null;
    }

    private PrivacyDecision Fail(PrivacyRequest request, CompiledPolicy? policy, string cause, string errorType, long started, Exception? exception = null)
    {
        PrivacyDecision decision;
        try
        {
            policy ??= _compiled;
            decision = DecisionEvaluator.Indeterminate(request.Act, policy);
        }
        catch (Exception)
        {
            decision = DecisionEvaluator.Indeterminate(request.Act, null);
        }

        DecisionLog.Indeterminate(_logger, exception, DecisionTelemetry.Kind(request.Act), cause, errorType);
        _telemetry.Indeterminate.Add(1, new KeyValuePair<string, object?>(DecisionTelemetry.KindTag, DecisionTelemetry.Kind(request.Act)));
        Complete(request, decision, started);
        return decision;
    }

    private void Complete(PrivacyRequest request, in PrivacyDecision decision, long started)
    {
        if (_telemetry.Decisions.Enabled)
        {
            var clause = decision.Policy is { } policy
                ? (decision.ReasonClauseIndex >= 0 ? policy.ClauseNames[decision.ReasonClauseIndex] : FirstClause(policy, decision.ClauseBits))
                : string.Empty;
            _telemetry.Decisions.Add(
                1,
                new KeyValuePair<string, object?>(DecisionTelemetry.KindTag, DecisionTelemetry.Kind(request.Act)),
                new KeyValuePair<string, object?>(DecisionTelemetry.OutcomeTag, DecisionTelemetry.Outcome(decision.Outcome)),
                new KeyValuePair<string, object?>(DecisionTelemetry.ClauseTag, clause));
        }

        if (started != 0)
        {
            _telemetry.Duration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(DecisionTelemetry.KindTag, DecisionTelemetry.Kind(request.Act)),
                new KeyValuePair<string, object?>(DecisionTelemetry.OutcomeTag, DecisionTelemetry.Outcome(decision.Outcome)));
        }

        if (decision.Outcome == DecisionOutcome.Deny && _logger.IsEnabled(LogLevel.Debug))
        {
            DecisionLog.Denied(_logger, DecisionTelemetry.Kind(request.Act), decision.Reason, decision.ReasonClause);
        }
    }

    private static string FirstClause(CompiledPolicy policy, Bits128 clauses) =>
        clauses.First() is var first and >= 0 ? policy.ClauseNames[first] : string.Empty;

    private async ValueTask<AuditEvent> BuildAuditEventAsync(PrivacyRequest request, PrivacyDecision decision, CancellationToken cancellationToken)
    {
        var subjectPseudonym = await PseudonymAsync(request.Subject, cancellationToken).ConfigureAwait(false);
        if (!TryCachedActorText(request.Actor, out var actorText))
        {
            // A user or subject actor whose pseudonym is not cached yet (TryCachedActorText answers every other actor).
            _ = SubjectId.TryCreate(request.Actor.Id.Value, out var user);
            actorText = $"{request.Actor.Kind}:{await PseudonymAsync(user, cancellationToken).ConfigureAwait(false)}";
        }

        return BuildAuditEvent(request, decision, subjectPseudonym, actorText);
    }

    /// <summary>The actor as the trail names it, when no pseudonym has to be read for it (a user actor whose pseudonym is cached, or any other actor).</summary>
    private bool TryCachedActorText(Actor actor, out string text)
    {
        switch (actor.Kind)
        {
            case ActorKind.Application:
                text = "application";
                return true;
            case ActorKind.User or ActorKind.Subject when SubjectId.TryCreate(actor.Id.Value, out var user):
                if (_cache.TryGetPseudonym(user, out var pseudonym))
                {
                    text = $"{actor.Kind}:{pseudonym}";
                    return true;
                }

                text = string.Empty;
                return false;
            default:
                text = $"{actor.Kind}:{actor.Id.Value}";
                return true;
        }
    }

    /// <summary>
    /// The decision's audit event, made for the trail alone (so the trail may seal it in place): categories by name only
    /// (credential categories included), never values.
    /// </summary>
    private AuditEvent BuildAuditEvent(PrivacyRequest request, in PrivacyDecision decision, string subjectPseudonym, string actorText)
    {
        var disclosure = request as DisclosureRequest;
        var categories = Names(request.Categories);
        return new AuditEvent
        {
            Timestamp = _time.GetUtcNow(),
            Kind = AuditEventKind.Decision,
            Action = DecisionAction(request.Act),
            SubjectPseudonym = subjectPseudonym,
            Actor = actorText,
            Recipient = disclosure?.Recipient.Id.Value,
            RecipientKind = disclosure?.Recipient.Kind.ToString(),
            Purpose = request.Purpose.Value,
            Categories = categories,
            PermittedCategories = SameOrNames(categories, decision.PermittedCategories),
            Ground = disclosure?.Ground?.ToString(),
            EvidenceReferences = EvidenceReferences(disclosure?.Evidence),
            Outcome = decision.Outcome.ToString(),
            Reasons = ReasonTexts(decision),
            ClauseIds = Names(decision.Clauses),
            Obligations = ObligationTexts(decision.Obligations),
            PolicyVersion = VersionText(decision.Policy),
            CorrelationId = request.CorrelationId,
            JudgedAt = request.OccursAt,
        }.OwnedByLibrary();
    }

    /// <summary>The policy version as the trail writes it (<c>id@version</c>), made once per compiled version.</summary>
    private string? VersionText(CompiledPolicy? policy)
    {
        if (policy is null)
        {
            return null;
        }

        var known = Volatile.Read(ref _versionText);
        if (known is not null && ReferenceEquals(known.Policy, policy))
        {
            return known.Text;
        }

        known = new PolicyVersionText(policy, policy.Version.ToString());
        Volatile.Write(ref _versionText, known);
        return known.Text;
    }

    /// <summary>The permitted categories' names: the requested names themselves when they are the same, in the same order (a full permit).</summary>
    private static string[] SameOrNames(string[] requested, CategorySet permitted)
    {
        if (permitted.Count == requested.Length)
        {
            var i = 0;
            foreach (var category in permitted)
            {
                if (!string.Equals(category.Value, requested[i++], StringComparison.Ordinal))
                {
                    return Names(permitted);
                }
            }

            return requested;
        }

        return Names(permitted);
    }

    private static string[] ReasonTexts(in PrivacyDecision decision)
    {
        if (decision.Reason == DecisionReason.None)
        {
            return [];
        }

        var reasons = decision.Reasons;
        var texts = new string[reasons.Count];
        for (var i = 0; i < texts.Length; i++)
        {
            var r = reasons[i];
            texts[i] = r.Clause is null ? r.Reason.ToString() : $"{r.Reason}:{r.Clause}";
        }

        return texts;
    }

    private static string[] ObligationTexts(ObligationSet obligations)
    {
        if (obligations.IsEmpty)
        {
            return [];
        }

        var texts = new string[obligations.Count];
        var i = 0;
        foreach (var obligation in obligations)
        {
            texts[i++] = obligation.ToString();
        }

        return texts;
    }

    /// <summary>The audit action of a decision on <paramref name="act"/>: <c>decision.</c> and the act's kind, one string per act.</summary>
    private static string DecisionAction(ProcessingAct act) =>
        (uint)act < (uint)DecisionActions.Length ? DecisionActions[(int)act] : "decision." + DecisionTelemetry.Kind(act);

    /// <summary>The categories' names, without an iterator or a boxed set.</summary>
    private static string[] Names(IReadOnlyList<DataCategory> categories)
    {
        if (categories.Count == 0)
        {
            return [];
        }

        var names = new string[categories.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = categories[i].Value;
        }

        return names;
    }

    private static string[] Names(CategorySet categories)
    {
        if (categories.Count == 0)
        {
            return [];
        }

        var names = new string[categories.Count];
        var i = 0;
        foreach (var category in categories)
        {
            names[i++] = category.Value;
        }

        return names;
    }

    private static string[] Names(ClauseSet clauses)
    {
        if (clauses.Count == 0)
        {
            return [];
        }

        var names = new string[clauses.Count];
        var i = 0;
        foreach (var clause in clauses)
        {
            names[i++] = clause;
        }

        return names;
    }

    private async ValueTask<string> PseudonymAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        if (_cache.TryGetPseudonym(subject, out var pseudonym))
        {
            return pseudonym;
        }

        // The pseudonym store is read like the state stores: within StateLoadTimeout, whether or not it observes the token.
        using var timeout = new CancellationTokenSource(_options.StateLoadTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        pseudonym = await Bounded(_pseudonyms!.GetOrCreateAsync(subject, linked.Token), linked.Token).ConfigureAwait(false);
        _cache.SetPseudonym(subject, pseudonym);
        return pseudonym;
    }

    /// <summary>References to the evidence relied on; never the complainant or counterparties (they are subjects).</summary>
    private static string[] EvidenceReferences(DisclosureEvidence? evidence)
    {
        if (evidence is null)
        {
            return [];
        }

        var references = new List<string>(2);
        if (!string.IsNullOrWhiteSpace(evidence.Reference))
        {
            references.Add(evidence.Reference);
        }

        var specific = evidence switch
        {
            ConsentEvidence { ConsentId: { } id } => "consent:" + id,
            ServiceNecessityEvidence e => $"service:{e.Service.Value}",
            LegalRequirementEvidence e => "document:" + e.DocumentReference,
            UserViolationEvidence e => "violation:" + e.Violation,
            IpComplaintEvidence e => "complaint:" + e.ComplaintReference,
            TransactionEvidence e => "transaction:" + e.TransactionReference,
            OtherLegalEvidence e => "provision:" + e.Provision,
            _ => null,
        };
        if (specific is not null)
        {
            references.Add(specific);
        }

        return [.. references];
    }
}

/// <summary>A compiled policy's version as audit events write it.</summary>
internal sealed record PolicyVersionText(CompiledPolicy Policy, string Text);
