using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Decisions;

/// <summary>One row of the clause table: how to arrange state, the request, and what the decision must be.</summary>
internal sealed record ClauseCase(
    string Clause,
    string Case,
    Func<EnforcerFixture, Task<PrivacyRequest>> Arrange,
    DecisionOutcome Outcome,
    DecisionReason Reason = DecisionReason.None,
    string? Cites = null,
    Action<PrivacyDecision, EnforcerFixture>? Then = null)
{
    public string Key => $"{Clause} | {Case}";
}

/// <summary>The clause table: every clause id of CLAUSES.md with Permit and Deny (or NotApplicable) cases; every ground with complete, missing and inconsistent evidence.</summary>
internal static class ClauseCases
{
    private const string Service = StandardPurposes.ServiceProvision;

    public static IReadOnlyList<ClauseCase> All { get; } = Build();

    public static ClauseCase Find(string key) => All.Single(c => c.Key == key);

    private static DataCategory[] Cats(params string[] categories) => [.. categories.Select(c => new DataCategory(c))];

    private static CollectionRequest Collect(params string[] categories) => new(Alice, Cats(categories), new PurposeId(Service));

    private static UseRequest Use(string purpose, params string[] categories) => new(Alice, Cats(categories), new PurposeId(purpose));

    private static DisclosureRequest Disclose(string recipient, RecipientKind kind, DisclosureEvidence? evidence, string purpose, params string[] categories) =>
        new(Alice, Cats(categories), new PurposeId(purpose), new Recipient(recipient, kind), evidence);

    private static async Task<ConsentId> ShareConsent(EnforcerFixture f, string? recipient, RecipientKind? kind, string purpose = Service, DateTimeOffset? at = null, params string[] categories) =>
        await f.ConsentAsync(Alice, purpose, categories.Length == 0 ? [Contact, Name] : categories, [ProcessingAct.Disclose], recipient, kind, at);

    private static LegalRequirementEvidence Legal(InstitutionKind institution = InstitutionKind.Judicial, string basis = "Civil Procedure Law art. 67") =>
        new(institution, "District Court", basis, "warrant-2025-17", Cats(Name, Phone));

    private static IpComplaintEvidence Complaint(string respondent = Respondent, bool qualified = true, string reference = "ipc-9") =>
        new(reference, Alice, qualified, new RecipientId(respondent), RequestedByRespondent: true);

    private static TransactionEvidence Transaction(string requesting = Seller, Fulfilment fulfilment = Fulfilment.Partial, bool approved = true, string reference = "order-77", string? counterparty = Seller, params string[] widened) =>
        new(reference, counterparty is null ? ["alice", "someone-else"] : ["alice", counterparty], requesting, fulfilment,
            approved ? new TransactionApproval("operator-7", Cats(widened)) : null);

    private static void Permits(PrivacyDecision d, params string[] categories) =>
        d.PermittedCategories.Select(c => c.Value).Should().BeEquivalentTo(categories);

    private static void Withholds(PrivacyDecision d, string category, DecisionReason reason)
    {
        d.WithheldCategories.Contains(new DataCategory(category)).Should().BeTrue();
        d.GetReason(new DataCategory(category)).Should().Be(reason);
    }

    private static void Ledger(PrivacyDecision d, EnforcerFixture f) => d.Obligations.Contains(ObligationKind.RecordInLedger).Should().BeTrue();

