using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>
/// The explainer's decision is the enforcer's, and its trace agrees with it: each category evaluated alone lands where
/// the decision put it, and every clause the decision cites is a step of the trace that applied or decided.
/// </summary>
public sealed class PolicyExplainerTests
{
    private static readonly string[] Categories = [Email, Phone, Name, Address, Behavior, SearchKeywords, Password, StandardDataCategories.Violations];

    private static readonly string[] Purposes = [StandardPurposes.ServiceProvision, StandardPurposes.OwnMarketing, StandardPurposes.PartnerMarketing, StandardPurposes.LegalCompliance];

    private static readonly SubjectId[] Subjects = [Alice, Bob, new("carol"), Mallory];

    private static readonly (string Id, RecipientKind Kind)[] Recipients =
    [
        (Courier, RecipientKind.ServiceProvider), (Sister, RecipientKind.Affiliate), (PartnerA, RecipientKind.Partner),
        (AdNetwork, RecipientKind.UnrelatedThirdParty), (Court, RecipientKind.JudicialAuthority),
    ];

    [Fact(Timeout = 120_000)]
    public async Task The_trace_agrees_with_the_real_decision_over_many_requests()
    {
        using var fixture = new EnforcerFixture(auditDecisions: false);
        var partnerConsent = await Arrange(fixture);
        var explainer = fixture.Services.GetRequiredService<IPolicyExplainer>();

        var gen = Gen.Int[0, 1000].Array[10];
        await Check.SampleAsync(gen, async d =>
        {
            var request = Build(d, partnerConsent);
            var explanation = await explainer.ExplainAsync(request, default);
            var decision = await fixture.Enforcer.DecideAsync(request);
            var because = request.ToString();

            explanation.Decision.Should().Be(decision, because);
            var categorySteps = explanation.Steps.Where(s => s.Subject.StartsWith("category ", StringComparison.Ordinal)).ToList();
            categorySteps.Select(s => s.Categories.Single()).Should().BeEquivalentTo(request.Categories.Select(c => c.Value).Distinct(), because);
            foreach (var step in categorySteps)
            {
                var category = new DataCategory(step.Categories[0]);
                switch (decision.Outcome)
                {
                    case DecisionOutcome.Permit:
                        (step.Verdict is TraceVerdict.Permitted or TraceVerdict.Exempt).Should().Be(decision.PermittedCategories.Contains(category), $"{step} in {decision} for {because}");
                        (step.Verdict == TraceVerdict.Withheld).Should().Be(decision.WithheldCategories.Contains(category), $"{step} in {decision} for {because}");
                        break;
                    case DecisionOutcome.Deny:
                        step.Verdict.Should().NotBe(TraceVerdict.Permitted, $"{step} in {decision} for {because}");
                        break;
                    default:
                        step.Verdict.Should().Be(TraceVerdict.Exempt, $"{step} in {decision} for {because}");
                        break;
                }
            }

            var traced = explanation.Steps.Where(s => s.Verdict is TraceVerdict.Applied or TraceVerdict.Decided || s.Subject.StartsWith("category ", StringComparison.Ordinal))
                .Select(s => s.Clause).ToHashSet();
            foreach (var clause in decision.Clauses)
            {
                var inTrace = traced.Contains(clause) || explanation.Steps.Any(s => s.Why.Contains(clause, StringComparison.Ordinal));
                inTrace.Should().BeTrue($"the decision cites {clause}: {decision} for {because}");
            }
        }, iter: 1000, threads: 1);
    }

    [Fact]
    public async Task A_denied_request_names_the_rule_that_decided_and_the_rules_out_of_scope()
    {
        using var fixture = new EnforcerFixture(auditDecisions: false);
        var explainer = fixture.Services.GetRequiredService<IPolicyExplainer>();

        var explanation = await explainer.ExplainAsync(new UseRequest(Bob, [new DataCategory(Behavior)], new PurposeId(StandardPurposes.ServiceProvision)), default);

        explanation.Decision.Outcome.Should().Be(DecisionOutcome.Deny);
        explanation.Steps.Should().ContainSingle(s => s.Verdict == TraceVerdict.Decided)
            .Which.Should().Match<DecisionTraceStep>(s => s.Clause == ClauseIds.IntroAcceptance && s.Why == "Deny: AcceptanceRequired");
        explanation.Steps.Should().Contain(s => s.Clause == ClauseIds.CollectExemptSearchKeywords && s.Verdict == TraceVerdict.OutOfScope && s.Why == "selects none of the requested categories");
        explanation.Steps.Should().Contain(s => s.Clause == ClauseIds.UseOwnMarketing && s.Verdict == TraceVerdict.OutOfScope);
        explanation.Steps[^1].Should().Match<DecisionTraceStep>(s => s.Subject == "category user.behavior" && s.Verdict == TraceVerdict.Withheld);
    }

    private static async Task<ConsentId> Arrange(EnforcerFixture fixture)
    {
        await fixture.AcceptAsync(Alice);
        await fixture.AcceptAsync(new SubjectId("carol"));
        await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Email], [ProcessingAct.Collect]);
        var partner = await fixture.ConsentAsync(Alice, StandardPurposes.PartnerMarketing, [Email, Phone], [ProcessingAct.Use, ProcessingAct.Disclose], recipient: PartnerA);
        await fixture.EngageAsync(Alice);
        await fixture.ObjectAsync(new SubjectId("carol"), StandardPurposes.OwnMarketing);
        return partner;
    }

    private static PrivacyRequest Build(int[] d, ConsentId partnerConsent)
    {
        var subject = Subjects[d[0] % Subjects.Length];
        var count = 1 + (d[1] % 3);
        DataCategory[] categories = [.. Enumerable.Range(0, count).Select(i => new DataCategory(Categories[(d[2] + (i * d[3])) % Categories.Length])).Distinct()];
        var purpose = new PurposeId(Purposes[d[4] % Purposes.Length]);
        var actor = (d[5] % 5) switch
        {
            0 => Actor.Subject(subject),
            1 => Actor.User(Mallory),
            2 => Actor.ThirdParty(new RecipientId(Courier)),
            _ => Actor.Application,
        };
        switch (d[6] % 4)
        {
            case 0:
                return new CollectionRequest(subject, categories, purpose, actor) { StoreOperator = d[7] % 3 == 0 ? new RecipientId(Sister) : null };
            case 1:
                return new UseRequest(subject, categories, purpose, actor) { UseAct = (d[7] % 4) switch { 0 => ProcessingAct.Edit, 1 => ProcessingAct.Erase, 2 => ProcessingAct.Store, _ => ProcessingAct.Use } };
            default:
                var (id, kind) = Recipients[d[8] % Recipients.Length];
                DisclosureEvidence? evidence = (d[9] % 5) switch
                {
                    0 => null,
                    1 => new ConsentEvidence { ConsentId = partnerConsent },
                    2 => new ServiceNecessityEvidence(new ServiceId(StandardServices.Delivery), "order-1"),
                    3 => new LegalRequirementEvidence(InstitutionKind.Judicial, "court", "law", "doc-1", [new DataCategory(Name)]),
                    _ => new ConsentEvidence(),
                };
                return new DisclosureRequest(subject, categories, purpose, new Recipient(id, kind), evidence, d[5] % 5 == 4 ? Actor.Application : actor)
                {
                    TransferKind = d[7] % 7 == 0 ? TransferKind.Sell : TransferKind.Share,
                };
        }
    }
}
