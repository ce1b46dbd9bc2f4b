namespace Privacy.Enforcement;

/// <summary>Options of service engagements, bound from <c>PrivacyEnforcement:Engagements</c> and validated at start-up.</summary>
public sealed class EngagementOptions
{
    /// <summary>The configuration section, under <see cref="PrivacyEnforcementOptions.SectionName"/>, the options bind from.</summary>
    public const string SectionName = "Engagements";

    /// <summary>
    /// Gets or sets how long a provider has, from the end of its engagement, to return or delete what it holds
    /// (<c>use.third-party.service-end</c>). Default 30 days; between one minute and 3650 days.
    /// </summary>
    public TimeSpan ReturnOrDeleteDeadline { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets or sets the longest the end monitor sleeps before it looks at the store again, so that engagements created
    /// by another instance are noticed. Default one hour; between one second and one day.
    /// </summary>
    public TimeSpan MonitorRescanInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets a value indicating whether the hosted end monitor runs; turn it off when another process emits the obligations. Default on.</summary>
    public bool EnableEndMonitor { get; set; } = true;
}
