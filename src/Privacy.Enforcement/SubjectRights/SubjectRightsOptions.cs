using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>Options of subject-rights requests, bound from <c>PrivacyEnforcement:SubjectRights</c>, set in code with <c>ConfigureSubjectRights</c>, validated at start-up.</summary>
public sealed class SubjectRightsOptions
{
    /// <summary>The configuration section, under <see cref="PrivacyEnforcementOptions.SectionName"/>, the options bind from.</summary>
    public const string SectionName = "SubjectRights";

    /// <summary>The full configuration path, for messages.</summary>
    internal const string Path = PrivacyEnforcementOptions.SectionName + ":" + SectionName;

    /// <summary>Gets or sets the time within which a request must be answered (default 15 days, PIPL practice; GDPR allows one month).</summary>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "10675199.02:48:05.4775807")]
    public TimeSpan ResponsePeriod { get; set; } = TimeSpan.FromDays(15);

    /// <summary>Gets the declared affiliates (recipient ids) that may operate personal data sources, besides those the policy declares (<c>store.location</c>).</summary>
    public IList<string> Affiliates { get; } = [];

    /// <summary>Gets credential categories besides those the policy flags <see cref="DataCategoryFlags.Credential"/> (<c>store.account-security</c>).</summary>
    public IList<string> CredentialCategories { get; } = [];
}

/// <summary>Validates <see cref="SubjectRightsOptions"/> against its data annotations at start-up (generated).</summary>
[OptionsValidator]
internal sealed partial class SubjectRightsOptionsValidator : IValidateOptions<SubjectRightsOptions>;
