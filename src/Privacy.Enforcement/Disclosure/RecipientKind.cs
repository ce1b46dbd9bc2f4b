namespace Privacy.Enforcement;

/// <summary>The kinds of recipient the policy distinguishes.</summary>
public enum RecipientKind
{
    /// <summary>A party the policy does not relate to the application: transfers are denied (<c>use.third-party.no-trade</c>).</summary>
    UnrelatedThirdParty = 0,

    /// <summary>An affiliated company of the application.</summary>
    Affiliate = 1,

    /// <summary>A third party that provides a service to the subject, alone or with the application.</summary>
    ServiceProvider = 2,

    /// <summary>An application partner that may market its own products (<c>use.partner-marketing</c>).</summary>
    Partner = 3,

    /// <summary>An administrative institution (<c>disclose.legal-requirement</c>).</summary>
    AdministrativeAuthority = 4,

    /// <summary>A judicial institution (<c>disclose.legal-requirement</c>).</summary>
    JudicialAuthority = 5,

    /// <summary>The respondent of an intellectual-property complaint (<c>disclose.ip-complaint</c>).</summary>
    IpComplaintRespondent = 6,

    /// <summary>The counterparty of a transaction on the platform (<c>disclose.transaction</c>).</summary>
    TransactionCounterparty = 7,
}
