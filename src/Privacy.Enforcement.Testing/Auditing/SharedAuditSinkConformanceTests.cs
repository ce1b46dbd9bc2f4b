using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The contract of an audit sink several instances share (<see cref="ISharedAuditSink"/>): a batch sealed onto a head
/// another writer has since moved is answered with the real head and leaves the trail as it was; a retried batch is
/// still recognised as written.
/// </summary>
public abstract class SharedAuditSinkConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates an empty trail for one test.</summary>
    /// <returns>The sink and its reader (often one object).</returns>
    protected abstract Task<(ISharedAuditSink Sink, IAuditTrailReader Reader)> CreateTrailAsync();

    /// <summary>Opens the same trail through another instance (another connection pool or process); by default the same sink.</summary>
    /// <param name="first">The sink returned by <see cref="CreateTrailAsync"/>.</param>
    /// <returns>A sink over the same trail.</returns>
    protected virtual Task<ISharedAuditSink> OpenAnotherInstanceAsync(ISharedAuditSink first) => Task.FromResult(first);

    [StoreFact]
    public async Task A_batch_onto_the_head_is_appended()
    {
        var (sink, reader) = await CreateTrailAsync();

        (await sink.AppendAsync(AuditBatch(1, 3), None)).Should().Be(AuditAppendResult.Appended);
        (await sink.AppendAsync(AuditBatch(4, 2), None)).IsHeadMoved.Should().BeFalse();

        (await reader.ReadAsync(1, None).CollectAsync()).Select(e => e.Sequence).Should().Equal(1, 2, 3, 4, 5);
    }

    [StoreFact]
    public async Task A_batch_sealed_onto_an_old_head_gets_the_real_head_and_writes_nothing()
    {
        var (sink, reader) = await CreateTrailAsync();
        var other = await OpenAnotherInstanceAsync(sink);
        await sink.AppendAsync(AuditBatch(1, 3), None);
        var foreign = AuditBatch(4, 3).Select(e => e with { Hash = Foreign(e.Sequence), Action = "other-writer" }).ToArray();
        await other.AppendAsync(foreign, None);

        var result = await sink.AppendAsync(AuditBatch(4, 2), None);

        result.IsHeadMoved.Should().BeTrue();
        result.HeadSequence.Should().Be(6);
        result.HeadHash.Should().Be(Foreign(6));
        result.WrittenCount.Should().Be(0);
        (await reader.ReadAsync(1, None).CollectAsync()).Select(e => e.Hash).Should().Equal([.. AuditBatch(1, 3).Select(e => e.Hash), .. foreign.Select(e => e.Hash)]);
    }

    [StoreFact]
    public async Task A_retry_counts_the_events_it_already_wrote_before_the_head_moved()
    {
        var (sink, reader) = await CreateTrailAsync();
        var other = await OpenAnotherInstanceAsync(sink);
        await sink.AppendAsync(AuditBatch(1, 5), None);
        await other.AppendAsync(AuditBatch(6, 3).Select(e => e with { Hash = Foreign(e.Sequence) }).ToArray(), None);

        // Events 4 and 5 were written by the attempt that seemed to fail; 6 and 7 are the other writer's now.
        var result = await sink.AppendAsync(AuditBatch(4, 4), None);

        result.Should().Be(AuditAppendResult.HeadMoved(8, Foreign(8), 2));
        (await reader.ReadLastAsync(None))!.Hash.Should().Be(Foreign(8));
    }

    [StoreFact]
    public async Task A_retried_batch_held_whole_is_appended_without_duplicates()
    {
        var (sink, reader) = await CreateTrailAsync();
        var other = await OpenAnotherInstanceAsync(sink);
        await sink.AppendAsync(AuditBatch(1, 4), None);
        await other.AppendAsync(AuditBatch(5, 2).Select(e => e with { Hash = Foreign(e.Sequence) }).ToArray(), None);

        (await sink.AppendAsync(AuditBatch(2, 3), None)).Should().Be(AuditAppendResult.Appended);

        (await reader.ReadAsync(1, None).CollectAsync()).Select(e => e.Sequence).Should().Equal(1, 2, 3, 4, 5, 6);
    }

    [StoreFact]
    public async Task A_batch_that_would_leave_a_gap_is_refused()
    {
        var (sink, reader) = await CreateTrailAsync();
        await sink.AppendAsync(AuditBatch(1, 2), None);

        var act = async () => await sink.AppendAsync(AuditBatch(4, 1), None);

        (await act.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("gap");
        (await reader.ReadLastAsync(None))!.Sequence.Should().Be(2);
    }

    private static string Foreign(long sequence) => sequence.ToString("x2", System.Globalization.CultureInfo.InvariantCulture).PadLeft(64, 'f');
}
