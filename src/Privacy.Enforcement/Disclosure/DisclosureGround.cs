namespace Privacy.Enforcement;

/// <summary>The seven grounds on which the policy lets the application disclose "all or part" of personal information.</summary>
public enum DisclosureGround
{
    /// <summary>(1) With the subject's prior consent (<c>disclose.consent</c>).</summary>
    Consent = 1,

    /// <summary>(2) Necessary to provide the products and services the subject requires (<c>disclose.service-necessity</c>).</summary>
    ServiceNecessity = 2,

    /// <summary>(3) Legal provisions or requirements of administrative or judicial institutions (<c>disclose.legal-requirement</c>).</summary>
    LegalRequirement = 3,

    /// <summary>(4) The subject violated laws, regulations or the service agreement (<c>disclose.user-violation</c>).</summary>
    UserViolation = 4,

    /// <summary>(5) To the respondent of a qualified IP complaint the subject filed (<c>disclose.ip-complaint</c>).</summary>
    IpComplaint = 5,

    /// <summary>(6) To the counterparty of a fulfilled platform transaction (<c>disclose.transaction</c>).</summary>
    Transaction = 6,

    /// <summary>(7) Other disclosures deemed appropriate by law, regulations or website policies (<c>disclose.other-legal</c>).</summary>
    OtherLegal = 7,
}
