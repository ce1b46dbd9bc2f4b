using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.Engagements;

/// <summary>Validates each <see cref="EngagementOptions"/> value against its data annotations (generated).</summary>
[OptionsValidator]
internal sealed partial class EngagementOptionsAnnotationsValidator : IValidateOptions<EngagementOptions>;

/// <summary>
/// Validates <see cref="EngagementOptions"/> at start-up: each value's range by its annotation, named by its
/// configuration path, and by hand the one rule that spans two values (the longest retry delay is at least the first).
/// </summary>
internal sealed class EngagementOptionsValidator : IValidateOptions<EngagementOptions>
{
    private static readonly OptionsPathValidator<EngagementOptions> Annotations = new(new EngagementOptionsAnnotationsValidator(), EngagementOptions.Path);

    public ValidateOptionsResult Validate(string? name, EngagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = Annotations.Validate(name, options);
        List<string> failures = result.Failed ? [.. result.Failures] : [];
        if (options.HandlerMaxRetryDelay < options.HandlerRetryDelay)
        {
            failures.Add(
                $"{EngagementOptions.Path}:{nameof(EngagementOptions.HandlerMaxRetryDelay)} is {options.HandlerMaxRetryDelay}; it must be between {nameof(EngagementOptions.HandlerRetryDelay)} ({options.HandlerRetryDelay}) and 1.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
