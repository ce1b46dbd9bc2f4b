using Privacy.Enforcement.Tests.Engagements;
using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

// Not "...Tests.Violations": a namespace of that name would hide StandardDataCategories.Violations in every test.
namespace Privacy.Enforcement.Tests.ViolationsAndSanctions;

/// <summary>
/// <c>use.no-free-harvesting</c> and <c>use.violator-termination</c> through the real enforcer: violations handled
/// with the violation service, decisions asked of <see cref="IPrivacyEnforcer"/>.
/// </summary>
public sealed class ViolationClauseTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly SubjectId Mallory = new("mallory");
    private static readonly PurposeId ServiceProvision = new(StandardPurposes.ServiceProvision);

    /// <summary>Every kind of request acting for Mallory: on her own data (collect, use, edit, disclose) and on Alice's.</summary>
    private static IEnumerable<PrivacyRequest> ActingForMallory()
    {
        var mallory = Actor.User(Mallory);
        yield return new CollectionRequest(Mallory, [Email], ServiceProvision, mallory);
        yield return new UseRequest(Mallory, [Email], ServiceProvision, mallory);
        yield return new UseRequest(Mallory, [Email], ServiceProvision, mallory) { UseAct = ProcessingAct.Edit };
        yield return new UseRequest(Mallory, [Email], ServiceProvision, Actor.Subject(Mallory));
        yield return new DisclosureRequest(Mallory, [Email], ServiceProvision, new Recipient(Mailer, RecipientKind.ServiceProvider), null, mallory);
        yield return new UseRequest(Alice, [Email], ServiceProvision, mallory);
        yield return new CollectionRequest(Alice, [Email], ServiceProvision, mallory);
        yield return new DisclosureRequest(Alice, [Email], ServiceProvision, new Recipient(Mailer, RecipientKind.ServiceProvider), null, mallory);
    }

    private static async Task<ViolationId> ConfirmedHarvestingAsync(EngagementTestHost host)
    {
        var harvest = new CollectionRequest(Alice, [Email], ServiceProvision, Actor.User(Mallory));
        var violation = await host.Violations.ReportHarvestingAsync(harvest, "decision-1", None);
        await host.Violations.ConfirmAsync(violation.Id, None);
        return violation.Id;
    }

    [Fact]
    public async Task UseNoFreeHarvesting_AUserCollectingAnotherSubjectsData_IsDeniedAndReported()
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        await host.AcceptPolicyAsync(Mallory);
        var harvest = new CollectionRequest(Alice, [Email, Name], ServiceProvision, Actor.User(Mallory)) { CorrelationId = "req-7" };

        var decision = await host.Enforcer.DecideAsync(harvest, None);

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.HarvestingForbidden);
        decision.ReasonClause.Should().Be(ClauseIds.UseNoFreeHarvesting);
        decision.Obligations.Contains(ObligationKind.ReportViolation).Should().BeTrue();

        // The host carries out the ReportViolation obligation.
        var violation = await host.Violations.ReportHarvestingAsync(harvest, harvest.CorrelationId!, None);

        var stored = (await host.ViolationStore.GetByViolatorAsync(Mallory, None).ToListAsync()).Should().ContainSingle().Subject;
        stored.Should().Be(violation);
        stored.Kind.Should().Be(ViolationKind.Harvesting);
        stored.AffectedSubjects.Should().Equal(Alice);
        stored.RelevantCategories.Should().Equal(Email, Name);
        stored.Status.Should().Be(ViolationStatus.Reported);
    }

    [Theory]
    [InlineData(TransferKind.Sell)]
    [InlineData(TransferKind.Trade)]
    public async Task UseNoFreeHarvesting_AUserSellingAnotherSubjectsData_IsDeniedAndReportedAsTrading(TransferKind transfer)
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        var sale = new DisclosureRequest(Alice, [Email], ServiceProvision, new Recipient(Partner, RecipientKind.Partner), null, Actor.User(Mallory))
        {
            TransferKind = transfer,
        };

        var decision = await host.Enforcer.DecideAsync(sale, None);
        var violation = await host.Violations.ReportHarvestingAsync(sale, "decision-2", None);

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Obligations.Contains(ObligationKind.ReportViolation).Should().BeTrue();
        violation.Kind.Should().Be(ViolationKind.Trading);
    }

    [Fact]
    public async Task UseViolatorTermination_ATerminatedUsersEveryLaterRequest_IsDenied()
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        await host.AcceptPolicyAsync(Mallory);
        var ownUse = new UseRequest(Mallory, [Email], ServiceProvision, Actor.User(Mallory));
        (await host.Enforcer.DecideAsync(ownUse, None)).Outcome.Should().Be(DecisionOutcome.Permit);
        var violation = await ConfirmedHarvestingAsync(host);
        (await host.Enforcer.DecideAsync(ownUse, None)).Outcome.Should().Be(DecisionOutcome.Permit, "a confirmed violation alone does not terminate the agreement");

        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.Violations.TerminateServiceAgreementAsync(violation, None);

        foreach (var request in ActingForMallory())
        {
            var decision = await host.Enforcer.DecideAsync(request, None);
            decision.Outcome.Should().Be(DecisionOutcome.Deny, "{0} acts for a terminated user", request);
            decision.Reason.Should().Be(DecisionReason.ActorSanctioned, "{0} acts for a terminated user", request);
            decision.ReasonClause.Should().Be(ClauseIds.UseViolatorTermination);
        }

        // A year later, still denied: termination does not lapse.
        host.Time.Advance(TimeSpan.FromDays(365));
        (await host.Enforcer.DecideAsync(ownUse, None)).Reason.Should().Be(DecisionReason.ActorSanctioned);
    }

    [Fact]
    public async Task UseViolatorTermination_TheApplicationActingInATerminatedUsersOwnSession_IsDenied()
    {
        // A signed-in web request: the application acts, in Mallory's own session. Her termination denies it; the same
        // request outside her session (a back-office job about her) is judged by the rules alone.
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        await host.AcceptPolicyAsync(Mallory);
        var inSession = new UseRequest(Mallory, [Email], ServiceProvision) { InSubjectSession = true };
        (await host.Enforcer.DecideAsync(inSession, None)).Outcome.Should().Be(DecisionOutcome.Permit);

        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.Violations.TerminateServiceAgreementAsync(await ConfirmedHarvestingAsync(host), None);

        var denied = await host.Enforcer.DecideAsync(inSession, None);
        denied.Reason.Should().Be(DecisionReason.ActorSanctioned);
        denied.ReasonClause.Should().Be(ClauseIds.UseViolatorTermination);
        (await host.Enforcer.DecideAsync(inSession with { InSubjectSession = false }, None)).Reason.Should().NotBe(DecisionReason.ActorSanctioned);
        (await host.Enforcer.DecideAsync(new UseRequest(Alice, [Email], ServiceProvision) { InSubjectSession = true }, None))
            .Outcome.Should().Be(DecisionOutcome.Permit, "Alice's own session is not Mallory's");
    }

    [Fact]
    public async Task UseViolatorTermination_OtherSubjectsAreNotAffected()
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        await host.AcceptPolicyAsync(Mallory);
        await host.Violations.TerminateServiceAgreementAsync(await ConfirmedHarvestingAsync(host), None);

        var alicesOwnUse = await host.Enforcer.DecideAsync(new UseRequest(Alice, [Email], ServiceProvision, Actor.User(Alice)), None);

        alicesOwnUse.Outcome.Should().Be(DecisionOutcome.Permit);
    }

    [Fact]
    public async Task UseViolatorTermination_RefusedTermination_LeavesTheUserServed()
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Mallory);
        var reported = await host.Violations.ReportHarvestingAsync(new CollectionRequest(Alice, [Email], ServiceProvision, Actor.User(Mallory)), "d", None);

        var act = async () => await host.Violations.TerminateServiceAgreementAsync(reported.Id, None);

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await host.Enforcer.DecideAsync(new UseRequest(Mallory, [Email], ServiceProvision, Actor.User(Mallory)), None))
            .Outcome.Should().Be(DecisionOutcome.Permit);
    }

    [Fact]
    public async Task CollectExemptViolations_ViolationRecordsOfATerminatedUser_AreKeptWithTheClause()
    {
        await using var host = new EngagementTestHost();
        var violation = await ConfirmedHarvestingAsync(host);
        await host.Violations.TerminateServiceAgreementAsync(violation, None);

        var kept = await host.Violations.GetRetainedRecordsAsync(Mallory, None).ToListAsync();

        kept.Should().HaveCount(2).And.AllSatisfy(r => r.Clause.Value.Should().Be(ClauseIds.CollectExemptViolations));
    }
}
