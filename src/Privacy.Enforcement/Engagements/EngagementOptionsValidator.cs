using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>Validates <see cref="EngagementOptions"/> at start-up; each failure names the option and its bounds.</summary>
internal sealed class EngagementOptionsValidator : IValidateOptions<EngagementOptions>
{
    private static readonly TimeSpan MinRescan = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRescan = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, EngagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MonitorRescanInterval < MinRescan || options.MonitorRescanInterval > MaxRescan)
        {
            return ValidateOptionsResult.Fail(
                $"{nameof(EngagementOptions)}.{nameof(EngagementOptions.MonitorRescanInterval)} is {options.MonitorRescanInterval}; it must be between {MinRescan} and {MaxRescan}.");
        }

        if (options.HandlerRetryDelay < MinRescan || options.HandlerRetryDelay > MaxRescan)
        {
            return ValidateOptionsResult.Fail(
                $"{nameof(EngagementOptions)}.{nameof(EngagementOptions.HandlerRetryDelay)} is {options.HandlerRetryDelay}; it must be between {MinRescan} and {MaxRescan}.");
        }

        return options.HandlerMaxRetryDelay < options.HandlerRetryDelay || options.HandlerMaxRetryDelay > MaxRescan
            ? ValidateOptionsResult.Fail(
                $"{nameof(EngagementOptions)}.{nameof(EngagementOptions.HandlerMaxRetryDelay)} is {options.HandlerMaxRetryDelay}; it must be between {nameof(EngagementOptions.HandlerRetryDelay)} ({options.HandlerRetryDelay}) and {MaxRescan}.")
            : ValidateOptionsResult.Success;
    }
}
