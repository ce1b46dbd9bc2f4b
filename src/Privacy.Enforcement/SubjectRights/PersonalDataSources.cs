using Microsoft.Extensions.Options;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// The host's registered personal data sources, checked once (<c>store.location</c>: only the application or a
/// declared affiliate may operate one), and the credential categories an export says are held but never shows
/// (<c>store.account-security</c>).
/// </summary>
internal sealed class PersonalDataSources
{
    private readonly DataCategory[] _credentials;

    public PersonalDataSources(IEnumerable<IPersonalDataSource> sources, IOptions<SubjectRightsOptions> options, IPolicyProvider? policy = null)
    {
        All = [.. sources];
        var value = options.Value;

        // store.location: refuse a foreign operator even when the options validator did not run (no host start-up).
        var failures = PersonalDataSourceValidator.Check(All, PersonalDataSourceValidator.DeclaredAffiliates(value, policy));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(SubjectRightsOptions), typeof(SubjectRightsOptions), failures);
        }

        _credentials = CredentialCategories(value, policy);
    }

    /// <summary>Gets the sources in registration order.</summary>
    public IPersonalDataSource[] All { get; }

    /// <summary>Whether any source holds <paramref name="category"/>.</summary>
    public bool AnyHolds(DataCategory category) => Array.Exists(All, s => Holds(s, category));

    /// <summary>Whether <paramref name="source"/> holds <paramref name="category"/> (or a category it lies within).</summary>
    public static bool Holds(IPersonalDataSource source, DataCategory category)
    {
        foreach (var held in source.Categories)
        {
            if (category.IsWithin(held))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="category"/> is a credential (declared in the options or flagged in the policy).</summary>
    public bool IsCredential(DataCategory category)
    {
        foreach (var credential in _credentials)
        {
            if (category.IsWithin(credential))
            {
                return true;
            }
        }

        return false;
    }

    private static DataCategory[] CredentialCategories(SubjectRightsOptions options, IPolicyProvider? policy)
    {
        var set = new HashSet<DataCategory>(options.CredentialCategories.Select(c => new DataCategory(c)));
        if (policy is not null)
        {
            foreach (var definition in policy.Current.Document.Categories)
            {
                if (definition.Flags.HasFlag(DataCategoryFlags.Credential))
                {
                    set.Add(new DataCategory(definition.Id));
                }
            }
        }

        return [.. set];
    }
}
