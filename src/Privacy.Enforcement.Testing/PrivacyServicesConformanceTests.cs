using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;
using Privacy.Enforcement.Violations;
using static Privacy.Enforcement.StandardDataCategories;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The library's services run on the host's stores: a policy accepted and a consent granted permit, a withdrawal or an
/// objection denies the very next decision, an engagement lets data go to its provider and lands in the disclosure
/// ledger, a sanctioned violator is denied, and an erasure leaves nothing that names the subject. The store suites check
/// each call; this one checks that the stores together give the decisions the policy requires. Derive from it and
/// register the stores in <see cref="AddStores"/>; every test builds its own container with
/// <c>AddPrivacyEnforcement</c> and those stores, under <see cref="Policy"/>.
/// </summary>
public abstract class PrivacyServicesConformanceTests
{
    /// <summary>The delivery provider the tests engage and disclose to, declared in <see cref="Policy"/>.</summary>
    public const string Courier = "conformance-courier";

    private static readonly PurposeId ServiceProvision = new(StandardPurposes.ServiceProvision);
    private static readonly PurposeId OwnMarketing = new(StandardPurposes.OwnMarketing);
    private static readonly Recipient CourierRecipient = new(Courier, RecipientKind.ServiceProvider);

    /// <summary>Gets the policy the tests run under: the standard policy plus <see cref="Courier"/> (it names no recipients of its own).</summary>
    public static PolicyDocument Policy { get; } = StandardPolicy.CreateBuilder()
        .AddRecipient(Courier, RecipientKind.ServiceProvider, "Conformance Courier")
        .Build();

    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Registers the host's stores and audit sink, for example <c>builder.UseSqlite(connectionString)</c>; each test calls it once.</summary>
    /// <param name="builder">The builder <c>AddPrivacyEnforcement</c> returned.</param>
    protected abstract void AddStores(PrivacyEnforcementBuilder builder);

    /// <summary>Registers what the host's stores need besides (logging, a clock); runs before <c>AddPrivacyEnforcement</c>. By default nothing.</summary>
    /// <param name="services">The services.</param>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>
    /// Builds one container: <see cref="ConfigureServices"/>, <c>AddPrivacyEnforcement</c> under <see cref="Policy"/>,
    /// <see cref="AddStores"/>; then runs the start-up validation a host runs, so a missing store is named.
    /// </summary>
    /// <returns>The container; the test disposes it.</returns>
    protected virtual ServiceProvider CreateServices()
    {
        var services = new ServiceCollection();
        ConfigureServices(services);
        AddStores(services.AddPrivacyEnforcement(options => options.UsePolicyDocument(Policy)));
        var provider = services.BuildServiceProvider();
        provider.GetService<IStartupValidator>()?.Validate();
        return provider;
    }

    [StoreFact]
    public async Task A_consent_granted_after_acceptance_permits_the_collection_it_covers()
    {
        await using var services = CreateServices();
        var subject = StoreTestData.NewSubject();

        (await CollectEmailAsync(services, subject)).Outcome.Should().Be(DecisionOutcome.Deny, "nothing is accepted yet");
        await AcceptAsync(services, subject);
        (await CollectEmailAsync(services, subject)).Reasons.Should().Contain(r => r.Reason == DecisionReason.ConsentMissing, "the policy is accepted but no consent given");
        var consent = await GrantAsync(services, subject);

        var decision = await CollectEmailAsync(services, subject);

        decision.Outcome.Should().Be(DecisionOutcome.Permit);
        decision.Clauses.ToArray().Should().Contain(ClauseIds.CollectConsent);
        var status = await Get<IConsentService>(services).GetStatusAsync(subject, consent.ConsentId, asOf: null, None);
        status.Should().NotBeNull();
        status!.Value.IsGiven.Should().BeTrue();
    }

    [StoreFact]
    public async Task A_withdrawal_denies_the_next_decision()
    {
        await using var services = CreateServices();
        var subject = StoreTestData.NewSubject();
        await AcceptAsync(services, subject);
        var consent = await GrantAsync(services, subject);
        (await CollectEmailAsync(services, subject)).Outcome.Should().Be(DecisionOutcome.Permit);

        var withdrawal = await Get<IConsentService>(services).WithdrawAsync(subject, consent.ConsentId, None);

        withdrawal.Fact.State.Should().Be(ConsentState.Withdrawn);
        var decision = await CollectEmailAsync(services, subject);
        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reasons.Should().Contain(r => r.Reason == DecisionReason.ConsentWithdrawn);
        var history = await Get<IConsentService>(services).GetHistoryAsync(subject, None).CollectAsync();
        history.Select(f => f.State).Should().Equal(ConsentState.Given, ConsentState.Withdrawn);
    }

