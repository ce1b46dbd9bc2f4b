using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.SubjectRights;
using Privacy.Enforcement.Violations;
using static Privacy.Enforcement.Sample.SamplePolicy;
using static Privacy.Enforcement.StandardDataCategories;

namespace Privacy.Enforcement.Sample;

/// <summary>
/// The story the sample plays through the library's real services, one section per part of the policy. Every step
/// states what the policy requires; <see cref="StoryLog"/> prints the decisions and checks them.
/// </summary>
internal sealed class Story
{
    private static readonly SubjectId Alice = new("alice");
    private static readonly SubjectId Mallory = new("mallory");
    private static readonly PurposeId ServiceProvision = new(StandardPurposes.ServiceProvision);
    private static readonly PurposeId OwnMarketing = new(StandardPurposes.OwnMarketing);
    private static readonly PurposeId PartnerMarketing = new(StandardPurposes.PartnerMarketing);
    private static readonly PurposeId LegalCompliance = new(StandardPurposes.LegalCompliance);
    private static readonly PurposeId DisputeResolution = new(StandardPurposes.DisputeResolution);
    private static readonly PurposeId Security = new(StandardPurposes.Security);

    private readonly IServiceProvider _services;
    private readonly SampleData _data;
    private readonly ManualClock _clock;
    private readonly StoryLog _log;
    private readonly CancellationToken _cancellationToken;
    private readonly IPrivacyEnforcer _enforcer;
    private readonly IPolicyProvider _policies;
    private readonly IConsentService _consents;
    private readonly IPolicyAcceptanceService _acceptances;
    private readonly IObjectionService _objections;
    private readonly IPolicyChangeService _policyChanges;
    private readonly IEngagementService _engagements;
    private readonly IViolationService _violations;
    private readonly IAuditTrailReader _trail;
    private readonly ICheckpointSink? _checkpoints;

    public Story(IServiceProvider services, SampleData data, ManualClock clock, StoryLog log, CancellationToken cancellationToken)
    {
        _services = services;
        _data = data;
        _clock = clock;
        _log = log;
        _cancellationToken = cancellationToken;
        _enforcer = services.GetRequiredService<IPrivacyEnforcer>();
        _policies = services.GetRequiredService<IPolicyProvider>();
        _consents = services.GetRequiredService<IConsentService>();
        _acceptances = services.GetRequiredService<IPolicyAcceptanceService>();
        _objections = services.GetRequiredService<IObjectionService>();
        _policyChanges = services.GetRequiredService<IPolicyChangeService>();
        _engagements = services.GetRequiredService<IEngagementService>();
        _violations = services.GetRequiredService<IViolationService>();
        _trail = services.GetRequiredService<IAuditTrailReader>();
        _checkpoints = services.GetService<ICheckpointSink>();
    }

    public async Task RunAsync()
    {
        await AcceptanceAndCollectionAsync();
        await MarketingAsync();
        await DeliveryAsync();
        var violation = await HarvestingAsync();
        await DisclosureGroundsAsync(violation);
        await PolicyChangeAsync();
        await SubjectRightsAsync();
        await AuditAsync();
    }

