using Microsoft.Extensions.Compliance.Classification;

namespace Privacy.Enforcement.Classification;

/// <summary>
/// The policy's data categories as <see cref="DataClassification"/>s: taxonomy <see cref="TaxonomyName"/>, the category
/// id as the value. One classification serves the policy, the redaction of logs and the compliance report.
/// </summary>
public static class PrivacyDataClassification
{
    /// <summary>The taxonomy name of every classification made from a data category.</summary>
    public const string TaxonomyName = "privacy";

    /// <summary>Returns the classification of a data category.</summary>
    /// <param name="category">The category.</param>
    /// <returns>The classification (taxonomy <c>privacy</c>, value the category id).</returns>
    /// <exception cref="ArgumentException">The category is empty.</exception>
    public static DataClassification For(DataCategory category)
    {
        if (category.IsEmpty)
        {
            throw new ArgumentException("An empty data category has no classification.", nameof(category));
        }

        return new DataClassification(TaxonomyName, category.Value);
    }

    /// <summary>Returns the classification of a data category id.</summary>
    /// <param name="category">The category id, such as <c>user.contact.email</c>.</param>
    /// <returns>The classification.</returns>
    /// <exception cref="ArgumentException">The id is not a valid data category.</exception>
    public static DataClassification For(string category) => For(new DataCategory(category));

    /// <summary>Reads the data category a classification stands for.</summary>
    /// <param name="classification">The classification.</param>
    /// <param name="category">The category, when the classification is of the <c>privacy</c> taxonomy.</param>
    /// <returns><see langword="true"/> when it is a data category's classification.</returns>
    public static bool TryGetCategory(DataClassification classification, out DataCategory category)
    {
        if (string.Equals(classification.TaxonomyName, TaxonomyName, StringComparison.Ordinal) && !string.IsNullOrEmpty(classification.Value))
        {
            category = new DataCategory(classification.Value);
            return true;
        }

        category = default;
        return false;
    }
}
