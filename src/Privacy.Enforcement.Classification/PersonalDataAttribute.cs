using Microsoft.Extensions.Compliance.Classification;

namespace Privacy.Enforcement.Classification;

/// <summary>
/// Classifies a property, field or parameter as personal data of a policy category, such as
/// <c>[PersonalData(StandardDataCategories.Email)]</c>. It is a <see cref="DataClassificationAttribute"/>, so the EF Core
/// data source and interceptor, redaction and the compliance report all see it.
/// </summary>
/// <remarks>
/// Two generators of Microsoft.Extensions read a classification attribute by its type, not its arguments: the
/// <c>[LoggerMessage]</c> generator creates the attribute with no arguments to get its classification, and the
/// compliance report of <c>Microsoft.Extensions.AuditReports</c> names each classification by the attribute class name
/// (without <c>Attribute</c>) and its <c>Notes</c>. So for log parameters, and for a report that names the category, use a
/// category's own attribute (<see cref="EmailDataAttribute"/>, ...) or derive one:
/// <c>public sealed class LoyaltyIdDataAttribute() : PersonalDataAttribute("user.loyalty_id");</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter | AttributeTargets.ReturnValue, AllowMultiple = false)]
public class PersonalDataAttribute : DataClassificationAttribute
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
