using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>Which categories are credentials (<c>store.account-security</c>): flagged <see cref="DataCategoryFlags.Credential"/> in the policy in force, or within such a category.</summary>
internal sealed class CredentialCategories(IPolicyProvider? policy)
{
    private (PublishedPolicy? Policy, DataCategory[] Credentials) _cache;

    public bool IsCredential(DataCategory category)
    {
        var published = policy?.Current ?? StandardPolicy.Published;
        var cache = _cache;
        if (!ReferenceEquals(cache.Policy, published))
        {
            cache = (published, [.. published.Document.Categories.Where(c => c.Flags.HasFlag(DataCategoryFlags.Credential)).Select(c => new DataCategory(c.Id))]);
            _cache = cache;
        }

        foreach (var credential in cache.Credentials)
        {
            if (category.IsWithin(credential))
            {
                return true;
            }
        }

        return false;
    }
}
