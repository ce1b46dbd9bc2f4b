using Microsoft.Extensions.Compliance.Classification;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.Classification;

/// <summary>Which redactor each category of a policy gets: credentials are always erased (<c>store.account-security</c>), the rest by the options.</summary>
internal sealed class PrivacyRedactionPlan
{
    private PrivacyRedactionPlan(DataClassificationSet[] erased, DataClassificationSet[] hashed)
    {
        Erased = erased;
        Hashed = hashed;
    }

    /// <summary>Gets the classifications whose values are erased, one set each (the redactor provider looks a value's set up whole).</summary>
    public DataClassificationSet[] Erased { get; }

    /// <summary>Gets the classifications whose values are hashed, one set each.</summary>
    public DataClassificationSet[] Hashed { get; }

    public static PrivacyRedactionPlan Create(PolicyDocument policy, PrivacyRedactionOptions options)
    {
        var erased = new List<DataClassificationSet>();
        var hashed = new List<DataClassificationSet>();
        foreach (var definition in policy.Categories)
        {
            var mode = Mode(EffectiveFlags(policy, new DataCategory(definition.Id)), options);
            (mode == PrivacyRedactionMode.Erase ? erased : hashed).Add(new DataClassificationSet(PrivacyDataClassification.For(definition.Id)));
        }

        return new PrivacyRedactionPlan([.. erased], [.. hashed]);
    }

    /// <summary>How a category with these (inherited) flags is redacted.</summary>
    public static PrivacyRedactionMode Mode(DataCategoryFlags flags, PrivacyRedactionOptions options)
    {
        if (flags.HasFlag(DataCategoryFlags.Credential))
        {
            return PrivacyRedactionMode.Erase;
        }

        return flags.HasFlag(DataCategoryFlags.ContactCapable) ? options.ContactCategories : options.OtherCategories;
    }

    /// <summary>A category's flags with those of every category it lies within (a category inherits its parent's flags).</summary>
    public static DataCategoryFlags EffectiveFlags(PolicyDocument policy, DataCategory category)
    {
        var flags = DataCategoryFlags.None;
        foreach (var definition in policy.Categories)
        {
            if (category.IsWithin(new DataCategory(definition.Id)))
            {
                flags |= definition.Flags;
            }
        }

        return flags;
    }
}
