using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>Options of the decision engine, bound from <c>PrivacyEnforcement:Decisions</c>, set in code with <c>ConfigureDecisions</c>, validated at start-up.</summary>
public sealed class PrivacyDecisionOptions
{
    /// <summary>The configuration section, under <see cref="PrivacyEnforcementOptions.SectionName"/>, the options bind from.</summary>
    public const string SectionName = "Decisions";

    /// <summary>The full configuration path, for messages.</summary>
    internal const string Path = PrivacyEnforcementOptions.SectionName + ":" + SectionName;

    /// <summary>Gets or sets a value indicating whether each decision is recorded in the audit trail before it returns (default <see langword="true"/>). Turn off only for benchmarks.</summary>
    public bool AuditDecisions { get; set; } = true;

    /// <summary>
    /// Gets or sets how long reading a subject's state (and, with audit on, its pseudonym) from the stores may take
    /// before the decision is denied as indeterminate (default 5 seconds). The wait is bounded by the library's
    /// <see cref="TimeProvider"/>, whether or not the store observes its cancellation token.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "10675199.02:48:05.4775807")]
    public TimeSpan StateLoadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the time a provider has after its engagement ends to return or delete what it holds (<c>use.third-party.service-end</c>; default 30 days).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807")]
    public TimeSpan ReturnOrDeletePeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets or sets how many subjects' compiled state the decision cache keeps (default 100,000; about 1 KB each with
    /// ten consents). Past it, a random sixteenth of the cached subjects is dropped and read again from the stores on
    /// their next decision.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxCachedSubjects { get; set; } = 100_000;
}

/// <summary>Validates <see cref="PrivacyDecisionOptions"/> against its data annotations at start-up (generated).</summary>
[OptionsValidator]
internal sealed partial class PrivacyDecisionOptionsValidator : IValidateOptions<PrivacyDecisionOptions>;