    [StoreFact]
    public async Task An_objection_denies_the_use_it_objects_to()
    {
        await using var services = CreateServices();
        var subject = StoreTestData.NewSubject();
        await AcceptAsync(services, subject);
        await GrantAsync(services, subject);
        (await UseForOwnMarketingAsync(services, subject)).Outcome.Should().Be(DecisionOutcome.Permit);

        var objection = await Get<IObjectionService>(services).ObjectAsync(subject, OwnMarketing, None);

        objection.State.Should().Be(ObjectionState.Raised);
        var decision = await UseForOwnMarketingAsync(services, subject);
        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reasons.Should().Contain(r => r.Reason == DecisionReason.Objected);
        (await Get<IObjectionService>(services).IsObjectingAsync(subject, OwnMarketing, asOf: null, None)).Should().BeTrue();
    }

    [StoreFact]
    public async Task An_engagement_lets_its_categories_go_to_its_provider_and_no_further()
    {
        await using var services = CreateServices();
        var subject = StoreTestData.NewSubject();
        await AcceptAsync(services, subject);
        (await DiscloseToCourierAsync(services, subject)).Outcome.Should().Be(DecisionOutcome.Deny, "the courier is not engaged yet");

        var engagement = await EngageCourierAsync(services, subject);

        var decision = await DiscloseToCourierAsync(services, subject);
        decision.Outcome.Should().Be(DecisionOutcome.Permit);
        decision.Clauses.ToArray().Should().Contain(ClauseIds.UseThirdPartyServiceProvider);
        decision.PermittedCategories.ToArray().Should().BeEquivalentTo([new DataCategory(Name), new DataCategory(Address)]);
        decision.WithheldCategories.ToArray().Should().BeEquivalentTo([new DataCategory(Email)]);
        (await Get<IEngagementService>(services).FindAsync(engagement.Id, None)).Should().BeEquivalentTo(engagement);
        (await Get<IEngagementService>(services).GetActiveBySubjectAsync(subject, None).CollectAsync()).Select(e => e.Id).Should().Equal(engagement.Id);
    }

    [StoreFact]
    public async Task A_confirmed_violation_and_its_sanction_deny_the_violator()
    {
        await using var services = CreateServices();
        var violator = StoreTestData.NewSubject();
        var victim = StoreTestData.NewSubject();
        var harvest = new CollectionRequest(victim, [new DataCategory(Email)], ServiceProvision, Actor.User(violator));
        (await Get<IPrivacyEnforcer>(services).DecideAsync(harvest, None)).Reasons.Should().Contain(r => r.Reason == DecisionReason.HarvestingForbidden);

        var violations = Get<IViolationService>(services);
        var reported = await violations.ReportHarvestingAsync(harvest, "conformance-ticket-1", None);
        var confirmed = await violations.ConfirmAsync(reported.Id, None);
        await violations.TerminateServiceAgreementAsync(reported.Id, None);

        confirmed.Status.Should().Be(ViolationStatus.Confirmed);
        (await violations.FindAsync(reported.Id, None))!.Status.Should().Be(ViolationStatus.Confirmed);
        (await violations.IsServiceAgreementTerminatedAsync(violator, None)).Should().BeTrue();
        var decision = await Get<IPrivacyEnforcer>(services).DecideAsync(new UseRequest(violator, [new DataCategory(Email)], ServiceProvision, Actor.Subject(violator)), None);
        decision.Outcome.Should().Be(DecisionOutcome.Deny);
        decision.Reasons.Should().Contain(r => r.Reason == DecisionReason.ActorSanctioned);
        (await violations.GetRetainedRecordsAsync(violator, None).CollectAsync()).Should().HaveCount(2, "the violation and its sanction are kept");
    }

    [StoreFact]
    public async Task An_export_lists_the_subjects_records_and_its_disclosures_only()
    {
        await using var services = CreateServices();
        var subject = StoreTestData.NewSubject();
        var other = StoreTestData.NewSubject();
        await AcceptAsync(services, subject);
        await AcceptAsync(services, other);
        var consent = await GrantAsync(services, subject);
        var engagement = await EngageCourierAsync(services, subject, other);
        (await DiscloseToCourierAsync(services, subject)).Outcome.Should().Be(DecisionOutcome.Permit);
        (await DiscloseToCourierAsync(services, other)).Outcome.Should().Be(DecisionOutcome.Permit);

        var (request, export) = await Get<ISubjectRightsService>(services).AccessAsync(subject, None);

        request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        export.Complete.Should().BeTrue();
        export.Subject.Should().Be(subject.Value);
        var disclosure = export.Disclosures.Should().ContainSingle("the ledger holds this subject's disclosure and not the other's").Subject;
        disclosure.Recipient.Should().Be(Courier);
        disclosure.Categories.Should().BeEquivalentTo(Name, Address);
        disclosure.Clauses.Should().Contain(ClauseIds.UseThirdPartyServiceProvider);
        export.Consents.Select(c => c.ConsentId).Should().Equal(consent.ConsentId.ToString());
        export.Acceptances.Should().ContainSingle();
        export.Engagements.Select(e => e.EngagementId).Should().Equal(engagement.Id.ToString());
        export.Requests.Select(r => r.RequestId).Should().Contain(request.Id.ToString());
    }

