namespace Privacy.Enforcement;

/// <summary>
/// The names a host subscribes to for the library's telemetry (for example
/// <c>metrics.AddMeter(PrivacyEnforcementTelemetry.MeterName)</c> and
/// <c>tracing.AddSource(PrivacyEnforcementTelemetry.ActivitySourceName)</c>). The instruments, their units and tags are
/// listed in the README; no tag, span or log message carries a subject id or other personal data.
/// </summary>
public static class PrivacyEnforcementTelemetry
{
    /// <summary>The name of the library's one <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string MeterName = "Privacy.Enforcement";

    /// <summary>The name of the library's one <see cref="System.Diagnostics.ActivitySource"/>.</summary>
    public const string ActivitySourceName = "Privacy.Enforcement";
}