    // intro.acceptance, collect.consent, collect.exempt.search-keywords
    private async Task AcceptanceAndCollectionAsync()
    {
        _log.Section("Acceptance and collection (intro.acceptance, collect.consent, collect.exempt.search-keywords)");
        var policy = _policies.Current.Version;
        _log.Say($"Policy in force: {policy} published {policy.PublishedAt:yyyy-MM-dd}, content hash {policy.ContentHash[..16]}...");

        await Decide("collect alice's e-mail before she accepted the policy",
            new CollectionRequest(Alice, [new(Email)], ServiceProvision), DecisionOutcome.Deny, DecisionReason.AcceptanceRequired);

        Tick();
        var acceptance = await _acceptances.AcceptAsync(Alice, policy.Version, policy.ContentHash, "signup-form#accept", _cancellationToken);
        var status = await _acceptances.GetStatusAsync(Alice, _cancellationToken);
        _log.Check($"alice accepts {acceptance.Policy} ({acceptance.Kind}, counted event '{acceptance.CountedEvent}'); has accepted the current version: {status.HasAcceptedCurrent}", status.HasAcceptedCurrent);

        await Decide("collect alice's e-mail without her consent",
            new CollectionRequest(Alice, [new(Email)], ServiceProvision), DecisionOutcome.Deny, DecisionReason.ConsentMissing, "collect.consent");

        var contact = await GrantAsync(Alice, [ServiceProvision], [new(Contact)], [ProcessingAct.Collect], "alice consents to the collection of her contact data");
        _log.Say($"consent receipt {contact.Receipt.ReceiptId}");

        await Decide("collect alice's e-mail and phone after her consent",
            new CollectionRequest(Alice, [new(Email), new(Phone)], ServiceProvision), DecisionOutcome.Permit, clause: "collect.consent");
        await Decide("collect alice's government id (identifying, no consent)",
            new CollectionRequest(Alice, [new(GovernmentId)], ServiceProvision), DecisionOutcome.Deny, DecisionReason.ConsentMissing);
        await Decide("collect alice's search keywords (outside the policy)",
            new CollectionRequest(Alice, [new(SearchKeywords)], ServiceProvision), DecisionOutcome.NotApplicable, clause: "collect.exempt.search-keywords");

        // Mallory joins too; she reappears in the harvesting section.
        Tick();
        await _acceptances.AcceptAsync(Mallory, policy.Version, policy.ContentHash, "signup-form#accept", _cancellationToken);
        await GrantAsync(Mallory, [ServiceProvision], [new(Contact)], [ProcessingAct.Collect], "mallory accepts the policy and consents to the collection of her contact data");
    }

    // use.own-marketing, use.partner-marketing, use.third-party.permission
    private async Task MarketingAsync()
    {
        _log.Section("Marketing (use.own-marketing, use.partner-marketing)");
        var email = new DataCategory(Email);
        await Decide("use alice's e-mail for the company's own offers",
            new UseRequest(Alice, [email], OwnMarketing), DecisionOutcome.Permit, clause: "use.own-marketing");

        Tick();
        var objection = await _objections.ObjectAsync(Alice, OwnMarketing, _cancellationToken);
        _log.Check($"alice objects to own marketing ({objection.State} at {objection.RecordedAt:HH:mm})", objection.State == ObjectionState.Raised);

        await Decide("use alice's e-mail for own offers after her objection",
            new UseRequest(Alice, [email], OwnMarketing), DecisionOutcome.Deny, DecisionReason.Objected, "use.own-marketing");

        var acme = new Recipient(AcmeOffers, RecipientKind.Partner);
        await Decide("share alice's e-mail with partner acme-offers for its marketing, no consent to name",
            new DisclosureRequest(Alice, [email], PartnerMarketing, acme, new ConsentEvidence()), DecisionOutcome.Deny, DecisionReason.EvidenceMissing, "disclose.consent");

        var consent = await GrantAsync(Alice, [PartnerMarketing], [email], [ProcessingAct.Disclose], "alice consents to acme-offers marketing to her by e-mail", recipient: AcmeOffers);
        await Decide("share alice's e-mail with acme-offers after her consent",
            new DisclosureRequest(Alice, [email], PartnerMarketing, acme, new ConsentEvidence { ConsentId = consent.ConsentId }), DecisionOutcome.Permit, clause: "use.partner-marketing");

        Tick();
        var withdrawal = await _consents.WithdrawAsync(Alice, consent.ConsentId, _cancellationToken);
        _log.Check($"alice withdraws that consent ({withdrawal.Fact.State})", withdrawal.Fact.State == ConsentState.Withdrawn);

        await Decide("share alice's e-mail with acme-offers after the withdrawal",
            new DisclosureRequest(Alice, [email], PartnerMarketing, acme, new ConsentEvidence { ConsentId = consent.ConsentId }), DecisionOutcome.Deny, DecisionReason.ConsentWithdrawn);
    }

