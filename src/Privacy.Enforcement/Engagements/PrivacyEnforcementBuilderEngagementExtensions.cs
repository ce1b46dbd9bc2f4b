using Privacy.Enforcement.Engagements;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures service engagements on the <see cref="PrivacyEnforcementBuilder"/>.</summary>
public static class PrivacyEnforcementBuilderEngagementExtensions
{
    /// <summary>Configures the engagement options (the end monitor; the return-or-delete deadline is set with <c>ConfigureDecisions</c>).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder ConfigureEngagements(this PrivacyEnforcementBuilder builder, Action<EngagementOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
