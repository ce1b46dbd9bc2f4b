using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement;

/// <summary>The inputs of one evaluation that do not come from the request.</summary>
internal readonly struct EvaluationContext
{
    public required CompiledPolicy Policy { get; init; }

    public required SubjectSnapshot Subject { get; init; }

    /// <summary>The state of a user acting on another subject's information (for its sanctions), if any.</summary>
    public SubjectSnapshot? ActorState { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The violation named by <see cref="UserViolationEvidence"/>, read from the store.</summary>
    public Violation? Violation { get; init; }

    public TimeSpan ReturnOrDeletePeriod { get; init; }
}

// Why one type of about 750 lines: the evaluator is the policy's one decision table, walked rule by rule for a request.
// It is kept in one place so a reader can hold it against the clause catalogue
// (tests/Privacy.Enforcement.Tests/Policies/CLAUSES.md) and see that no rule is skipped or applied twice. It is the hot
// path: no I/O and no allocation beyond the decision, so it is not cut into per-rule objects.
/// <summary>The rules of the policy, applied to one request against a compiled policy and a subject snapshot. No I/O.</summary>
internal static class DecisionEvaluator
{
    private const int CollectAct = 1 << (int)ProcessingAct.Collect;
    private const int UseAct = 1 << (int)ProcessingAct.Use;
    private const int StoreAct = 1 << (int)ProcessingAct.Store;
    private const int EditAct = 1 << (int)ProcessingAct.Edit;
    private const int EraseAct = 1 << (int)ProcessingAct.Erase;
    private const int DiscloseAct = 1 << (int)ProcessingAct.Disclose;

    // intro.acceptance applies to processing by default; disclosures rest on their ground unless the rule names them.
    private const int AcceptanceDefaultActs = CollectAct | UseAct | StoreAct | EditAct;

    // use.no-free-harvesting: "collect, edit, sell or disseminate".
    private const int HarvestingDefaultActs = CollectAct | EditAct | DiscloseAct;

    public static PrivacyDecision Evaluate(PrivacyRequest request, in EvaluationContext context)
    {
        var policy = context.Policy;
        var draft = new DecisionDraft(request.Act);
        var at = context.At.UtcTicks;

        // store.security: a value outside its enum (written past the request's own checks, by reflection or unsafe
        // code) is malformed input that no rule may read as something it is not.
        if (HasUndefinedEnum(request))
        {
            return Indeterminate(ref draft, policy);
        }

        // store.security: unknown or malformed input is denied.
        var categories = request.Categories;
        if (categories.Count == 0 || request.Subject.IsEmpty || request.Purpose.IsEmpty)
        {
            return Indeterminate(ref draft, policy);
        }

        var requested = Bits128.Empty;
        for (var i = 0; i < categories.Count; i++)
        {
            var category = categories[i];
            if (category.IsEmpty)
            {
                return Indeterminate(ref draft, policy);
            }

            if (!policy.CategoryIndex.TryGetValue(category.Value, out var index))
            {
                draft.Refuse(DecisionReason.UnknownCategory, policy.DenyByDefaultClause);
                return Finish(ref draft, policy);
            }

            requested = requested.With(index);
        }

        draft.Requested = requested;
        if (!policy.PurposeIndex.TryGetValue(request.Purpose.Value, out var purpose))
        {
            draft.Refuse(DecisionReason.UnknownPurpose, policy.DenyByDefaultClause);
            return Finish(ref draft, policy);
        }

        // use.violator-termination: every request acting for a terminated user is denied, the application's too when it
        // acts in that user's own session.
        var actor = request.Actor;
        var actingForSubject = actor.IsActingFor(request.Subject);
        var actorTerminatedAt = actingForSubject || request.InSubjectSession ? context.Subject.TerminatedAt
            : actor.Kind == ActorKind.ThirdParty ? context.ActorState?.ThirdPartyTerminatedAt ?? SubjectSnapshot.Never
            : context.ActorState?.TerminatedAt ?? SubjectSnapshot.Never;
        if (actorTerminatedAt <= at)
        {
            draft.Refuse(DecisionReason.ActorSanctioned, RuleClause(policy, RuleKind.DenySanctionedActor));
            return Finish(ref draft, policy);
        }

        // collect.exempt.*: exempt categories are outside the policy; a mixed request is judged on the rest.
        var exempt = requested & policy.ExemptMask;
        for (var c = exempt.First(); c >= 0; c = exempt.Next(c))
        {
            draft.Cite(policy.ExemptionClause[c]);
        }

        draft.Exempt = exempt;
        var judged = requested.Except(exempt);
        if (judged.IsEmpty)
        {
            draft.Permitted = exempt;
            return new PrivacyDecision(draft, policy, DecisionOutcome.NotApplicable);
        }

        draft.Permitted = judged;
        switch (request)
        {
            case CollectionRequest collection:
                EvaluateCollection(collection, context, purpose, actingForSubject, ref draft);
                break;
            case UseRequest use:
                EvaluateUse(use, context, purpose, actingForSubject, ref draft);
                break;
            case DisclosureRequest disclosure:
                EvaluateDisclosure(disclosure, context, purpose, actingForSubject, ref draft);
                break;
            default:
                return Indeterminate(ref draft, policy);
        }

        return Finish(ref draft, policy);
    }

    /// <summary>
    /// Returns whether any enum the request or its evidence carries lies outside its declared values. Range checks,
    /// no lookups: the hot path pays a few comparisons (<c>DecisionEvaluatorEnumTests</c> keeps the bounds equal to
    /// the enums' members).
    /// </summary>
    internal static bool HasUndefinedEnum(PrivacyRequest request)
    {
        if ((uint)request.Act > (uint)ProcessingAct.Disclose || (uint)request.Actor.Kind > (uint)ActorKind.ThirdParty)
        {
            return true;
        }

        if (request is not DisclosureRequest disclosure)
        {
            return false;
        }

        if ((uint)disclosure.TransferKind > (uint)TransferKind.Trade || (uint)disclosure.Recipient.Kind > (uint)RecipientKind.TransactionCounterparty)
        {
            return true;
        }

        return disclosure.Evidence switch
        {
            LegalRequirementEvidence legal => legal.Institution is not (InstitutionKind.Administrative or InstitutionKind.Judicial),
            TransactionEvidence transaction => (uint)transaction.RequestingPartyFulfilment > (uint)Fulfilment.Full,
            _ => false,
        };
    }

    /// <summary>A decision that could not be made: Deny, Indeterminate, <c>store.security</c>.</summary>
    public static PrivacyDecision Indeterminate(ProcessingAct act, CompiledPolicy? policy)
    {
        var draft = new DecisionDraft(act);
        return Indeterminate(ref draft, policy);
    }

    private static PrivacyDecision Indeterminate(ref DecisionDraft draft, CompiledPolicy? policy)
    {
        draft.Permitted = Bits128.Empty;
        draft.Withheld = Bits128.Empty;
        draft.Reason0 = DecisionReason.None;
        draft.Refuse(DecisionReason.Indeterminate, policy?.DenyByDefaultClause ?? -1);
        return new PrivacyDecision(draft, policy, DecisionOutcome.Deny);
    }

    private static PrivacyDecision Finish(ref DecisionDraft draft, CompiledPolicy policy)
    {
        var judged = draft.Requested.Except(draft.Exempt);
        if (draft.Refused || (draft.Permitted & judged).IsEmpty)
        {
            if (draft.Reason0 == DecisionReason.None)
            {
                // store.security: only a rule permits.
                draft.Refuse(DecisionReason.NoPermittingRule, policy.DenyByDefaultClause);
            }

            draft.Obligations &= ~(ObligationSet.Flag(ObligationKind.RecordInLedger) | ObligationSet.Flag(ObligationKind.LimitToPermittedCategories));
            return new PrivacyDecision(draft, policy, DecisionOutcome.Deny);
        }

        draft.Permitted |= draft.Exempt;
        if (!draft.Withheld.IsEmpty)
        {
            draft.Oblige(ObligationKind.LimitToPermittedCategories);
        }

        if (draft.Act == ProcessingAct.Disclose)
        {
            // store.subject-access: every disclosure shows in the subject's ledger.
            draft.Oblige(ObligationKind.RecordInLedger);
        }

        return new PrivacyDecision(draft, policy, DecisionOutcome.Permit);
    }

    private static void EvaluateCollection(CollectionRequest request, in EvaluationContext context, int purpose, bool actingForSubject, ref DecisionDraft draft)
    {
        var policy = context.Policy;
        if (!request.Actor.IsController && !actingForSubject && Harvests(policy, ProcessingAct.Collect, ref draft))
        {
            return;
        }

        // store.location: what is collected is stored on servers of the application or an affiliate.
        if (request.StoreOperator is { } storeOperator)
        {
            var clause = RuleClause(policy, RuleKind.RequireControllerStore);
            if (!policy.RecipientIndex.TryGetValue(storeOperator.Value, out var r) || policy.RecipientKinds[r] != RecipientKind.Affiliate)
            {
                draft.Refuse(DecisionReason.StoreOperatorNotAllowed, clause);
                return;
            }

            draft.Cite(clause);
        }

        if (!Accepted(context, ProcessingAct.Collect, ref draft))
        {
            return;
        }

        // collect.consent: identifying or contact-capable categories need a live consent for category and purpose.
        var need = Bits128.Empty;
        var needClause = -1;
        foreach (var rule in policy.Rules(RuleKind.RequireConsentToCollect))
        {
            if (rule.AppliesToPurpose(purpose))
            {
                var selected = rule.Select(draft.Permitted);
                if (!selected.IsEmpty)
                {
                    need |= selected;
                    needClause = needClause < 0 ? rule.Clause : needClause;
                }
            }
        }

        if (policy.PurposeBases[purpose] == PurposeBasis.Consent)
        {
            need = draft.Permitted;
            needClause = needClause < 0 ? PurposeConsentClause(policy, purpose) : needClause;
        }

        RequireConsent(context, need, purpose, CollectAct, RecipientFilter.Any, needClause, null, ref draft);
    }

    private static void EvaluateUse(UseRequest request, in EvaluationContext context, int purpose, bool actingForSubject, ref DecisionDraft draft)
    {
        var policy = context.Policy;
        var act = request.UseAct;
        var actor = request.Actor;
        if (act == ProcessingAct.Disclose || act == ProcessingAct.Collect)
        {
            // A use request cannot stand in for a collection or disclosure: those have their own rules.
            draft.Refuse(DecisionReason.Indeterminate, policy.DenyByDefaultClause);
            return;
        }

        // store.subject-access / store.subject-edit / store.subject-delete / store.accuracy: the subject's own rights.
        if (actingForSubject && SubjectRight(policy, act, ref draft))
        {
            return;
        }

        if (actor.Kind == ActorKind.ThirdParty)
        {
            ProviderAccess(actor.Id.Value, context, act, ref draft);
            return;
        }

        if (!actor.IsController && !actingForSubject)
        {
            if (!Harvests(policy, act, ref draft))
            {
                draft.Refuse(DecisionReason.NoPermittingRule, policy.DenyByDefaultClause);
            }

            return;
        }

        if (act == ProcessingAct.Erase)
        {
            // Erasing is how store.subject-delete is carried out; it never exposes data.
            var clause = SubjectRightClause(policy, EraseAct);
            if (clause >= 0)
            {
                draft.Cite(clause);
            }
            else
            {
                draft.Refuse(DecisionReason.NoPermittingRule, policy.DenyByDefaultClause);
            }

            return;
        }

        if (!Accepted(context, act, ref draft))
        {
            return;
        }

        PurposeRules(context, purpose, UseAct | DiscloseAct, RecipientFilter.Any, RecipientKind.UnrelatedThirdParty, ref draft);
    }

    private static void EvaluateDisclosure(DisclosureRequest request, in EvaluationContext context, int purpose, bool actingForSubject, ref DecisionDraft draft)
    {
        var policy = context.Policy;
        var at = context.At.UtcTicks;
        var actor = request.Actor;
        var recipient = request.Recipient;

        // use.third-party.service-end / use.no-free-harvesting: third parties and other users do not pass data on.
        if (!actor.IsController && !actingForSubject)
        {
            if (actor.Kind == ActorKind.ThirdParty && EngagementEnded(actor.Id.Value, context, ref draft))
            {
                return;
            }

            if (!Harvests(policy, ProcessingAct.Disclose, ref draft))
            {
                draft.Refuse(DecisionReason.NoPermittingRule, policy.DenyByDefaultClause);
            }

            return;
        }

        // use.third-party.no-trade: selling, renting and trading are denied even with consent.
        var noTrade = RuleClause(policy, RuleKind.DenyUnrelatedTransfer);
        if (request.TransferKind != TransferKind.Share)
        {
            draft.Refuse(DecisionReason.TransferKindForbidden, noTrade);
            return;
        }

        if (recipient.Id.IsEmpty || !Enum.IsDefined(recipient.Kind))
        {
            draft.Refuse(DecisionReason.Indeterminate, policy.DenyByDefaultClause);
            return;
        }

        // A declared recipient has the kind the policy declares; affiliates, providers and partners must be declared.
        if (policy.RecipientIndex.TryGetValue(recipient.Id.Value, out var declared))
        {
            if (policy.RecipientKinds[declared] != recipient.Kind)
            {
                draft.Refuse(DecisionReason.UnknownRecipient, policy.DenyByDefaultClause);
                return;
            }
        }
        else if (recipient.Kind is RecipientKind.Affiliate or RecipientKind.ServiceProvider or RecipientKind.Partner)
        {
            draft.Refuse(DecisionReason.UnknownRecipient, policy.DenyByDefaultClause);
            return;
        }

        // use.third-party.service-end: a provider whose engagement ended may receive nothing more.
        if (recipient.Kind == RecipientKind.ServiceProvider && EngagementEnded(recipient.Id.Value, context, ref draft))
        {
            return;
        }

        if (!Accepted(context, ProcessingAct.Disclose, ref draft))
        {
            return;
        }

        // store.account-security: credentials are never disclosed, whatever the ground.
        foreach (var rule in policy.Rules(RuleKind.NeverDisclose))
        {
            draft.Withhold(rule.Select(draft.Permitted), DecisionReason.CategoryNeverDisclosable, rule.Clause);
        }

        var evidence = request.Evidence;
        if (evidence is null)
        {
            // use.third-party.service-provider: a transfer to an engaged provider needs no other ground.
            if (recipient.Kind is RecipientKind.ServiceProvider or RecipientKind.Affiliate && ActiveEngagement(recipient.Id.Value, -1, context, out var engaged))
            {
                var clause = RuleClause(policy, RuleKind.PermitEngagedProvider);
                draft.Cite(clause);
                draft.Withhold(draft.Permitted.Except(engaged), DecisionReason.CategoryOutsideScope, clause);
                PurposeRules(context, purpose, DiscloseAct, new RecipientFilter(recipient.Id.Value, recipient.Kind), recipient.Kind, ref draft);
                return;
            }

            draft.Refuse(
                recipient.Kind == RecipientKind.UnrelatedThirdParty ? DecisionReason.RecipientUnrelated : DecisionReason.EvidenceMissing,
                recipient.Kind == RecipientKind.UnrelatedThirdParty ? noTrade : policy.DenyByDefaultClause);
            return;
        }

        draft.Ground = evidence.Ground;
        var ground = (int)evidence.Ground < policy.Grounds.Length ? policy.Grounds[(int)evidence.Ground] : null;
        if (ground is null)
        {
            draft.Refuse(DecisionReason.NoPermittingRule, policy.DenyByDefaultClause);
            return;
        }

        draft.Cite(ground.Clause);
        if (!ground.AllowsRecipient(recipient.Kind))
        {
            if (recipient.Kind == RecipientKind.UnrelatedThirdParty)
            {
                draft.Refuse(DecisionReason.RecipientUnrelated, noTrade);
            }
            else
            {
                draft.Refuse(DecisionReason.RecipientNotAllowedForGround, ground.Clause);
            }

            return;
        }

        if (!DisclosureEvidenceRules.HasRequiredFields(evidence, ground.RequiredEvidence))
        {
            draft.Refuse(DecisionReason.EvidenceMissing, ground.Clause);
            return;
        }

        var filter = new RecipientFilter(recipient.Id.Value, recipient.Kind);
        Bits128 limit;
        switch (evidence)
        {
            case ConsentEvidence consent:
                // disclose.consent / use.third-party.permission: a prior consent naming the recipient or its kind.
                if (consent.ConsentId is { } named && !context.Subject.HasConsent(named))
                {
                    draft.Refuse(DecisionReason.EvidenceMissing, ground.Clause);
                    return;
                }

                if (consent.ConsentId is { } relied && !context.Subject.Names(relied, purpose, filter))
                {
                    // The consent named is for another recipient or purpose.
                    draft.Refuse(DecisionReason.EvidenceInconsistent, ground.Clause);
                    return;
                }

                limit = context.Subject.Covered(draft.Permitted, purpose, DiscloseAct, filter, at, consent.ConsentId);
                var permission = recipient.Kind == RecipientKind.Affiliate ? -1 : RuleClause(policy, RuleKind.PermitTransferWithPriorConsent, allowMissing: true);
                WithholdUncovered(context, draft.Permitted.Except(limit), purpose, DiscloseAct, filter, permission >= 0 ? permission : ground.Clause, ref draft);
                if (!limit.IsEmpty)
                {
                    draft.Cite(permission);
                }

                break;

            case ServiceNecessityEvidence service:
                if (!DisclosureEvidenceRules.ServiceNecessity(service, recipient, context, out limit, out var reason, out var serviceProvider))
                {
                    draft.Refuse(reason, ground.Clause);
                    return;
                }

                if (serviceProvider)
                {
                    draft.Cite(RuleClause(policy, RuleKind.PermitEngagedProvider, allowMissing: true));
                }

                break;

            default:
                if (!DisclosureEvidenceRules.Limit(evidence, ground, request, context, out limit, out var failure))
                {
                    draft.Refuse(failure, ground.Clause);
                    if (failure == DecisionReason.ApprovalRequired)
                    {
                        draft.Oblige(ObligationKind.ObtainOperatorApproval);
                    }

                    return;
                }

                break;
        }

        // "all or part": never more than the ground releases.
        draft.Withhold(draft.Permitted.Except(limit), DecisionReason.CategoryOutsideScope, ground.Clause);
        if (draft.Permitted.IsEmpty)
        {
            return;
        }

        draft.Obligations |= ground.Obligations & ~ObligationSet.Flag(ObligationKind.ObtainOperatorApproval);
        PurposeRules(context, purpose, DiscloseAct, filter, recipient.Kind, ref draft);
    }

    /// <summary>use.own-marketing and use.partner-marketing: purposes the subject may object to, and purposes that need a prior consent.</summary>
    private static void PurposeRules(in EvaluationContext context, int purpose, int acts, in RecipientFilter filter, RecipientKind recipientKind, ref DecisionDraft draft)
    {
        var policy = context.Policy;
        var at = context.At.UtcTicks;
        foreach (var rule in policy.Rules(RuleKind.PermitUnlessObjected))
        {
            if (rule.Purposes != 0 && rule.AppliesToPurpose(purpose))
            {
                if (context.Subject.Objected(purpose, at))
                {
                    draft.Refuse(DecisionReason.Objected, rule.Clause);
                    return;
                }

                draft.Cite(rule.Clause);
            }
        }

        if (policy.PurposeObjectable[purpose] && context.Subject.Objected(purpose, at))
        {
            draft.Refuse(DecisionReason.Objected, PurposeConsentClause(policy, purpose));
            return;
        }

        var consentClause = -1;
        foreach (var rule in policy.Rules(RuleKind.RequireConsentForPurpose))
        {
            if (rule.Purposes != 0 && rule.AppliesToPurpose(purpose) && (draft.Act != ProcessingAct.Disclose || rule.AppliesToRecipient(recipientKind)))
            {
                consentClause = rule.Clause;
                break;
            }
        }

        if (consentClause < 0 && policy.PurposeBases[purpose] == PurposeBasis.Consent)
        {
            consentClause = PurposeConsentClause(policy, purpose);
        }

        if (consentClause >= 0)
        {
            RequireConsent(context, draft.Permitted, purpose, acts, filter, consentClause, null, ref draft);
            return;
        }

        if (draft.Act != ProcessingAct.Disclose)
        {
            // Permitted under the accepted policy (intro.acceptance).
            draft.Cite(RuleClause(policy, RuleKind.RequireAcceptance, allowMissing: true));
        }
    }

    private static void RequireConsent(in EvaluationContext context, Bits128 need, int purpose, int acts, in RecipientFilter filter, int clause, ConsentId? only, ref DecisionDraft draft)
    {
        if (need.IsEmpty)
        {
            return;
        }

        var covered = context.Subject.Covered(need, purpose, acts, filter, context.At.UtcTicks, only);
        if (!covered.IsEmpty)
        {
            draft.Cite(clause);
        }

        WithholdUncovered(context, need.Except(covered), purpose, acts, filter, clause, ref draft);
    }

    private static void WithholdUncovered(in EvaluationContext context, Bits128 missing, int purpose, int acts, in RecipientFilter filter, int clause, ref DecisionDraft draft)
    {
        if (missing.IsEmpty)
        {
            return;
        }

        var policy = context.Policy;
        var at = context.At.UtcTicks;
        for (var c = missing.First(); c >= 0; c = missing.Next(c))
        {
            var reason = context.Subject.WhyNotCovered(c, purpose, acts, filter, at);
            draft.Withhold(Bits128.Of(c), reason, clause);
            if (reason == DecisionReason.ConsentNeedsRenewal)
            {
                // changes.notice: a consent a policy change affected must be renewed.
                draft.Cite(RuleClause(policy, RuleKind.RenewConsentOnChange, allowMissing: true));
                draft.Oblige(ObligationKind.RenewConsent);
            }
        }
    }

    /// <summary>intro.acceptance: processing needs the subject's acceptance of the version in force (explicit or deemed).</summary>
    private static bool Accepted(in EvaluationContext context, ProcessingAct act, ref DecisionDraft draft)
    {
        var policy = context.Policy;
        foreach (var rule in policy.Rules(RuleKind.RequireAcceptance))
        {
            if (!rule.AppliesToAct(act, AcceptanceDefaultActs))
            {
                continue;
            }

            if (context.Subject.AcceptedCurrentAt > context.At.UtcTicks)
            {
                draft.Refuse(DecisionReason.AcceptanceRequired, rule.Clause);
                draft.Oblige(ObligationKind.ObtainAcceptance);
                if (context.Subject.AcceptedOlderOnly)
                {
                    // changes.replace: acceptance of the version it replaced does not carry over.
                    draft.Cite(RuleClause(policy, RuleKind.NewestVersionReplaces, allowMissing: true));
                }

                return false;
            }

            draft.Cite(rule.Clause);
        }

        return true;
    }

    /// <summary>use.no-free-harvesting: an actor other than the application collecting, editing or disseminating another subject's information.</summary>
    private static bool Harvests(CompiledPolicy policy, ProcessingAct act, ref DecisionDraft draft)
    {
        foreach (var rule in policy.Rules(RuleKind.DenyHarvesting))
        {
            if (rule.AppliesToAct(act, HarvestingDefaultActs))
            {
                draft.Refuse(DecisionReason.HarvestingForbidden, rule.Clause);
                draft.Oblige(ObligationKind.ReportViolation);
                return true;
            }
        }

        return false;
    }

    private static bool SubjectRight(CompiledPolicy policy, ProcessingAct act, ref DecisionDraft draft)
    {
        var matched = false;
        foreach (var rule in policy.Rules(RuleKind.SubjectRight))
        {
            if ((RightActs(policy, rule) & (1 << (int)act)) != 0)
            {
                draft.Cite(rule.Clause);
                matched = true;
            }
        }

        return matched;
    }

    private static int SubjectRightClause(CompiledPolicy policy, int act)
    {
        foreach (var rule in policy.Rules(RuleKind.SubjectRight))
        {
            if ((RightActs(policy, rule) & act) != 0)
            {
                return rule.Clause;
            }
        }

        return -1;
    }

    /// <summary>The acts a subject-right rule covers: its own, or those its clause names.</summary>
    private static int RightActs(CompiledPolicy policy, CompiledRule rule) => rule.Acts != 0 ? rule.Acts : policy.ClauseNames[rule.Clause] switch
    {
        ClauseIds.StoreSubjectAccess => UseAct,
        ClauseIds.StoreSubjectEdit or ClauseIds.StoreAccuracy => EditAct,
        ClauseIds.StoreSubjectDelete => EraseAct,
        _ => 0,
    };

    /// <summary>use.third-party.service-provider / service-end: a provider reads the subject's data only under an active engagement.</summary>
    private static void ProviderAccess(string provider, in EvaluationContext context, ProcessingAct act, ref DecisionDraft draft)
    {
        var policy = context.Policy;
        if (ActiveEngagement(provider, -1, context, out var categories))
        {
            var clause = RuleClause(policy, RuleKind.PermitEngagedProvider);
            draft.Cite(clause);
            draft.Withhold(draft.Permitted.Except(categories), DecisionReason.CategoryOutsideScope, clause);
            return;
        }

        if (EngagementEnded(provider, context, ref draft))
        {
            return;
        }

        if (!Harvests(policy, act, ref draft))
        {
            draft.Refuse(DecisionReason.NoEngagement, RuleClause(policy, RuleKind.PermitEngagedProvider));
        }
    }

    /// <summary>Returns whether the provider has an active engagement covering the subject (for the service, or any when -1), and the categories it declares.</summary>
    internal static bool ActiveEngagement(string provider, int service, in EvaluationContext context, out Bits128 categories)
    {
        categories = Bits128.Empty;
        var found = false;
        var at = context.At.UtcTicks;
        foreach (ref readonly var engagement in context.Subject.Engagements.AsSpan())
        {
            if (engagement.IsActiveAt(at) && (service < 0 || engagement.Service == service) &&
                string.Equals(engagement.Provider, provider, StringComparison.Ordinal))
            {
                categories |= engagement.Categories;
                found = true;
            }
        }

        return found;
    }

    /// <summary>use.third-party.service-end: the provider's engagements with the subject ended and none is active: deny and oblige return or deletion.</summary>
    private static bool EngagementEnded(string provider, in EvaluationContext context, ref DecisionDraft draft)
    {
        var at = context.At.UtcTicks;
        if (context.Subject.Engagements.Length == 0 || !context.Subject.MayHaveEndedEngagement(at))
        {
            return false;
        }

        EngagementSpan? ended = null;
        foreach (ref readonly var engagement in context.Subject.Engagements.AsSpan())
        {
            if (!string.Equals(engagement.Provider, provider, StringComparison.Ordinal))
            {
                continue;
            }

            if (engagement.IsActiveAt(at))
            {
                return false;
            }

            if (engagement.End <= at && (ended is null || engagement.End > ended.Value.End))
            {
                ended = engagement;
            }
        }

        if (ended is not { } last)
        {
            return false;
        }

        draft.Refuse(DecisionReason.EngagementEnded, RuleClause(context.Policy, RuleKind.DenyAfterEngagementEnd));
        draft.Oblige(ObligationKind.ReturnOrDelete);
        draft.Deadline = new DateTimeOffset(last.End, TimeSpan.Zero) + context.ReturnOrDeletePeriod;
        draft.Engagement = last.Id;
        return true;
    }

    private static int RuleClause(CompiledPolicy policy, RuleKind kind, bool allowMissing = false)
    {
        var clause = policy.ClauseOf(kind);
        return clause >= 0 || allowMissing ? clause : policy.DenyByDefaultClause;
    }

    private static int PurposeConsentClause(CompiledPolicy policy, int purpose)
    {
        var clause = policy.Source.Document.Purposes[purpose].Clause;
        return clause is not null && policy.ClauseIndex.TryGetValue(clause, out var index) ? index : policy.DenyByDefaultClause;
    }
}
