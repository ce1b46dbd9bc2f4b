using Microsoft.Extensions.Options;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Validates the registered personal data sources at start-up: unique names, declared categories and, for
/// <c>store.location</c>, an operator that is the application or a declared affiliate.
/// </summary>
internal sealed class PersonalDataSourceValidator : IValidateOptions<SubjectRightsOptions>
{
    private readonly IEnumerable<IPersonalDataSource> _sources;
    private readonly IPolicyProvider? _policy;

    public PersonalDataSourceValidator(IEnumerable<IPersonalDataSource> sources, IServiceProvider services)
    {
        _sources = sources;
        _policy = (IPolicyProvider?)services.GetService(typeof(IPolicyProvider));
    }

    public ValidateOptionsResult Validate(string? name, SubjectRightsOptions options)
    {
        // The response period is checked by SubjectRightsOptionsValidator; this rule spans the options, the policy and the sources.
        var failures = new List<string>();
        failures.AddRange(Check(_sources, DeclaredAffiliates(options, _policy)));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static HashSet<string> DeclaredAffiliates(SubjectRightsOptions options, IPolicyProvider? policy)
    {
        var affiliates = new HashSet<string>(options.Affiliates, StringComparer.Ordinal);
        if (policy is not null)
        {
            foreach (var recipient in policy.Current.Document.Recipients)
            {
                if (recipient.Kind == RecipientKind.Affiliate)
                {
                    affiliates.Add(recipient.Id);
                }
            }
        }

        return affiliates;
    }

    internal static List<string> Check(IEnumerable<IPersonalDataSource> sources, IReadOnlySet<string> affiliates)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var type = source.GetType().Name;
            if (string.IsNullOrWhiteSpace(source.Name) || source.Name.StartsWith('$'))
            {
                failures.Add($"Personal data source {type} must have a name that is not empty and does not start with '$'.");
                continue;
            }

            if (!names.Add(source.Name))
            {
                failures.Add($"Two personal data sources are named '{source.Name}'; names must be unique.");
            }

            if (source.Categories is not { Count: > 0 } || source.Categories.Any(c => c.IsEmpty))
            {
                failures.Add($"Personal data source '{source.Name}' ({type}) must declare the data categories it holds.");
            }

            if (OperatorFailure(source, affiliates) is { } failure)
            {
                failures.Add(failure);
            }
        }

        return failures;
    }

    internal static string? OperatorFailure(IPersonalDataSource source, IReadOnlySet<string>? affiliates) => source.Operator.Kind switch
    {
        DataSourceOperatorKind.Application => null,
        DataSourceOperatorKind.Affiliate when affiliates is null || affiliates.Contains(source.Operator.Name) => null,
        DataSourceOperatorKind.Affiliate =>
            $"Personal data source '{source.Name}' is operated by '{source.Operator.Name}', which is not a declared affiliate ({ClauseIds.StoreLocation}): declare it in the policy's recipients as an affiliate or in {nameof(SubjectRightsOptions)}.{nameof(SubjectRightsOptions.Affiliates)}.",
        _ =>
            $"Personal data source '{source.Name}' is operated by '{source.Operator.Name}', neither the application nor a declared affiliate; personal information may only be stored on their servers ({ClauseIds.StoreLocation}).",
    };
}