    // use.third-party.service-provider, use.third-party.service-end
    private async Task DeliveryAsync()
    {
        _log.Section("A delivery provider engaged, then its engagement ends (use.third-party.service-provider, use.third-party.service-end)");
        Tick();
        var engagement = await _engagements.EngageAsync(
            new EngagementRequest
            {
                Provider = new RecipientId(SwiftCouriers),
                Service = new ServiceId(StandardServices.Delivery),
                Subjects = [Alice],
                Categories = [new(Name), new(Address)],
                EndsAt = _clock.GetUtcNow().AddDays(7),
            },
            _cancellationToken);
        _log.Check($"swift-couriers engaged for delivery to alice, name and address, until {engagement.EndsAt:yyyy-MM-dd HH:mm}", engagement.IsActiveAt(_clock.GetUtcNow()));

        var swift = new Recipient(SwiftCouriers, RecipientKind.ServiceProvider);
        await Decide("send alice's name, address and e-mail to swift-couriers",
            new DisclosureRequest(Alice, [new(Name), new(Address), new(Email)], ServiceProvision, swift, evidence: null),
            DecisionOutcome.Permit, DecisionReason.CategoryOutsideScope, "use.third-party.service-provider");
        await Decide("swift-couriers reads alice's address during the engagement",
            new UseRequest(Alice, [new(Address)], ServiceProvision, Actor.ThirdParty(new RecipientId(SwiftCouriers))), DecisionOutcome.Permit);

        _clock.Advance(TimeSpan.FromDays(8));
        _log.Say($"eight days later ({_clock.GetUtcNow():yyyy-MM-dd HH:mm}) the engagement has ended");

        await Decide("swift-couriers reads the address it received before the end",
            new UseRequest(Alice, [new(Address)], ServiceProvision, Actor.ThirdParty(new RecipientId(SwiftCouriers))),
            DecisionOutcome.Deny, DecisionReason.EngagementEnded, "use.third-party.service-end");
        await Decide("send alice's address to swift-couriers again",
            new DisclosureRequest(Alice, [new(Address)], ServiceProvision, swift, evidence: null), DecisionOutcome.Deny, DecisionReason.EngagementEnded);

        Tick();
        var emitted = await _engagements.EmitEndedObligationsAsync(_cancellationToken);
        var pending = await ToListAsync(_engagements.GetPendingObligationsAsync(_cancellationToken));
        var obligation = pending.FirstOrDefault(o => o.Engagement == engagement.Id);
        _log.Check($"return-or-delete obligation emitted for swift-couriers ({emitted} emitted), due by {obligation?.DueBy:yyyy-MM-dd}", obligation is not null);

        Tick();
        var confirmed = await _engagements.ConfirmReturnOrDeletionAsync(engagement.Id, "swift-deletion-certificate-0042", _cancellationToken);
        _log.Check($"swift-couriers confirms deletion ({confirmed.DeletionConfirmationReference})", confirmed.DeletionConfirmedAt is not null);
    }

    // use.no-free-harvesting, use.violator-termination, collect.exempt.violations
    private async Task<Violation> HarvestingAsync()
    {
        _log.Section("A user caught harvesting others' data (use.no-free-harvesting, use.violator-termination)");
        var harvest = new CollectionRequest(Alice, [new(Email), new(Phone)], ServiceProvision, Actor.User(Mallory));
        await Decide("mallory collects alice's e-mail and phone", harvest, DecisionOutcome.Deny, DecisionReason.HarvestingForbidden, "use.no-free-harvesting");

        Tick();
        var violation = await _violations.ReportHarvestingAsync(harvest, "abuse-ticket-7", _cancellationToken);
        _log.Check($"the attempt is reported as violation {violation.Id} ({violation.Kind}, {violation.Status})", violation.Status == ViolationStatus.Reported);

        Tick();
        violation = await _violations.ConfirmAsync(violation.Id, _cancellationToken);
        _log.Check($"the violation is confirmed ({violation.Status})", violation.Status == ViolationStatus.Confirmed);

        Tick();
        var sanction = await _violations.TerminateServiceAgreementAsync(violation.Id, _cancellationToken);
        _log.Check($"mallory's service agreement is terminated ({sanction.Kind})", sanction.Kind == SanctionKind.ServiceAgreementTerminated);

        await Decide("mallory uses her own e-mail after termination",
            new UseRequest(Mallory, [new(Email)], ServiceProvision, Actor.Subject(Mallory)), DecisionOutcome.Deny, DecisionReason.ActorSanctioned, "use.violator-termination");
        await Decide("the application reads mallory's violation record (outside the policy)",
            new UseRequest(Mallory, [new(StandardDataCategories.Violations)], Security), DecisionOutcome.NotApplicable, clause: "collect.exempt.violations");
        return violation;
    }

