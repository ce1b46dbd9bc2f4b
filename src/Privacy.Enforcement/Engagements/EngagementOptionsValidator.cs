using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>Validates <see cref="EngagementOptions"/> at start-up; each failure names the option and its bounds.</summary>
internal sealed class EngagementOptionsValidator : IValidateOptions<EngagementOptions>
{
    private static readonly TimeSpan MinDeadline = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(3650);
    private static readonly TimeSpan MinRescan = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRescan = TimeSpan.FromDays(1);

    public ValidateOptionsResult Validate(string? name, EngagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        if (options.ReturnOrDeleteDeadline < MinDeadline || options.ReturnOrDeleteDeadline > MaxDeadline)
        {
            (failures ??= []).Add(
                $"{nameof(EngagementOptions)}.{nameof(EngagementOptions.ReturnOrDeleteDeadline)} is {options.ReturnOrDeleteDeadline}; it must be between {MinDeadline} and {MaxDeadline} (use.third-party.service-end).");
        }

        if (options.MonitorRescanInterval < MinRescan || options.MonitorRescanInterval > MaxRescan)
        {
            (failures ??= []).Add(
                $"{nameof(EngagementOptions)}.{nameof(EngagementOptions.MonitorRescanInterval)} is {options.MonitorRescanInterval}; it must be between {MinRescan} and {MaxRescan}.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
