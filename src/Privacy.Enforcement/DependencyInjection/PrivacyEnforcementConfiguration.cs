using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Engagements;
using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement;

/// <summary>
/// The one binding path from configuration to the options: <c>PrivacyEnforcement</c> binds
/// <see cref="PrivacyEnforcementOptions"/>, each subsection named by an options class's <c>SectionName</c> binds that class.
/// </summary>
/// <remarks>
/// Order: a binding is inserted ahead of every code configuration of the same options (after the bindings already
/// there), so configuration is applied first and code after it, whichever was called first; code wins, as in ASP.NET
/// Core. A section bound twice (same path) is bound once, so list values such as <c>Affiliates</c> are not doubled.
/// </remarks>
internal static class PrivacyEnforcementConfiguration
{
    internal static void Bind(IServiceCollection services, IConfigurationSection section)
    {
        BindFirst<PrivacyEnforcementOptions>(services, section);
        BindFirst<PrivacyDecisionOptions>(services, section.GetSection(PrivacyDecisionOptions.SectionName));
        BindFirst<AuditTrailOptions>(services, section.GetSection(AuditTrailOptions.SectionName));
        BindFirst<EngagementOptions>(services, section.GetSection(EngagementOptions.SectionName));
        BindFirst<SubjectRightsOptions>(services, section.GetSection(SubjectRightsOptions.SectionName));
        BindFirst<ConsentReceiptOptions>(services, section.GetSection(ConsentReceiptOptions.SectionName));
        BindFirst<KeyEncryptionKeyRotationOptions>(services, section.GetSection(KeyEncryptionKeyRotationOptions.SectionName));
    }

    private static void BindFirst<TOptions>(IServiceCollection services, IConfigurationSection section)
        where TOptions : class
    {
        var lastBinding = -1;
        var firstCode = -1;
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IConfigureOptions<TOptions>) || descriptor.IsKeyedService)
            {
                continue;
            }

            if (descriptor.ImplementationInstance is ConfigurationBinding<TOptions> binding)
            {
                if (string.Equals(binding.Path, section.Path, StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                lastBinding = i;
            }
            else if (firstCode < 0)
            {
                firstCode = i;
            }
        }

        var at = lastBinding >= 0 ? lastBinding + 1 : firstCode >= 0 ? firstCode : services.Count;
        services.Insert(at, ServiceDescriptor.Singleton<IConfigureOptions<TOptions>>(new ConfigurationBinding<TOptions>(section)));
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(Options.DefaultName, section));
    }

    private sealed class ConfigurationBinding<TOptions>(IConfigurationSection section) : IConfigureOptions<TOptions>
        where TOptions : class
    {
        public string Path => section.Path;

        public void Configure(TOptions options) => section.Bind(options);
    }
}