    // disclose.*: each ground with full evidence, then without.
    private async Task DisclosureGroundsAsync(Violation violation)
    {
        _log.Section("The seven disclosure grounds, with full evidence and without (disclose.*)");

        // (1) disclose.consent
        var insurer = new Recipient(CityInsurance, RecipientKind.Partner);
        var phoneConsent = await GrantAsync(Alice, [ServiceProvision], [new(Phone)], [ProcessingAct.Disclose], "alice consents to city-insurance receiving her phone number", recipient: CityInsurance);
        await Decide("(1) consent: alice's phone to city-insurance, naming her consent",
            new DisclosureRequest(Alice, [new(Phone)], ServiceProvision, insurer, new ConsentEvidence { ConsentId = phoneConsent.ConsentId }), DecisionOutcome.Permit, clause: "disclose.consent");
        await Decide("(1) consent: alice's phone to city-insurance, no consent named",
            new DisclosureRequest(Alice, [new(Phone)], ServiceProvision, insurer, new ConsentEvidence()), DecisionOutcome.Deny, DecisionReason.EvidenceMissing);

        // (2) disclose.service-necessity
        Tick();
        await _engagements.EngageAsync(
            new EngagementRequest
            {
                Provider = new RecipientId(RapidPost),
                Service = new ServiceId(StandardServices.Delivery),
                AllSubjects = true,
                Categories = [new(Name), new(Phone), new(Address)],
            },
            _cancellationToken);
        var rapid = new Recipient(RapidPost, RecipientKind.ServiceProvider);
        await Decide("(2) service necessity: order-1002 to rapid-post (engaged for delivery)",
            new DisclosureRequest(Alice, [new(Name), new(Address), new(Email)], ServiceProvision, rapid, new ServiceNecessityEvidence(new ServiceId(StandardServices.Delivery), "order-1002")),
            DecisionOutcome.Permit, DecisionReason.CategoryOutsideScope, "disclose.service-necessity");
        await Decide("(2) service necessity without the order it serves",
            new DisclosureRequest(Alice, [new(Name), new(Address)], ServiceProvision, rapid, new ServiceNecessityEvidence(new ServiceId(StandardServices.Delivery), string.Empty)),
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);

        // (3) disclose.legal-requirement
        var court = new Recipient(DistrictCourt, RecipientKind.JudicialAuthority);
        await Decide("(3) legal requirement: court order for name and address (phone asked too)",
            new DisclosureRequest(Alice, [new(Name), new(Address), new(Phone)], LegalCompliance, court,
                new LegalRequirementEvidence(InstitutionKind.Judicial, "District Court", "Civil Procedure Law art. 67", "court-order-2025-117", [new(Name), new(Address)])),
            DecisionOutcome.Permit, DecisionReason.CategoryOutsideScope, "disclose.legal-requirement");
        await Decide("(3) legal requirement without the document reference",
            new DisclosureRequest(Alice, [new(Name), new(Address)], LegalCompliance, court,
                new LegalRequirementEvidence(InstitutionKind.Judicial, "District Court", "Civil Procedure Law art. 67", string.Empty, [new(Name), new(Address)])),
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);

        // (4) disclose.user-violation
        var desk = new Recipient(SafetyDesk, RecipientKind.Affiliate);
        await Decide("(4) user violation: mallory's contact data to the safety desk, confirmed violation",
            new DisclosureRequest(Mallory, [new(Email), new(Phone)], Security, desk, new UserViolationEvidence(violation.Id)),
            DecisionOutcome.Permit, clause: "disclose.user-violation");
        await Decide("(4) user violation: alice's contact data, citing a violation she did not commit",
            new DisclosureRequest(Alice, [new(Email)], Security, desk, new UserViolationEvidence(violation.Id)),
            DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);

        // (5) disclose.ip-complaint
        var brandX = new Recipient(BrandX, RecipientKind.IpComplaintRespondent);
        await Decide("(5) IP complaint: alice's contact data to the respondent brand-x",
            new DisclosureRequest(Alice, [new(Name), new(Email), new(PurchaseHistory)], DisputeResolution, brandX,
                new IpComplaintEvidence("ip-complaint-88", Alice, ComplainantQualified: true, new RecipientId(BrandX), RequestedByRespondent: true)),
            DecisionOutcome.Permit, DecisionReason.CategoryOutsideScope, "disclose.ip-complaint");
        await Decide("(5) IP complaint by a complainant not verified as qualified",
            new DisclosureRequest(Alice, [new(Name), new(Email)], DisputeResolution, brandX,
                new IpComplaintEvidence("ip-complaint-88", Alice, ComplainantQualified: false, new RecipientId(BrandX), RequestedByRespondent: true)),
            DecisionOutcome.Deny, DecisionReason.EvidenceInconsistent);

        // (6) disclose.transaction
        var seller = new Recipient(Seller42, RecipientKind.TransactionCounterparty);
        await Decide("(6) transaction: seller-42 shipped part of order-1003, operator approved",
            new DisclosureRequest(Alice, [new(Phone), new(Address), new(PurchaseHistory)], DisputeResolution, seller,
                new TransactionEvidence("order-1003", [Alice.Value, Seller42], Seller42, Fulfilment.Partial, new TransactionApproval("ops-desk", []))),
            DecisionOutcome.Permit, DecisionReason.CategoryOutsideScope, "disclose.transaction");
        await Decide("(6) transaction without the operator's approval",
            new DisclosureRequest(Alice, [new(Phone)], DisputeResolution, seller,
                new TransactionEvidence("order-1003", [Alice.Value, Seller42], Seller42, Fulfilment.Partial, Approval: null)),
            DecisionOutcome.Deny);

        // (7) disclose.other-legal
        var regulator = new Recipient(PaymentsRegulator, RecipientKind.AdministrativeAuthority);
        await Decide("(7) other legal: anti-fraud provision allowing the phone number",
            new DisclosureRequest(Alice, [new(Phone), new(Email)], LegalCompliance, regulator, new OtherLegalEvidence("Anti-Fraud Regulation s. 12", [new(Phone)])),
            DecisionOutcome.Permit, DecisionReason.CategoryOutsideScope, "disclose.other-legal");
        await Decide("(7) other legal without the provision cited",
            new DisclosureRequest(Alice, [new(Phone)], LegalCompliance, regulator, new OtherLegalEvidence(string.Empty, [new(Phone)])),
            DecisionOutcome.Deny, DecisionReason.EvidenceMissing);
    }

