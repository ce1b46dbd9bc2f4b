using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement;

/// <summary>The start-up check that every store the library needs is registered (an options type of its own so only start-up runs it).</summary>
internal sealed class StoreRegistrationOptions;

/// <summary>Fails start-up naming the method to call when a store is missing, instead of failing on the first decision.</summary>
internal sealed class StoreRegistrationValidator(IServiceProviderIsService registrations) : IValidateOptions<StoreRegistrationOptions>
{
    private const string StoreRemedy = "call AddPrivacyEnforcement().UseSqlite(...), .UsePostgreSql(...) or .UseInMemoryStores()";

    private const string AuditRemedy =
        "call AddPrivacyEnforcement().UseSqlite(...), .UsePostgreSql(...), .UseInMemoryStores(), .UseJsonLinesAuditTrail(path) or .UseInMemoryAuditTrail()";

    // One line per store a feature needs.
    private static readonly (Type Service, string Name, string Remedy)[] RequiredStores =
    [
        (typeof(IConsentStore), "consent store", StoreRemedy),
        (typeof(IAcceptanceStore), "acceptance store", StoreRemedy),
        (typeof(IEngagementStore), "engagement store", StoreRemedy),
        (typeof(IViolationStore), "violation store", StoreRemedy),
        (typeof(IPseudonymStore), "pseudonym store", StoreRemedy),
        (typeof(ISubjectRightsRequestStore), "subject-rights request store", StoreRemedy),
        (typeof(ILegalHoldStore), "legal hold store", StoreRemedy),
        (typeof(IAuditSink), "audit sink", AuditRemedy),
    ];

    /// <summary>Whether <paramref name="type"/> is one of the stores every host must register.</summary>
    public static bool IsRequiredStore(Type type) => Array.Exists(RequiredStores, store => store.Service == type);

    public ValidateOptionsResult Validate(string? name, StoreRegistrationOptions options)
    {
        var failures = RequiredStores
            .Where(store => !registrations.IsService(store.Service))
            .Select(store => $"No {store.Name} is registered ({store.Service.Name}); {store.Remedy}.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
