using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

public class AuditTrailPipelineTests
{
    private static AuditTrailPipeline Create(IAuditSink sink, AuditTrailOptions? options = null, TimeProvider? time = null, ICheckpointSink? checkpoints = null, IAuditCheckpointSigner? signer = null)
        => new(sink, null, checkpoints, signer, options ?? new AuditTrailOptions(), time ?? TimeProvider.System);

    [Fact]
    public async Task Durable_recording_returns_after_the_event_is_in_the_sink_sealed_in_order()
    {
        var sink = new InMemoryAuditSink();
        await using var trail = Create(sink);

        for (var i = 1; i <= 5; i++)
        {
            await trail.RecordAsync(AuditTestData.Event(i), default);
            sink.Count.Should().Be(i);
        }

        var events = sink.Snapshot();
        events.Select(e => e.Sequence).Should().Equal(1, 2, 3, 4, 5);
        events.Select(e => e.CorrelationId).Should().Equal("c-1", "c-2", "c-3", "c-4", "c-5");
        AuditTrailVerifier.Verify(events).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task Concurrent_durable_callers_are_group_committed_and_each_event_is_written_once()
    {
        var sink = new FaultySink(_ => false);
        await using var trail = Create(sink, new AuditTrailOptions { MaxBatchSize = 64 });

        await Task.WhenAll(Enumerable.Range(1, 400).Select(i => Task.Run(async () => await trail.RecordAsync(AuditTestData.Event(i), default))));

        var events = sink.Inner.Snapshot();
        events.Should().HaveCount(400);
        events.Select(e => e.CorrelationId).Should().OnlyHaveUniqueItems();
        AuditTrailVerifier.Verify(events).IsValid.Should().BeTrue();
        sink.Calls.Should().BeLessThanOrEqualTo(400);
    }

    [Fact]
    public async Task Asynchronous_mode_returns_before_the_write_and_dispose_flushes()
    {
        var sink = new GatedSink();
        var trail = Create(sink, new AuditTrailOptions { Mode = AuditTrailMode.Asynchronous });

        for (var i = 1; i <= 10; i++)
        {
            await trail.RecordAsync(AuditTestData.Event(i), default);
        }

        sink.Inner.Count.Should().Be(0);
        sink.Release();
        await trail.DisposeAsync();

        sink.Inner.Count.Should().Be(10);
        AuditTrailVerifier.Verify(sink.Inner.Snapshot()).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task Audit_unavailable_when_the_sink_does_not_write_within_the_timeout()
    {
        var time = new FakeTimeProvider(AuditTestData.Start);
        var sink = new GatedSink();
        await using var trail = Create(sink, new AuditTrailOptions { Timeout = TimeSpan.FromSeconds(2) }, time);

        var record = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();
        await sink.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        record.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(2));

        await record.Invoking(r => r.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<AuditUnavailableException>().WithMessage("*deny*");
        sink.Release();
    }

    [Fact]
    public async Task A_full_queue_makes_callers_wait_up_to_the_timeout_then_audit_unavailable()
    {
        var time = new FakeTimeProvider(AuditTestData.Start);
        var sink = new GatedSink();
        await using var trail = Create(sink, new AuditTrailOptions { Mode = AuditTrailMode.Asynchronous, QueueCapacity = 2, MaxBatchSize = 1, Timeout = TimeSpan.FromSeconds(1) }, time);

        await trail.RecordAsync(AuditTestData.Event(1), default);
        await sink.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await trail.RecordAsync(AuditTestData.Event(2), default);
        await trail.RecordAsync(AuditTestData.Event(3), default);
        var blocked = trail.RecordAsync(AuditTestData.Event(4), default).AsTask();
        blocked.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));

        await blocked.Invoking(b => b.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<AuditUnavailableException>().WithMessage("*queue stayed full*");
        sink.Release();
    }

    [Fact]
    public async Task A_failing_sink_is_retried_with_exponential_back_off_on_the_time_provider()
    {
        var time = new TimerWatchingTimeProvider(AuditTestData.Start);
        var sink = new FaultySink(call => call <= 3);
        await using var trail = Create(sink, new AuditTrailOptions { RetryInitialDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(3), Timeout = TimeSpan.FromHours(1) }, time);

        var record = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();

        // Each step waits for the writer's back-off timer to exist before moving the clock, so the clock never
        // runs ahead of a timer that is about to be armed.
        await time.WhenArmed(TimeSpan.FromSeconds(1)).WaitAsync(TimeSpan.FromSeconds(10));
        (sink.Calls, time.Armed(TimeSpan.FromSeconds(1))).Should().Be((1, 1));
        time.Advance(TimeSpan.FromMilliseconds(999)); // the fake clock runs every due timer inside Advance: an early retry would be made by now
        sink.Calls.Should().Be(1);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await time.WhenArmed(TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(10));
        (sink.Calls, time.Armed(TimeSpan.FromSeconds(2))).Should().Be((2, 1));
        time.Advance(TimeSpan.FromMilliseconds(1999));
        sink.Calls.Should().Be(2, "the second delay is twice the first");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await time.WhenArmed(TimeSpan.FromSeconds(3)).WaitAsync(TimeSpan.FromSeconds(10));
        (sink.Calls, time.Armed(TimeSpan.FromSeconds(3))).Should().Be((3, 1));
        time.Advance(TimeSpan.FromSeconds(3)); // capped at RetryMaxDelay
        await record.WaitAsync(TimeSpan.FromSeconds(10));

        sink.Inner.Snapshot().Should().ContainSingle().Which.Sequence.Should().Be(1);
    }

    [Fact]
    public async Task Checkpoints_are_written_by_count_and_on_dispose_and_signed()
    {
        var sink = new InMemoryAuditSink();
        var signer = new HmacSha256CheckpointSigner("k", new byte[32]);
        var trail = Create(sink, new AuditTrailOptions { CheckpointEveryEvents = 3, CheckpointInterval = TimeSpan.Zero }, checkpoints: sink, signer: signer);

        for (var i = 1; i <= 7; i++)
        {
            await trail.RecordAsync(AuditTestData.Event(i), default);
        }

        await trail.DisposeAsync();

        var checkpoints = sink.CheckpointSnapshot();
        checkpoints.Select(c => c.Size).Should().Equal(3, 6, 7);
        checkpoints.Should().OnlyContain(c => c.KeyId == "k" && c.Signature != null);
        AuditTrailVerifier.Verify(sink.Snapshot(), checkpoints, new AuditVerificationOptions { Signer = signer }).Should().Match<AuditVerificationResult>(r => r.IsValid && r.CheckpointsVerified == 3);
    }

    [Fact]
    public async Task A_checkpoint_sink_that_keeps_failing_is_retried_once_more_events_are_written_not_in_a_loop()
    {
        var sink = new InMemoryAuditSink();
        var checkpoints = new FailingCheckpointSink();
        var trail = Create(sink, new AuditTrailOptions { CheckpointEveryEvents = 2, CheckpointInterval = TimeSpan.Zero }, checkpoints: checkpoints);

        for (var i = 1; i <= 6; i++)
        {
            await trail.RecordAsync(AuditTestData.Event(i), default);
        }

        // A writer that retried a failed checkpoint in a loop would never fall asleep.
        await WaitForAsync(() => trail.IsWriterAsleep);
        var attemptsWhileIdle = checkpoints.Attempts;
        trail.IsWriterAsleep.Should().BeTrue();
        checkpoints.Attempts.Should().Be(attemptsWhileIdle, "an idle writer does not retry a failed checkpoint until more events are durable");
        await trail.DisposeAsync();

        sink.Count.Should().Be(6, "a failing checkpoint sink loses no event");
        checkpoints.Attempts.Should().BeInRange(3, 6, "one attempt after each durable event from the second on, and one on dispose");
    }

    [Fact]
    public async Task Checkpoints_are_written_by_time_while_idle()
    {
        var time = new FakeTimeProvider(AuditTestData.Start);
        var sink = new SignallingSink();
        await using var trail = Create(sink, new AuditTrailOptions { CheckpointEveryEvents = 0, CheckpointInterval = TimeSpan.FromMinutes(1) }, time, checkpoints: sink);

        await trail.RecordAsync(AuditTestData.Event(1), default);
        sink.Inner.CheckpointSnapshot().Should().BeEmpty();
        time.Advance(TimeSpan.FromMinutes(1));

        await sink.WhenCheckpointed(1).WaitAsync(TimeSpan.FromSeconds(10));
        sink.Inner.CheckpointSnapshot().Should().ContainSingle();
        sink.Inner.CheckpointSnapshot()[0].Should().Match<AuditCheckpoint>(c => c.Size == 1 && c.CreatedAt == AuditTestData.Start.AddMinutes(1));
    }

    [Fact]
    public async Task A_new_pipeline_resumes_after_the_sinks_last_event()
    {
        var sink = new InMemoryAuditSink();
        await using (var first = Create(sink))
        {
            await first.RecordAsync(AuditTestData.Event(1), default);
            await first.RecordAsync(AuditTestData.Event(2), default);
        }

        await using (var second = Create(sink))
        {
            await second.RecordAsync(AuditTestData.Event(3), default);
        }

        sink.Snapshot().Select(e => e.Sequence).Should().Equal(1, 2, 3);
        AuditTrailVerifier.Verify(sink.Snapshot()).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task Store_integrity_a_trail_shorter_than_its_checkpoint_is_not_appended_to()
    {
        var trailSink = new InMemoryAuditSink();
        ICheckpointSink checkpoints = new InMemoryAuditSink();
        await checkpoints.WriteAsync(new AuditCheckpoint(5, new string('1', 64), AuditTestData.Start), default);
        var time = new TimerWatchingTimeProvider(AuditTestData.Start);
        var options = new AuditTrailOptions { Timeout = TimeSpan.FromSeconds(1), ShutdownTimeout = TimeSpan.FromSeconds(5) };
        var trail = Create(trailSink, options, time, checkpoints);

        var record = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();
        await time.WhenArmed(options.RetryInitialDelay).WaitAsync(TimeSpan.FromSeconds(10)); // the start-up check failed and waits to check again
        time.Advance(TimeSpan.FromSeconds(1));

        await record.Invoking(r => r.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<AuditUnavailableException>();
        var dispose = trail.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        await dispose;
        trailSink.Count.Should().Be(0);
    }

    [Fact]
    public async Task Recording_after_dispose_is_audit_unavailable()
    {
        var trail = Create(new InMemoryAuditSink());
        await trail.RecordAsync(AuditTestData.Event(1), default);
        await trail.DisposeAsync();

        await trail.Invoking(t => t.RecordAsync(AuditTestData.Event(2), default).AsTask()).Should().ThrowAsync<AuditUnavailableException>().WithMessage("*shut down*");
    }

    [Fact]
    public async Task Host_stop_that_cannot_finish_fails_waiting_callers_instead_of_hanging()
    {
        var sink = new FaultySink(_ => true);
        await using var trail = Create(sink, new AuditTrailOptions { RetryInitialDelay = TimeSpan.FromMilliseconds(1), Timeout = TimeSpan.FromMinutes(1) });
        var record = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();
        await sink.WhenCalled(2).WaitAsync(TimeSpan.FromSeconds(10));

        using var stop = new CancellationTokenSource();
        stop.Cancel();
        await trail.StopAsync(stop.Token);

        await record.Invoking(r => r.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<AuditUnavailableException>().WithMessage("*stopped*");
    }

    [Fact]
    public async Task Events_queued_while_the_writer_waits_for_the_disk_are_sealed_meanwhile_and_go_in_the_next_batch()
    {
        var sink = new BatchRecordingGatedSink();
        await using var trail = Create(sink);

        var first = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();
        await sink.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var rest = Enumerable.Range(2, 10).Select(i => Task.Run(async () => await trail.RecordAsync(AuditTestData.Event(i), default))).ToArray();
        await WaitForAsync(() => trail.LastSequence == 11);

        first.IsCompleted.Should().BeFalse("the first batch is still on its way to the disk");
        sink.Release();
        await Task.WhenAll(rest.Append(first)).WaitAsync(TimeSpan.FromSeconds(10));

        sink.BatchSizes.Should().Equal(1, 10);
        var events = sink.Inner.Snapshot();
        events.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 11).Select(i => (long)i));
        AuditTrailVerifier.Verify(events).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task A_stalled_writer_has_at_most_one_batch_sealed_and_waiting_the_rest_stays_queued()
    {
        var sink = new BatchRecordingGatedSink();
        await using var trail = Create(sink, new AuditTrailOptions { MaxBatchSize = 4, QueueCapacity = 100, Timeout = TimeSpan.FromMinutes(5) });

        var first = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();
        await sink.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var queueing = Enumerable.Range(2, 29).Select(i => Task.Run(() => new Pending(trail.RecordAsync(AuditTestData.Event(i), default).AsTask()))).ToArray();

        // Every caller has queued its event and done its sealing rounds; the writer is held in the sink: whatever would
        // be sealed is sealed by now.
        var rest = (await Task.WhenAll(queueing).WaitAsync(TimeSpan.FromSeconds(10))).Select(p => p.Recorded).ToArray();
        await WaitForAsync(() => trail.LastSequence == 5);

        trail.LastSequence.Should().Be(5, "one event is being written and one batch of four waits sealed; the rest stay queued");
        sink.Release();
        await Task.WhenAll(rest.Append(first)).WaitAsync(TimeSpan.FromSeconds(10));

        sink.BatchSizes.Should().OnlyContain(size => size <= 4);
        var events = sink.Inner.Snapshot();
        events.Should().HaveCount(30);
        events.Select(e => e.CorrelationId).Should().OnlyHaveUniqueItems();
        AuditTrailVerifier.Verify(events).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task A_caller_that_cancels_before_its_event_is_sealed_is_cancelled_and_the_event_is_not_written()
    {
        var sink = new BatchRecordingGatedSink();
        await using var trail = Create(sink, new AuditTrailOptions { MaxBatchSize = 1, Timeout = TimeSpan.FromMinutes(5) });
        var first = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();
        await sink.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = trail.RecordAsync(AuditTestData.Event(2), default).AsTask(); // sealed, waiting for the writer
        using var cancel = new CancellationTokenSource();
        var third = trail.RecordAsync(AuditTestData.Event(3), cancel.Token).AsTask(); // no room: stays queued

        trail.LastSequence.Should().Be(2);
        await cancel.CancelAsync();
        await third.Invoking(t => t.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<OperationCanceledException>();
        sink.Release();
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        await trail.DisposeAsync();

        sink.Inner.Snapshot().Select(e => e.CorrelationId).Should().Equal("c-1", "c-2");
    }

    [Fact]
    public async Task The_writer_does_not_run_in_the_first_callers_execution_context()
    {
        var ambient = new AsyncLocal<string>();
        var sink = new BatchRecordingGatedSink(observe: () => ambient.Value);
        sink.Release();
        await using var trail = Create(sink);

        ambient.Value = "request-1";
        await trail.RecordAsync(AuditTestData.Event(1), default);

        sink.Observed.Should().ContainSingle().Which.Should().BeNull("the writer thread starts without the caller's async locals (or activity)");
    }

    [Fact]
    public async Task Disposing_while_callers_record_answers_every_caller_at_once_and_writes_every_acknowledged_event()
    {
        for (var round = 0; round < 20; round++)
        {
            var sink = new SignallingSink();
            var trail = Create(sink, new AuditTrailOptions { MaxBatchSize = 4, Timeout = TimeSpan.FromMinutes(5) });
            var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
            var callers = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                for (var i = worker; i < 16 * 50; i += 16)
                {
                    try
                    {
                        await trail.RecordAsync(AuditTestData.Event(i), default);
                        acknowledged.Add("c-" + i);
                    }
                    catch (AuditUnavailableException)
                    {
                        return; // shut down: this caller denies, and stops
                    }
                }
            })).ToArray();
            await sink.WhenHolding(round % 5 * 16).WaitAsync(TimeSpan.FromSeconds(20)); // dispose at a different point of the recording each round

            await trail.DisposeAsync();

            // A caller left waiting on an event sealed after the writer stopped would wait the whole five-minute timeout.
            await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(20));
            var written = sink.Inner.Snapshot();
            acknowledged.Except(written.Select(e => e.CorrelationId)).Should().BeEmpty("every acknowledged event is written");
            AuditTrailVerifier.Verify(written).IsValid.Should().BeTrue();
        }
    }

    [Fact]
    public async Task Events_recorded_inside_a_deferred_scope_are_queued_sealed_and_written_together_when_it_ends()
    {
        var sink = new BatchRecordingGatedSink();
        sink.Release();
        await using var trail = Create(sink);
        await trail.RecordAsync(AuditTestData.Event(0), default);
        using var cancel = new CancellationTokenSource();

        var pending = new List<Task>();
        Task cancelled;
        using (trail.DeferQueueing())
        {
            for (var i = 1; i <= 10; i++)
            {
                pending.Add(trail.RecordAsync(AuditTestData.Event(i), default).AsTask());
            }

            cancelled = trail.RecordAsync(AuditTestData.Event(11), cancel.Token).AsTask();
            await cancel.CancelAsync();
            await WaitForAsync(() => trail.IsWriterAsleep); // it sleeps only once nothing is queued or sealed
            trail.LastSequence.Should().Be(1, "nothing recorded inside the scope is queued before it ends");
        }

        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(10));
        await cancelled.Invoking(c => c.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<OperationCanceledException>();
        sink.BatchSizes.Should().Equal(1, 10);
        sink.Inner.Snapshot().Select(e => e.CorrelationId).Should().Equal(Enumerable.Range(0, 11).Select(i => "c-" + i));
    }

    [Fact]
    public async Task Decide_many_with_the_audit_pipeline_answers_every_decision_after_its_event_is_written_in_a_verifying_trail()
    {
        var sink = new BatchRecordingGatedSink();
        sink.Release();
        await using var trail = Create(sink);
        using var fixture = new Decisions.EnforcerFixture(configure: s => s.Replace(ServiceDescriptor.Singleton<IAuditTrail>(trail)));
        await fixture.AcceptAsync(Decisions.EnforcerFixture.Alice);
        await fixture.ConsentAsync(Decisions.EnforcerFixture.Alice, StandardPurposes.ServiceProvision, [StandardDataCategories.Phone], [ProcessingAct.Collect]);
        var request = new CollectionRequest(Decisions.EnforcerFixture.Alice, [new DataCategory(StandardDataCategories.Phone)], new PurposeId(StandardPurposes.ServiceProvision));
        await fixture.Enforcer.DecideAsync(request);

        var decisions = await fixture.Enforcer.DecideManyAsync(Enumerable.Range(0, 50).Select(_ => (PrivacyRequest)request).ToArray());

        decisions.Should().OnlyContain(d => d.Outcome == DecisionOutcome.Permit);
        sink.Inner.Count.Should().Be(51);
        sink.BatchSizes.Count.Should().BeLessThan(51, "the window's events share batches");
        AuditTrailVerifier.Verify(sink.Inner.Snapshot()).IsValid.Should().BeTrue();
    }

    [Fact]
    public void Invalid_options_are_refused_naming_the_option()
    {
        var act = () => Create(new InMemoryAuditSink(), new AuditTrailOptions { MaxBatchSize = 0, Timeout = TimeSpan.Zero });

        act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>()
            .Which.Failures.Should().Contain(f => f.Contains("MaxBatchSize")).And.Contain(f => f.Contains("Timeout"));
    }

    private sealed record Pending(Task Recorded);

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException("The condition did not become true.");
            }

            await Task.Delay(5);
        }
    }
}
