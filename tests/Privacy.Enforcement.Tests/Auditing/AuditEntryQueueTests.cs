using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>The bounded queue: never more than its capacity, a caller waiting for room gets in once an entry is taken, and completion refuses waiting and later callers.</summary>
public class AuditEntryQueueTests
{
    [Fact]
    public async Task A_full_queue_admits_a_waiting_caller_when_entries_are_taken_keeps_order_and_refuses_after_completion()
    {
        using var meter = new Meter("queue-" + Guid.NewGuid().ToString("N"));
        var time = new FakeTimeProvider(AuditTestData.Start);
        var queue = new AuditEntryQueue(new AuditTrailOptions { QueueCapacity = 2, Timeout = TimeSpan.FromSeconds(30) }, time, new AuditTelemetry(meter));
        var first = new AuditEntry(AuditTestData.Event(1));
        var second = new AuditEntry(AuditTestData.Event(2));
        var third = new AuditEntry(AuditTestData.Event(3));
        queue.TryEnqueue(first).Should().BeTrue();
        queue.TryEnqueue(second).Should().BeTrue();
        queue.TryEnqueue(third).Should().BeFalse("the queue holds two");
        queue.HasRoom.Should().BeFalse();

        var waiting = queue.WaitForRoomAsync(third, default).AsTask();
        waiting.IsCompleted.Should().BeFalse();
        queue.TryDequeue(out var taken).Should().BeTrue();
        taken.Should().BeSameAs(first);
        queue.Taken(1);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        var fourth = new AuditEntry(AuditTestData.Event(4));
        var refused = queue.WaitForRoomAsync(fourth, default).AsTask();
        queue.Complete();
        await FluentActions.Awaiting(() => refused.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<AuditUnavailableException>().WithMessage("*shut down*");
        queue.TryEnqueue(new AuditEntry(AuditTestData.Event(5))).Should().BeFalse("a completed queue takes nothing");
        queue.IsCompleted.Should().BeFalse("two entries are still queued");
        queue.TryDequeue(out var next).Should().BeTrue();
        next.Should().BeSameAs(second);
        queue.TryDequeue(out next).Should().BeTrue();
        next.Should().BeSameAs(third);
        queue.Taken(2);
        queue.IsCompleted.Should().BeTrue();
        queue.HasQueued.Should().BeFalse();
    }

    [Fact]
    public async Task A_caller_waiting_for_room_is_refused_after_the_timeout_of_the_trails_clock()
    {
        using var meter = new Meter("queue-" + Guid.NewGuid().ToString("N"));
        var time = new FakeTimeProvider(AuditTestData.Start);
        var queue = new AuditEntryQueue(new AuditTrailOptions { QueueCapacity = 1, Timeout = TimeSpan.FromSeconds(5) }, time, new AuditTelemetry(meter));
        queue.TryEnqueue(new AuditEntry(AuditTestData.Event(1))).Should().BeTrue();
        var entry = new DurableAuditEntry(AuditTestData.Event(2), long.MaxValue);

        var waiting = queue.WaitForRoomAsync(entry, default).AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        waiting.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        await FluentActions.Awaiting(() => waiting.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<AuditUnavailableException>().WithMessage("*stayed full*");
        await FluentActions.Awaiting(async () => await entry.AsValueTask()).Should().ThrowAsync<AuditUnavailableException>("the caller's wait is closed too");
        queue.HasQueued.Should().BeTrue();
    }
}
