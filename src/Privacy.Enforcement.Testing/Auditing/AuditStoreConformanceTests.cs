using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The contract of a durable audit trail: <see cref="IAuditSink"/>, <see cref="IAuditTrailReader"/> and
/// <see cref="ICheckpointSink"/>. The sink keeps the trail one gap-free sequence, each event stored once and never
/// changed: an event of a retried batch that it already holds (the same sequence number and hash) is skipped and the
/// batch's new events are appended; a different event under a held sequence number (another writer's) is refused with
/// its whole batch, neither written over the held event nor silently dropped.
/// </summary>
public abstract class AuditStoreConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty trail for one test.</summary>
    /// <returns>The sink, its reader and the checkpoint sink (often one object).</returns>
    protected abstract Task<(IAuditSink Sink, IAuditTrailReader Reader, ICheckpointSink Checkpoints)> CreateTrailAsync();

    [StoreFact]
    public async Task Batches_are_read_back_in_sequence_order_exactly()
    {
        var (sink, reader, _) = await CreateTrailAsync();
        var events = AuditBatch(1, 1200);

        await sink.WriteBatchAsync(events[..700], None);
        await sink.WriteBatchAsync(events[700..], None);

        // Past one page of any reasonable reader: every event, in order, each exactly as written.
        var trail = await reader.ReadAsync(1, None).CollectAsync();
        trail.Select(e => (e.Sequence, e.Hash, e.SubjectPseudonym, e.Timestamp)).Should().Equal(events.Select(e => (e.Sequence, e.Hash, e.SubjectPseudonym, e.Timestamp)));
        trail[^1].Should().BeEquivalentTo(events[^1]);
        (await reader.ReadAsync(1150, None).CollectAsync()).Select(e => e.Sequence).Should().Equal(Enumerable.Range(1150, 51).Select(i => (long)i));
        (await reader.ReadAsync(5000, None).CollectAsync()).Should().BeEmpty();
        (await reader.ReadLastAsync(None)).Should().BeEquivalentTo(events[^1]);
    }

    [StoreFact]
    public async Task An_empty_trail_has_no_last_event_and_no_checkpoint()
    {
        var (_, reader, checkpoints) = await CreateTrailAsync();

        (await reader.ReadLastAsync(None)).Should().BeNull();
        (await reader.ReadAsync(1, None).CollectAsync()).Should().BeEmpty();
        (await checkpoints.ReadLatestAsync(None)).Should().BeNull();
    }

    [StoreFact]
    public async Task A_retried_batch_is_ignored_where_already_held_and_the_rest_is_appended()
    {
        var (sink, reader, _) = await CreateTrailAsync();
        await sink.WriteBatchAsync(AuditBatch(1, 10), None);

        // A retry overlapping what is stored: the stored events win, the new tail is added.
        var retry = AuditBatch(6, 10).Select(e => e.Sequence <= 10 ? e with { Action = "changed" } : e).ToArray();
        await sink.WriteBatchAsync(retry, None);
        (await reader.ReadLastAsync(None)).Should().BeEquivalentTo(retry[^1], "the retried batch's new events are appended, not dropped with the held ones");
        await sink.WriteBatchAsync(AuditBatch(1, 15), None);

        var trail = await reader.ReadAsync(1, None).CollectAsync();
        trail.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 15).Select(i => (long)i));
        trail.Should().OnlyContain(e => e.Action == "decision.use");
    }

    [StoreFact]
    public async Task A_batch_that_would_leave_a_gap_is_refused_whole_with_a_clear_error()
    {
        var (sink, reader, _) = await CreateTrailAsync();
        await sink.WriteBatchAsync(AuditBatch(1, 3), None);

        var act = async () => await sink.WriteBatchAsync(AuditBatch(5, 3), None);

        (await act.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("gap");
        (await reader.ReadLastAsync(None))!.Sequence.Should().Be(3);
        await FluentActions.Awaiting(async () => await sink.WriteBatchAsync(AuditBatch(4, 1).Concat(AuditBatch(6, 1)).ToArray(), None)).Should().ThrowAsync<Exception>();
        (await reader.ReadLastAsync(None))!.Sequence.Should().Be(3);
    }

    [StoreFact]
    public async Task A_different_event_under_a_held_sequence_number_is_refused_and_never_written_over_it()
    {
        var (sink, reader, _) = await CreateTrailAsync();
        var held = AuditBatch(1, 3);
        await sink.WriteBatchAsync(held, None);
        var impostor = AuditEvent(3) with { Hash = new string('f', 64), Action = "other-writer" };

        // Another writer's event: skipping it would lose it silently, storing it would rewrite the trail.
        var act = async () => await sink.WriteBatchAsync([impostor, AuditEvent(4)], None);

        var refused = (await act.Should().ThrowAsync<Exception>()).Which;
        refused.Should().Match<Exception>(ex => ex is PrivacyStoreException || ex is InvalidOperationException);
        refused.Message.Should().Contain("sequence 3");
        (await reader.ReadAsync(1, None).CollectAsync()).Should().BeEquivalentTo(held, o => o.WithStrictOrdering(), "the held event stays as written and nothing of the refused batch is stored");
    }

    [StoreFact]
    public async Task Hostile_texts_in_events_are_stored_exactly()
    {
        var (sink, reader, _) = await CreateTrailAsync();
        var events = HostileTexts.Select((text, i) => AuditEvent(i + 1) with { CorrelationId = text, Reasons = [text], Actor = HostileIdentifiers[i] }).ToArray();

        await sink.WriteBatchAsync(events, None);

        (await reader.ReadAsync(1, None).CollectAsync()).Should().BeEquivalentTo(events, o => o.WithStrictOrdering());
    }

    [StoreFact]
    public async Task The_latest_checkpoint_is_the_last_written()
    {
        var (sink, _, checkpoints) = await CreateTrailAsync();
        await sink.WriteBatchAsync(AuditBatch(1, 5), None);
        var first = new AuditCheckpoint(3, new string('3', 64), Epoch.AddMinutes(1));
        var second = new AuditCheckpoint(5, new string('5', 64), Epoch.AddMinutes(2), "key-1", "c2lnbmF0dXJl");

        await checkpoints.WriteAsync(first, None);
        await checkpoints.WriteAsync(second, None);

        (await checkpoints.ReadLatestAsync(None)).Should().Be(second);
    }

    [StoreFact]
    public async Task A_cancelled_token_is_honoured_and_writes_nothing()
    {
        var (sink, reader, checkpoints) = await CreateTrailAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await FluentActions.Awaiting(async () => await sink.WriteBatchAsync(AuditBatch(1, 2), cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await reader.ReadAsync(1, cancelled.Token).CollectAsync()).Should().ThrowAsync<OperationCanceledException>();
        await FluentActions.Awaiting(async () => await checkpoints.WriteAsync(new AuditCheckpoint(0, new string('0', 64), Epoch), cancelled.Token)).Should().ThrowAsync<OperationCanceledException>();
        (await reader.ReadLastAsync(None)).Should().BeNull();
    }
}
