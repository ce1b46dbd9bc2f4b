using System.ComponentModel.DataAnnotations;

namespace Privacy.Enforcement.Engagements;

/// <summary>
/// Options of the engagement end monitor, bound from <c>PrivacyEnforcement:Engagements</c> and validated at start-up.
/// The return-or-delete deadline is <see cref="PrivacyDecisionOptions.ReturnOrDeletePeriod"/>: one setting, so the
/// obligation an end emits and the one a later denied decision carries name the same deadline.
/// </summary>
public sealed class EngagementOptions
{
    /// <summary>The configuration section, under <see cref="PrivacyEnforcementOptions.SectionName"/>, the options bind from.</summary>
    public const string SectionName = "Engagements";

    /// <summary>The full configuration path, for messages.</summary>
    internal const string Path = PrivacyEnforcementOptions.SectionName + ":" + SectionName;

    /// <summary>
    /// Gets or sets the longest the end monitor sleeps before it looks at the store again, so that engagements created
    /// by another instance are noticed. Default one hour; between one second and one day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MonitorRescanInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how long after a failed delivery of an engagement's end to the <see cref="IEngagementEndHandler"/>s
    /// it is made again; each further failure doubles the wait, up to <see cref="HandlerMaxRetryDelay"/>. Default one
    /// minute; between one second and one day.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HandlerRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the longest wait between two deliveries of an end the handlers did not take. Default one hour; between <see cref="HandlerRetryDelay"/> and one day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HandlerMaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets a value indicating whether the hosted end monitor runs; turn it off when another process emits the obligations. Default on.</summary>
    public bool EnableEndMonitor { get; set; } = true;
}