    private static List<ClauseCase> Build()
    {
        var cases = new List<ClauseCase>();
        void Add(string clause, string name, Func<EnforcerFixture, Task<PrivacyRequest>> arrange, DecisionOutcome outcome, DecisionReason reason = DecisionReason.None, string? cites = null, Action<PrivacyDecision, EnforcerFixture>? then = null) =>
            cases.Add(new ClauseCase(clause, name, arrange, outcome, reason, cites ?? (outcome == DecisionOutcome.Permit || reason != DecisionReason.None ? clause : null), then));

        // intro.acceptance
        Add(ClauseIds.IntroAcceptance, "explicit acceptance permits use", async f => { await f.AcceptAsync(Alice); return Use(Service, Behavior); }, DecisionOutcome.Permit);
        Add(ClauseIds.IntroAcceptance, "acceptance deemed by continued use permits use", async f => { await f.AcceptAsync(Alice, AcceptanceKind.DeemedByContinuedUse); return Use(Service, PurchaseHistory); }, DecisionOutcome.Permit);
        Add(ClauseIds.IntroAcceptance, "no acceptance denies", f => Task.FromResult<PrivacyRequest>(Use(Service, Behavior)), DecisionOutcome.Deny, DecisionReason.AcceptanceRequired,
            then: (d, _) => d.Obligations.Contains(ObligationKind.ObtainAcceptance).Should().BeTrue());
        Add(ClauseIds.IntroAcceptance, "acceptance is not consent", async f => { await f.AcceptAsync(Alice); return Collect(Phone); }, DecisionOutcome.Deny, DecisionReason.ConsentMissing, ClauseIds.CollectConsent);

        // collect.consent
        Add(ClauseIds.CollectConsent, "live consent permits", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Contact], [ProcessingAct.Collect]);
            return Collect(Email);
        }, DecisionOutcome.Permit);
        Add(ClauseIds.CollectConsent, "missing consent denies", async f => { await f.AcceptAsync(Alice); return Collect(Phone); }, DecisionOutcome.Deny, DecisionReason.ConsentMissing);
        Add(ClauseIds.CollectConsent, "consent for another purpose denies", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, StandardPurposes.OwnMarketing, [Contact], [ProcessingAct.Collect]);
            return Collect(Phone);
        }, DecisionOutcome.Deny, DecisionReason.ConsentMissing);
        Add(ClauseIds.CollectConsent, "withdrawn consent denies", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect]);
            await f.AppendAsync(Alice, id, ConsentState.Withdrawn, f.Now.AddMinutes(-1));
            return Collect(Phone);
        }, DecisionOutcome.Deny, DecisionReason.ConsentWithdrawn);
        Add(ClauseIds.CollectConsent, "expired consent denies", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], expiresAt: f.Now.AddSeconds(-1));
            return Collect(Phone);
        }, DecisionOutcome.Deny, DecisionReason.ConsentExpired);
        Add(ClauseIds.CollectConsent, "refused consent denies", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], state: ConsentState.Refused);
            return Collect(Phone);
        }, DecisionOutcome.Deny, DecisionReason.ConsentRefused);
        Add(ClauseIds.CollectConsent, "consent given after the act is not judged as of the act", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: f.Now.AddMinutes(-1));
            return Collect(Phone) with { OccursAt = f.Now.AddMinutes(-3) };
        }, DecisionOutcome.Deny, DecisionReason.Indeterminate, ClauseIds.StoreSecurity);
        Add(ClauseIds.CollectConsent, "consent recorded after the act (a clock ahead of this one) is not prior", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: f.Now.AddMinutes(1));
            return Collect(Phone);
        }, DecisionOutcome.Deny, DecisionReason.ConsentNotPrior);
        Add(ClauseIds.CollectConsent, "an act dated before a later withdrawal is not replayed as a permit", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: f.Now.AddMinutes(-5));
            await f.AppendAsync(Alice, id, ConsentState.Withdrawn, f.Now.AddMinutes(-1));
            return Collect(Phone) with { OccursAt = f.Now.AddMinutes(-2) };
        }, DecisionOutcome.Deny, DecisionReason.Indeterminate, ClauseIds.StoreSecurity);
        Add(ClauseIds.CollectConsent, "checked as of the act when nothing changed since", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: f.Now.AddMinutes(-5));
            return Collect(Phone) with { OccursAt = f.Now.AddMinutes(-2) };
        }, DecisionOutcome.Permit);
        Add(ClauseIds.CollectConsent, "all or part: the consented category only", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Email], [ProcessingAct.Collect]);
            return Collect(Email, Phone, Behavior);
        }, DecisionOutcome.Permit, then: (d, _) =>
        {
            Permits(d, Email, Behavior);
            Withholds(d, Phone, DecisionReason.ConsentMissing);
            d.Obligations.Contains(ObligationKind.LimitToPermittedCategories).Should().BeTrue();
        });

        // collect.exempt.*
        Add(ClauseIds.CollectExemptSearchKeywords, "search keywords are outside the policy", f => Task.FromResult<PrivacyRequest>(Collect(SearchKeywords)), DecisionOutcome.NotApplicable, cites: ClauseIds.CollectExemptSearchKeywords,
            then: (d, _) => Permits(d, SearchKeywords));
        Add(ClauseIds.CollectExemptSearchKeywords, "mixed request judged on the non-exempt part", async f => { await f.AcceptAsync(Alice); return Collect(SearchKeywords, Phone); }, DecisionOutcome.Deny, DecisionReason.ConsentMissing, ClauseIds.CollectConsent,
            then: (d, _) => d.Clauses.Should().Contain(ClauseIds.CollectExemptSearchKeywords));
        Add(ClauseIds.CollectExemptSearchKeywords, "mixed request permitted with its exempt part", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect]);
            return Collect(SearchKeywords, Phone);
        }, DecisionOutcome.Permit, cites: ClauseIds.CollectConsent, then: (d, _) => Permits(d, SearchKeywords, Phone));
        Add(ClauseIds.CollectExemptViolations, "violation records are outside the policy", f => Task.FromResult<PrivacyRequest>(Use(StandardPurposes.Security, StandardDataCategories.Violations)), DecisionOutcome.NotApplicable, cites: ClauseIds.CollectExemptViolations);
        Add(ClauseIds.CollectExemptViolations, "violation records joined to contact data need consent", async f => { await f.AcceptAsync(Alice); return Collect(StandardDataCategories.Violations, Email); }, DecisionOutcome.Deny, DecisionReason.ConsentMissing, ClauseIds.CollectConsent);

        // use.third-party.no-trade
        Add(ClauseIds.UseThirdPartyNoTrade, "selling is denied even with consent", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, AdNetwork, null);
            return Disclose(AdNetwork, RecipientKind.UnrelatedThirdParty, new ConsentEvidence { ConsentId = id }, Service, Email) with { TransferKind = TransferKind.Sell };
        }, DecisionOutcome.Deny, DecisionReason.TransferKindForbidden);
        Add(ClauseIds.UseThirdPartyNoTrade, "renting is denied", async f => { await f.AcceptAsync(Alice); return Disclose(Sister, RecipientKind.Affiliate, null, Service, Email) with { TransferKind = TransferKind.Rent }; },
            DecisionOutcome.Deny, DecisionReason.TransferKindForbidden);
        Add(ClauseIds.UseThirdPartyNoTrade, "an unrelated recipient without permission is denied", async f => { await f.AcceptAsync(Alice); return Disclose(AdNetwork, RecipientKind.UnrelatedThirdParty, null, Service, Email); },
            DecisionOutcome.Deny, DecisionReason.RecipientUnrelated);
        Add(ClauseIds.UseThirdPartyNoTrade, "an unrelated recipient on a ground that excludes it is denied", async f =>
            {
                await f.AcceptAsync(Alice);
                return Disclose(AdNetwork, RecipientKind.UnrelatedThirdParty, new ServiceNecessityEvidence(new ServiceId(StandardServices.Delivery), "order-1"), Service, Phone);
            }, DecisionOutcome.Deny, DecisionReason.RecipientUnrelated);
        Add(ClauseIds.UseThirdPartyNoTrade, "sharing with an affiliate on a ground is permitted", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, Sister, null);
            return Disclose(Sister, RecipientKind.Affiliate, new ConsentEvidence { ConsentId = id }, Service, Email);
        }, DecisionOutcome.Permit, cites: ClauseIds.DiscloseConsent);

        // use.third-party.permission
        Add(ClauseIds.UseThirdPartyPermission, "prior consent naming the recipient permits", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, AdNetwork, null);
            return Disclose(AdNetwork, RecipientKind.UnrelatedThirdParty, new ConsentEvidence { ConsentId = id }, Service, Email, Phone);
        }, DecisionOutcome.Permit, then: (d, f) => { Permits(d, Email, Phone); Ledger(d, f); });
        Add(ClauseIds.UseThirdPartyPermission, "prior consent naming the recipient's kind permits", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, null, RecipientKind.UnrelatedThirdParty);
            return Disclose(AdNetwork, RecipientKind.UnrelatedThirdParty, new ConsentEvidence { ConsentId = id }, Service, Email);
        }, DecisionOutcome.Permit);
        Add(ClauseIds.UseThirdPartyPermission, "consent granted after the transfer is not prior", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, AdNetwork, null, at: f.Now.AddMinutes(1));
            return Disclose(AdNetwork, RecipientKind.UnrelatedThirdParty, new ConsentEvidence { ConsentId = id }, Service, Email);
        }, DecisionOutcome.Deny, DecisionReason.ConsentNotPrior);
        Add(ClauseIds.UseThirdPartyPermission, "withdrawn permission denies", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, AdNetwork, null);
            await f.AppendAsync(Alice, id, ConsentState.Withdrawn, f.Now.AddSeconds(-1));
            return Disclose(AdNetwork, RecipientKind.UnrelatedThirdParty, new ConsentEvidence { ConsentId = id }, Service, Email);
        }, DecisionOutcome.Deny, DecisionReason.ConsentWithdrawn);

        // use.third-party.service-provider
        Add(ClauseIds.UseThirdPartyServiceProvider, "an engaged provider reads the engagement's categories only", async f =>
        {
            await f.EngageAsync(Alice);
            return new UseRequest(Alice, Cats(Phone, Email), new PurposeId(Service), Actor.ThirdParty(new RecipientId(Courier)));
        }, DecisionOutcome.Permit, then: (d, _) => { Permits(d, Phone); Withholds(d, Email, DecisionReason.CategoryOutsideScope); });
        Add(ClauseIds.UseThirdPartyServiceProvider, "a transfer to an engaged provider is permitted", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.EngageAsync(Alice);
            return Disclose(Courier, RecipientKind.ServiceProvider, null, Service, Address);
        }, DecisionOutcome.Permit, then: Ledger);
        Add(ClauseIds.UseThirdPartyServiceProvider, "a provider without an engagement is denied", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Phone), new PurposeId(Service), Actor.ThirdParty(new RecipientId(Courier)))),
            DecisionOutcome.Deny, DecisionReason.NoEngagement);

        // use.third-party.service-end
        Add(ClauseIds.UseThirdPartyServiceEnd, "before the end the provider may read", async f =>
        {
            await f.EngageAsync(Alice, endsAt: f.Now.AddHours(1));
            return new UseRequest(Alice, Cats(Phone), new PurposeId(Service), Actor.ThirdParty(new RecipientId(Courier)));
        }, DecisionOutcome.Permit, cites: ClauseIds.UseThirdPartyServiceProvider);
        Add(ClauseIds.UseThirdPartyServiceEnd, "after the end time every access is denied", async f =>
        {
            await f.EngageAsync(Alice, endsAt: f.Now.AddHours(1));
            var before = await f.DecideAsync(new UseRequest(Alice, Cats(Phone), new PurposeId(Service), Actor.ThirdParty(new RecipientId(Courier))));
            before.IsPermitted.Should().BeTrue();
            f.Time.Advance(TimeSpan.FromHours(2));
            return new UseRequest(Alice, Cats(Phone), new PurposeId(Service), Actor.ThirdParty(new RecipientId(Courier)));
        }, DecisionOutcome.Deny, DecisionReason.EngagementEnded, then: (d, f) =>
        {
            var obligation = d.Obligations.Find(ObligationKind.ReturnOrDelete);
            obligation.Should().NotBeNull();
            obligation!.Value.Deadline.Should().Be(Start.AddHours(1).AddDays(30));
            obligation.Value.Engagement.Should().NotBeNull();
        });
        Add(ClauseIds.UseThirdPartyServiceEnd, "early termination denies data received before", async f =>
        {
            var engagement = await f.EngageAsync(Alice);
            await f.TerminateAsync(engagement);
            f.Time.Advance(TimeSpan.FromSeconds(1));
            return new UseRequest(Alice, Cats(Name), new PurposeId(Service), Actor.ThirdParty(new RecipientId(Courier)));
        }, DecisionOutcome.Deny, DecisionReason.EngagementEnded, then: (d, _) => d.Obligations.Contains(ObligationKind.ReturnOrDelete).Should().BeTrue());
        Add(ClauseIds.UseThirdPartyServiceEnd, "no disclosure to an ended provider on any ground", async f =>
        {
            await f.AcceptAsync(Alice);
            var engagement = await f.EngageAsync(Alice);
            await f.TerminateAsync(engagement);
            f.Time.Advance(TimeSpan.FromSeconds(1));
            return Disclose(Courier, RecipientKind.ServiceProvider, new ServiceNecessityEvidence(new ServiceId(StandardServices.Delivery), "order-1"), Service, Phone);
        }, DecisionOutcome.Deny, DecisionReason.EngagementEnded);

        // use.no-free-harvesting
        Add(ClauseIds.UseNoFreeHarvesting, "another user collecting the subject's data is denied", f =>
            Task.FromResult<PrivacyRequest>(new CollectionRequest(Alice, Cats(Phone), new PurposeId(Service), Actor.User(Bob))),
            DecisionOutcome.Deny, DecisionReason.HarvestingForbidden, then: (d, _) => d.Obligations.Contains(ObligationKind.ReportViolation).Should().BeTrue());
        Add(ClauseIds.UseNoFreeHarvesting, "a third party editing without engagement is denied", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Name), new PurposeId(Service), Actor.ThirdParty(new RecipientId("scraper"))) { UseAct = ProcessingAct.Edit }),
            DecisionOutcome.Deny, DecisionReason.HarvestingForbidden);
        Add(ClauseIds.UseNoFreeHarvesting, "another user disseminating is denied", f =>
            Task.FromResult<PrivacyRequest>(new DisclosureRequest(Alice, Cats(Email), new PurposeId(Service), new Recipient(AdNetwork, RecipientKind.UnrelatedThirdParty), null, Actor.User(Bob))),
            DecisionOutcome.Deny, DecisionReason.HarvestingForbidden);
        Add(ClauseIds.UseNoFreeHarvesting, "the application collecting with consent is permitted", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect]);
            return Collect(Phone);
        }, DecisionOutcome.Permit, cites: ClauseIds.CollectConsent);

        // use.violator-termination
        Add(ClauseIds.UseViolatorTermination, "a terminated user acting on another's data is denied", async f =>
        {
            await f.SanctionAsync(Mallory);
            return new UseRequest(Alice, Cats(Name), new PurposeId(Service), Actor.User(Mallory));
        }, DecisionOutcome.Deny, DecisionReason.ActorSanctioned);
        Add(ClauseIds.UseViolatorTermination, "a terminated user acting for itself is denied", async f =>
        {
            await f.SanctionAsync(Mallory);
            return new UseRequest(Mallory, Cats(Name), new PurposeId(Service), Actor.Subject(Mallory));
        }, DecisionOutcome.Deny, DecisionReason.ActorSanctioned);
        Add(ClauseIds.UseViolatorTermination, "a user not terminated reads its own data", async f =>
        {
            await f.SanctionAsync(Mallory);
            return new UseRequest(Bob, Cats(Name), new PurposeId(Service), Actor.Subject(Bob));
        }, DecisionOutcome.Permit, cites: ClauseIds.StoreSubjectAccess);

        // use.own-marketing
        Add(ClauseIds.UseOwnMarketing, "own marketing under the accepted policy", async f => { await f.AcceptAsync(Alice); return Use(StandardPurposes.OwnMarketing, Email); }, DecisionOutcome.Permit);
        Add(ClauseIds.UseOwnMarketing, "an objection denies", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ObjectAsync(Alice, StandardPurposes.OwnMarketing);
            return Use(StandardPurposes.OwnMarketing, Email);
        }, DecisionOutcome.Deny, DecisionReason.Objected);
        Add(ClauseIds.UseOwnMarketing, "a lifted objection permits again", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.ObjectAsync(Alice, StandardPurposes.OwnMarketing);
            f.Time.Advance(TimeSpan.FromMinutes(1));
            await f.ObjectAsync(Alice, StandardPurposes.OwnMarketing, ObjectionState.Lifted);
            return Use(StandardPurposes.OwnMarketing, Email);
        }, DecisionOutcome.Permit);

        // use.partner-marketing
        Add(ClauseIds.UsePartnerMarketing, "prior consent for the purpose and the partner permits", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, PartnerA, null, StandardPurposes.PartnerMarketing);
            return Disclose(PartnerA, RecipientKind.Partner, new ConsentEvidence { ConsentId = id }, StandardPurposes.PartnerMarketing, Email);
        }, DecisionOutcome.Permit, then: Ledger);
        Add(ClauseIds.UsePartnerMarketing, "prior consent for the partner kind permits", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, null, RecipientKind.Partner, StandardPurposes.PartnerMarketing);
            return Disclose(PartnerB, RecipientKind.Partner, new ConsentEvidence { ConsentId = id }, StandardPurposes.PartnerMarketing, Email);
        }, DecisionOutcome.Permit);
        Add(ClauseIds.UsePartnerMarketing, "a consent for service provision does not cover partner marketing", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, PartnerA, null, Service);
            return Disclose(PartnerA, RecipientKind.Partner, new ConsentEvidence { ConsentId = id }, StandardPurposes.PartnerMarketing, Email);
        }, DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent, ClauseIds.DiscloseConsent);
        Add(ClauseIds.UsePartnerMarketing, "using data for partner marketing without consent is denied", async f => { await f.AcceptAsync(Alice); return Use(StandardPurposes.PartnerMarketing, Email); },
            DecisionOutcome.Deny, DecisionReason.ConsentMissing);

        // disclose.consent (1)
        Add(ClauseIds.DiscloseConsent, "complete evidence releases what the consent covers", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, PartnerA, null, Service, null, Email);
            return Disclose(PartnerA, RecipientKind.Partner, new ConsentEvidence { ConsentId = id }, Service, Email, Phone);
        }, DecisionOutcome.Permit, then: (d, f) => { Permits(d, Email); Withholds(d, Phone, DecisionReason.ConsentMissing); Ledger(d, f); });
        Add(ClauseIds.DiscloseConsent, "missing evidence denies", async f => { await f.AcceptAsync(Alice); await ShareConsent(f, PartnerA, null); return Disclose(PartnerA, RecipientKind.Partner, new ConsentEvidence(), Service, Email); },
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
        Add(ClauseIds.DiscloseConsent, "inconsistent evidence: the consent names another recipient", async f =>
        {
            await f.AcceptAsync(Alice);
            var other = await ShareConsent(f, PartnerB, null);
            await ShareConsent(f, PartnerA, null);
            return Disclose(PartnerA, RecipientKind.Partner, new ConsentEvidence { ConsentId = other }, Service, Email);
        }, DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);
        Add(ClauseIds.DiscloseConsent, "no evidence at all denies", async f => { await f.AcceptAsync(Alice); return Disclose(PartnerA, RecipientKind.Partner, null, Service, Email); },
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing, ClauseIds.StoreSecurity);

        // disclose.service-necessity (2)
        Add(ClauseIds.DiscloseServiceNecessity, "complete evidence releases the service's necessary categories", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.EngageAsync(Alice);
            return Disclose(Courier, RecipientKind.ServiceProvider, new ServiceNecessityEvidence(new ServiceId(StandardServices.Delivery), "order-1"), Service, Phone, Address, Email);
        }, DecisionOutcome.Permit, then: (d, f) => { Permits(d, Phone, Address); Withholds(d, Email, DecisionReason.CategoryOutsideScope); Ledger(d, f); });
        Add(ClauseIds.DiscloseServiceNecessity, "missing evidence: no service request", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.EngageAsync(Alice);
            return Disclose(Courier, RecipientKind.ServiceProvider, new ServiceNecessityEvidence(new ServiceId(StandardServices.Delivery), " "), Service, Phone);
        }, DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
        Add(ClauseIds.DiscloseServiceNecessity, "inconsistent evidence: the recipient does not provide the service", async f =>
        {
            await f.AcceptAsync(Alice);
            await f.EngageAsync(Alice);
            return Disclose(Courier, RecipientKind.ServiceProvider, new ServiceNecessityEvidence(new ServiceId(StandardServices.Payment), "order-1"), Service, Name);
        }, DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);

        // disclose.legal-requirement (3)
        Add(ClauseIds.DiscloseLegalRequirement, "complete evidence releases the categories named", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Court, RecipientKind.JudicialAuthority, Legal(), StandardPurposes.LegalCompliance, Name, Phone, Email)),
            DecisionOutcome.Permit, then: (d, f) => { Permits(d, Name, Phone); Withholds(d, Email, DecisionReason.CategoryOutsideScope); Ledger(d, f); });
        Add(ClauseIds.DiscloseLegalRequirement, "missing evidence: no legal basis", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Court, RecipientKind.JudicialAuthority, Legal(basis: ""), StandardPurposes.LegalCompliance, Name)),
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
        Add(ClauseIds.DiscloseLegalRequirement, "inconsistent evidence: an administrative order to a court", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Court, RecipientKind.JudicialAuthority, Legal(InstitutionKind.Administrative), StandardPurposes.LegalCompliance, Name)),
            DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);
        Add(ClauseIds.DiscloseLegalRequirement, "a recipient that is no institution is denied", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Seller, RecipientKind.TransactionCounterparty, Legal(), StandardPurposes.LegalCompliance, Name)),
            DecisionOutcome.Deny, DecisionReason.RecipientNotAllowedForGround);

        // disclose.user-violation (4)
        Add(ClauseIds.DiscloseUserViolation, "complete evidence releases the categories relevant to the violation", async f =>
        {
            var violation = await f.ViolationAsync(Alice);
            return Disclose(Agency, RecipientKind.AdministrativeAuthority, new UserViolationEvidence(violation), StandardPurposes.LegalCompliance, Name, Email, Address);
        }, DecisionOutcome.Permit, then: (d, f) => { Permits(d, Name, Email); Withholds(d, Address, DecisionReason.CategoryOutsideScope); Ledger(d, f); });
        Add(ClauseIds.DiscloseUserViolation, "missing evidence: no such violation recorded", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Agency, RecipientKind.AdministrativeAuthority, new UserViolationEvidence(ViolationId.New()), StandardPurposes.LegalCompliance, Name)),
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
        Add(ClauseIds.DiscloseUserViolation, "inconsistent evidence: the violation is another user's", async f =>
        {
            var violation = await f.ViolationAsync(Bob);
            return Disclose(Agency, RecipientKind.AdministrativeAuthority, new UserViolationEvidence(violation), StandardPurposes.LegalCompliance, Name);
        }, DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);
        Add(ClauseIds.DiscloseUserViolation, "inconsistent evidence: the violation is not confirmed", async f =>
        {
            var violation = await f.ViolationAsync(Alice, ViolationStatus.Reported);
            return Disclose(Agency, RecipientKind.AdministrativeAuthority, new UserViolationEvidence(violation), StandardPurposes.LegalCompliance, Name);
        }, DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);

        // disclose.ip-complaint (5)
        Add(ClauseIds.DiscloseIpComplaint, "complete evidence releases contact and identity categories", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Respondent, RecipientKind.IpComplaintRespondent, Complaint(), StandardPurposes.DisputeResolution, Name, Email, Location)),
            DecisionOutcome.Permit, then: (d, f) => { Permits(d, Name, Email); Withholds(d, Location, DecisionReason.CategoryOutsideScope); Ledger(d, f); });
        Add(ClauseIds.DiscloseIpComplaint, "missing evidence: no complaint reference", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Respondent, RecipientKind.IpComplaintRespondent, Complaint(reference: ""), StandardPurposes.DisputeResolution, Email)),
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
        Add(ClauseIds.DiscloseIpComplaint, "inconsistent evidence: the recipient is not the respondent", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Respondent, RecipientKind.IpComplaintRespondent, Complaint(respondent: "other-shop"), StandardPurposes.DisputeResolution, Email)),
            DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);
        Add(ClauseIds.DiscloseIpComplaint, "inconsistent evidence: the complainant is not qualified", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Respondent, RecipientKind.IpComplaintRespondent, Complaint(qualified: false), StandardPurposes.DisputeResolution, Email)),
            DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);

        // disclose.transaction (6)
        Add(ClauseIds.DiscloseTransaction, "complete evidence releases contact categories only", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Seller, RecipientKind.TransactionCounterparty, Transaction(), StandardPurposes.DisputeResolution, Phone, Name)),
            DecisionOutcome.Permit, then: (d, f) => { Permits(d, Phone); Withholds(d, Name, DecisionReason.CategoryOutsideScope); Ledger(d, f); });
        Add(ClauseIds.DiscloseTransaction, "an approval may widen the categories", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Seller, RecipientKind.TransactionCounterparty, Transaction(widened: [Name]), StandardPurposes.DisputeResolution, Phone, Name)),
            DecisionOutcome.Permit, then: (d, _) => Permits(d, Phone, Name));
        Add(ClauseIds.DiscloseTransaction, "missing evidence: no transaction reference", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Seller, RecipientKind.TransactionCounterparty, Transaction(reference: ""), StandardPurposes.DisputeResolution, Phone)),
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
        Add(ClauseIds.DiscloseTransaction, "inconsistent evidence: the recipient is not a counterparty", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Seller, RecipientKind.TransactionCounterparty, Transaction(counterparty: null), StandardPurposes.DisputeResolution, Phone)),
            DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);
        Add(ClauseIds.DiscloseTransaction, "inconsistent evidence: nothing fulfilled", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Seller, RecipientKind.TransactionCounterparty, Transaction(fulfilment: Fulfilment.None), StandardPurposes.DisputeResolution, Phone)),
            DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);
        Add(ClauseIds.DiscloseTransaction, "without the application's approval: deny and ask an operator", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Seller, RecipientKind.TransactionCounterparty, Transaction(approved: false), StandardPurposes.DisputeResolution, Phone)),
            DecisionOutcome.Deny, DecisionReason.ApprovalRequired, then: (d, _) => d.Obligations.Contains(ObligationKind.ObtainOperatorApproval).Should().BeTrue());

        // disclose.other-legal (7)
        Add(ClauseIds.DiscloseOtherLegal, "complete evidence releases what the provision allows", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Agency, RecipientKind.AdministrativeAuthority, new OtherLegalEvidence("Cybersecurity Law art. 28", Cats(DeviceId)), StandardPurposes.LegalCompliance, DeviceId, Name)),
            DecisionOutcome.Permit, then: (d, f) => { Permits(d, DeviceId); Ledger(d, f); });
        Add(ClauseIds.DiscloseOtherLegal, "missing evidence: no provision cited", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Agency, RecipientKind.AdministrativeAuthority, new OtherLegalEvidence("", Cats(DeviceId)), StandardPurposes.LegalCompliance, DeviceId)),
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
        Add(ClauseIds.DiscloseOtherLegal, "inconsistent evidence: the provision allows none of the categories asked", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Agency, RecipientKind.AdministrativeAuthority, new OtherLegalEvidence("Cybersecurity Law art. 28", Cats(DeviceId)), StandardPurposes.LegalCompliance, Health)),
            DecisionOutcome.Deny, DecisionReason.CategoryOutsideScope);
        Add(ClauseIds.DiscloseOtherLegal, "inconsistent evidence: the provision names categories the policy does not know", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Agency, RecipientKind.AdministrativeAuthority, new OtherLegalEvidence("Some Law art. 1", Cats("user.shoe_size")), StandardPurposes.LegalCompliance, Name)),
            DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);

        // store.location
        Add(ClauseIds.StoreLocation, "storing with an affiliate is permitted", async f =>
        {
            await f.AcceptAsync(Alice);
            return new CollectionRequest(Alice, Cats(Behavior), new PurposeId(Service)) { StoreOperator = new RecipientId(Sister) };
        }, DecisionOutcome.Permit);
        Add(ClauseIds.StoreLocation, "storing with another operator is denied", async f =>
        {
            await f.AcceptAsync(Alice);
            return new CollectionRequest(Alice, Cats(Behavior), new PurposeId(Service)) { StoreOperator = new RecipientId("cheap-cloud") };
        }, DecisionOutcome.Deny, DecisionReason.StoreOperatorNotAllowed);

        // store.accuracy / store.subject-*
        Add(ClauseIds.StoreAccuracy, "the subject rectifies its data", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Phone), new PurposeId(Service), Actor.Subject(Alice)) { UseAct = ProcessingAct.Edit }), DecisionOutcome.Permit);
        Add(ClauseIds.StoreAccuracy, "another user cannot rectify it", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Phone), new PurposeId(Service), Actor.User(Bob)) { UseAct = ProcessingAct.Edit }),
            DecisionOutcome.Deny, DecisionReason.HarvestingForbidden, ClauseIds.UseNoFreeHarvesting);
        Add(ClauseIds.StoreSubjectAccess, "the subject sees its data at any time", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Phone, Email, Behavior), new PurposeId(Service), Actor.Subject(Alice))), DecisionOutcome.Permit);
        Add(ClauseIds.StoreSubjectAccess, "another user cannot see it", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Phone), new PurposeId(Service), Actor.User(Bob))),
            DecisionOutcome.Deny, DecisionReason.NoPermittingRule, ClauseIds.StoreSecurity);
        Add(ClauseIds.StoreSubjectEdit, "the subject edits what it submitted", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Content), new PurposeId(Service), Actor.Subject(Alice)) { UseAct = ProcessingAct.Edit }), DecisionOutcome.Permit);
        Add(ClauseIds.StoreSubjectEdit, "a third party cannot edit it", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Content), new PurposeId(Service), Actor.ThirdParty(new RecipientId(AdNetwork))) { UseAct = ProcessingAct.Edit }),
            DecisionOutcome.Deny, DecisionReason.HarvestingForbidden, ClauseIds.UseNoFreeHarvesting);
        Add(ClauseIds.StoreSubjectDelete, "the subject deletes what it submitted", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Content), new PurposeId(Service), Actor.Subject(Alice)) { UseAct = ProcessingAct.Erase }), DecisionOutcome.Permit);
        Add(ClauseIds.StoreSubjectDelete, "another user cannot delete it", f =>
            Task.FromResult<PrivacyRequest>(new UseRequest(Alice, Cats(Content), new PurposeId(Service), Actor.User(Bob)) { UseAct = ProcessingAct.Erase }),
            DecisionOutcome.Deny, DecisionReason.NoPermittingRule, ClauseIds.StoreSecurity);

        // store.security
        Add(ClauseIds.StoreSecurity, "an unknown category is denied", async f => { await f.AcceptAsync(Alice); return Use(Service, "user.shoe_size"); }, DecisionOutcome.Deny, DecisionReason.UnknownCategory);
        Add(ClauseIds.StoreSecurity, "an unknown purpose is denied", async f => { await f.AcceptAsync(Alice); return Use("resale", Behavior); }, DecisionOutcome.Deny, DecisionReason.UnknownPurpose);
        Add(ClauseIds.StoreSecurity, "an undeclared partner is denied", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, "partner-z", null);
            return Disclose("partner-z", RecipientKind.Partner, new ConsentEvidence { ConsentId = id }, Service, Email);
        }, DecisionOutcome.Deny, DecisionReason.UnknownRecipient);
        Add(ClauseIds.StoreSecurity, "a recipient with another kind than declared is denied", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, PartnerA, null);
            return Disclose(PartnerA, RecipientKind.Affiliate, new ConsentEvidence { ConsentId = id }, Service, Email);
        }, DecisionOutcome.Deny, DecisionReason.UnknownRecipient);
        Add(ClauseIds.StoreSecurity, "a request no rule permits is denied", async f => { await f.AcceptAsync(Alice); return Disclose(Court, RecipientKind.JudicialAuthority, null, StandardPurposes.LegalCompliance, Name); },
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
        Add(ClauseIds.StoreSecurity, "a request a rule permits is permitted", async f => { await f.AcceptAsync(Alice); return Use(Service, Behavior); }, DecisionOutcome.Permit, cites: ClauseIds.IntroAcceptance);

        // store.account-security
        Add(ClauseIds.StoreAccountSecurity, "credentials are withheld from an otherwise permitted disclosure", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await ShareConsent(f, PartnerA, null, Service, null, User);
            return Disclose(PartnerA, RecipientKind.Partner, new ConsentEvidence { ConsentId = id }, Service, Email, Password);
        }, DecisionOutcome.Permit, then: (d, _) => { Permits(d, Email); Withholds(d, Password, DecisionReason.CategoryNeverDisclosable); });
        Add(ClauseIds.StoreAccountSecurity, "credentials alone are never disclosed", f =>
            Task.FromResult<PrivacyRequest>(Disclose(Court, RecipientKind.JudicialAuthority, new LegalRequirementEvidence(InstitutionKind.Judicial, "Court", "Law art. 1", "doc-1", Cats(Password)), StandardPurposes.LegalCompliance, Password)),
            DecisionOutcome.Deny, DecisionReason.CategoryNeverDisclosable);

        // store.integrity
        Add(ClauseIds.StoreIntegrity, "a decision is recorded before it takes effect", async f => { await f.AcceptAsync(Alice); return Use(Service, Behavior); }, DecisionOutcome.Permit, cites: ClauseIds.IntroAcceptance,
            then: (d, f) =>
            {
                var recorded = f.Audit.Events.Should().ContainSingle(e => e.Kind == AuditEventKind.Decision).Subject;
                recorded.Outcome.Should().Be("Permit");
                recorded.SubjectPseudonym.Should().NotBeNullOrEmpty().And.NotContain("alice");
            });
        Add(ClauseIds.StoreIntegrity, "a decision the trail cannot record is denied", async f =>
        {
            await f.AcceptAsync(Alice);
            f.Audit.Fail = true;
            return Use(Service, Behavior);
        }, DecisionOutcome.Deny, DecisionReason.Indeterminate, ClauseIds.StoreSecurity);

        // changes.replace
        Add(ClauseIds.ChangesReplace, "decisions are made under the newest version", async f =>
        {
            f.Catalog.Publish(CreatePolicy("1.1"));
            await f.AcceptAsync(Alice);
            return Use(Service, Behavior);
        }, DecisionOutcome.Permit, cites: ClauseIds.IntroAcceptance, then: (d, _) => d.PolicyVersion!.Version.Should().Be(new Version(1, 1)));
        Add(ClauseIds.ChangesReplace, "acceptance of the replaced version does not carry over", async f =>
        {
            await f.AcceptAsync(Alice);
            f.Catalog.Publish(CreatePolicy("1.1"));
            return Use(Service, Behavior);
        }, DecisionOutcome.Deny, DecisionReason.AcceptanceRequired, ClauseIds.ChangesReplace, then: (d, _) => d.PolicyVersion!.Version.Should().Be(new Version(1, 1)));

        // changes.notice
        Add(ClauseIds.ChangesNotice, "a consent invalidated by a policy change needs renewal", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect]);
            await f.AppendAsync(Alice, id, ConsentState.Invalidated, f.Now.AddMinutes(-1));
            return Collect(Phone);
        }, DecisionOutcome.Deny, DecisionReason.ConsentNeedsRenewal, then: (d, _) => d.Obligations.Contains(ObligationKind.RenewConsent).Should().BeTrue());
        Add(ClauseIds.ChangesNotice, "a renewed consent permits again", async f =>
        {
            await f.AcceptAsync(Alice);
            var id = await f.ConsentAsync(Alice, Service, [Phone], [ProcessingAct.Collect], at: f.Now.AddMinutes(-5));
            await f.AppendAsync(Alice, id, ConsentState.Invalidated, f.Now.AddMinutes(-3));
            await f.AppendAsync(Alice, id, ConsentState.Given, f.Now.AddMinutes(-1), new ConsentTerms { Purposes = [new PurposeId(Service)], Categories = [new DataCategory(Phone)], Acts = [ProcessingAct.Collect] });
            return Collect(Phone);
        }, DecisionOutcome.Permit, cites: ClauseIds.CollectConsent);

        return cases;
    }
}
