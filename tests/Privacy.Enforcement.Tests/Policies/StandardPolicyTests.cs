using System.Text.Json;

namespace Privacy.Enforcement.Tests.Policies;

public class StandardPolicyTests
{
    [Fact]
    public void Round_trips_through_json_unchanged()
    {
        var json = PolicyDocumentSerializer.Serialize(StandardPolicy.Document);

        var loaded = PolicyDocumentSerializer.Load(json);

        PolicyDocumentSerializer.Serialize(loaded.Document).Should().Be(json);
        loaded.Document.Should().BeEquivalentTo(StandardPolicy.Document, o => o.WithStrictOrdering());
        loaded.Version.ContentHash.Should().Be(StandardPolicy.Published.Version.ContentHash);
    }

    [Fact]
    public void Round_trips_through_indented_json_unchanged()
    {
        var indented = PolicyDocumentSerializer.Serialize(StandardPolicy.Document, indented: true);

        var loaded = PolicyDocumentSerializer.Load(indented);

        loaded.Document.Should().BeEquivalentTo(StandardPolicy.Document, o => o.WithStrictOrdering());
        loaded.Version.ContentHash.Should().Be(StandardPolicy.Published.Version.ContentHash);
    }

    [Fact]
    public void Is_published_as_standard_1_0_with_the_hash_of_its_canonical_json()
    {
        var version = StandardPolicy.Published.Version;

        version.PolicyId.Value.Should().Be("standard");
        version.Version.Should().Be(new Version(1, 0));
        version.PublishedAt.Should().Be(StandardPolicy.PublishedAt);
        version.ContentHash.Should().MatchRegex("^[0-9a-f]{64}$");
        version.ContentHash.Should().Be(PolicyDocumentSerializer.ComputeContentHash(StandardPolicy.Document));
    }

    [Fact]
    public void Ships_the_published_text()
    {
        StandardPolicy.Text.Should().StartWith("Privacy Policy")
            .And.Contain("By using or continuing to use our services, you are deemed to have agreed");
    }