    // changes.replace, changes.notice
    private async Task PolicyChangeAsync()
    {
        _log.Section("A new policy version changes partner sharing (changes.replace, changes.notice)");
        var email = new DataCategory(Email);
        var acme = new Recipient(AcmeOffers, RecipientKind.Partner);
        var consent = await GrantAsync(Alice, [PartnerMarketing], [email], [ProcessingAct.Disclose], "alice consents again to acme-offers marketing to her", recipient: AcmeOffers);
        await Decide("share alice's e-mail with acme-offers under 1.0",
            new DisclosureRequest(Alice, [email], PartnerMarketing, acme, new ConsentEvidence { ConsentId = consent.ConsentId }), DecisionOutcome.Permit);

        Tick();
        var report = await _policyChanges.PublishAsync(SamplePolicy.Version2(_clock.GetUtcNow()), _cancellationToken);
        _log.Say($"published {report.Published} replacing {report.Previous}; what changed:");
        foreach (var change in report.Diff.Changes)
        {
            _log.Say($"  {change.Kind} {change.Section.ToString().ToLowerInvariant()} '{change.Id}' {string.Join("; ", change.Fields.Select(f => f.Field))}");
        }

        var affected = report.Affected.SingleOrDefault(a => a.ConsentId == consent.ConsentId);
        _log.Check($"{report.Affected.Count} consent(s) need renewal, {report.UnaffectedConsents} stay valid; alice's partner consent: {(affected is null ? "not affected" : string.Join("; ", affected.Causes))}", affected is not null);

        Tick();
        var current = _policies.Current.Version;
        await _acceptances.AcceptAsync(Alice, current.Version, current.ContentHash, "policy-banner#accept", _cancellationToken);
        _log.Check($"alice accepts {current}", current.Version == new Version(2, 0));

        await Decide("share alice's e-mail with acme-offers under 2.0, consent not renewed",
            new DisclosureRequest(Alice, [email], PartnerMarketing, acme, new ConsentEvidence { ConsentId = consent.ConsentId }), DecisionOutcome.Deny, DecisionReason.ConsentNeedsRenewal, "changes.notice");
        await Decide("collect alice's phone under 2.0 (her contact consent is unaffected)",
            new CollectionRequest(Alice, [new(Phone)], ServiceProvision), DecisionOutcome.Permit);

        Tick();
        await _consents.RenewAsync(
            new ConsentRenewalRequest { Subject = Alice, ConsentId = consent.ConsentId, PolicyVersion = current.Version, PolicyContentHash = current.ContentHash, CollectionMethod = "app-dialog" },
            _cancellationToken);
        await Decide("share alice's e-mail with acme-offers after she renewed",
            new DisclosureRequest(Alice, [email], PartnerMarketing, acme, new ConsentEvidence { ConsentId = consent.ConsentId }), DecisionOutcome.Permit);
    }

