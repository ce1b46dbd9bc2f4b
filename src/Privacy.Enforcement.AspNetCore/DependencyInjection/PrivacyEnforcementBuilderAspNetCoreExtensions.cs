using Microsoft.Extensions.DependencyInjection.Extensions;
using Privacy.Enforcement.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ASP.NET Core integration: <c>AddPrivacyEnforcement(...).AddAspNetCore()</c>.</summary>
public static class PrivacyEnforcementBuilderAspNetCoreExtensions
{
    /// <summary>
    /// Registers subject resolution (<see cref="ClaimsSubjectResolver"/> unless the host registered its own
    /// <see cref="ISubjectResolver"/>), the <c>RequirePrivacy</c> filters, Global Privacy Control, the privacy
    /// endpoints' services and their rate limiting policy. Safe to call twice.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static PrivacyEnforcementBuilder AddAspNetCore(this PrivacyEnforcementBuilder builder, Action<PrivacyWebOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<PrivacyWebOptions>().BindConfiguration(PrivacyWebOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(static o => o.RecentAuthenticationWindow > TimeSpan.Zero, $"{nameof(PrivacyWebOptions)}.{nameof(PrivacyWebOptions.RecentAuthenticationWindow)} must be positive.")
               .Validate(static o => o.SubjectRightsPermitLimit > 0, $"{nameof(PrivacyWebOptions)}.{nameof(PrivacyWebOptions.SubjectRightsPermitLimit)} must be positive.")
               .Validate(static o => o.SubjectRightsWindow > TimeSpan.Zero, $"{nameof(PrivacyWebOptions)}.{nameof(PrivacyWebOptions.SubjectRightsWindow)} must be positive.")
               .Validate(static o => !string.IsNullOrWhiteSpace(o.ProblemTypePrefix) && Uri.TryCreate(o.ProblemTypePrefix + "x", UriKind.Absolute, out _),
                   $"{nameof(PrivacyWebOptions)}.{nameof(PrivacyWebOptions.ProblemTypePrefix)} must begin an absolute URI.")
               .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISubjectResolver, ClaimsSubjectResolver>();
        services.TryAddSingleton<PrivacyProblemFactory>();
        services.TryAddSingleton<GlobalPrivacyControlHandler>();
        services.TryAddSingleton<PrivacyGate>();
        PrivacyEndpoints.AddServices(services);
        return builder;
    }
}
