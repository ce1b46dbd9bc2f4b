using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Tests.Engagements;
using static Privacy.Enforcement.Tests.Engagements.EngagementTestHost;

// Not "...Tests.Violations": a namespace of that name would hide StandardDataCategories.Violations in every test.
namespace Privacy.Enforcement.Tests.ViolationsAndSanctions;

public sealed class ViolationServiceTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly SubjectId Mallory = new("mallory");

    private static ViolationReport Harvesting() => new()
    {
        Kind = ViolationKind.Harvesting,
        Violator = Mallory,
        EvidenceReference = "case-17",
        AffectedSubjects = [Alice, Bob, Alice],
        RelevantCategories = [Email],
    };

    [Fact]
    public async Task UseNoFreeHarvesting_Report_StoresAReportedViolation_AuditedByPseudonym()
    {
        await using var host = new EngagementTestHost();

        var violation = await host.Violations.ReportAsync(Harvesting(), None);

        violation.Status.Should().Be(ViolationStatus.Reported);
        violation.ReportedAt.Should().Be(Epoch);
        violation.AffectedSubjects.Should().Equal(Alice, Bob);
        (await host.ViolationStore.FindAsync(violation.Id, None)).Should().Be(violation);
        var reported = host.Audit.Events.Should().ContainSingle().Subject;
        reported.Kind.Should().Be(AuditEventKind.Violation);
        reported.Action.Should().Be("violation.reported");
        reported.ClauseIds.Should().Equal(ClauseIds.UseNoFreeHarvesting, ClauseIds.CollectExemptViolations);
        reported.SubjectPseudonym.Should().Be(await host.Services.GetRequiredService<IPseudonymStore>().FindAsync(Mallory, None));
        reported.SubjectPseudonym.Should().NotContain(Mallory.Value);
        host.Cache.Invalidated.Should().Equal(Mallory);
    }

    private static readonly Dictionary<string, Func<ViolationReport, ViolationReport>> BadReportCases = new()
    {
        ["EvidenceReference: blank"] = r => r with { EvidenceReference = " " },
        ["Violator: missing"] = r => r with { Violator = default },
        ["Kind: undefined"] = r => r with { Kind = (ViolationKind)42 },
        ["RelevantCategories: not declared"] = r => r with { RelevantCategories = [new DataCategory("user.health")] },
        ["AffectedSubjects: the violator itself"] = r => r with { AffectedSubjects = [Mallory] },
        ["AffectedSubjects: none for harvesting"] = r => r with { AffectedSubjects = [] },
        ["AffectedSubjects: empty id"] = r => r with { AffectedSubjects = [default] },
    };

    public static TheoryData<string> BadReports => new(BadReportCases.Keys);

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task Report_BadInput_NamesTheFieldAndStoresNothing(string badCase)
    {
        await using var host = new EngagementTestHost();
        var field = badCase[..badCase.IndexOf(':', StringComparison.Ordinal)];

        var act = async () => await host.Violations.ReportAsync(BadReportCases[badCase](Harvesting()), None);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be(field);
        (await host.ViolationStore.GetByViolatorAsync(Mallory, None).ToListAsync()).Should().BeEmpty();
        host.Audit.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task DiscloseUserViolation_AgreementViolation_NeedsNoAffectedSubject()
    {
        await using var host = new EngagementTestHost();

        var violation = await host.Violations.ReportAsync(Harvesting() with { Kind = ViolationKind.AgreementViolation, AffectedSubjects = [] }, None);

        violation.AffectedSubjects.Should().BeEmpty();
        host.Audit.Events.Should().ContainSingle().Which.ClauseIds.Should().Equal(ClauseIds.DiscloseUserViolation, ClauseIds.CollectExemptViolations);
    }

    [Fact]
    public async Task ConfirmAndDismiss_OnlyFromReported()
    {
        await using var host = new EngagementTestHost();
        var first = await host.Violations.ReportAsync(Harvesting(), None);
        var second = await host.Violations.ReportAsync(Harvesting(), None);
        host.Time.Advance(TimeSpan.FromDays(1));

        var confirmed = await host.Violations.ConfirmAsync(first.Id, None);
        var dismissed = await host.Violations.DismissAsync(second.Id, None);

        confirmed.Status.Should().Be(ViolationStatus.Confirmed);
        confirmed.DecidedAt.Should().Be(Epoch.AddDays(1));
        dismissed.Status.Should().Be(ViolationStatus.Dismissed);
        host.Audit.Events.Select(e => e.Action).Should().EndWith(["violation.confirmed", "violation.dismissed"]);

        var reconfirm = async () => await host.Violations.ConfirmAsync(second.Id, None);
        var redismiss = async () => await host.Violations.DismissAsync(first.Id, None);
        (await reconfirm.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*already Dismissed*");
        (await redismiss.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*already Confirmed*");
        (await host.ViolationStore.FindAsync(second.Id, None)).Should().Be(dismissed);
    }

    [Fact]
    public async Task ConfirmOrDismiss_UnknownViolation_NamesTheIdAndStoresNothing()
    {
        await using var host = new EngagementTestHost();

        var confirm = async () => await host.Violations.ConfirmAsync(ViolationId.New(), None);
        var dismiss = async () => await host.Violations.DismissAsync(ViolationId.New(), None);
        var terminate = async () => await host.Violations.TerminateServiceAgreementAsync(ViolationId.New(), None);

        (await confirm.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("id");
        (await dismiss.Should().ThrowAsync<ArgumentException>()).WithMessage("No violation with id*");
        await terminate.Should().ThrowAsync<ArgumentException>();
        host.Audit.Events.Should().BeEmpty();
    }

    [Fact]
    public async Task Confirm_AuditUnavailable_LeavesTheViolationReported()
    {
        await using var host = new EngagementTestHost();
        var violation = await host.Violations.ReportAsync(Harvesting(), None);
        host.Audit.FailWith = new AuditUnavailableException("down");

        var act = async () => await host.Violations.ConfirmAsync(violation.Id, None);

        await act.Should().ThrowAsync<AuditUnavailableException>();
        (await host.ViolationStore.FindAsync(violation.Id, None)).Should().Be(violation);
    }

    [Fact]
    public async Task UseViolatorTermination_ConfirmedHarvesting_TerminatesTheAgreementAndInvalidatesTheViolator()
    {
        await using var host = new EngagementTestHost();
        var violation = await host.Violations.ReportAsync(Harvesting(), None);
        await host.Violations.ConfirmAsync(violation.Id, None);
        while (host.Cache.Invalidated.TryDequeue(out _))
        {
        }

        host.Time.Advance(TimeSpan.FromHours(3));
        var sanction = await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);

        sanction.Should().Be(new Sanction(Mallory, violation.Id, SanctionKind.ServiceAgreementTerminated, Epoch.AddHours(3)));
        (await host.ViolationStore.GetSanctionsAsync(Mallory, None).ToListAsync()).Should().Equal(sanction);
        (await host.Violations.IsServiceAgreementTerminatedAsync(Mallory, None)).Should().BeTrue();
        (await host.Violations.IsServiceAgreementTerminatedAsync(Alice, None)).Should().BeFalse();
        host.Cache.Invalidated.Should().Equal(Mallory);
        host.Audit.Events[^1].Action.Should().Be("sanction.service-agreement-terminated");
        host.Audit.Events[^1].ClauseIds.Should().Equal(ClauseIds.UseViolatorTermination, ClauseIds.CollectExemptViolations);

        // Asking again returns the sanction already imposed, without a second record.
        (await host.Violations.TerminateServiceAgreementAsync(violation.Id, None)).Should().Be(sanction);
        (await host.ViolationStore.GetSanctionsAsync(Mallory, None).ToListAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task UseViolatorTermination_NotConfirmed_IsRefusedAndNothingStored()
    {
        await using var host = new EngagementTestHost();
        var reported = await host.Violations.ReportAsync(Harvesting(), None);
        var dismissed = await host.Violations.ReportAsync(Harvesting(), None);
        await host.Violations.DismissAsync(dismissed.Id, None);

        var onReported = async () => await host.Violations.TerminateServiceAgreementAsync(reported.Id, None);
        var onDismissed = async () => await host.Violations.TerminateServiceAgreementAsync(dismissed.Id, None);

        (await onReported.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*Reported*only a confirmed violation*use.violator-termination*");
        (await onDismissed.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*Dismissed*");
        (await host.ViolationStore.GetSanctionsAsync(Mallory, None).ToListAsync()).Should().BeEmpty();
        (await host.Violations.IsServiceAgreementTerminatedAsync(Mallory, None)).Should().BeFalse();
    }

    [Fact]
    public async Task UseViolatorTermination_ConfirmedViolationOfAnotherKind_IsRefused()
    {
        await using var host = new EngagementTestHost();
        var violation = await host.Violations.ReportAsync(Harvesting() with { Kind = ViolationKind.LawViolation }, None);
        await host.Violations.ConfirmAsync(violation.Id, None);

        var act = async () => await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*LawViolation*harvesting or trading*");
        (await host.ViolationStore.GetSanctionsAsync(Mallory, None).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task UseNoFreeHarvesting_ReportFromRequest_MakesTheActorTheViolator()
    {
        await using var host = new EngagementTestHost();
        var collect = new CollectionRequest(Alice, [Email, Name], new PurposeId("newsletter"), Actor.User(Mallory));
        var sell = new DisclosureRequest(Alice, [Email], new PurposeId("newsletter"), new Recipient(Partner, RecipientKind.Partner), null, Actor.User(Mallory))
        {
            TransferKind = TransferKind.Sell,
        };

        var harvesting = await host.Violations.ReportHarvestingAsync(collect, "decision-1", None);
        var trading = await host.Violations.ReportHarvestingAsync(sell, "decision-2", None);

        harvesting.Kind.Should().Be(ViolationKind.Harvesting);
        harvesting.Violator.Should().Be(Mallory);
        harvesting.AffectedSubjects.Should().Equal(Alice);
        harvesting.RelevantCategories.Should().Equal(Email, Name);
        harvesting.EvidenceReference.Should().Be("decision-1");
        trading.Kind.Should().Be(ViolationKind.Trading);
    }

    [Fact]
    public async Task UseNoFreeHarvesting_ReportFromRequest_ActingForItselfOrAsApplication_IsRefused()
    {
        await using var host = new EngagementTestHost();
        var own = new UseRequest(Alice, [Email], new PurposeId("newsletter"), Actor.User(Alice));
        var application = new UseRequest(Alice, [Email], new PurposeId("newsletter"));

        var actOwn = async () => await host.Violations.ReportHarvestingAsync(own, "d", None);
        var actApplication = async () => await host.Violations.ReportHarvestingAsync(application, "d", None);

        (await actOwn.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("request");
        await actApplication.Should().ThrowAsync<ArgumentException>();
        (await host.ViolationStore.GetByViolatorAsync(Alice, None).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task CollectExemptViolations_RetainedRecords_ListViolationsAndSanctionsWithTheClause()
    {
        await using var host = new EngagementTestHost();
        var violation = await host.Violations.ReportAsync(Harvesting(), None);
        await host.Violations.ConfirmAsync(violation.Id, None);
        await host.Violations.TerminateServiceAgreementAsync(violation.Id, None);

        var records = await host.Violations.GetRetainedRecordsAsync(Mallory, None).ToListAsync();

        records.Select(r => r.Kind).Should().Equal(RetainedRecordKind.Violation, RetainedRecordKind.Sanction);
        records.Should().AllSatisfy(r =>
        {
            r.RecordId.Should().Be(violation.Id.ToString());
            r.Clause.Value.Should().Be(ClauseIds.CollectExemptViolations);
            r.Reason.Should().Contain("not erased");
        });
        (await host.Violations.GetRetainedRecordsAsync(Alice, None).ToListAsync()).Should().BeEmpty();
    }
}
