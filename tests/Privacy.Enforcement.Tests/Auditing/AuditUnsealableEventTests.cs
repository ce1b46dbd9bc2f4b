using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// An event that cannot be sealed (here: the head it would chain onto is not a hash) is never written. Its durable
/// caller is told and denies; an asynchronous caller has returned already, so the loss must be counted and logged,
/// without the event's contents, instead of vanishing.
/// </summary>
public class AuditUnsealableEventTests
{
    [Fact]
    public async Task An_event_that_cannot_be_sealed_is_counted_and_logged_in_asynchronous_mode_and_denied_in_durable_mode()
    {
        var options = new AuditTrailOptions { Mode = AuditTrailMode.Asynchronous };
        using var meter = new Meter("unsealable-" + Guid.NewGuid().ToString("N"));
        var unavailable = 0L;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter == meter && instrument.Name == "privacy.audit.unavailable")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref unavailable, value));
        listener.Start();
        var logger = new CollectingLogger();
        var telemetry = new AuditTelemetry(meter);
        var queue = new AuditEntryQueue(options, TimeProvider.System, telemetry);
        var handoff = new AuditWriterHandoff(queue, options, logger);
        var sealer = new AuditEventSealer(queue, handoff, telemetry, logger);
        sealer.StartFrom(3, "not a hash");
        sealer.Open();

        var asynchronous = new AuditEntry(AuditTestData.Event(1, subject: "subject-secret"));
        var durable = new DurableAuditEntry(AuditTestData.Event(2, subject: "subject-secret"), long.MaxValue);
        queue.TryEnqueue(asynchronous).Should().BeTrue();
        queue.TryEnqueue(durable).Should().BeTrue();
        sealer.SealQueued(byWriter: true);

        await FluentActions.Awaiting(async () => await durable.AsValueTask()).Should().ThrowAsync<AuditUnavailableException>();
        Interlocked.Read(ref unavailable).Should().Be(2, "both events are lost to the trail");
        logger.Entries.Should().ContainSingle(e => e.Id == 2011 && e.Level == LogLevel.Error, "only the asynchronous loss is silent otherwise");
        logger.Entries.Should().OnlyContain(e => !e.Message.Contains("subject-secret", StringComparison.Ordinal));
        handoff.IsEmpty.Should().BeTrue("nothing unsealed is handed to the writer");
        sealer.LastSequence.Should().Be(3);
        queue.HasQueued.Should().BeFalse();
    }

    private sealed class CollectingLogger : ILogger
    {
        public List<(int Id, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((eventId.Id, logLevel, formatter(state, exception) + exception));
            }
        }
    }
}
