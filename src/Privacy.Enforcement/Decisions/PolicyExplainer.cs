using Microsoft.Extensions.Options;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement;

/// <summary>
/// Explains a decision off the hot path: it loads the subject's state through the same cache, evaluates the request
/// with the same evaluator (so the decision is the enforcer's), then walks the policy's rules in the order the
/// evaluator considers them, telling for each whether it is in scope and whether the decision rests on it, and
/// re-evaluates each requested category alone to say why it was permitted or withheld.
/// </summary>
internal sealed class PolicyExplainer(IPolicyProvider policies, IPrivacyEnforcer enforcer, SubjectStateCache cache, TimeProvider time, IOptions<PrivacyDecisionOptions> options) : IPolicyExplainer
{
    // The order in which the evaluator considers each kind of rule, per act.
    private static readonly RuleKind[] CollectOrder =
    [
        RuleKind.DenySanctionedActor, RuleKind.ExemptCategories, RuleKind.DenyHarvesting, RuleKind.RequireControllerStore,
        RuleKind.RequireAcceptance, RuleKind.RequireConsentToCollect, RuleKind.DenyByDefault,
    ];

    private static readonly RuleKind[] UseOrder =
    [
        RuleKind.DenySanctionedActor, RuleKind.ExemptCategories, RuleKind.SubjectRight, RuleKind.PermitEngagedProvider, RuleKind.DenyAfterEngagementEnd,
        RuleKind.DenyHarvesting, RuleKind.RequireAcceptance, RuleKind.PermitUnlessObjected, RuleKind.RequireConsentForPurpose, RuleKind.RenewConsentOnChange,
        RuleKind.NewestVersionReplaces, RuleKind.DenyByDefault,
    ];

    private static readonly RuleKind[] DiscloseOrder =
    [
        RuleKind.DenySanctionedActor, RuleKind.ExemptCategories, RuleKind.DenyHarvesting, RuleKind.DenyUnrelatedTransfer, RuleKind.DenyAfterEngagementEnd,
        RuleKind.RequireAcceptance, RuleKind.NeverDisclose, RuleKind.PermitEngagedProvider, RuleKind.PermitTransferWithPriorConsent,
        RuleKind.PermitUnlessObjected, RuleKind.RequireConsentForPurpose, RuleKind.RenewConsentOnChange, RuleKind.NewestVersionReplaces, RuleKind.DenyByDefault,
    ];

    private readonly PrivacyDecisionOptions _options = options.Value;
    private CompiledPolicy? _compiled;

    public async ValueTask<DecisionExplanation> ExplainAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var policy = Compiled();
        var context = await LoadAsync(request, policy, cancellationToken).ConfigureAwait(false);

        // As the enforcer: an act dated in the future, or before the newest change of its state, is not decided.
        if (request.OccursAt is { } occursAt && PastAct.IsRefused(occursAt, time.GetUtcNow(), policy, context.Subject, context.ActorState, context.Violation))
        {
            var refused = DecisionEvaluator.Indeterminate(request.Act, policy);
            return new DecisionExplanation(refused, [new DecisionTraceStep(1, "request", policy.ClauseNames[policy.DenyByDefaultClause], TraceVerdict.Decided, "the act is dated in the future or before the newest change of the state it is judged on", [])]);
        }

