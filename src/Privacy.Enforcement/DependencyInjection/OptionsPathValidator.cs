using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>
/// Runs a generated data-annotation validator and names each failing member by its configuration path
/// (<c>PrivacyEnforcement:Audit:Timeout: The field ... must be between ...</c>), so an operator finds the setting.
/// </summary>
/// <typeparam name="TOptions">The options.</typeparam>
internal sealed class OptionsPathValidator<TOptions>(IValidateOptions<TOptions> generated, string path) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = generated.Validate(name, options);
        return result.Failed ? ValidateOptionsResult.Fail(result.Failures.Select(failure => $"{path}:{failure}")) : result;
    }

    /// <summary>Registers <paramref name="generated"/> named by <paramref name="path"/>; safe to call twice.</summary>
    internal static void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services, IValidateOptions<TOptions> generated, string path) =>
        Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddEnumerable(
            services,
            Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new OptionsPathValidator<TOptions>(generated, path)));
}