    // store.subject-access, store.subject-edit, store.subject-delete, collect.exempt.violations
    private async Task SubjectRightsAsync()
    {
        _log.Section("Export, correction and erasure (store.subject-access, store.subject-edit, store.subject-delete)");
        var rights = _services.GetRequiredService<ISubjectRightsService>();

        Tick();
        var export = (await rights.AccessAsync(Alice, _cancellationToken)).Export;
        _log.Say($"alice's export {export.RequestId} under {export.PolicyVersion}, generated {export.GeneratedAt:yyyy-MM-dd HH:mm}:");
        var sources = new TextTable(60, "source", "data") { RuleBetweenRows = false };
        foreach (var source in export.Sources)
        {
            sources.AddRow(
                $"{source.Name} ({source.Status})",
                string.Join('\n', source.Data.Select(d => $"{d.Key} = {d.Value}").Concat(source.HeldNotShown.Select(h => $"{h}: held, not shown"))));
        }

        _log.Table(sources);
        _log.Say($"{export.Consents.Count} consents with their history, {export.Acceptances.Count} acceptances, {export.Objections.Count} objection(s), {export.Engagements.Count} engagements; the disclosure ledger:");
        var ledger = new TextTable(34, "when", "recipient", "ground", "categories", "clause ids") { RuleBetweenRows = false };
        foreach (var disclosure in export.Disclosures)
        {
            ledger.AddRow($"{disclosure.At:MM-dd HH:mm}", disclosure.Recipient, disclosure.Ground ?? "-", string.Join('\n', disclosure.Categories), string.Join('\n', disclosure.Clauses));
        }

        _log.Table(ledger);
        var recipients = export.Disclosures.Select(d => d.Recipient).ToHashSet(StringComparer.Ordinal);
        _log.Check(
            $"export complete: {export.Complete}; {export.Disclosures.Count} disclosures in the ledger, to {string.Join(", ", recipients.Order(StringComparer.Ordinal))}",
            export.Complete && recipients.IsSupersetOf([SwiftCouriers, RapidPost, DistrictCourt, BrandX, Seller42, PaymentsRegulator, CityInsurance, AcmeOffers]));
        _log.Check(
            "her password is listed as held, not shown (store.account-security)",
            export.Sources.Any(s => s.HeldNotShown.Contains(Password)) && !export.Sources.Any(s => s.Data.ContainsKey(Password)));

        Tick();
        var corrected = await rights.RectifyAsync(Alice, new Dictionary<DataCategory, JsonElement> { [new(Address)] = JsonSerializer.SerializeToElement("12 New Street, Springfield") }, _cancellationToken);
        _log.Check($"alice corrects her address: request {corrected.Status}; the profile now holds '{_data.Profiles.Get(Alice, new(Address))}'", corrected.Status == SubjectRightsRequestStatus.Completed);

        Tick();
        var hold = await rights.PlaceLegalHoldAsync(Alice, "tax-retention-2025", "invoices are kept for ten years under tax law", [new(PurchaseHistory)], _cancellationToken);
        _log.Say($"legal hold {hold.Reference} on alice's purchase history");

        Tick();
        var erased = await rights.EraseAsync(Alice, _cancellationToken);
        WriteErasure("alice", erased);
        _log.Check(
            $"alice's erasure {erased.Status}: profile e-mail {(_data.Profiles.Get(Alice, new(Email)) is null ? "gone" : "still there")}, order history {(_data.Orders.Get(Alice, new(PurchaseHistory)) is null ? "gone" : "kept")}",
            erased.Status == SubjectRightsRequestStatus.Completed && _data.Profiles.Get(Alice, new(Email)) is null && _data.Orders.Get(Alice, new(PurchaseHistory)) is not null
            && erased.Kept.Count > 0);

        Tick();
        var malloryErased = await rights.EraseAsync(Mallory, _cancellationToken);
        WriteErasure("mallory", malloryErased);
        _log.Check(
            $"mallory's erasure {malloryErased.Status}: her violation and its sanction are kept (collect.exempt.violations)",
            malloryErased.Status == SubjectRightsRequestStatus.Completed && malloryErased.Kept.Count(k => k.Clause == "collect.exempt.violations") >= 2);

        await Decide("collect alice's e-mail after her erasure (acceptance and consents are gone)",
            new CollectionRequest(Alice, [new(Email)], ServiceProvision), DecisionOutcome.Deny);
    }

