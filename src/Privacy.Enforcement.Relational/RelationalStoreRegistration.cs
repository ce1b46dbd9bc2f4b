using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Privacy.Enforcement.Storage;

/// <summary>Registers every relational store over one database, replacing any store registered before.</summary>
internal static class RelationalStoreRegistration
{
    public static IServiceCollection AddRelationalStores(this IServiceCollection services, Func<IServiceProvider, RelationalDatabase> database)
    {
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StoreSchemaInitializer>());
        return services;
    }
}
