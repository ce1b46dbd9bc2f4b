using System.Diagnostics.Metrics;

namespace Privacy.Enforcement;

/// <summary>
/// The audit pipeline's instruments on the library's meter. No tag carries personal data.
/// </summary>
/// <remarks>The library-wide telemetry class did not exist yet when the audit pipeline was written; fold this into it when it does.</remarks>
internal static class AuditTelemetry
{
    public const string MeterName = PrivacyEnforcementTelemetry.MeterName;

    public static readonly Meter Meter = new(MeterName);

    public static readonly UpDownCounter<long> QueueDepth = Meter.CreateUpDownCounter<long>("privacy.audit.queue.depth", "{event}", "Audit events waiting to be written.");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>("privacy.audit.batch.size", "{event}", "Audit events per group-committed batch.");

    public static readonly Histogram<double> WriteDuration = Meter.CreateHistogram<double>("privacy.audit.write.duration", "s", "Time to write one batch durably.");

    public static readonly Counter<long> WriteFailures = Meter.CreateCounter<long>("privacy.audit.write.failures", "{failure}", "Failed batch writes (retried).");

    public static readonly Counter<long> Rechained = Meter.CreateCounter<long>("privacy.audit.events.rechained", "{event}", "Audit events re-sealed onto a head another instance moved (a shared trail; not a failure).");

    public static readonly Counter<long> Recorded = Meter.CreateCounter<long>("privacy.audit.events.written", "{event}", "Audit events written durably.");

    public static readonly Counter<long> Unavailable = Meter.CreateCounter<long>("privacy.audit.unavailable", "{event}", "Recordings refused because the trail was unavailable (the decision was denied).");

    public static readonly Counter<long> CheckpointFailures = Meter.CreateCounter<long>("privacy.audit.checkpoint.failures", "{failure}", "Failed checkpoint writes.");
}
