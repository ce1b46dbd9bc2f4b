namespace Privacy.Enforcement;

/// <summary>
/// The clause ids of the standard policy (<c>privacy-policy.txt</c>), one per enforceable sentence, as catalogued in
/// <c>CLAUSES.md</c>. Every decision cites the ids behind it.
/// </summary>
public static class ClauseIds
{
    /// <summary>"By using or continuing to use our services, you are deemed to have agreed".</summary>
    public const string IntroAcceptance = "intro.acceptance";

    /// <summary>Collecting identifying or contact-capable information needs the subject's consent.</summary>
    public const string CollectConsent = "collect.consent";

    /// <summary>Search keywords are not subject to the policy.</summary>
    public const string CollectExemptSearchKeywords = "collect.exempt.search-keywords";

    /// <summary>Violations and the measures taken against a subject are not subject to the policy.</summary>
    public const string CollectExemptViolations = "collect.exempt.violations";

    /// <summary>No providing, selling, renting, sharing or trading with unrelated third parties.</summary>
    public const string UseThirdPartyNoTrade = "use.third-party.no-trade";

    /// <summary>... unless permission was obtained in advance.</summary>
    public const string UseThirdPartyPermission = "use.third-party.permission";

    /// <summary>... or the third party and the application provide services to the subject.</summary>
    public const string UseThirdPartyServiceProvider = "use.third-party.service-provider";

    /// <summary>After the service ends the third party may access none of the materials, even those it had.</summary>
    public const string UseThirdPartyServiceEnd = "use.third-party.service-end";

    /// <summary>No third party may collect, edit, sell or disseminate personal information for free.</summary>
    public const string UseNoFreeHarvesting = "use.no-free-harvesting";

    /// <summary>A user who harvests others' information may have its service agreement terminated.</summary>
    public const string UseViolatorTermination = "use.violator-termination";

    /// <summary>Own-product marketing in similar products of the company (the subject may object).</summary>
    public const string UseOwnMarketing = "use.own-marketing";

    /// <summary>Sharing with application partners for their marketing requires prior consent.</summary>
    public const string UsePartnerMarketing = "use.partner-marketing";

    /// <summary>Disclosure ground (1): with the subject's prior consent.</summary>
    public const string DiscloseConsent = "disclose.consent";

    /// <summary>Disclosure ground (2): necessary to provide the products and services the subject requires.</summary>
    public const string DiscloseServiceNecessity = "disclose.service-necessity";

    /// <summary>Disclosure ground (3): legal provisions or requirements of administrative or judicial institutions.</summary>
    public const string DiscloseLegalRequirement = "disclose.legal-requirement";

    /// <summary>Disclosure ground (4): the subject violated laws, regulations or the service agreement.</summary>
    public const string DiscloseUserViolation = "disclose.user-violation";

    /// <summary>Disclosure ground (5): to the respondent of a qualified intellectual-property complaint the subject filed.</summary>
    public const string DiscloseIpComplaint = "disclose.ip-complaint";

    /// <summary>Disclosure ground (6): to the counterparty of a platform transaction that a party fulfilled.</summary>
    public const string DiscloseTransaction = "disclose.transaction";

    /// <summary>Disclosure ground (7): other disclosures deemed appropriate by law, regulations or website policies.</summary>
    public const string DiscloseOtherLegal = "disclose.other-legal";

    /// <summary>Personal information is stored on servers of the application and/or its affiliates.</summary>
    public const string StoreLocation = "store.location";

    /// <summary>Channels to keep personal information accurate and timely.</summary>
    public const string StoreAccuracy = "store.accuracy";

    /// <summary>The subject can check its personal information at any time.</summary>
    public const string StoreSubjectAccess = "store.subject-access";

    /// <summary>The subject can edit the personal information it submitted.</summary>
    public const string StoreSubjectEdit = "store.subject-edit";

    /// <summary>The subject can delete the personal information it submitted at any time.</summary>
    public const string StoreSubjectDelete = "store.subject-delete";

    /// <summary>Protection from unauthorized access, use or leakage: deny by default.</summary>
    public const string StoreSecurity = "store.security";

    /// <summary>Passwords and credentials are never disclosed, exported or audited in clear.</summary>
    public const string StoreAccountSecurity = "store.account-security";

    /// <summary>Information is not lost, abused or altered: durable records, tamper-evident audit.</summary>
    public const string StoreIntegrity = "store.integrity";

    /// <summary>Once published, the updated policy replaces the original.</summary>
    public const string ChangesReplace = "changes.replace";

    /// <summary>Subjects can learn whether they saw the current version and what changed.</summary>
    public const string ChangesNotice = "changes.notice";

    /// <summary>Every clause id of the standard policy, in catalogue order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        IntroAcceptance,
        CollectConsent, CollectExemptSearchKeywords, CollectExemptViolations,
        UseThirdPartyNoTrade, UseThirdPartyPermission, UseThirdPartyServiceProvider, UseThirdPartyServiceEnd,
        UseNoFreeHarvesting, UseViolatorTermination, UseOwnMarketing, UsePartnerMarketing,
        DiscloseConsent, DiscloseServiceNecessity, DiscloseLegalRequirement, DiscloseUserViolation,
        DiscloseIpComplaint, DiscloseTransaction, DiscloseOtherLegal,
        StoreLocation, StoreAccuracy, StoreSubjectAccess, StoreSubjectEdit, StoreSubjectDelete,
        StoreSecurity, StoreAccountSecurity, StoreIntegrity,
        ChangesReplace, ChangesNotice,
    ];
}