    [StoreFact]
    public async Task An_erasure_leaves_no_record_that_names_the_subject()
    {
        await using var services = CreateServices();
        var subject = StoreTestData.NewSubject();
        await AcceptAsync(services, subject);
        await GrantAsync(services, subject);
        var engagement = await EngageCourierAsync(services, subject);
        (await DiscloseToCourierAsync(services, subject)).Outcome.Should().Be(DecisionOutcome.Permit);

        var erased = await Get<ISubjectRightsService>(services).EraseAsync(subject, None);

        erased.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        erased.Steps.Should().OnlyContain(s => s.Status == SubjectRightsStepStatus.Succeeded || s.Status == SubjectRightsStepStatus.NotApplicable);
        erased.Obligations.Select(o => o.Engagement).Should().Equal(engagement.Id);
        (await Get<IPseudonymStore>(services).FindAsync(subject, None)).Should().BeNull("the trail no longer names the subject (a later decision gets a new pseudonym)");
        (await CollectEmailAsync(services, subject)).Outcome.Should().Be(DecisionOutcome.Deny);
        (await Get<IConsentService>(services).GetHistoryAsync(subject, None).CollectAsync()).Should().BeEmpty();
        (await Get<IPolicyAcceptanceService>(services).GetHistoryAsync(subject, None).CollectAsync()).Should().BeEmpty();

        var (_, export) = await Get<ISubjectRightsService>(services).AccessAsync(subject, None);
        export.Consents.Should().BeEmpty();
        export.Acceptances.Should().BeEmpty();
        export.Disclosures.Should().BeEmpty("the trail no longer links the subject to the pseudonym its disclosure was recorded under");
        export.Requests.Should().Contain(r => r.RequestId == erased.Id.ToString() && r.Status == nameof(SubjectRightsRequestStatus.Completed));
    }

    private static T Get<T>(IServiceProvider services)
        where T : notnull => services.GetRequiredService<T>();

    private static async Task AcceptAsync(IServiceProvider services, SubjectId subject)
    {
        var policy = Get<IPolicyProvider>(services).Current.Version;
        await Get<IPolicyAcceptanceService>(services).AcceptAsync(subject, policy.Version, policy.ContentHash, "conformance-signup", None);
    }

    private static async Task<ConsentResult> GrantAsync(IServiceProvider services, SubjectId subject)
    {
        var policy = Get<IPolicyProvider>(services).Current.Version;
        return await Get<IConsentService>(services).GrantAsync(
            new ConsentRequest
            {
                Subject = subject,
                PolicyVersion = policy.Version,
                PolicyContentHash = policy.ContentHash,
                Purposes = [ServiceProvision],
                Categories = [new DataCategory(Email)],
                Acts = [ProcessingAct.Collect],
                CollectionMethod = "conformance-form",
            },
            None);
    }

    private static Task<ServiceEngagement> EngageCourierAsync(IServiceProvider services, params SubjectId[] subjects) =>
        Get<IEngagementService>(services).EngageAsync(
            new EngagementRequest
            {
                Provider = new RecipientId(Courier),
                Service = new ServiceId(StandardServices.Delivery),
                Subjects = subjects,
                Categories = [new DataCategory(Name), new DataCategory(Address)],
            },
            None).AsTask();

    private static Task<PrivacyDecision> CollectEmailAsync(IServiceProvider services, SubjectId subject) =>
        Get<IPrivacyEnforcer>(services).DecideAsync(new CollectionRequest(subject, [new DataCategory(Email)], ServiceProvision), None).AsTask();

    private static Task<PrivacyDecision> UseForOwnMarketingAsync(IServiceProvider services, SubjectId subject) =>
        Get<IPrivacyEnforcer>(services).DecideAsync(new UseRequest(subject, [new DataCategory(Email)], OwnMarketing), None).AsTask();

    private static Task<PrivacyDecision> DiscloseToCourierAsync(IServiceProvider services, SubjectId subject) =>
        Get<IPrivacyEnforcer>(services).DecideAsync(
            new DisclosureRequest(subject, [new DataCategory(Name), new DataCategory(Address), new DataCategory(Email)], ServiceProvision, CourierRecipient, evidence: null),
            None).AsTask();
}
