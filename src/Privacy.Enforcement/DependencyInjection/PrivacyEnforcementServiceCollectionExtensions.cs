using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Privacy.Enforcement;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the privacy enforcement services.</summary>
public static partial class PrivacyEnforcementServiceCollectionExtensions
{
    /// <summary>
    /// Registers the enforcer, the standard policy, the services and the audit pipeline. Safe to call more than
    /// once. A store must be chosen on the returned builder.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder that store packages extend.</returns>
    public static PrivacyEnforcementBuilder AddPrivacyEnforcement(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AddPrivacyEnforcementCore(services);
    }

    /// <summary>
    /// Registers the enforcer, the policy the options choose (the standard policy by default), the services and the
    /// audit pipeline. Safe to call more than once. A store must be chosen on the returned builder.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder that store packages extend.</returns>
    public static PrivacyEnforcementBuilder AddPrivacyEnforcement(this IServiceCollection services, Action<PrivacyEnforcementOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return AddPrivacyEnforcementCore(services);
    }

    /// <summary>
    /// Registers the privacy enforcement services with options bound from a configuration section (usually
    /// <c>configuration.GetSection(PrivacyEnforcementOptions.SectionName)</c>): the section itself binds
    /// <see cref="PrivacyEnforcementOptions"/>, and each subsection named by an options class's <c>SectionName</c>
    /// binds that class (<c>Decisions</c>, <c>Audit</c>, <c>Engagements</c>, <c>SubjectRights</c>,
    /// <c>ConsentReceipts</c>, <c>KeyRotation</c>). This is the only place the library reads configuration.
    /// Configuration is applied first and code after it, whatever the order of the calls: a value set with
    /// <c>Configure...</c> (or <c>services.Configure</c>) wins over the same value in configuration, as in ASP.NET Core.
    /// Binding the same section twice binds it once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The builder that store packages extend.</returns>
    public static PrivacyEnforcementBuilder AddPrivacyEnforcement(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        PrivacyEnforcementConfiguration.Bind(services, section);
        return AddPrivacyEnforcementCore(services);
    }

    // One line per feature: each feature registers its services (with TryAdd) in its own method.
    private static PrivacyEnforcementBuilder AddPrivacyEnforcementCore(IServiceCollection services)
    {
        AddCoreServices(services);
        AddPolicyServices(services);
        PrivacyEnforcementDecisionExtensions.AddPrivacyDecisions(services);
        services.AddAuditTrail();
        services.AddConsents();
        services.AddEngagements().AddViolations();
        PrivacyEnforcementBuilderSubjectRightsExtensions.AddSubjectRights(services);
        AddStartupValidation(services);
        return new PrivacyEnforcementBuilder(services);
    }

    /// <summary>
    /// A host resolves all its hosted services at once before it runs start-up validation, and the container builds
    /// the whole chain of constructor dependencies first: one library service that takes a missing store would fail
    /// with a raw DI error ("Unable to resolve service for type ...") before the validation could name what to call.
    /// So every library hosted service, and every library service whose constructor takes a store, is created by a
    /// factory that runs the store registration check first. The check is cached by the options system, so it costs
    /// once per container. Runs last in <c>AddPrivacyEnforcement</c>, over what the features registered.
    /// </summary>
    private static void AddStartupValidation(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (!descriptor.IsKeyedService && descriptor.ImplementationType is { } type && NeedsStartupValidation(descriptor.ServiceType, type))
            {
                // A factory typed by the implementation, so TryAddEnumerable still sees the type on a second AddPrivacyEnforcement.
                var factory = (Func<IServiceProvider, object>)CreateValidatedMethod.MakeGenericMethod(type).Invoke(null, null)!;
                services[i] = ServiceDescriptor.Describe(descriptor.ServiceType, factory, descriptor.Lifetime);
            }
        }
    }

    private static bool NeedsStartupValidation(Type service, Type implementation) =>
        implementation.Assembly == typeof(PrivacyEnforcementServiceCollectionExtensions).Assembly &&
        (service == typeof(IHostedService) ||
         implementation.GetConstructors().Any(c => c.GetParameters().Any(p => StoreRegistrationValidator.IsRequiredStore(p.ParameterType))));

    private static readonly System.Reflection.MethodInfo CreateValidatedMethod =
        typeof(PrivacyEnforcementServiceCollectionExtensions).GetMethod(nameof(CreateValidated), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static Func<IServiceProvider, T> CreateValidated<T>()
        where T : class =>
        static services =>
        {
            // Throws OptionsValidationException naming each missing store and what to call.
            _ = services.GetRequiredService<IOptions<StoreRegistrationOptions>>().Value;
            return ActivatorUtilities.CreateInstance<T>(services);
        };

    private static void AddCoreServices(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        // No logging is registered here: a library service takes its logger optionally and logs nowhere without one.
        // The meter comes from the host's IMeterFactory (AddMetrics, which every generic and web host calls), whatever
        // the order of the calls; a container without one gets a factory of the library's, owned by the container.
        services.TryAddSingleton<PrivacyEnforcementMeterFactory>();
        services.TryAddSingleton(static sp => new PrivacyTelemetry(
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>() ?? sp.GetRequiredService<PrivacyEnforcementMeterFactory>()));
        services.AddOptionsWithValidateOnStart<PrivacyEnforcementOptions, PrivacyEnforcementOptionsValidator>();
        services.AddOptionsWithValidateOnStart<StoreRegistrationOptions, StoreRegistrationValidator>();
    }

    private static void AddPolicyServices(IServiceCollection services)
    {
        // changes.replace: one catalog holds the versions; the newest is in force.
        services.TryAddSingleton(sp => new PolicyCatalog(sp.GetRequiredService<IOptions<PrivacyEnforcementOptions>>().Value.LoadPolicy()));
        services.TryAddSingleton<IPolicyProvider>(sp => sp.GetRequiredService<PolicyCatalog>());
    }
}
