using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.Violations;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers service engagements and violations; called from <c>AddPrivacyEnforcement</c>. Safe to call twice.</summary>
internal static class EngagementsServiceCollectionExtensions
{
    /// <summary>Registers the engagement service, its options and the hosted end monitor (<c>use.third-party.service-*</c>).</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    internal static IServiceCollection AddEngagements(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EngagementOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EngagementOptions>, EngagementOptionsValidator>());
        services.TryAddSingleton<RecordAudit>();
        services.TryAddSingleton<EngagementEndSignal>();
        services.TryAddSingleton<IEngagementService, EngagementService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EngagementEndMonitor>());
        return services;
    }

    /// <summary>Registers the violation service (<c>use.no-free-harvesting</c>, <c>use.violator-termination</c>, <c>collect.exempt.violations</c>).</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    internal static IServiceCollection AddViolations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RecordAudit>();
        services.TryAddSingleton<IViolationService, ViolationService>();
        return services;
    }
}
