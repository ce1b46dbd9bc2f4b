using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>The start-up check that every store the library needs is registered (an options type of its own so only start-up runs it).</summary>
internal sealed class StoreRegistrationOptions;

/// <summary>Fails start-up naming the method to call when a store is missing, instead of failing on the first decision.</summary>
internal sealed class StoreRegistrationValidator(IServiceProviderIsService registrations) : IValidateOptions<StoreRegistrationOptions>
{
    private const string Remedy = "call AddPrivacyEnforcement().UseSqlite(...), .UsePostgreSql(...) or .UseInMemoryStores()";

    // One line per store a feature needs; the audit sink joins once its registration exists.
    private static readonly (Type Service, string Name)[] RequiredStores =
    [
        (typeof(IConsentStore), "consent store"),
        (typeof(IAcceptanceStore), "acceptance store"),
        (typeof(IEngagementStore), "engagement store"),
        (typeof(IViolationStore), "violation store"),
        (typeof(IPseudonymStore), "pseudonym store"),
    ];

    public ValidateOptionsResult Validate(string? name, StoreRegistrationOptions options)
    {
        var failures = RequiredStores
            .Where(store => !registrations.IsService(store.Service))
            .Select(store => $"No {store.Name} is registered ({store.Service.Name}); {Remedy}.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
