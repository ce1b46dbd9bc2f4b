using Microsoft.Extensions.Compliance.Classification;

namespace Privacy.Enforcement.Classification;

/// <summary>
/// Classifies a property, field or parameter as personal data of a policy category, such as
/// <c>[PersonalData(StandardDataCategories.Email)]</c>. It is a <see cref="DataClassificationAttribute"/>: the same
/// annotation drives the EF Core data source and interceptor, the redaction of <c>[LoggerMessage]</c> parameters and the
/// compliance report of <c>Microsoft.Extensions.AuditReports</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.ReturnValue, AllowMultiple = false)]
public sealed class PersonalDataAttribute : DataClassificationAttribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="category">The data category id, such as <c>user.contact.email</c>.</param>
    public PersonalDataAttribute(string category)
        : base(PrivacyDataClassification.For(category))
    {
        Category = new DataCategory(category);
    }

    /// <summary>Gets the data category.</summary>
    public DataCategory Category { get; }

    /// <summary>Gets or sets a value indicating whether the value is stored encrypted with the subject's data key (EF Core: crypto-shredded by erasure).</summary>
    public bool Encrypted { get; set; }
}
