using System.Diagnostics.Metrics;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// The audit pipeline's instruments on the library's meter (one per container, from its <see cref="IMeterFactory"/>),
/// handed to each part of the pipeline that records. No tag carries personal data.
/// </summary>
internal sealed class AuditTelemetry
{
    public AuditTelemetry(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        QueueDepth = meter.CreateUpDownCounter<long>("privacy.audit.queue.depth", "{event}", "Audit events waiting to be written.");
        BatchSize = meter.CreateHistogram<int>("privacy.audit.batch.size", "{event}", "Audit events per group-committed batch.");
        WriteDuration = meter.CreateHistogram<double>("privacy.audit.write.duration", "s", "Time to write one batch durably.");
        WriteFailures = meter.CreateCounter<long>("privacy.audit.write.failures", "{failure}", "Failed batch writes (retried).");
        Rechained = meter.CreateCounter<long>("privacy.audit.events.rechained", "{event}", "Audit events re-sealed onto a head another instance moved (a shared trail; not a failure).");
        Recorded = meter.CreateCounter<long>("privacy.audit.events.written", "{event}", "Audit events written durably.");
        Unavailable = meter.CreateCounter<long>("privacy.audit.unavailable", "{event}", "Recordings refused because the trail was unavailable (the decision was denied).");
        CheckpointFailures = meter.CreateCounter<long>("privacy.audit.checkpoint.failures", "{failure}", "Failed checkpoint writes.");
    }

    public UpDownCounter<long> QueueDepth { get; }

    public Histogram<int> BatchSize { get; }

    public Histogram<double> WriteDuration { get; }

    public Counter<long> WriteFailures { get; }

    public Counter<long> Rechained { get; }

    public Counter<long> Recorded { get; }

    public Counter<long> Unavailable { get; }

    public Counter<long> CheckpointFailures { get; }
}
