using Microsoft.Extensions.DependencyInjection.Extensions;
using Privacy.Enforcement.InMemory;
using Privacy.Enforcement.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the in-process stores (tests, demos, single-instance hosts that need no durability).</summary>
public static class PrivacyEnforcementBuilderInMemoryExtensions
{
    /// <summary>Uses in-memory stores for every aggregate. Nothing survives a restart.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder UseInMemoryStores(this PrivacyEnforcementBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton<IConsentStore, InMemoryConsentStore>());
        services.Replace(ServiceDescriptor.Singleton<IAcceptanceStore, InMemoryAcceptanceStore>());
        services.Replace(ServiceDescriptor.Singleton<IEngagementStore, InMemoryEngagementStore>());
        services.Replace(ServiceDescriptor.Singleton<IViolationStore, InMemoryViolationStore>());
        services.Replace(ServiceDescriptor.Singleton<IPseudonymStore, InMemoryPseudonymStore>());
        services.Replace(ServiceDescriptor.Singleton<ISubjectRightsRequestStore, InMemorySubjectRightsRequestStore>());
        services.Replace(ServiceDescriptor.Singleton<ILegalHoldStore, InMemoryLegalHoldStore>());
        services.Replace(ServiceDescriptor.Singleton<ISubjectKeyStore, InMemorySubjectKeyStore>());
        builder.TryAddInMemoryAuditTrail();
        return builder;
    }
}
