namespace Privacy.Enforcement;

/// <summary>Options of subject-rights requests, bound from <c>PrivacyEnforcement:SubjectRights</c>.</summary>
public sealed class SubjectRightsOptions
{
    /// <summary>The configuration section the options bind from by default.</summary>
    public const string SectionName = "PrivacyEnforcement:SubjectRights";

    /// <summary>Gets or sets the time within which a request must be answered (default 15 days, PIPL practice; GDPR allows one month).</summary>
    public TimeSpan ResponsePeriod { get; set; } = TimeSpan.FromDays(15);

    /// <summary>Gets the declared affiliates (recipient ids) that may operate personal data sources, besides those the policy declares (<c>store.location</c>).</summary>
    public IList<string> Affiliates { get; } = [];

    /// <summary>Gets credential categories besides those the policy flags <see cref="DataCategoryFlags.Credential"/> (<c>store.account-security</c>).</summary>
    public IList<string> CredentialCategories { get; } = [];
}
