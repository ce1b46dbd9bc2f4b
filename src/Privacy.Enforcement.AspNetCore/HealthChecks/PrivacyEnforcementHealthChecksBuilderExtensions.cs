using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>services.AddHealthChecks().AddPrivacyEnforcement()</c>.</summary>
public static class PrivacyEnforcementHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds the privacy health check: the stores answer, the audit queue depth and the last write failure (from the
    /// library's own instruments), and whether the audit trail read back verified at start. Unhealthy when a store
    /// does not answer or the trail did not verify; Degraded while it is verified, when the queue is deep or a write
    /// failed recently.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">The status reported on failure; Unhealthy when <see langword="null"/>.</param>
    /// <param name="tags">The check's tags.</param>
    /// <param name="configure">Configures the thresholds.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddPrivacyEnforcement(
        this IHealthChecksBuilder builder, string name = "privacy-enforcement", HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null, Action<PrivacyHealthOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        var options = new PrivacyHealthOptions();
        configure?.Invoke(options);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<PrivacyEnforcementHealthMonitor>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PrivacyEnforcementHealthMonitor>(static sp => sp.GetRequiredService<PrivacyEnforcementHealthMonitor>()));
        return builder.Add(new HealthCheckRegistration(
            name, sp => new PrivacyEnforcementHealthCheck(sp, sp.GetRequiredService<PrivacyEnforcementHealthMonitor>(), options), failureStatus, tags));
    }
}
