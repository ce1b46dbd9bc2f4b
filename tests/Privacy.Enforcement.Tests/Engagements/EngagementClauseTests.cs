using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

namespace Privacy.Enforcement.Tests.Engagements;

/// <summary>
/// <c>use.third-party.service-provider</c> and <c>use.third-party.service-end</c> through the real enforcer: engagements
/// made with the engagement service, decisions asked of <see cref="IPrivacyEnforcer"/> on a fake clock.
/// </summary>
public sealed class EngagementClauseTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly PurposeId ServiceProvision = new(StandardPurposes.ServiceProvision);
    private static readonly Recipient MailerRecipient = new(Mailer, RecipientKind.ServiceProvider);

    private static DisclosureRequest SendToMailer(params DataCategory[] categories) =>
        new(Alice, categories, ServiceProvision, MailerRecipient, evidence: null);

    private static UseRequest MailerReads(params DataCategory[] categories) =>
        new(Alice, categories, ServiceProvision, Actor.ThirdParty(Mailer));

    private static async Task<(EngagementTestHost Host, ServiceEngagement Engagement)> EngagedAsync()
    {
        var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        return (host, engagement);
    }

    [Fact]
    public async Task UseThirdPartyServiceProvider_PermitsOneTickBeforeTheEnd()
    {
        var (host, _) = await EngagedAsync();
        await using var _host = host;

        host.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        var decision = await host.Enforcer.DecideAsync(SendToMailer(Email), None);

        decision.Outcome.Should().Be(DecisionOutcome.Permit);
        decision.PermittedCategories.Should().Equal(Email);
        decision.Clauses.Should().Contain(ClauseIds.UseThirdPartyServiceProvider);
    }

    [Fact]
    public async Task UseThirdPartyServiceProvider_WithoutEngagement_Denies()
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);

        var decision = await host.Enforcer.DecideAsync(SendToMailer(Email), None);

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
    }

    [Fact]
    public async Task UseThirdPartyServiceProvider_EngagementMadeAfterADenial_PermitsTheVeryNextRequest()
    {
        await using var host = new EngagementTestHost();
        await host.AcceptPolicyAsync(Alice);
        (await host.Enforcer.DecideAsync(SendToMailer(Email), None)).Outcome.Should().Be(DecisionOutcome.Deny);

        await host.Engagements.EngageAsync(host.MailerForAlice(), None);

        (await host.Enforcer.DecideAsync(SendToMailer(Email), None)).Outcome.Should().Be(DecisionOutcome.Permit);
    }

    [Fact]
    public async Task UseThirdPartyServiceProvider_CategoriesOutsideTheEngagement_AreWithheld()
    {
        var (host, _) = await EngagedAsync();
        await using var _host = host;

        var decision = await host.Enforcer.DecideAsync(SendToMailer(Email, Phone), None);

        decision.PermittedCategories.Should().Equal(Email);
        decision.WithheldCategories.Should().Equal(Phone);
        decision.GetReason(Phone).Should().Be(DecisionReason.CategoryOutsideScope);
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_DeniesAtTheEnd_WithTheReturnOrDeleteObligation()
    {
        var (host, engagement) = await EngagedAsync();
        await using var _host = host;
        (await host.Enforcer.DecideAsync(SendToMailer(Email), None)).Outcome.Should().Be(DecisionOutcome.Permit);

        host.Time.Advance(TimeSpan.FromHours(1));
        var decision = await host.Enforcer.DecideAsync(SendToMailer(Email), None);

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.EngagementEnded);
        decision.ReasonClause.Should().Be(ClauseIds.UseThirdPartyServiceEnd);
        var obligation = decision.Obligations.Find(ObligationKind.ReturnOrDelete);
        obligation.Should().NotBeNull();
        obligation!.Value.Engagement.Should().Be(engagement.Id);

        // The obligation the end emits names the same deadline as the denied decision.
        await host.Engagements.EmitEndedObligationsAsync(None);
        host.Handler.Obligations.Should().ContainSingle().Which.DueBy.Should().Be(obligation.Value.Deadline!.Value);
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_DeniesDataTheProviderReceivedEarlier()
    {
        var (host, _) = await EngagedAsync();
        await using var _host = host;
        (await host.Enforcer.DecideAsync(SendToMailer(Email), None)).Outcome.Should().Be(DecisionOutcome.Permit);
        (await host.Enforcer.DecideAsync(MailerReads(Email), None)).Outcome.Should().Be(DecisionOutcome.Permit);

        host.Time.Advance(TimeSpan.FromHours(1));

        // The provider asks again for the e-mail it was sent during the engagement, and tries to pass it on.
        var reread = await host.Enforcer.DecideAsync(MailerReads(Email), None);
        var passOn = await host.Enforcer.DecideAsync(
            new DisclosureRequest(Alice, [Email], ServiceProvision, new Recipient(Sister, RecipientKind.Affiliate), null, Actor.ThirdParty(Mailer)),
            None);

        reread.Outcome.Should().Be(DecisionOutcome.Deny);
        reread.Reason.Should().Be(DecisionReason.EngagementEnded);
        reread.ReasonClause.Should().Be(ClauseIds.UseThirdPartyServiceEnd);
        passOn.Outcome.Should().Be(DecisionOutcome.Deny);
        passOn.Reason.Should().Be(DecisionReason.EngagementEnded);
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_EarlyTermination_DeniesTheVeryNextRequest()
    {
        var (host, engagement) = await EngagedAsync();
        await using var _host = host;
        (await host.Enforcer.DecideAsync(MailerReads(Email), None)).Outcome.Should().Be(DecisionOutcome.Permit);
        host.Time.Advance(TimeSpan.FromMinutes(5));

        await host.Engagements.TerminateAsync(engagement.Id, "provider breached the contract", None);
        var decision = await host.Enforcer.DecideAsync(MailerReads(Email), None);

        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reason.Should().Be(DecisionReason.EngagementEnded);
        decision.Obligations.Contains(ObligationKind.ReturnOrDelete).Should().BeTrue();
        host.Handler.Obligations.Should().ContainSingle().Which.Terminated.Should().BeTrue();
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_TheAuditTrailShowsTheEndAndTheDenial_AndTheObligationOnce()
    {
        var (host, engagement) = await EngagedAsync();
        await using var _host = host;
        host.Time.Advance(TimeSpan.FromHours(1));

        await host.Enforcer.DecideAsync(MailerReads(Email), None);
        await host.Engagements.EmitEndedObligationsAsync(None);
        await host.Enforcer.DecideAsync(MailerReads(Email), None);
        await host.Engagements.EmitEndedObligationsAsync(None);

        host.Audit.Events.Where(e => e.Action == "engagement.ended" && e.RecordId == engagement.Id.ToString()).Should().ContainSingle();
        host.Audit.Events.Where(e => e.Kind == AuditEventKind.Decision && e.Outcome == nameof(DecisionOutcome.Deny))
            .Should().HaveCount(2).And.AllSatisfy(e => e.ClauseIds.Should().Contain(ClauseIds.UseThirdPartyServiceEnd));
        host.Handler.Obligations.Should().ContainSingle();
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_WhatTheProviderReceived_IsReadFromTheEnforcersAuditTrail()
    {
        var (host, engagement) = await EngagedAsync();
        await using var _host = host;
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.Enforcer.DecideAsync(SendToMailer(Email, Phone), None);
        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.Enforcer.DecideAsync(SendToMailer(Email), None);
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.Enforcer.DecideAsync(SendToMailer(Email), None);

        var received = await host.Engagements.GetReceivedDuringAsync(engagement.Id, None).ToListAsync();

        received.Select(r => r.At).Should().Equal(Epoch.AddMinutes(10), Epoch.AddMinutes(20));
        received.Should().AllSatisfy(r => r.Categories.Should().Equal(Email.Value));
    }
}
