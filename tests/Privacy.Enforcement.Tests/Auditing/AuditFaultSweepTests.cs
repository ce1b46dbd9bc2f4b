using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Privacy.Enforcement.Tests.Auditing;

public class AuditFaultSweepTests
{
    private const int Events = 120;

    public static TheoryData<int> Calls()
    {
        var data = new TheoryData<int>();
        for (var n = 1; n <= 60; n++)
        {
            data.Add(n);
        }

        return data;
    }

    /// <summary>store.integrity: the sink fails (after a torn partial write) on its nth call; every event survives exactly once.</summary>
    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Store_integrity_a_sink_failing_on_its_nth_call_loses_and_duplicates_nothing(int n)
    {
        var sink = new FaultySink(call => call == n);
        var acknowledged = new ConcurrentBag<string>();
        var trail = new AuditTrailPipeline(sink, null, null, null, new AuditTrailOptions { MaxBatchSize = 2, RetryInitialDelay = TimeSpan.FromMilliseconds(1), Timeout = TimeSpan.FromSeconds(30) }, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < Events; i += 4)
            {
                await trail.RecordAsync(AuditTestData.Event(i), default);
                acknowledged.Add("c-" + i);
            }
        })));
        await trail.DisposeAsync();

        sink.Calls.Should().BeGreaterThan(n, "the failure must have happened and been recovered from");
        AssertExactlyOnceInOrder(sink.Inner.Snapshot(), acknowledged);
        acknowledged.Should().HaveCount(Events);
    }

    /// <summary>
    /// store.integrity: the sink is down from its nth call for long enough that callers time out. Callers that got
    /// success have their event; those refused were denied; nothing appears twice and the chain verifies.
    /// </summary>
    [Theory]
    [MemberData(nameof(Calls))]
    public async Task Store_integrity_an_outage_from_the_nth_call_never_loses_an_acknowledged_event(int n)
    {
        var time = new FakeTimeProvider(AuditTestData.Start);
        var sink = new FaultySink(call => call >= n && call < n + 3);
        var acknowledged = new ConcurrentBag<string>();
        var refused = 0;
        var trail = new AuditTrailPipeline(sink, null, null, null, new AuditTrailOptions { MaxBatchSize = 2, RetryInitialDelay = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(2) }, time);

        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; i < Events; i += 4)
            {
                try
                {
                    await trail.RecordAsync(AuditTestData.Event(i), default);
                    acknowledged.Add("c-" + i);
                }
                catch (AuditUnavailableException)
                {
                    Interlocked.Increment(ref refused); // the caller denies
                }
            }
        })).ToArray();

        // Drive time so that back-off delays and caller timeouts elapse.
        while (!workers.All(w => w.IsCompleted))
        {
            await Task.Delay(1);
            time.Advance(TimeSpan.FromMilliseconds(250));
        }

        await Task.WhenAll(workers);
        var dispose = trail.DisposeAsync();
        while (!dispose.IsCompleted)
        {
            await Task.Delay(1);
            time.Advance(TimeSpan.FromMilliseconds(250));
        }

        await dispose;
        var events = sink.Inner.Snapshot();
        AssertExactlyOnceInOrder(events, acknowledged);
        (acknowledged.Count + refused).Should().Be(Events);
        events.Should().HaveCountGreaterThanOrEqualTo(acknowledged.Count);
    }

    /// <summary>
    /// store.integrity under everything at once: many callers sealing for each other, a sink failing at random after
    /// torn writes, a small batch limit and callers cancelling at random. Every acknowledged event is written exactly
    /// once, nothing cancelled before sealing is written, and the chain verifies.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Store_integrity_concurrent_callers_random_failures_and_cancellations_lose_and_duplicate_nothing(int seed)
    {
        var random = new Random(seed);
        var failures = Enumerable.Range(0, 400).Select(_ => random.Next(8) == 0).ToArray();
        var sink = new FaultySink(call => call < failures.Length && failures[call]);
        var acknowledged = new ConcurrentBag<string>();
        var cancelled = 0;
        var trail = new AuditTrailPipeline(sink, null, null, null, new AuditTrailOptions { MaxBatchSize = 3, QueueCapacity = 16, RetryInitialDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(4), Timeout = TimeSpan.FromSeconds(60) }, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            var local = new Random(seed * 100 + worker);
            for (var i = worker; i < 16 * 60; i += 16)
            {
                using var cancel = new CancellationTokenSource();
                if (local.Next(6) == 0)
                {
                    cancel.CancelAfter(TimeSpan.FromMilliseconds(local.Next(3)));
                }

                try
                {
                    await trail.RecordAsync(AuditTestData.Event(i), cancel.Token);
                    acknowledged.Add("c-" + i);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                }
            }
        })));
        await trail.DisposeAsync();

        var events = sink.Inner.Snapshot();
        AssertExactlyOnceInOrder(events, acknowledged);
        events.Should().HaveCountLessThanOrEqualTo(acknowledged.Count + cancelled, "only acknowledged events and events sealed before their caller gave up are written");
        failures.Skip(1).Take(sink.Calls).Should().Contain(true, "the sink must have failed at least once and been retried");
        cancelled.Should().BeGreaterThan(0, "some callers must have given up");
    }

    private static void AssertExactlyOnceInOrder(IReadOnlyList<AuditEvent> events, IEnumerable<string> acknowledged)
    {
        events.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, events.Count).Select(i => (long)i));
        events.Select(e => e.CorrelationId).Should().OnlyHaveUniqueItems();
        AuditTrailVerifier.Verify(events).IsValid.Should().BeTrue();
        events.Select(e => e.CorrelationId).Should().Contain(acknowledged);
    }
}
