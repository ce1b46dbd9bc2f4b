using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Options;
using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

namespace Privacy.Enforcement.Tests.Engagements;

public sealed class EngagementServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task UseThirdPartyServiceProvider_Engage_StoresAuditsAndInvalidatesTheCoveredSubjects()
    {
        await using var host = new EngagementTestHost();

        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice() with { Categories = [Email, Email] }, None);

        (await host.EngagementStore.FindAsync(engagement.Id, None)).Should().Be(engagement);
        engagement.StartsAt.Should().Be(Epoch);
        engagement.EndsAt.Should().Be(Epoch.AddHours(1));
        engagement.Categories.Should().Equal(Email);
        host.Cache.Invalidated.Should().Equal(Alice);
        var created = host.Audit.Events.Should().ContainSingle().Subject;
        created.Kind.Should().Be(AuditEventKind.Engagement);
        created.Action.Should().Be("engagement.created");
        created.Recipient.Should().Be(Mailer.Value);
        created.RecordId.Should().Be(engagement.Id.ToString());
        created.ClauseIds.Should().Equal(ClauseIds.UseThirdPartyServiceProvider);
        created.PolicyVersion.Should().Be($"{StandardPolicy.Id}@{StandardPolicy.Version}");
    }

    [Fact]
    public async Task UseThirdPartyServiceProvider_EngageAllSubjects_InvalidatesEveryCachedSubject()
    {
        await using var host = new EngagementTestHost();

        await host.Engagements.EngageAsync(host.MailerForAlice() with { Subjects = [], AllSubjects = true, Provider = Sister }, None);

        host.Cache.InvalidatedAll.Should().Be(1);
    }

    private static readonly Dictionary<string, Func<EngagementTestHost, EngagementRequest>> BadRequestCases = new()
    {
        ["EndsAt: before the start"] = h => h.MailerForAlice() with { StartsAt = Epoch.AddHours(2), EndsAt = Epoch.AddHours(1) },
        ["EndsAt: equal to the start"] = h => h.MailerForAlice() with { StartsAt = Epoch.AddHours(1), EndsAt = Epoch.AddHours(1) },
        ["EndsAt: in the past"] = h => h.MailerForAlice() with { StartsAt = Epoch.AddHours(-2), EndsAt = Epoch.AddHours(-1) },
        ["Provider: not declared"] = h => h.MailerForAlice() with { Provider = new RecipientId("unknown-co") },
        ["Provider: a partner"] = h => h.MailerForAlice() with { Provider = Partner },
        ["Provider: missing"] = h => h.MailerForAlice() with { Provider = default },
        ["Service: not declared"] = h => h.MailerForAlice() with { Service = new ServiceId("unknown-service") },
        ["Categories: not declared"] = h => h.MailerForAlice() with { Categories = [new DataCategory("user.health")] },
        ["Categories: none"] = h => h.MailerForAlice() with { Categories = [] },
        ["Subjects: none"] = h => h.MailerForAlice() with { Subjects = [] },
        ["Subjects: listed with all subjects"] = h => h.MailerForAlice() with { AllSubjects = true },
        ["Subjects: empty id"] = h => h.MailerForAlice() with { Subjects = [default] },
    };

    public static TheoryData<string> BadRequests => new(BadRequestCases.Keys);

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task UseThirdPartyServiceProvider_BadRequest_NamesTheFieldAndStoresNothing(string badCase)
    {
        await using var host = new EngagementTestHost();
        var field = badCase[..badCase.IndexOf(':', StringComparison.Ordinal)];

        var act = async () => await host.Engagements.EngageAsync(BadRequestCases[badCase](host), None);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be(field);
        (await host.AllEngagementsAsync()).Should().BeEmpty();
        host.Audit.Events.Should().BeEmpty();
        host.Cache.Invalidated.Should().BeEmpty();
    }

    [Fact]
    public async Task BadRequest_ErrorMessages_NameTheFieldAndClause()
    {
        await using var host = new EngagementTestHost();

        var wrongKind = async () => await host.Engagements.EngageAsync(host.MailerForAlice() with { Provider = Partner }, None);
        var endBeforeStart = async () => await host.Engagements.EngageAsync(host.MailerForAlice() with { EndsAt = Epoch.AddHours(-1) }, None);

        (await wrongKind.Should().ThrowAsync<ArgumentException>())
            .WithMessage("*Provider 'partner-x' is declared as Partner*ServiceProvider*Affiliate*use.third-party.service-provider*");
        (await endBeforeStart.Should().ThrowAsync<ArgumentException>()).WithMessage("EndsAt*must be after StartsAt*");
    }

    [Fact]
    public async Task UseThirdPartyServiceProvider_Affiliate_CanBeEngagedOpenEnded()
    {
        await using var host = new EngagementTestHost();

        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice() with { Provider = Sister, EndsAt = null }, None);

        engagement.EndsAt.Should().BeNull();
        engagement.IsActiveAt(Epoch.AddYears(10)).Should().BeTrue();
    }

    [Fact]
    public async Task Queries_ActiveEngagements_OfProviderAndSubject_FollowTheClock()
    {
        await using var host = new EngagementTestHost();
        var later = await host.Engagements.EngageAsync(host.MailerForAlice() with { StartsAt = Epoch.AddHours(1), EndsAt = Epoch.AddHours(3) }, None);
        var now = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        var everyone = await host.Engagements.EngageAsync(host.MailerForAlice() with { Provider = Sister, Subjects = [], AllSubjects = true }, None);

        (await host.Engagements.GetActiveByProviderAsync(Mailer, None).ToListAsync()).Should().Equal(now);
        (await host.Engagements.GetActiveBySubjectAsync(Alice, None).ToListAsync()).Should().BeEquivalentTo([now, everyone]);
        (await host.Engagements.GetActiveBySubjectAsync(Bob, None).ToListAsync()).Should().Equal(everyone);

        host.Time.Advance(TimeSpan.FromHours(1));

        (await host.Engagements.GetActiveByProviderAsync(Mailer, None).ToListAsync()).Should().Equal(later);
        (await host.Engagements.GetActiveByProviderAsync(Partner, None).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_EndReached_EmitsTheObligationExactlyOnce()
    {
        await using var host = new EngagementTestHost(configure: s => s.Configure<PrivacyDecisionOptions>(o => o.ReturnOrDeletePeriod = TimeSpan.FromDays(7)));
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);

        host.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));
        (await host.Engagements.EmitEndedObligationsAsync(None)).Should().Be(0);
        host.Handler.Obligations.Should().BeEmpty();

        host.Time.Advance(TimeSpan.FromTicks(1));
        (await host.Engagements.EmitEndedObligationsAsync(None)).Should().Be(1);
        (await host.Engagements.EmitEndedObligationsAsync(None)).Should().Be(0);

        var obligation = host.Handler.Obligations.Should().ContainSingle().Subject;
        obligation.Engagement.Should().Be(engagement.Id);
        obligation.Provider.Should().Be(Mailer);
        obligation.Subjects.Should().Equal(Alice);
        obligation.Categories.Should().Equal(Email);
        obligation.EndedAt.Should().Be(Epoch.AddHours(1));
        obligation.DueBy.Should().Be(Epoch.AddHours(1).AddDays(7));
        obligation.Terminated.Should().BeFalse();
        (await host.Engagements.GetPendingObligationsAsync(None).ToListAsync()).Should().Equal(obligation);

        var ended = host.Audit.Events.Where(e => e.Action == "engagement.ended").Should().ContainSingle().Subject;
        ended.Obligations.Should().Equal(nameof(ObligationKind.ReturnOrDelete));
        ended.ClauseIds.Should().Equal(ClauseIds.UseThirdPartyServiceEnd);
        (await host.EngagementStore.FindAsync(engagement.Id, None))!.ObligationEmittedAt.Should().Be(Epoch.AddHours(1));
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_AfterRestart_TheObligationIsNotEmittedAgain()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = new Privacy.Enforcement.InMemory.InMemoryEngagementStore();
        await using (var first = new EngagementTestHost(time, store))
        {
            await first.Engagements.EngageAsync(first.MailerForAlice(), None);
            time.Advance(TimeSpan.FromHours(2));
            (await first.Engagements.EmitEndedObligationsAsync(None)).Should().Be(1);
        }

        await using var restarted = new EngagementTestHost(time, store);
        (await restarted.Engagements.EmitEndedObligationsAsync(None)).Should().Be(0);
        restarted.Handler.Obligations.Should().BeEmpty();
        (await restarted.Engagements.GetPendingObligationsAsync(None).ToListAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_TwoInstancesRacing_EmitOnce()
    {
        var time = new FakeTimeProvider(Epoch);
        var store = new Privacy.Enforcement.InMemory.InMemoryEngagementStore();
        await using var a = new EngagementTestHost(time, store);
        await using var b = new EngagementTestHost(time, store);
        for (var i = 0; i < 20; i++)
        {
            await a.Engagements.EngageAsync(a.MailerForAlice(), None);
        }

        time.Advance(TimeSpan.FromHours(1));
        var counts = await Task.WhenAll(
            Task.Run(async () => await a.Engagements.EmitEndedObligationsAsync(None)),
            Task.Run(async () => await b.Engagements.EmitEndedObligationsAsync(None)));

        counts.Sum().Should().Be(20);
        (a.Handler.Obligations.Count + b.Handler.Obligations.Count).Should().Be(20);
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_Termination_EmitsTheObligationAtOnce()
    {
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(TimeSpan.FromDays(30)), None);
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var terminated = await host.Engagements.TerminateAsync(engagement.Id, "contract breached", None);

        terminated.TerminatedAt.Should().Be(Epoch.AddMinutes(5));
        terminated.EffectiveEnd.Should().Be(Epoch.AddMinutes(5));
        terminated.IsActiveAt(Epoch.AddMinutes(5)).Should().BeFalse();
        terminated.ObligationEmittedAt.Should().Be(Epoch.AddMinutes(5));
        var obligation = host.Handler.Obligations.Should().ContainSingle().Subject;
        obligation.Terminated.Should().BeTrue();
        obligation.TerminationReason.Should().Be("contract breached");
        obligation.DueBy.Should().Be(Epoch.AddMinutes(5) + new PrivacyDecisionOptions().ReturnOrDeletePeriod);
        host.Audit.Events.Select(e => e.Action).Should().Equal("engagement.created", "engagement.terminated", "engagement.ended");
        (await host.Engagements.GetActiveByProviderAsync(Mailer, None).ToListAsync()).Should().BeEmpty();
        (await host.Engagements.EmitEndedObligationsAsync(None)).Should().Be(0);
    }

    [Fact]
    public async Task Terminate_UnknownEngagement_NamesTheIdAndStoresNothing()
    {
        await using var host = new EngagementTestHost();

        var act = async () => await host.Engagements.TerminateAsync(EngagementId.New(), "reason", None);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("id");
        host.Audit.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task Terminate_AlreadyEnded_IsAnErrorAndChangesNothing()
    {
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        host.Time.Advance(TimeSpan.FromHours(1));
        var before = await host.EngagementStore.FindAsync(engagement.Id, None);

        var act = async () => await host.Engagements.TerminateAsync(engagement.Id, "too late", None);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*already ended*use.third-party.service-end*");
        (await host.EngagementStore.FindAsync(engagement.Id, None)).Should().Be(before);
    }

    [Fact]
    public async Task Terminate_Twice_SecondIsAnError()
    {
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        var terminated = await host.Engagements.TerminateAsync(engagement.Id, "first", None);

        var act = async () => await host.Engagements.TerminateAsync(engagement.Id, "second", None);

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await host.EngagementStore.FindAsync(engagement.Id, None)).Should().Be(terminated);
        host.Handler.Obligations.Should().ContainSingle();
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("bad\nreason")]
    public async Task Terminate_BlankOrControlReason_NamesTheReason(string reason)
    {
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);

        var act = async () => await host.Engagements.TerminateAsync(engagement.Id, reason, None);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("reason");
        (await host.EngagementStore.FindAsync(engagement.Id, None)).Should().Be(engagement);
    }

    [Fact]
    public async Task Terminate_AuditUnavailable_LeavesTheStoredEngagementUnchanged()
    {
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        host.Audit.FailWith = new AuditUnavailableException("down");

        var act = async () => await host.Engagements.TerminateAsync(engagement.Id, "reason", None);

        await act.Should().ThrowAsync<AuditUnavailableException>();
        (await host.EngagementStore.FindAsync(engagement.Id, None)).Should().Be(engagement);
        host.Handler.Obligations.Should().BeEmpty();
    }

    [Fact]
    public async Task Engage_AuditUnavailable_StoresNothing()
    {
        await using var host = new EngagementTestHost();
        host.Audit.FailWith = new AuditUnavailableException("down");

        var act = async () => await host.Engagements.EngageAsync(host.MailerForAlice(), None);

        await act.Should().ThrowAsync<AuditUnavailableException>();
        (await host.AllEngagementsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_ConfirmDeletion_ClosesTheObligation()
    {
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        host.Time.Advance(TimeSpan.FromHours(2));

        // The monitor has not run: confirming emits the obligation first, then closes it.
        var confirmed = await host.Engagements.ConfirmReturnOrDeletionAsync(engagement.Id, "ticket-42", None);

        confirmed.DeletionConfirmedAt.Should().Be(Epoch.AddHours(2));
        confirmed.DeletionConfirmationReference.Should().Be("ticket-42");
        confirmed.ObligationEmittedAt.Should().NotBeNull();
        host.Handler.Obligations.Should().ContainSingle();
        (await host.Engagements.GetPendingObligationsAsync(None).ToListAsync()).Should().BeEmpty();
        host.Audit.Events[^1].Action.Should().Be("engagement.deletion-confirmed");
        host.Audit.Events[^1].EvidenceReferences.Should().Equal("ticket-42");

        var again = async () => await host.Engagements.ConfirmReturnOrDeletionAsync(engagement.Id, "ticket-43", None);
        await again.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already confirmed*");
    }

    [Fact]
    public async Task ConfirmDeletion_UnknownOrActiveEngagement_IsAnErrorAndChangesNothing()
    {
        await using var host = new EngagementTestHost();
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);

        var unknown = async () => await host.Engagements.ConfirmReturnOrDeletionAsync(EngagementId.New(), "ticket", None);
        var active = async () => await host.Engagements.ConfirmReturnOrDeletionAsync(engagement.Id, "ticket", None);
        var blank = async () => await host.Engagements.ConfirmReturnOrDeletionAsync(engagement.Id, " ", None);

        (await unknown.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("id");
        (await active.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*still active*");
        (await blank.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("reference");
        (await host.EngagementStore.FindAsync(engagement.Id, None)).Should().Be(engagement);
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_OverdueObligations_AreThoseUnconfirmedPastTheDeadline()
    {
        await using var host = new EngagementTestHost(configure: s => s.Configure<PrivacyDecisionOptions>(o => o.ReturnOrDeletePeriod = TimeSpan.FromDays(7)));
        var first = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        var second = await host.Engagements.EngageAsync(host.MailerForAlice(TimeSpan.FromDays(3)), None);
        host.Time.Advance(TimeSpan.FromDays(3));
        await host.Engagements.EmitEndedObligationsAsync(None);

        (await host.Engagements.GetPendingObligationsAsync(None).ToListAsync()).Select(o => o.Engagement).Should().BeEquivalentTo([first.Id, second.Id]);
        (await host.Engagements.GetOverdueObligationsAsync(None).ToListAsync()).Should().BeEmpty();

        host.Time.Advance(TimeSpan.FromDays(4) + TimeSpan.FromHours(1));
        (await host.Engagements.GetOverdueObligationsAsync(None).ToListAsync()).Select(o => o.Engagement).Should().Equal(first.Id);

        await host.Engagements.ConfirmReturnOrDeletionAsync(first.Id, "done", None);
        (await host.Engagements.GetOverdueObligationsAsync(None).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task UseThirdPartyServiceEnd_FailingHandler_LeavesTheObligationPendingAndEmitted()
    {
        await using var host = new EngagementTestHost();
        host.Handler.FailWith = new InvalidOperationException("host handler broke");
        await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        host.Time.Advance(TimeSpan.FromHours(1));

        (await host.Engagements.EmitEndedObligationsAsync(None)).Should().Be(1);

        (await host.Engagements.GetPendingObligationsAsync(None).ToListAsync()).Should().ContainSingle();
        (await host.Engagements.EmitEndedObligationsAsync(None)).Should().Be(0);
    }

    [Fact]
    public async Task Queries_ReceivedDuringEngagement_ReadsPermittedDecisionsToTheProviderWithinThePeriod()
    {
        await using var host = new EngagementTestHost();
        var pseudonyms = host.Services.GetRequiredService<IPseudonymStore>();
        var alice = await pseudonyms.GetOrCreateAsync(Alice, None);
        var bob = await pseudonyms.GetOrCreateAsync(Bob, None);
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice() with { StartsAt = Epoch.AddMinutes(10), EndsAt = Epoch.AddHours(1) }, None);

        AuditEvent Decision(TimeSpan at, string outcome, string recipient, string pseudonym) => new()
        {
            Timestamp = Epoch + at,
            Kind = AuditEventKind.Decision,
            Action = "decision.disclose",
            Recipient = recipient,
            Outcome = outcome,
            SubjectPseudonym = pseudonym,
            Categories = [Email.Value, Name.Value],
            PermittedCategories = [Email.Value],
            Purpose = "newsletter",
        };

        await host.Audit.RecordAsync(Decision(TimeSpan.FromMinutes(5), "Permit", Mailer.Value, alice), None);   // before the start
        await host.Audit.RecordAsync(Decision(TimeSpan.FromMinutes(15), "Permit", Mailer.Value, alice), None);  // received
        await host.Audit.RecordAsync(Decision(TimeSpan.FromMinutes(20), "Deny", Mailer.Value, alice), None);    // denied
        await host.Audit.RecordAsync(Decision(TimeSpan.FromMinutes(25), "Permit", Sister.Value, alice), None);  // someone else
        await host.Audit.RecordAsync(Decision(TimeSpan.FromMinutes(30), "Permit", Mailer.Value, bob), None);    // not covered
        await host.Audit.RecordAsync(Decision(TimeSpan.FromMinutes(59), "Permit", Mailer.Value, alice), None);  // received
        await host.Audit.RecordAsync(Decision(TimeSpan.FromHours(1), "Permit", Mailer.Value, alice), None);     // at the end

        var received = await host.Engagements.GetReceivedDuringAsync(engagement.Id, None).ToListAsync();

        received.Select(r => r.At).Should().Equal(Epoch.AddMinutes(15), Epoch.AddMinutes(59));
        received.Should().AllSatisfy(r =>
        {
            r.SubjectPseudonym.Should().Be(alice);
            r.Categories.Should().Equal(Email.Value);
        });
    }

    [Fact]
    public async Task Queries_ReceivedDuring_WithoutAuditReader_SaysWhatToRegister()
    {
        await using var host = new EngagementTestHost(configure: s => s.RemoveAll<IAuditTrailReader>());
        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);

        var act = async () => await host.Engagements.GetReceivedDuringAsync(engagement.Id, None).ToListAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*IAuditTrailReader*");
    }

    [Fact]
    public async Task Engage_WithoutAuditTrailOrCache_StillWorks()
    {
        await using var host = new EngagementTestHost(configure: s =>
        {
            s.RemoveAll<IAuditTrail>();
            s.RemoveAll<ISubjectStateCache>();

            // The subject-rights service needs the trail; this host exercises engagements alone.
            s.RemoveAll<ISubjectRightsService>();
        });

        var engagement = await host.Engagements.EngageAsync(host.MailerForAlice(), None);
        await host.Engagements.TerminateAsync(engagement.Id, "reason", None);

        host.Audit.Events.Should().BeEmpty();
        host.Handler.Obligations.Should().ContainSingle();
    }

    [Fact]
    public async Task Options_InvalidRescanInterval_FailsValidationNamingTheOption()
    {
        await using var host = new EngagementTestHost(configure: s => s.AddPrivacyEnforcement().ConfigureEngagements(o => o.MonitorRescanInterval = TimeSpan.Zero));

        var act = () => host.Services.GetRequiredService<IOptions<EngagementOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*PrivacyEnforcement:Engagements:MonitorRescanInterval*between*");
    }
}
