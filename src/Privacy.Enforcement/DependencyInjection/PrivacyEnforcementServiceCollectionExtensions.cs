using Privacy.Enforcement;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the privacy enforcement services.</summary>
public static class PrivacyEnforcementServiceCollectionExtensions
{
    /// <summary>
    /// Registers the enforcer, the standard policy (unless configured otherwise), the services and the audit
    /// pipeline. Safe to call more than once. A store must be chosen on the returned builder.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder that store packages extend.</returns>
    public static PrivacyEnforcementBuilder AddPrivacyEnforcement(this IServiceCollection services, Action<PrivacyEnforcementOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new PrivacyEnforcementBuilder(services);
        PrivacyEnforcementDecisionExtensions.AddPrivacyDecisions(services);
        services.AddAuditTrail();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
