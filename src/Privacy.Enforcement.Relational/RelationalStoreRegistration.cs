using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Relational;

/// <summary>Registers the relational stores; what a provider package's <c>Use...</c> method calls.</summary>
public static class RelationalStoreRegistration
{
    /// <summary>
    /// Registers every store (consents, acceptances and objections, engagements, violations and sanctions, pseudonyms,
    /// subject-rights requests, legal holds, subject keys, and the audit trail's sink, reader, checkpoints and its chains for verification) over one
    /// database, replacing any store registered before, and a hosted service that makes the database ready when the
    /// host starts, so that a misconfigured database or an edited migration fails start-up, not the first decision.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="database">Creates the database, once per container; the container disposes it.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddRelationalStores(this IServiceCollection services, Func<IServiceProvider, RelationalDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(database);
        services.RemoveAll<RelationalDatabase>();
        services.AddSingleton(database);
        services.Replace(ServiceDescriptor.Singleton<IConsentStore>(sp => new RelationalConsentStore(sp.GetRequiredService<RelationalDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<IAcceptanceStore>(sp => new RelationalAcceptanceStore(sp.GetRequiredService<RelationalDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<IEngagementStore>(sp => new RelationalEngagementStore(sp.GetRequiredService<RelationalDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<IViolationStore>(sp => new RelationalViolationStore(sp.GetRequiredService<RelationalDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<IPseudonymStore>(sp => new RelationalPseudonymStore(sp.GetRequiredService<RelationalDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<ISubjectRightsRequestStore>(sp => new RelationalSubjectRightsRequestStore(sp.GetRequiredService<RelationalDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<ILegalHoldStore>(sp => new RelationalLegalHoldStore(sp.GetRequiredService<RelationalDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<ISubjectKeyStore>(sp => new RelationalSubjectKeyStore(sp.GetRequiredService<RelationalDatabase>())));

        // One object is the trail's sink, reader and checkpoint sink.
        services.RemoveAll<RelationalAuditStore>();
        services.AddSingleton(sp => new RelationalAuditStore(sp.GetRequiredService<RelationalDatabase>()));
        services.Replace(ServiceDescriptor.Singleton<IAuditSink>(sp => sp.GetRequiredService<RelationalAuditStore>()));
        services.Replace(ServiceDescriptor.Singleton<IAuditTrailReader>(sp => sp.GetRequiredService<RelationalAuditStore>()));
        services.Replace(ServiceDescriptor.Singleton<ICheckpointSink>(sp => sp.GetRequiredService<RelationalAuditStore>()));
        services.Replace(ServiceDescriptor.Singleton<IAuditChainedTrail>(sp => new RelationalAuditChains(sp.GetRequiredService<RelationalDatabase>())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StoreSchemaInitializer>());
        return services;
    }
}
