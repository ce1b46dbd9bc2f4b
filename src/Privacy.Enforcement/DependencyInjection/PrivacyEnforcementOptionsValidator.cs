using Microsoft.Extensions.Options;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement;

/// <summary>Validates the options at start-up: one policy source, and that its policy loads and validates.</summary>
internal sealed class PrivacyEnforcementOptionsValidator : IValidateOptions<PrivacyEnforcementOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyEnforcementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PolicySourceCount > 1)
        {
            return ValidateOptionsResult.Fail(
                "More than one policy source is set; set only one of PolicyFile, PolicyJson or a policy document (UsePolicyFile, UsePolicyDocument or UseStandardPolicy).");
        }

        try
        {
            options.LoadPolicy();
            return ValidateOptionsResult.Success;
        }
        catch (PolicyValidationException exception)
        {
            return ValidateOptionsResult.Fail(exception.Errors.Select(e => $"The policy from {options.PolicySourceDescription} is invalid at {e.Path}: {e.Message}"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ValidateOptionsResult.Fail($"{options.PolicySourceDescription} cannot be read: {exception.Message}");
        }
    }
}
