using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// One trail written by several instances (store.integrity): a writer whose head another writer moved re-chains its
/// unwritten events onto the real head — at once, without counting a failure — and the trail stays one chain.
/// </summary>
public class AuditSharedTrailTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_head_moved_by_a_foreign_writer_is_rechained_onto_at_once_without_backoff()
    {
        // The clock never moves and a failure would wait an hour: every record completing proves no back-off was taken.
        var time = new FakeTimeProvider(AuditTestData.Start);
        var sink = new ForeignWriterSink(call => call % 2 == 1 ? 3 : 0);
        await using var trail = new AuditTrailPipeline(sink, sink, null, null, new AuditTrailOptions { RetryInitialDelay = TimeSpan.FromHours(1), RetryMaxDelay = TimeSpan.FromHours(1) }, time);

        for (var i = 1; i <= 20; i++)
        {
            await trail.RecordAsync(AuditTestData.Event(i), default).AsTask().WaitAsync(Wait);
        }

        var events = sink.Inner.Snapshot();
        AuditTrailVerifier.Verify(events).IsValid.Should().BeTrue();
        events.Where(e => e.CorrelationId!.StartsWith("c-", StringComparison.Ordinal)).Select(e => e.CorrelationId)
            .Should().Equal(Enumerable.Range(1, 20).Select(i => "c-" + i));
        events.Count(e => e.CorrelationId!.StartsWith("foreign-", StringComparison.Ordinal)).Should().Be(sink.ForeignEvents);
        sink.Conflicts.Should().BeGreaterThanOrEqualTo(10);
        trail.LastSequence.Should().Be(events.Last(e => e.CorrelationId!.StartsWith("c-", StringComparison.Ordinal)).Sequence);
    }

    [Fact]
    public async Task A_torn_write_then_a_foreign_append_keeps_the_written_part_once_and_rechains_the_rest()
    {
        var sink = new ForeignWriterSink(_ => 0) { TearOnCall = 2 };
        var trail = new AuditTrailPipeline(sink, sink, null, null, new AuditTrailOptions { Mode = AuditTrailMode.Asynchronous, RetryInitialDelay = TimeSpan.FromMilliseconds(1) }, TimeProvider.System);

        // Event 1 is written alone while 2..10 queue behind the gate, so the second call carries all nine.
        await trail.RecordAsync(AuditTestData.Event(1), default);
        await sink.FirstCallStarted.Task.WaitAsync(Wait);
        for (var i = 2; i <= 10; i++)
        {
            await trail.RecordAsync(AuditTestData.Event(i), default);
        }

        sink.Release();
        await trail.DisposeAsync();

        var events = sink.Inner.Snapshot();
        AuditTrailVerifier.Verify(events).IsValid.Should().BeTrue();
        events.Select(e => e.CorrelationId).Should().Equal(
            ["c-1", "c-2", "c-3", "c-4", "c-5", "foreign-1", "foreign-2", "foreign-3", "c-6", "c-7", "c-8", "c-9", "c-10"],
            "the torn write's first half stays where it was written; the rest follows the foreign events, each once");
        sink.Conflicts.Should().Be(1);
    }

    [Fact]
    public async Task Two_pipelines_over_one_sink_keep_one_chain_with_every_event_once_and_true_checkpoints()
    {
        var sink = new InMemoryAuditSink();
        var options = new AuditTrailOptions { MaxBatchSize = 16, CheckpointEveryEvents = 25 };
        await using var a = new AuditTrailPipeline(sink, sink, sink, null, options, TimeProvider.System);
        await using var b = new AuditTrailPipeline(sink, sink, sink, null, options, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(1, 400).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? a : b).RecordAsync(AuditTestData.Event(i), default).AsTask().WaitAsync(Wait))));
        await a.DisposeAsync();
        await b.DisposeAsync();

        var events = sink.Snapshot();
        events.Select(e => e.CorrelationId).Should().BeEquivalentTo(Enumerable.Range(1, 400).Select(i => "c-" + i));
        var checkpoints = sink.CheckpointSnapshot();
        checkpoints.Should().NotBeEmpty();
        var verification = AuditTrailVerifier.Verify(events, checkpoints);
        verification.IsValid.Should().BeTrue(verification.Message);
        verification.CheckpointsVerified.Should().Be(checkpoints.Count);
    }

    [Fact]
    public async Task A_sink_reporting_a_head_that_does_not_cover_the_batch_is_a_failure_retried_with_backoff()
    {
        var time = new TimerWatchingTimeProvider(AuditTestData.Start);
        var sink = new ForeignWriterSink(_ => 0) { LieOnCall = 1 };
        await sink.Inner.AppendAsync(AuditTestData.Chain(2), default);
        await using var trail = new AuditTrailPipeline(sink, sink, null, null, new AuditTrailOptions { RetryInitialDelay = TimeSpan.FromSeconds(1) }, time);

        var record = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();
        await sink.FirstCallStarted.Task.WaitAsync(Wait);
        sink.Release();
        await time.WhenArmed(TimeSpan.FromSeconds(1)).WaitAsync(Wait); // the back-off after the failed write
        record.IsCompleted.Should().BeFalse("a head that did not move is no reason to retry at once");

        time.Advance(TimeSpan.FromSeconds(1));
        await record.WaitAsync(Wait);
        sink.Inner.Snapshot().Select(e => e.CorrelationId).Should().Equal("c-1", "c-2", "c-1");
        AuditTrailVerifier.Verify(sink.Inner.Snapshot()).IsValid.Should().BeTrue();
    }

    /// <summary>
    /// A shared sink over an in-memory trail where another writer appends properly chained events just before chosen
    /// calls (or in the middle of a torn one), as a second instance would.
    /// </summary>
    private sealed class ForeignWriterSink(Func<int, int> foreignBeforeCall) : ISharedAuditSink, IAuditTrailReader
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public InMemoryAuditSink Inner { get; } = new();

        public int TearOnCall { get; init; }

        public int LieOnCall { get; init; }

        public int ForeignEvents { get; private set; }

        public int Conflicts { get; private set; }

        public TaskCompletionSource FirstCallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A shared sink is written through AppendAsync.");

        public async ValueTask<AuditAppendResult> AppendAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
        {
            var call = ++_calls;
            if (call == 1 && (TearOnCall > 0 || LieOnCall > 0))
            {
                FirstCallStarted.TrySetResult();
                await _gate.Task.WaitAsync(cancellationToken);
            }

            if (call == LieOnCall)
            {
                // The head the writer already knew: it did not move, so there is nothing to re-chain onto.
                var head = (await Inner.ReadLastAsync(cancellationToken))!;
                return AuditAppendResult.HeadMoved(head.Sequence, head.Hash, 0);
            }

            if (call == TearOnCall)
            {
                await Inner.AppendAsync(batch.Take(batch.Count / 2).ToList(), cancellationToken);
                await AppendForeignAsync(3, cancellationToken);
                throw new IOException("Injected failure after a partial write.");
            }

            await AppendForeignAsync(foreignBeforeCall(call), cancellationToken);
            var result = await Inner.AppendAsync(batch, cancellationToken);
            Conflicts += result.IsHeadMoved ? 1 : 0;
            return result;
        }

        public IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, CancellationToken cancellationToken) => Inner.ReadAsync(fromSequence, cancellationToken);

        public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken) => Inner.ReadLastAsync(cancellationToken);

        private async ValueTask AppendForeignAsync(int count, CancellationToken cancellationToken)
        {
            for (var i = 0; i < count; i++)
            {
                var head = await Inner.ReadLastAsync(cancellationToken);
                var foreign = AuditTestData.Event(1000 + ForeignEvents) with { CorrelationId = "foreign-" + (++ForeignEvents) };
                (await Inner.AppendAsync([AuditHashChain.Seal(foreign, (head?.Sequence ?? 0) + 1, head?.Hash ?? AuditHashChain.GenesisHash)], cancellationToken)).IsHeadMoved.Should().BeFalse();
            }
        }
    }
}
