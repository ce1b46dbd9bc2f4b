using Microsoft.Extensions.Time.Testing;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>Shutdown is bounded by the library's own clock, whatever the sink does with its token.</summary>
public class AuditShutdownTimeoutTests
{
    [Fact]
    public async Task Finding05_dispose_returns_after_the_shutdown_timeout_when_the_sink_hangs_and_ignores_its_token()
    {
        var time = new FakeTimeProvider(AuditTestData.Start);
        var sink = new DeafSink();
        var trail = new AuditTrailPipeline(
            sink, null, null, null, new AuditTrailOptions { Mode = AuditTrailMode.Asynchronous, ShutdownTimeout = TimeSpan.FromSeconds(5) }, time);
        await trail.RecordAsync(AuditTestData.Event(1), default);
        await sink.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var disposing = trail.DisposeAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        disposing.IsCompleted.Should().BeFalse("the shutdown timeout has not passed yet");
        time.Advance(TimeSpan.FromSeconds(1));

        // The wall-clock bound only keeps a failing run from hanging; the fake clock drives the shutdown timeout.
        await disposing.Invoking(d => d.WaitAsync(TimeSpan.FromSeconds(10))).Should().NotThrowAsync();
    }

    /// <summary>A sink whose write never completes and never looks at its token.</summary>
    private sealed class DeafSink : IAuditSink
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await new TaskCompletionSource().Task;
        }
    }
}
