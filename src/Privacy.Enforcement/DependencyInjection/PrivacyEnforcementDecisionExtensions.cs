using Microsoft.Extensions.DependencyInjection.Extensions;
using Privacy.Enforcement;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the decision engine.</summary>
public static class PrivacyEnforcementDecisionExtensions
{
    /// <summary>Configures the decision engine (audit of decisions, state load timeout, return-or-delete period).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder ConfigureDecisions(this PrivacyEnforcementBuilder builder, Action<PrivacyDecisionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Registers the enforcer, the subject state cache and the clock; safe to call more than once.</summary>
    /// <param name="services">The services.</param>
    internal static void AddPrivacyDecisions(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PrivacyDecisionOptions>().ValidateOnStart();
        OptionsPathValidator<PrivacyDecisionOptions>.Register(services, new PrivacyDecisionOptionsValidator(), PrivacyDecisionOptions.Path);
        services.TryAddSingleton<SubjectStateCache>();
        services.TryAddSingleton<ISubjectStateCache>(static sp => sp.GetRequiredService<SubjectStateCache>());
        services.TryAddSingleton<IPrivacyEnforcer, PrivacyEnforcer>();
        services.TryAddSingleton<IPolicyExplainer, PolicyExplainer>();
    }
}
