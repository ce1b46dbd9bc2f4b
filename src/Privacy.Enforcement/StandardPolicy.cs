using Privacy.Enforcement.Policies;

using static Privacy.Enforcement.StandardDataCategories;

namespace Privacy.Enforcement;

/// <summary>
/// The built-in standard policy: the published text (<see cref="Text"/>) encoded clause by clause as in
/// <c>CLAUSES.md</c>. Every clause id of <see cref="ClauseIds"/> is enforced by a rule or a disclosure ground, so a
/// host that publishes this text gets enforcement with no configuration.
/// </summary>
public static class StandardPolicy
{
    /// <summary>The standard policy's id.</summary>
    public const string Id = "standard";

    /// <summary>The standard policy's version.</summary>
    public const string Version = "1.0";

    private const string TextResource = "Privacy.Enforcement.Policies.privacy-policy.txt";

    private static readonly Lazy<PolicyDocument> LazyDocument = new(() => CreateBuilder().Build());
    private static readonly Lazy<PublishedPolicy> LazyPublished = new(() => PublishedPolicy.Create(LazyDocument.Value));
    private static readonly Lazy<string> LazyText = new(ReadText);

    /// <summary>Gets when the standard policy's version was published.</summary>
    public static DateTimeOffset PublishedAt { get; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the standard policy as a document.</summary>
    public static PolicyDocument Document => LazyDocument.Value;

    /// <summary>Gets the standard policy in its published form (version, content hash).</summary>
    public static PublishedPolicy Published => LazyPublished.Value;

    /// <summary>Gets the text of the published policy, for a host to show to its users.</summary>
    public static string Text => LazyText.Value;

    /// <summary>Returns a builder holding the standard policy, for a host to add its recipients, services or categories and publish a version of its own.</summary>
    /// <returns>A new builder.</returns>
    public static PolicyBuilder CreateBuilder()
    {
        var builder = new PolicyBuilder(Id, Version, PublishedAt).WithTitle("Privacy Policy", "en");
        AddClauses(builder);
        AddTaxonomy(builder);
        AddPurposes(builder);
        AddServices(builder);
        AddGrounds(builder);
        AddRules(builder);
        return builder;
    }

    private static void AddClauses(PolicyBuilder b) => b
        .AddClause(ClauseIds.IntroAcceptance, "By using or continuing to use our services, you are deemed to have agreed")
        .AddClause(ClauseIds.CollectConsent, "When we need information that can identify you or be contacted, we will seek your consent")
        .AddClause(ClauseIds.CollectExemptSearchKeywords, "Search keywords are not subject to this policy")
        .AddClause(ClauseIds.CollectExemptViolations, "Violations and the measures taken against you are not subject to this policy")
        .AddClause(ClauseIds.UseThirdPartyNoTrade, "No providing, selling, renting, sharing or trading personal information with unrelated third parties")
        .AddClause(ClauseIds.UseThirdPartyPermission, "... unless we have obtained your permission in advance")
        .AddClause(ClauseIds.UseThirdPartyServiceProvider, "... or the third party and the application provide services to you individually or jointly")
        .AddClause(ClauseIds.UseThirdPartyServiceEnd, "After the end of such service, they will be prohibited from accessing all of these materials, including those they have previously been able to access")
        .AddClause(ClauseIds.UseNoFreeHarvesting, "No third party may collect, edit, sell or disseminate your personal information for free through any means")
        .AddClause(ClauseIds.UseViolatorTermination, "Any user who engages in the above has the right to immediately terminate the service agreement")
        .AddClause(ClauseIds.UseOwnMarketing, "May send you product and service information through similar products of the company")
        .AddClause(ClauseIds.UsePartnerMarketing, "Sharing with application partners so that they can send information (requires your prior consent)")
        .AddClause(ClauseIds.DiscloseConsent, "(1) With your prior consent")
        .AddClause(ClauseIds.DiscloseServiceNecessity, "(2) Necessary to provide the products and services you require")
        .AddClause(ClauseIds.DiscloseLegalRequirement, "(3) Legal provisions or requirements of administrative or judicial institutions")
        .AddClause(ClauseIds.DiscloseUserViolation, "(4) You violated Chinese laws, regulations, or this service agreement or related rules")
        .AddClause(ClauseIds.DiscloseIpComplaint, "(5) You are a qualified IP complainant and filed a complaint: disclosed to the respondent at their request")
        .AddClause(ClauseIds.DiscloseTransaction, "(6) A transaction on the platform: a party fulfilled or partly fulfilled its obligations and requests disclosure")
        .AddClause(ClauseIds.DiscloseOtherLegal, "(7) Other disclosures deemed appropriate by law, regulations, or website policies")
        .AddClause(ClauseIds.StoreLocation, "Personal information is stored on the servers of this application and/or its affiliated companies")
        .AddClause(ClauseIds.StoreAccuracy, "Channels to keep your personal information accurate and timely")
        .AddClause(ClauseIds.StoreSubjectAccess, "You can check your personal information at any time")
        .AddClause(ClauseIds.StoreSubjectEdit, "... or edit the personal information you submit")
        .AddClause(ClauseIds.StoreSubjectDelete, "... delete the personal information you submit at any time")
        .AddClause(ClauseIds.StoreSecurity, "Protect from unauthorized access, use, or leakage")
        .AddClause(ClauseIds.StoreAccountSecurity, "Keep your username and password safe; user passwords are encrypted")
        .AddClause(ClauseIds.StoreIntegrity, "Not lost, abused, or altered")
        .AddClause(ClauseIds.ChangesReplace, "Once published, the updated policy replaces the original")
        .AddClause(ClauseIds.ChangesNotice, "We encourage you to check this page");

    // Every key of the fideslang default taxonomy under "user" (release 3.1.1), parents before children, so data
    // labelled for Fides is known here; src/Privacy.Enforcement/Taxonomy/fideslang-data-categories.tsv says where they
    // come from and a test compares the two.
    private static readonly string[] FideslangUserKeys =
    [
        "user",
        "user.account",
        "user.account.settings",
        "user.account.username",
        "user.authorization",
        "user.authorization.credentials",
        "user.authorization.biometric",
        "user.authorization.password",
        "user.behavior",
        "user.behavior.browsing_history",
        "user.behavior.media_consumption",
        "user.behavior.purchase_history",
        "user.behavior.search_history",
        "user.biometric",
        "user.biometric.fingerprint",
        "user.biometric.retinal",
        "user.biometric.voice",
        "user.biometric.health",
        "user.childrens",
        "user.contact",
        "user.contact.address",
        "user.contact.address.city",
        "user.contact.address.country",
        "user.contact.email",
        "user.contact.phone_number",
        "user.contact.url",
        "user.contact.fax_number",
        "user.contact.address.postal_code",
        "user.contact.address.state",
        "user.contact.address.street",
        "user.contact.organization",
        "user.content",
        "user.content.private",
        "user.content.public",
        "user.content.self_image",
        "user.demographic",
        "user.demographic.age_range",
        "user.demographic.date_of_birth",
        "user.demographic.gender",
        "user.demographic.language",
        "user.demographic.marital_status",
        "user.demographic.political_opinion",
        "user.demographic.profile",
        "user.demographic.race_ethnicity",
        "user.demographic.religious_belief",
        "user.demographic.sexual_orientation",
        "user.location",
        "user.location.imprecise",
        "user.location.precise",
        "user.device",
        "user.device.cookie",
        "user.device.cookie_id",
        "user.device.device_id",
        "user.device.ip_address",
        "user.payment",
        "user.social",
        "user.unique_id",
        "user.unique_id.pseudonymous",
        "user.telemetry",
        "user.user_sensor",
        "user.sensor",
        "user.financial",
        "user.financial.bank_account",
        "user.financial.credit_card",
        "user.government_id",
        "user.government_id.birth_certificate",
        "user.government_id.drivers_license_number",
        "user.government_id.immigration",
        "user.government_id.national_identification_number",
        "user.government_id.passport_number",
        "user.government_id.vehicle_registration",
        "user.health_and_medical",
        "user.health_and_medical.genetic",
        "user.health_and_medical.insurance_beneficiary_id",
        "user.health_and_medical.record_id",
        "user.name",
        "user.name.first",
        "user.name.last",
        "user.criminal_history",
        "user.privacy_preferences",
        "user.job_title",
        "user.workplace",
    ];

    // The categories the rules read, with their flags and descriptions; every other fideslang key inherits its parent's flags.
    private static void AddTaxonomy(PolicyBuilder b)
    {
        b.AddCategory(User, description: "All information about the user")
            .AddCategory(Name, DataCategoryFlags.Identifying, "The user's name")
            .AddCategory(Contact, DataCategoryFlags.ContactCapable, "Ways to contact the user")
            .AddCategory(Email, DataCategoryFlags.ContactCapable, "E-mail address")
            .AddCategory(Phone, DataCategoryFlags.ContactCapable, "Phone number")
            .AddCategory(Address, DataCategoryFlags.ContactCapable, "Postal address")
            .AddCategory(GovernmentId, DataCategoryFlags.Identifying | DataCategoryFlags.Sensitive, "Government-issued identifiers")
            .AddCategory(Account, DataCategoryFlags.Identifying, "The user's account")
            .AddCategory(Username, DataCategoryFlags.Identifying, "The account's username")
            .AddCategory(Authorization, DataCategoryFlags.Credential, "Secrets that authenticate the user")
            .AddCategory(Credentials, DataCategoryFlags.Credential, "Tokens, keys and other credentials")
            .AddCategory(Password, DataCategoryFlags.Credential, "The password")
            .AddCategory(Location, DataCategoryFlags.Sensitive, "Where the user is or was")
            .AddCategory(Device, description: "Information about the user's devices")
            .AddCategory(DeviceId, DataCategoryFlags.Identifying, "A device identifier")
            .AddCategory(IpAddress, DataCategoryFlags.Identifying, "An IP address")
            .AddCategory("user.device.cookie_id", DataCategoryFlags.Identifying, "A cookie's identifier")
            .AddCategory("user.unique_id", DataCategoryFlags.Identifying, "An identifier the application assigns to the user")
            .AddCategory(Payment, DataCategoryFlags.Identifying | DataCategoryFlags.Sensitive, "Payment instruments and financial accounts")
            .AddCategory(Financial, DataCategoryFlags.Identifying | DataCategoryFlags.Sensitive, "Bank accounts, cards and financial history")
            .AddCategory(Behavior, description: "What the user does in the application")
            .AddExemptCategory(SearchKeywords, ClauseIds.CollectExemptSearchKeywords, description: "Search keywords and history")
            .AddCategory(PurchaseHistory, description: "Purchases and orders")
            .AddCategory(Content, description: "Content the user provides")
            .AddCategory(Biometric, DataCategoryFlags.Sensitive | DataCategoryFlags.Identifying, "Biometric data")
            .AddCategory(Health, DataCategoryFlags.Sensitive, "Health and medical data")
            // GDPR Art. 9 and 10, PIPL Art. 28: special categories, minors' data and criminal records are sensitive.
            .AddCategory("user.demographic.political_opinion", DataCategoryFlags.Sensitive, "Political opinions")
            .AddCategory("user.demographic.race_ethnicity", DataCategoryFlags.Sensitive, "Racial or ethnic origin")
            .AddCategory("user.demographic.religious_belief", DataCategoryFlags.Sensitive, "Religious beliefs")
            .AddCategory("user.demographic.sexual_orientation", DataCategoryFlags.Sensitive, "Sexual orientation")
            .AddCategory("user.childrens", DataCategoryFlags.Sensitive, "Data about children")
            .AddCategory("user.criminal_history", DataCategoryFlags.Sensitive, "Criminal records")
            .AddCategory(Extensions, description: "The library's own categories, which fideslang has no key for")
            .AddExemptCategory(StandardDataCategories.Violations, ClauseIds.CollectExemptViolations, description: "Violations and the measures taken against the user");
        HashSet<string> declared = new(StringComparer.Ordinal)
        {
            User,
            Name,
            Contact,
            Email,
            Phone,
            Address,
            GovernmentId,
            Account,
            Username,
            Authorization,
            Credentials,
            Password,
            Location,
            Device,
            DeviceId,
            IpAddress,
            "user.device.cookie_id",
            "user.unique_id",
            Payment,
            Financial,
            Behavior,
            SearchKeywords,
            PurchaseHistory,
            Content,
            Biometric,
            Health,
            "user.demographic.political_opinion",
            "user.demographic.race_ethnicity",
            "user.demographic.religious_belief",
            "user.demographic.sexual_orientation",
            "user.childrens",
            "user.criminal_history",
            Extensions,
            StandardDataCategories.Violations,
        };
        foreach (var key in FideslangUserKeys)
        {
            if (declared.Add(key))
            {
                b.AddCategory(key);
            }
        }
    }

    // Each purpose with the fideslang data uses it corresponds to (the data map shows them).
    private static void AddPurposes(PolicyBuilder b) => b
        .AddPurpose(StandardPurposes.ServiceProvision, PurposeBasis.Acceptance, clause: ClauseIds.IntroAcceptance, description: "Providing the services the user uses", dataUses: ["essential.service"])
        .AddPurpose(StandardPurposes.OwnMarketing, PurposeBasis.Acceptance, objectable: true, clause: ClauseIds.UseOwnMarketing, description: "The company's own product information in similar products", dataUses: ["marketing.communications", "marketing.advertising.first_party"])
        .AddPurpose(StandardPurposes.PartnerMarketing, PurposeBasis.Consent, clause: ClauseIds.UsePartnerMarketing, description: "Partners sending information about their products", dataUses: ["marketing.advertising.third_party", "third_party_sharing"])
        .AddPurpose(StandardPurposes.LegalCompliance, PurposeBasis.Acceptance, clause: ClauseIds.DiscloseLegalRequirement, description: "Complying with laws and the requirements of institutions", dataUses: ["essential.legal_obligation", "third_party_sharing.legal_obligation"])
        .AddPurpose(StandardPurposes.DisputeResolution, PurposeBasis.Acceptance, clause: ClauseIds.DiscloseTransaction, description: "Resolving transaction disputes and IP complaints", dataUses: ["essential.service.operations.support"])
        .AddPurpose(StandardPurposes.Security, PurposeBasis.Acceptance, clause: ClauseIds.StoreSecurity, description: "Keeping accounts and information secure", dataUses: ["essential.service.security", "essential.fraud_detection"]);

    // disclose.service-necessity: the host names the providers of each service.
    private static void AddServices(PolicyBuilder b) => b
        .AddService(StandardServices.Delivery, [Name, Phone, Address], description: "Delivering goods the user ordered")
        .AddService(StandardServices.Payment, [Name, Payment], description: "Taking payment");

    private static void AddGrounds(PolicyBuilder b)
    {
        ObligationKind[] ledger = [ObligationKind.RecordInLedger, ObligationKind.LimitToPermittedCategories];
        RecipientKind[] anyRecipient = Enum.GetValues<RecipientKind>();
        b.AllowGround(DisclosureGround.Consent, ClauseIds.DiscloseConsent, [nameof(ConsentEvidence.ConsentId)], CategoryLimitSource.Consent,
                g => g with { RecipientKinds = anyRecipient, Obligations = ledger })
            .AllowGround(DisclosureGround.ServiceNecessity, ClauseIds.DiscloseServiceNecessity,
                [nameof(ServiceNecessityEvidence.Service), nameof(ServiceNecessityEvidence.ServiceRequestReference)], CategoryLimitSource.ServiceNecessary,
                g => g with { RecipientKinds = [RecipientKind.ServiceProvider, RecipientKind.Affiliate], Obligations = ledger })
            .AllowGround(DisclosureGround.LegalRequirement, ClauseIds.DiscloseLegalRequirement,
                [
                    nameof(LegalRequirementEvidence.Institution), nameof(LegalRequirementEvidence.InstitutionName), nameof(LegalRequirementEvidence.LegalBasis),
                    nameof(LegalRequirementEvidence.DocumentReference), nameof(LegalRequirementEvidence.RequestedCategories),
                ],
                CategoryLimitSource.Evidence,
                g => g with { RecipientKinds = [RecipientKind.AdministrativeAuthority, RecipientKind.JudicialAuthority], Obligations = ledger })
            .AllowGround(DisclosureGround.UserViolation, ClauseIds.DiscloseUserViolation, [nameof(UserViolationEvidence.Violation)], CategoryLimitSource.Violation,
                g => g with { RecipientKinds = anyRecipient, Obligations = ledger })
            .AllowGround(DisclosureGround.IpComplaint, ClauseIds.DiscloseIpComplaint,
                [
                    nameof(IpComplaintEvidence.ComplaintReference), nameof(IpComplaintEvidence.Complainant), nameof(IpComplaintEvidence.ComplainantQualified),
                    nameof(IpComplaintEvidence.Respondent), nameof(IpComplaintEvidence.RequestedByRespondent),
                ],
                CategoryLimitSource.Flags,
                g => g with
                {
                    RecipientKinds = [RecipientKind.IpComplaintRespondent],
                    LimitFlags = DataCategoryFlags.ContactCapable | DataCategoryFlags.Identifying,
                    Obligations = ledger,
                })
            .AllowGround(DisclosureGround.Transaction, ClauseIds.DiscloseTransaction,
                [
                    nameof(TransactionEvidence.TransactionReference), nameof(TransactionEvidence.Counterparties), nameof(TransactionEvidence.RequestingParty),
                    nameof(TransactionEvidence.RequestingPartyFulfilment), nameof(TransactionEvidence.Approval),
                ],
                CategoryLimitSource.Flags,
                // "necessary information such as the contact information": contact only unless the approval widens it.
                g => g with { RecipientKinds = [RecipientKind.TransactionCounterparty], LimitFlags = DataCategoryFlags.ContactCapable, Obligations = ledger })
            .AllowGround(DisclosureGround.OtherLegal, ClauseIds.DiscloseOtherLegal,
                [nameof(OtherLegalEvidence.Provision), nameof(OtherLegalEvidence.AllowedCategories)], CategoryLimitSource.Evidence,
                g => g with { RecipientKinds = anyRecipient, Obligations = ledger });
    }

    private static void AddRules(PolicyBuilder b) => b
        .AddRule(ClauseIds.IntroAcceptance, RuleKind.RequireAcceptance)
        .AddRule(ClauseIds.CollectConsent, RuleKind.RequireConsentToCollect,
            r => r with { CategoryFlags = DataCategoryFlags.Identifying | DataCategoryFlags.ContactCapable, Acts = [ProcessingAct.Collect] })
        .AddRule(ClauseIds.CollectExemptSearchKeywords, RuleKind.ExemptCategories, r => r with { Categories = [SearchKeywords] })
        .AddRule(ClauseIds.CollectExemptViolations, RuleKind.ExemptCategories, r => r with { Categories = [StandardDataCategories.Violations] })
        .AddRule(ClauseIds.UseThirdPartyNoTrade, RuleKind.DenyUnrelatedTransfer,
            r => r with { RecipientKinds = [RecipientKind.UnrelatedThirdParty], TransferKinds = [TransferKind.Sell, TransferKind.Rent, TransferKind.Trade] })
        .AddRule(ClauseIds.UseThirdPartyPermission, RuleKind.PermitTransferWithPriorConsent,
            r => r with { TransferKinds = [TransferKind.Share], Acts = [ProcessingAct.Disclose] })
        .AddRule(ClauseIds.UseThirdPartyServiceProvider, RuleKind.PermitEngagedProvider, r => r with { RecipientKinds = [RecipientKind.ServiceProvider] })
        .AddRule(ClauseIds.UseThirdPartyServiceEnd, RuleKind.DenyAfterEngagementEnd, r => r with { RecipientKinds = [RecipientKind.ServiceProvider] })
        .AddRule(ClauseIds.UseNoFreeHarvesting, RuleKind.DenyHarvesting,
            r => r with { Acts = [ProcessingAct.Collect, ProcessingAct.Edit, ProcessingAct.Disclose], TransferKinds = [TransferKind.Share, TransferKind.Sell, TransferKind.Rent, TransferKind.Trade] })
        .AddRule(ClauseIds.UseViolatorTermination, RuleKind.DenySanctionedActor)
        .AddRule(ClauseIds.UseOwnMarketing, RuleKind.PermitUnlessObjected, r => r with { Purposes = [StandardPurposes.OwnMarketing], Acts = [ProcessingAct.Use] })
        .AddRule(ClauseIds.UsePartnerMarketing, RuleKind.RequireConsentForPurpose,
            r => r with { Purposes = [StandardPurposes.PartnerMarketing], RecipientKinds = [RecipientKind.Partner] })
        .AddRule(ClauseIds.StoreLocation, RuleKind.RequireControllerStore, r => r with { Acts = [ProcessingAct.Collect, ProcessingAct.Store] })
        .AddRule(ClauseIds.StoreAccuracy, RuleKind.SubjectRight, r => r with { Acts = [ProcessingAct.Edit], Note = "Rectification is always available (store.subject-edit)." })
        .AddRule(ClauseIds.StoreSubjectAccess, RuleKind.SubjectRight, r => r with { Note = "Access to all PI, consents, acceptances and the disclosure ledger." })
        .AddRule(ClauseIds.StoreSubjectEdit, RuleKind.SubjectRight, r => r with { Acts = [ProcessingAct.Edit] })
        .AddRule(ClauseIds.StoreSubjectDelete, RuleKind.SubjectRight,
            r => r with { Acts = [ProcessingAct.Erase], Note = "Exempt records (collect.exempt.violations) and legal holds are kept and the answer says so." })
        .AddRule(ClauseIds.StoreSecurity, RuleKind.DenyByDefault)
        .AddRule(ClauseIds.StoreAccountSecurity, RuleKind.NeverDisclose, r => r with { CategoryFlags = DataCategoryFlags.Credential })
        .AddRule(ClauseIds.StoreIntegrity, RuleKind.DurableRecords)
        .AddRule(ClauseIds.ChangesReplace, RuleKind.NewestVersionReplaces)
        .AddRule(ClauseIds.ChangesNotice, RuleKind.RenewConsentOnChange,
            r => r with { Note = "A consent given under an older version stays valid unless the new version changes its purpose, recipient or categories." });

    private static string ReadText()
    {
        using var stream = typeof(StandardPolicy).Assembly.GetManifestResourceStream(TextResource)
            ?? throw new InvalidOperationException($"The resource '{TextResource}' is missing from {typeof(StandardPolicy).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
