using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>Options of the decision engine.</summary>
public sealed class PrivacyDecisionOptions
{
    /// <summary>Gets or sets a value indicating whether each decision is recorded in the audit trail before it returns (default <see langword="true"/>). Turn off only for benchmarks.</summary>
    public bool AuditDecisions { get; set; } = true;

    /// <summary>
    /// Gets or sets how long reading a subject's state (and, with audit on, its pseudonym) from the stores may take
    /// before the decision is denied as indeterminate (default 5 seconds). The wait is bounded by the library's
    /// <see cref="TimeProvider"/>, whether or not the store observes its cancellation token.
    /// </summary>
    public TimeSpan StateLoadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the time a provider has after its engagement ends to return or delete what it holds (<c>use.third-party.service-end</c>; default 30 days).</summary>
    public TimeSpan ReturnOrDeletePeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets or sets how many subjects' compiled state the decision cache keeps (default 100,000; about 1 KB each with
    /// ten consents). Past it, a random sixteenth of the cached subjects is dropped and read again from the stores on
    /// their next decision.
    /// </summary>
    public int MaxCachedSubjects { get; set; } = 100_000;
}

/// <summary>Validates <see cref="PrivacyDecisionOptions"/> at start-up.</summary>
internal sealed class PrivacyDecisionOptionsValidator : IValidateOptions<PrivacyDecisionOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyDecisionOptions options)
    {
        if (options.StateLoadTimeout <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail($"{nameof(PrivacyDecisionOptions)}.{nameof(PrivacyDecisionOptions.StateLoadTimeout)} must be positive.");
        }

        if (options.MaxCachedSubjects < 1)
        {
            return ValidateOptionsResult.Fail($"{nameof(PrivacyDecisionOptions)}.{nameof(PrivacyDecisionOptions.MaxCachedSubjects)} must be at least 1.");
        }

        return options.ReturnOrDeletePeriod < TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"{nameof(PrivacyDecisionOptions)}.{nameof(PrivacyDecisionOptions.ReturnOrDeletePeriod)} must not be negative.")
            : ValidateOptionsResult.Success;
    }
}