    private void WriteErasure(string who, SubjectRightsRequest request)
    {
        _log.Say($"erasure of {who}: request {request.Id}, {request.Status}, deadline {request.Deadline:yyyy-MM-dd}");
        var steps = new TextTable(50, "source", "status", "categories erased") { RuleBetweenRows = false };
        foreach (var step in request.Steps)
        {
            steps.AddRow(step.Source, step.Status.ToString(), step.Categories.Count == 0 ? "-" : string.Join('\n', step.Categories.Select(c => c.Value)));
        }

        _log.Table(steps);
        var kept = new TextTable(50, "kept", "clause", "why", "categories") { RuleBetweenRows = false };
        foreach (var record in request.Kept)
        {
            kept.AddRow($"{record.RecordType} {record.RecordId}", record.Clause, record.Reason, record.Categories.Count == 0 ? "-" : string.Join('\n', record.Categories.Select(c => c.Value)));
        }

        if (kept.Count > 0)
        {
            _log.Table(kept);
        }
    }

    // store.integrity
    private async Task AuditAsync()
    {
        _log.Section("The audit trail (store.integrity)");
        var checkpoint = _checkpoints is null ? null : await _checkpoints.ReadLatestAsync(_cancellationToken);
        var result = await AuditTrailVerifier.VerifyAsync(_trail.ReadAsync(1, _cancellationToken), checkpoint is null ? null : [checkpoint], options: null, _cancellationToken);
        _log.Check($"audit trail verified: {(result.IsValid ? "valid" : result.Failure.ToString())}, {result.Count} events, head hash {result.HeadHash}", result.IsValid && result.Count > 0);
    }

    private async Task<ConsentResult> GrantAsync(SubjectId subject, PurposeId[] purposes, DataCategory[] categories, ProcessingAct[] acts, string what, string? recipient = null)
    {
        Tick();
        var policy = _policies.Current.Version;
        var result = await _consents.GrantAsync(
            new ConsentRequest
            {
                Subject = subject,
                PolicyVersion = policy.Version,
                PolicyContentHash = policy.ContentHash,
                Purposes = purposes,
                Categories = categories,
                Acts = acts,
                Recipient = recipient is null ? null : new RecipientId(recipient),
                CollectionMethod = "app-dialog",
                Notice = "privacy-notice#consent",
                Language = "en",
            },
            _cancellationToken);
        _log.Check($"{what} (consent {result.ConsentId}, {result.Fact.State})", result.Fact.State == ConsentState.Given);
        return result;
    }

    private async Task<PrivacyDecision> Decide(string what, PrivacyRequest request, DecisionOutcome expected, DecisionReason? reason = null, string? clause = null)
    {
        // Each act happens a minute after the previous one, so "permission obtained in advance" is visibly in advance.
        Tick();
        var decision = await _enforcer.DecideAsync(request, _cancellationToken);
        _log.Decision(what, ToRow(decision), expected.ToString(), reason?.ToString(), clause);
        return decision;
    }

    private static DecisionRow ToRow(PrivacyDecision decision) => new(
        decision.Outcome.ToString(),
        [.. decision.PermittedCategories.Select(c => c.Value)],
        [.. decision.WithheldCategories.Select(c => c.Value)],
        [.. decision.Clauses],
        [.. decision.Reasons.Select(r => $"{r.Reason}" + (r.Clause is null ? string.Empty : $" ({r.Clause})") + (r.Categories.IsEmpty ? string.Empty : $": {r.Categories}"))],
        [.. decision.Obligations.Select(o => o.Kind + (o.Deadline is { } due ? $" by {due:yyyy-MM-dd HH:mm}" : string.Empty))]);

    private void Tick() => _clock.Advance(TimeSpan.FromMinutes(1));

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
