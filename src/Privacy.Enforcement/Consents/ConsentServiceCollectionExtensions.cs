using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Consents;

/// <summary>Registers the consent, acceptance, objection and policy-change services.</summary>
internal static class ConsentServiceCollectionExtensions
{
    /// <summary>Registers the consent services; called once from <c>AddPrivacyEnforcement</c>.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddConsents(this IServiceCollection services)
    {
        services.AddOptions<ConsentReceiptOptions>(); // nothing to validate: every value may be absent
        services.TryAddSingleton(sp => new SubjectChangeNotifier(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ISubjectStateCache>(),
            sp.GetService<IPrivacyChangeFeed>(),
            sp.GetService<IAuditTrail>(),
            sp.GetService<IPseudonymStore>(),
            sp.GetService<IAuditTrailReader>()));
        services.TryAddSingleton<IConsentService>(sp => new ConsentService(
            Required<IConsentStore>(sp, "consent store"),
            Required<IPolicyProvider>(sp, "policy provider"),
            sp.GetRequiredService<SubjectChangeNotifier>(),
            sp.GetService<IOptions<ConsentReceiptOptions>>()));
        services.TryAddSingleton<IPolicyAcceptanceService>(sp => new PolicyAcceptanceService(
            Required<IAcceptanceStore>(sp, "acceptance store"),
            Required<IPolicyProvider>(sp, "policy provider"),
            sp.GetRequiredService<SubjectChangeNotifier>()));
        services.TryAddSingleton<IObjectionService>(sp => new ObjectionService(
            Required<IAcceptanceStore>(sp, "acceptance store"),
            Required<IPolicyProvider>(sp, "policy provider"),
            sp.GetRequiredService<SubjectChangeNotifier>()));
        services.TryAddSingleton<IPolicyChangeService>(sp =>
        {
            var policies = Required<IPolicyProvider>(sp, "policy provider");

            // Publishing goes through the catalog only when the catalog is what decisions read (changes.replace).
            Func<PolicyDocument, PublishedPolicy>? publish = policies is PolicyCatalog catalog ? catalog.Publish : null;
            return new PolicyChangeService(Required<IConsentStore>(sp, "consent store"), policies, sp.GetRequiredService<SubjectChangeNotifier>(), publish);
        });
        return services;
    }

    private static T Required<T>(IServiceProvider services, string what)
        where T : class =>
        services.GetService<T>() ?? throw new InvalidOperationException(
            $"No {what} ({typeof(T).Name}) is registered; call AddPrivacyEnforcement().UseInMemoryStores(), .UseSqlite(...) or .UsePostgreSql(...).");
}