    [Fact]
    public void Writes_enums_as_kebab_case_and_flags_as_string_arrays()
    {
        using var json = JsonDocument.Parse(PolicyDocumentSerializer.Serialize(StandardPolicy.Document));
        var root = json.RootElement;

        var email = root.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("id").GetString() == StandardDataCategories.Email);
        email.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).Should().Equal("contact-capable");
        var collect = root.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("clause").GetString() == ClauseIds.CollectConsent);
        collect.GetProperty("kind").GetString().Should().Be("require-consent-to-collect");
        collect.GetProperty("categoryFlags").EnumerateArray().Select(f => f.GetString()).Should().Equal("identifying", "contact-capable");
        var noTrade = root.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("clause").GetString() == ClauseIds.UseThirdPartyNoTrade);
        noTrade.GetProperty("recipientKinds")[0].GetString().Should().Be("unrelated-third-party");
    }

    [Theory]
    [InlineData(StandardDataCategories.Name, DataCategoryFlags.Identifying)]
    [InlineData(StandardDataCategories.Phone, DataCategoryFlags.ContactCapable)]
    [InlineData(StandardDataCategories.Password, DataCategoryFlags.Credential)]
    [InlineData(StandardDataCategories.Credentials, DataCategoryFlags.Credential)]
    [InlineData(StandardDataCategories.GovernmentId, DataCategoryFlags.Identifying | DataCategoryFlags.Sensitive)]
    [InlineData(StandardDataCategories.Health, DataCategoryFlags.Sensitive)]
    public void The_taxonomy_flags_categories_as_the_policy_reads_them(string id, DataCategoryFlags flags)
    {
        StandardPolicy.Document.Categories.Single(c => c.Id == id).Flags.Should().Be(flags);
    }

    [Theory]
    [InlineData(StandardDataCategories.SearchKeywords, ClauseIds.CollectExemptSearchKeywords)]
    [InlineData(StandardDataCategories.Violations, ClauseIds.CollectExemptViolations)]
    public void Exempt_categories_cite_their_exemption_clause(string id, string clause)
    {
        var category = StandardPolicy.Document.Categories.Single(c => c.Id == id);

        category.Flags.Should().HaveFlag(DataCategoryFlags.Exempt);
        category.ExemptionClause.Should().Be(clause);
        StandardPolicy.Document.Rules.Should().ContainSingle(r => r.Clause == clause && r.Kind == RuleKind.ExemptCategories && r.Categories.Contains(id));
    }

    [Fact]
    public void Every_category_id_lies_under_user()
    {
        StandardPolicy.Document.Categories.Should().OnlyContain(c => new DataCategory(c.Id).IsWithin(new DataCategory(StandardDataCategories.User)));
    }

    [Fact]
    public void Declares_the_standard_purposes_and_which_need_consent()
    {
        var purposes = StandardPolicy.Document.Purposes.ToDictionary(p => p.Id);

        purposes.Keys.Should().BeEquivalentTo(
            StandardPurposes.ServiceProvision, StandardPurposes.OwnMarketing, StandardPurposes.PartnerMarketing,
            StandardPurposes.LegalCompliance, StandardPurposes.DisputeResolution, StandardPurposes.Security);
        purposes[StandardPurposes.PartnerMarketing].Basis.Should().Be(PurposeBasis.Consent);   // use.partner-marketing
        purposes[StandardPurposes.OwnMarketing].Objectable.Should().BeTrue();                 // use.own-marketing
        purposes.Values.Where(p => p.Id != StandardPurposes.PartnerMarketing).Should().OnlyContain(p => p.Basis == PurposeBasis.Acceptance);
    }

    [Fact]
    public void Allows_the_seven_grounds_each_with_its_clause()
    {
        StandardPolicy.Document.Grounds.Select(g => (g.Ground, g.Clause)).Should().BeEquivalentTo(
        [
            (DisclosureGround.Consent, ClauseIds.DiscloseConsent),
            (DisclosureGround.ServiceNecessity, ClauseIds.DiscloseServiceNecessity),
            (DisclosureGround.LegalRequirement, ClauseIds.DiscloseLegalRequirement),
            (DisclosureGround.UserViolation, ClauseIds.DiscloseUserViolation),
            (DisclosureGround.IpComplaint, ClauseIds.DiscloseIpComplaint),
            (DisclosureGround.Transaction, ClauseIds.DiscloseTransaction),
            (DisclosureGround.OtherLegal, ClauseIds.DiscloseOtherLegal),
        ]);
    }

    [Fact]
    public void Disclose_consent_releases_what_the_consent_covers()
    {
        var ground = Ground(DisclosureGround.Consent);

        ground.RequiredEvidence.Should().Equal(nameof(ConsentEvidence.ConsentId));
        ground.CategoryLimit.Should().Be(CategoryLimitSource.Consent);
    }

    [Fact]
    public void Disclose_service_necessity_needs_the_service_request_and_releases_the_service_categories()
    {
        var ground = Ground(DisclosureGround.ServiceNecessity);

        ground.RequiredEvidence.Should().BeEquivalentTo(nameof(ServiceNecessityEvidence.Service), nameof(ServiceNecessityEvidence.ServiceRequestReference));
        ground.RecipientKinds.Should().BeEquivalentTo([RecipientKind.ServiceProvider, RecipientKind.Affiliate]);
        ground.CategoryLimit.Should().Be(CategoryLimitSource.ServiceNecessary);
    }

    [Fact]
    public void Disclose_legal_requirement_needs_institution_basis_and_document_and_releases_the_requested_categories()
    {
        var ground = Ground(DisclosureGround.LegalRequirement);

        ground.RequiredEvidence.Should().Contain(
        [
            nameof(LegalRequirementEvidence.Institution), nameof(LegalRequirementEvidence.LegalBasis),
            nameof(LegalRequirementEvidence.DocumentReference), nameof(LegalRequirementEvidence.RequestedCategories),
        ]);
        ground.RecipientKinds.Should().BeEquivalentTo([RecipientKind.AdministrativeAuthority, RecipientKind.JudicialAuthority]);
        ground.CategoryLimit.Should().Be(CategoryLimitSource.Evidence);
    }

    [Fact]
    public void Disclose_user_violation_needs_a_violation_record()
    {
        var ground = Ground(DisclosureGround.UserViolation);

        ground.RequiredEvidence.Should().Equal(nameof(UserViolationEvidence.Violation));
        ground.CategoryLimit.Should().Be(CategoryLimitSource.Violation);
    }

    [Fact]
    public void Disclose_ip_complaint_goes_to_the_respondent_and_releases_contact_and_identity_only()
    {
        var ground = Ground(DisclosureGround.IpComplaint);

        ground.RequiredEvidence.Should().Contain([nameof(IpComplaintEvidence.ComplainantQualified), nameof(IpComplaintEvidence.Respondent), nameof(IpComplaintEvidence.RequestedByRespondent)]);
        ground.RecipientKinds.Should().Equal(RecipientKind.IpComplaintRespondent);
        ground.CategoryLimit.Should().Be(CategoryLimitSource.Flags);
        ground.LimitFlags.Should().Be(DataCategoryFlags.ContactCapable | DataCategoryFlags.Identifying);
    }

    [Fact]
    public void Disclose_transaction_needs_fulfilment_and_approval_and_releases_contact_only()
    {
        var ground = Ground(DisclosureGround.Transaction);

        ground.RequiredEvidence.Should().Contain([nameof(TransactionEvidence.Counterparties), nameof(TransactionEvidence.RequestingPartyFulfilment), nameof(TransactionEvidence.Approval)]);
        ground.RecipientKinds.Should().Equal(RecipientKind.TransactionCounterparty);
        ground.LimitFlags.Should().Be(DataCategoryFlags.ContactCapable);
    }

    [Fact]
    public void Disclose_other_legal_needs_the_provision_and_releases_what_it_allows()
    {
        var ground = Ground(DisclosureGround.OtherLegal);

        ground.RequiredEvidence.Should().BeEquivalentTo(nameof(OtherLegalEvidence.Provision), nameof(OtherLegalEvidence.AllowedCategories));
        ground.CategoryLimit.Should().Be(CategoryLimitSource.Evidence);
    }

    [Fact]
    public void Every_ground_records_the_disclosure_in_the_ledger()
    {
        StandardPolicy.Document.Grounds.Should().OnlyContain(g => g.Obligations.Contains(ObligationKind.RecordInLedger));
    }

    [Fact]
    public void Store_account_security_never_discloses_credentials()
    {
        StandardPolicy.Document.Rules.Should().ContainSingle(r => r.Clause == ClauseIds.StoreAccountSecurity)
            .Which.Should().Match<RuleDefinition>(r => r.Kind == RuleKind.NeverDisclose && r.CategoryFlags == DataCategoryFlags.Credential);
    }

    [Fact]
    public void Collect_consent_applies_to_identifying_and_contact_capable_categories()
    {
        StandardPolicy.Document.Rules.Should().ContainSingle(r => r.Clause == ClauseIds.CollectConsent)
            .Which.CategoryFlags.Should().Be(DataCategoryFlags.Identifying | DataCategoryFlags.ContactCapable);
    }

    [Fact]
    public void Use_third_party_no_trade_denies_selling_renting_and_trading_to_unrelated_parties()
    {
        var rule = StandardPolicy.Document.Rules.Single(r => r.Clause == ClauseIds.UseThirdPartyNoTrade);

        rule.Kind.Should().Be(RuleKind.DenyUnrelatedTransfer);
        rule.TransferKinds.Should().BeEquivalentTo([TransferKind.Sell, TransferKind.Rent, TransferKind.Trade]);
    }

    [Fact]
    public void The_builder_from_the_standard_policy_lets_a_host_add_a_provider()
    {
        var policy = StandardPolicy.CreateBuilder()
            .WithVersion("1.1", StandardPolicy.PublishedAt.AddDays(30))
            .AddRecipient("express-co", RecipientKind.ServiceProvider, "Express Co.")
            .AddService("same-day-delivery", [StandardDataCategories.Name, StandardDataCategories.Address], providers: ["express-co"])
            .Publish();

        policy.Version.Version.Should().Be(new Version(1, 1));
        policy.Document.Clauses.Should().HaveCount(29);
        StandardPolicy.Document.Recipients.Should().BeEmpty("the standard document itself is not changed");
    }

    private static GroundDefinition Ground(DisclosureGround ground) => StandardPolicy.Document.Grounds.Single(g => g.Ground == ground);
}