        var decision = DecisionEvaluator.Evaluate(request, context);
        return new DecisionExplanation(decision, Trace(request, context, decision));
    }

    private CompiledPolicy Compiled()
    {
        // The enforcer's own compiled version when it is the library's: the very tables the decision is made on.
        if (enforcer is PrivacyEnforcer own)
        {
            return own.CurrentPolicy;
        }

        var published = policies.Current;
        var compiled = _compiled;
        if (compiled is null || !ReferenceEquals(compiled.Source, published))
        {
            compiled = PolicyCompiler.Compile(published);
            _compiled = compiled;
        }

        return compiled;
    }

    private async ValueTask<EvaluationContext> LoadAsync(PrivacyRequest request, CompiledPolicy policy, CancellationToken token)
    {
        var subject = await cache.LoadAsync(request.Subject, policy, token).ConfigureAwait(false);
        SubjectSnapshot? actor = null;
        var acting = request.Actor;
        if (acting.Kind is ActorKind.User or ActorKind.Subject or ActorKind.ThirdParty && !acting.Id.IsEmpty && !acting.IsActingFor(request.Subject) &&
            SubjectId.TryCreate(acting.Id.Value, out var actorSubject))
        {
            actor = await cache.LoadAsync(actorSubject, policy, token).ConfigureAwait(false);
        }

        Violation? violation = null;
        if (request is DisclosureRequest { Evidence: UserViolationEvidence evidence })
        {
            violation = await cache.Violations.FindAsync(evidence.Violation, token).ConfigureAwait(false);
        }

        return new EvaluationContext
        {
            Policy = policy,
            Subject = subject,
            ActorState = actor,
            At = request.OccursAt ?? time.GetUtcNow(),
            Violation = violation,
            ReturnOrDeletePeriod = _options.ReturnOrDeletePeriod,
        };
    }

    private static List<DecisionTraceStep> Trace(PrivacyRequest request, in EvaluationContext context, PrivacyDecision decision)
    {
        var policy = context.Policy;
        var steps = new List<DecisionTraceStep>();
        var requested = request.Categories.Select(c => c.Value).ToArray();
        var unknown = requested.Where(c => !policy.CategoryIndex.ContainsKey(c)).ToArray();
        var purposeKnown = policy.PurposeIndex.TryGetValue(request.Purpose.Value, out var purpose);
        var why = unknown.Length > 0 ? $"unknown categories: {string.Join(", ", unknown)}"
            : !purposeKnown ? $"unknown purpose '{request.Purpose.Value}'"
            : $"{request.Act} of {requested.Length} categor{(requested.Length == 1 ? "y" : "ies")} for {request.Purpose.Value} by {request.Actor.Kind}";
        steps.Add(Step(steps, "request", null, unknown.Length > 0 || !purposeKnown ? TraceVerdict.Decided : TraceVerdict.Applied, why, requested));
        if (unknown.Length > 0 || !purposeKnown)
        {
            return steps;
        }

        var mask = Bits128.Empty;
        foreach (var category in requested)
        {
            mask = mask.With(policy.CategoryIndex[category]);
        }

        var order = request.Act switch
        {
            ProcessingAct.Collect => CollectOrder,
            ProcessingAct.Disclose => DiscloseOrder,
            _ => UseOrder,
        };
        var reasonClause = decision.ReasonClause;
        var decided = decision.Outcome == DecisionOutcome.Deny;
        foreach (var kind in order)
        {
            foreach (var rule in policy.Rules(kind))
            {
                var clause = policy.ClauseNames[rule.Clause];
                var scope = OutOfScope(rule, request, purpose, mask);
                var selected = Names(policy, rule.Select(mask));
                TraceVerdict verdict;
                string because;
                // The decision's own citations come first: the enforcer cites some clauses beyond their rule's
                // declared scope (no-trade for an unrelated recipient whatever the transfer, the purpose's clause).
                if (decided && string.Equals(reasonClause, clause, StringComparison.Ordinal))
                {
                    (verdict, because) = (TraceVerdict.Decided, $"{decision.Outcome}: {decision.Reason}");
                }
                else if (decision.Clauses.Contains(clause))
                {
                    (verdict, because) = (TraceVerdict.Applied, scope is null ? "in scope; the decision rests on it" : $"the decision rests on it, though its declared scope does not cover this request ({scope})");
                }
                else if (scope is not null)
                {
                    (verdict, because) = (TraceVerdict.OutOfScope, scope);
                }
                else
                {
                    (verdict, because) = (TraceVerdict.NotReached, "in scope; its condition did not hold, or an earlier step decided");
                }

                steps.Add(Step(steps, $"rule {kind}", clause, verdict, because, selected));
            }

            if (kind == RuleKind.NeverDisclose && request is DisclosureRequest disclosure)
            {
                TraceGrounds(steps, disclosure, policy, decision);
            }
        }

        TraceCategories(steps, request, context);
        return steps;
    }

    private static void TraceGrounds(List<DecisionTraceStep> steps, DisclosureRequest request, CompiledPolicy policy, PrivacyDecision decision)
    {
        foreach (var ground in policy.Grounds)
        {
            if (ground is null)
            {
                continue;
            }

            var clause = policy.ClauseNames[ground.Clause];
            TraceVerdict verdict;
            string because;
            if (request.Evidence?.Ground != ground.Ground)
            {
                (verdict, because) = (TraceVerdict.OutOfScope, request.Evidence is null ? "the request names no ground" : $"the request names the ground {request.Evidence.Ground}");
            }
            else if (!ground.AllowsRecipient(request.Recipient.Kind))
            {
                (verdict, because) = (TraceVerdict.Decided, $"the ground does not allow a recipient of kind {request.Recipient.Kind}");
            }
            else if (!DisclosureEvidenceRules.HasRequiredFields(request.Evidence, ground.RequiredEvidence))
            {
                (verdict, because) = (TraceVerdict.Decided, $"evidence missing: the ground needs {string.Join(", ", ground.RequiredEvidence)}");
            }
            else if (decision.Outcome == DecisionOutcome.Deny && string.Equals(decision.ReasonClause, clause, StringComparison.Ordinal))
            {
                (verdict, because) = (TraceVerdict.Decided, $"{decision.Outcome}: {decision.Reason}");
            }
            else
            {
                (verdict, because) = (TraceVerdict.Applied, $"evidence complete; releases at most what the ground limits to ({ground.CategoryLimit})");
            }

            steps.Add(Step(steps, $"ground {ground.Ground}", clause, verdict, because, []));
        }
    }

    /// <summary>
    /// Each requested category alone, through the same evaluator: its verdict comes from that evaluation, not from the
    /// combined decision, so a trace that disagrees with the decision shows (and the tests look for it).
    /// </summary>
    private static void TraceCategories(List<DecisionTraceStep> steps, PrivacyRequest request, in EvaluationContext context)
    {
        foreach (var category in request.Categories.Distinct())
        {
            var alone = DecisionEvaluator.Evaluate(Alone(request, category), context);
            var clauses = string.Join(", ", alone.Clauses);
            var (verdict, why) = alone.Outcome switch
            {
                DecisionOutcome.NotApplicable => (TraceVerdict.Exempt, $"outside the policy ({clauses})"),
                DecisionOutcome.Permit => (TraceVerdict.Permitted, $"permitted under {clauses}"),
                _ => (TraceVerdict.Withheld, $"{alone.Reason} under {alone.ReasonClause ?? clauses}"),
            };
            steps.Add(Step(steps, $"category {category.Value}", alone.Outcome == DecisionOutcome.Deny ? alone.ReasonClause : null, verdict, why, [category.Value]));
        }
    }

    private static PrivacyRequest Alone(PrivacyRequest request, DataCategory category) => request switch
    {
        CollectionRequest c => new CollectionRequest(c.Subject, [category], c.Purpose, c.Actor) { StoreOperator = c.StoreOperator, OccursAt = c.OccursAt },
        UseRequest u => new UseRequest(u.Subject, [category], u.Purpose, u.Actor) { UseAct = u.UseAct, OccursAt = u.OccursAt },
        DisclosureRequest d => new DisclosureRequest(d.Subject, [category], d.Purpose, d.Recipient, d.Evidence, d.Actor) { TransferKind = d.TransferKind, OccursAt = d.OccursAt },
        _ => request,
    };

    private static string? OutOfScope(CompiledRule rule, PrivacyRequest request, int purpose, Bits128 requested)
    {
        if (rule.Acts != 0 && (rule.Acts & (1 << (int)request.Act)) == 0)
        {
            return $"applies to other acts than {request.Act}";
        }

        if (!rule.AppliesToPurpose(purpose))
        {
            return $"applies to other purposes than {request.Purpose.Value}";
        }

        if (request is DisclosureRequest disclosure)
        {
            if (!rule.AppliesToRecipient(disclosure.Recipient.Kind))
            {
                return $"applies to other recipients than a {disclosure.Recipient.Kind}";
            }

            if (!rule.AppliesToTransfer(disclosure.TransferKind))
            {
                return $"applies to other transfers than {disclosure.TransferKind}";
            }
        }

        return rule.Select(requested).IsEmpty ? "selects none of the requested categories" : null;
    }

    private static string[] Names(CompiledPolicy policy, Bits128 bits)
    {
        var names = new List<string>();
        for (var c = bits.First(); c >= 0; c = bits.Next(c))
        {
            names.Add(policy.CategoryList[c].Value);
        }

        return [.. names];
    }

    private static DecisionTraceStep Step(List<DecisionTraceStep> steps, string subject, string? clause, TraceVerdict verdict, string why, IReadOnlyList<string> categories) =>
        new(steps.Count + 1, subject, clause, verdict, why, categories);
}
