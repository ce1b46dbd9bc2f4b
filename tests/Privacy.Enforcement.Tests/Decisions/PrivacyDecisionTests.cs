using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>Runs in parallel with the rest: each container has its own meter, so no other test's decisions are counted here.</summary>
public sealed class PrivacyDecisionTests
{
    [Fact]
    public async Task Store_account_security_a_decision_reads_as_a_table_row_and_a_sentence()
    {
        using var fixture = new EnforcerFixture();
        await fixture.AcceptAsync(Alice);
        var consent = await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [User], [ProcessingAct.Disclose], PartnerA);
        var request = new DisclosureRequest(Alice, [new DataCategory(Email), new DataCategory(Password), new DataCategory(Health)], new PurposeId(StandardPurposes.ServiceProvision),
            new Recipient(PartnerA, RecipientKind.Partner), new ConsentEvidence { ConsentId = consent });

        var decision = await fixture.DecideAsync(request);

        decision.Outcome.Should().Be(DecisionOutcome.Permit);
        decision.Ground.Should().Be(DisclosureGround.Consent);
        decision.PermittedCategories.Select(c => c.Value).Should().Equal(Email, Health);
        decision.WithheldCategories.Select(c => c.Value).Should().Equal(Password);
        decision.Reasons.Should().ContainSingle().Which.Should().Be(new DecisionReasonEntry(DecisionReason.CategoryNeverDisclosable, ClauseIds.StoreAccountSecurity, decision.WithheldCategories));
        decision.Obligations.Select(o => o.Kind).Should().BeEquivalentTo([ObligationKind.RecordInLedger, ObligationKind.LimitToPermittedCategories]);
        decision.ToString().Should().Contain("Permit Disclose").And.Contain("standard@1.0").And.Contain("CategoryNeverDisclosable (store.account-security): user.authorization.password");

        var recorded = fixture.Audit.Events.Should().ContainSingle().Subject;
        recorded.Categories.Should().Contain(Password, "credential categories appear by name only");
        recorded.SubjectPseudonym.Should().NotBe("alice");
        recorded.EvidenceReferences.Should().Contain($"consent:{consent}");
        string.Join("|", recorded.Categories.Concat(recorded.EvidenceReferences).Concat(recorded.Reasons)).Should().NotContain("alice");
    }

    [Fact]
    public async Task Permitted_decisions_on_cached_state_allocate_nothing()
    {
        using var fixture = new EnforcerFixture(auditDecisions: false);
        await fixture.AcceptAsync(Alice);
        await fixture.ConsentAsync(Alice, StandardPurposes.ServiceProvision, [Email], [ProcessingAct.Collect]);
        var request = new CollectionRequest(Alice, [new DataCategory(Email)], new PurposeId(StandardPurposes.ServiceProvision));
        (await fixture.DecideAsync(request)).IsPermitted.Should().BeTrue();

        var permitted = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            var pending = fixture.Enforcer.DecideAsync(request);
            permitted += pending.IsCompletedSuccessfully && (await pending).IsPermitted ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        permitted.Should().Be(100);
        allocated.Should().Be(0);
    }

    [Fact]
    public async Task Telemetry_counts_decisions_by_kind_outcome_and_clause_without_personal_data()
    {
        using var fixture = new EnforcerFixture(auditDecisions: false);
        using var collector = new MetricCollector<long>(fixture.Services.GetRequiredService<PrivacyTelemetry>().Meter, "privacy.decisions");
        await fixture.AcceptAsync(Alice);

        await fixture.DecideAsync(new CollectionRequest(Alice, [new DataCategory(Phone)], new PurposeId(StandardPurposes.ServiceProvision)));

        var measurement = collector.GetMeasurementSnapshot().Should().ContainSingle(m => (string?)m.Tags["privacy.decision.kind"] == "collect").Subject;
        measurement.Tags["privacy.decision.outcome"].Should().Be("Deny");
        measurement.Tags["privacy.clause"].Should().Be(ClauseIds.CollectConsent);
        measurement.Tags.Values.Should().NotContain("alice");
    }

    [Fact]
    public async Task Registration_is_safe_to_call_twice_and_shares_the_cache()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IPolicyProvider>(new PolicyCatalog(StandardPolicy.Published));
        services.AddPrivacyEnforcement().UseInMemoryStores();
        services.AddPrivacyEnforcement();

        services.Count(d => d.ServiceType == typeof(IPrivacyEnforcer)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(ISubjectStateCache)).Should().Be(1);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<ISubjectStateCache>().Should().BeSameAs(provider.GetRequiredService<SubjectStateCache>());
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
        provider.GetRequiredService<IPrivacyEnforcer>().Should().NotBeNull();
    }
}
