using Privacy.Enforcement.Consents;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures consents on the <see cref="PrivacyEnforcementBuilder"/>.</summary>
public static class PrivacyEnforcementBuilderConsentExtensions
{
    /// <summary>Configures what the host adds to every consent receipt (jurisdiction, where the policy can be read).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder ConfigureConsentReceipts(this PrivacyEnforcementBuilder builder, Action<ConsentReceiptOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }
}
