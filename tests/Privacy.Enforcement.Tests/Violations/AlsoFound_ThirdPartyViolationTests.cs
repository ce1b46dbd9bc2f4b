using Privacy.Enforcement.Tests.Engagements;
using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

// Not "...Tests.Violations": a namespace of that name would hide StandardDataCategories.Violations in every test.
namespace Privacy.Enforcement.Tests.ViolationsAndSanctions;

/// <summary>
/// <c>use.no-free-harvesting</c>: "no third party may collect, edit, sell or disseminate your PI". A provider or
/// partner caught harvesting is reported, confirmed and its engagements terminated (<c>use.violator-termination</c>,
/// <c>use.third-party.service-end</c>); afterwards every request acting for it is denied.
/// </summary>
public sealed class AlsoFound_ThirdPartyViolationTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PurposeId ServiceProvision = new(StandardPurposes.ServiceProvision);

    [Fact]
    public async Task AlsoFound_UseNoFreeHarvesting_AProviderCaughtHarvesting_IsReportedConfirmedAndItsEngagementsTerminated()
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        await host.AcceptPolicyAsync(Bob);
        var current = await host.Engagements.EngageAsync(host.MailerForAlice(TimeSpan.FromDays(30)), None);
        var future = await host.Engagements.EngageAsync(host.MailerForAlice(TimeSpan.FromDays(60)) with { StartsAt = host.Time.GetUtcNow().AddDays(40) }, None);
        var mailerReadsAlice = new UseRequest(Alice, [Email], ServiceProvision, Actor.ThirdParty(Mailer));
        (await host.Enforcer.DecideAsync(mailerReadsAlice, None)).Outcome.Should().Be(DecisionOutcome.Permit);

        // Caught collecting Bob's data, which it has no engagement for.
        var harvest = new CollectionRequest(Bob, [Email], ServiceProvision, Actor.ThirdParty(Mailer));
        var denied = await host.Enforcer.DecideAsync(harvest, None);
        denied.Outcome.Should().Be(DecisionOutcome.Deny);
        denied.ReasonClause.Should().Be(ClauseIds.UseNoFreeHarvesting);

        var violation = await host.Violations.ReportHarvestingAsync(harvest, "decision-9", None);
        violation.ViolatorKind.Should().Be(ViolatorKind.ThirdParty);
        violation.Violator.Value.Should().Be(Mailer.Value);
        violation.AffectedSubjects.Should().Equal(Bob);
        await host.Violations.ConfirmAsync(violation.Id, None);
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var sanction = await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);

        sanction.Kind.Should().Be(SanctionKind.EngagementsTerminated);
        sanction.ImposedAt.Should().Be(host.Time.GetUtcNow());
        foreach (var id in new[] { current.Id, future.Id })
        {
            var terminated = (await host.EngagementStore.FindAsync(id, None))!;
            terminated.TerminatedAt.Should().Be(host.Time.GetUtcNow());
            terminated.TerminationReason.Should().Contain(violation.Id.ToString()).And.Contain(ClauseIds.UseViolatorTermination);
        }

        host.Handler.Obligations.Select(o => o.Engagement).Should().BeEquivalentTo([current.Id, future.Id], "each end carries its return-or-delete obligation");
        var imposed = host.Audit.Events.Should().ContainSingle(e => e.Kind == AuditEventKind.Sanction).Subject;
        imposed.Action.Should().Be("sanction.engagements-terminated");
        imposed.Recipient.Should().Be(Mailer.Value);
        imposed.SubjectPseudonym.Should().BeNull("a third party is not a data subject");
        imposed.ClauseIds.Should().Equal(ClauseIds.UseViolatorTermination, ClauseIds.UseThirdPartyServiceEnd, ClauseIds.CollectExemptViolations);

        // Every request acting for it is denied, citing the termination.
        foreach (var request in new PrivacyRequest[]
        {
            mailerReadsAlice,
            new UseRequest(Bob, [Email], ServiceProvision, Actor.ThirdParty(Mailer)),
            harvest,
            new DisclosureRequest(Alice, [Email], ServiceProvision, new Recipient(Sister, RecipientKind.Affiliate), null, Actor.ThirdParty(Mailer)),
        })
        {
            var decision = await host.Enforcer.DecideAsync(request, None);
            decision.Outcome.Should().Be(DecisionOutcome.Deny);
            decision.Reason.Should().Be(DecisionReason.ActorSanctioned);
            decision.ReasonClause.Should().Be(ClauseIds.UseViolatorTermination);
        }

        // It cannot be engaged again, and a second call returns the sanction already imposed.
        var reengage = async () => await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        (await reengage.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain(ClauseIds.UseViolatorTermination);
        (await host.Violations.TerminateServiceAgreementAsync(violation.Id, None)).Should().Be(sanction);
        (await host.ViolationStore.GetSanctionsAsync(violation.Violator, None).ToListAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task AlsoFound_UseNoFreeHarvesting_APartnerSellingData_IsReportedAsTradingAndSanctioned()
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        var sale = new DisclosureRequest(Alice, [Email], ServiceProvision, new Recipient(new RecipientId("data-broker"), RecipientKind.UnrelatedThirdParty), null, Actor.ThirdParty(Partner))
        {
            TransferKind = TransferKind.Sell,
        };
        (await host.Enforcer.DecideAsync(sale, None)).Outcome.Should().Be(DecisionOutcome.Deny);

        var violation = await host.Violations.ReportHarvestingAsync(sale, "decision-10", None);
        await host.Violations.ConfirmAsync(violation.Id, None);
        await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);

        violation.Kind.Should().Be(ViolationKind.Trading);
        var decision = await host.Enforcer.DecideAsync(new UseRequest(Alice, [Email], ServiceProvision, Actor.ThirdParty(Partner)), None);
        decision.Reason.Should().Be(DecisionReason.ActorSanctioned);
        decision.ReasonClause.Should().Be(ClauseIds.UseViolatorTermination);
    }

    [Fact]
    public async Task AlsoFound_UseViolatorTermination_AThirdPartysSanction_DoesNotTouchAUserWhoseIdReadsTheSame()
    {
        await using var host = new EngagementTestHost();
        var namesake = new SubjectId(Mailer.Value);
        await host.AcceptPolicyAsync(namesake);
        var harvest = new CollectionRequest(Bob, [Email], ServiceProvision, Actor.ThirdParty(Mailer));
        var violation = await host.Violations.ReportHarvestingAsync(harvest, "decision-11", None);
        await host.Violations.ConfirmAsync(violation.Id, None);
        await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);

        (await host.Violations.IsServiceAgreementTerminatedAsync(namesake, None)).Should().BeFalse();
        (await host.Violations.GetRetainedRecordsAsync(namesake, None).ToListAsync()).Should().BeEmpty();
        var own = await host.Enforcer.DecideAsync(new UseRequest(namesake, [Email], ServiceProvision, Actor.Subject(namesake)), None);
        own.Reason.Should().NotBe(DecisionReason.ActorSanctioned);
        var onAlice = await host.Enforcer.DecideAsync(new UseRequest(Alice, [Email], ServiceProvision, Actor.User(namesake)), None);
        onAlice.Reason.Should().NotBe(DecisionReason.ActorSanctioned);
    }

    [Fact]
    public async Task AlsoFound_Report_AThirdPartyForAUserOnlyViolation_NamesTheField()
    {
        await using var host = new EngagementTestHost();
        var report = new ViolationReport
        {
            Kind = ViolationKind.LawViolation,
            Violator = new SubjectId(Mailer.Value),
            ViolatorKind = ViolatorKind.ThirdParty,
            EvidenceReference = "case-3",
        };

        var act = async () => await host.Violations.ReportAsync(report, None);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be(nameof(ViolationReport.ViolatorKind));
        host.Audit.Events.Should().BeEmpty();
    }
}
