using System.Security.Cryptography;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// Sealing in the pipeline: a caller's event is copied, the library's own is sealed in place; the stored line kept in
/// a reused buffer is the line written afresh for every event a sink sees, and is let go once the batch is written.
/// </summary>
public class AuditSealingTests
{
    [Theory]
    [InlineData(AuditTrailMode.Durable)]
    [InlineData(AuditTrailMode.Asynchronous)]
    public async Task A_callers_event_is_never_changed_by_recording_it(AuditTrailMode mode)
    {
        var sink = new InMemoryAuditSink();
        var original = AuditTestData.Event(1);
        var copy = original with { };
        await using (var trail = new AuditTrailPipeline(sink, null, null, null, new AuditTrailOptions { Mode = mode }, TimeProvider.System))
        {
            await trail.RecordAsync(original, default);
        }

        original.Should().Be(copy);
        original.Sequence.Should().Be(0);
        original.Hash.Should().BeEmpty();
        var stored = sink.Snapshot().Single();
        stored.Should().NotBeSameAs(original);
        stored.Sequence.Should().Be(1);
    }

    [Fact]
    public async Task An_event_the_library_made_for_itself_is_sealed_in_place_and_a_copy_of_it_is_not_its_own()
    {
        var sink = new InMemoryAuditSink();
        var owned = AuditTestData.Event(1).OwnedByLibrary();
        var copy = owned with { };
        await using (var trail = new AuditTrailPipeline(sink, null, null, null, new AuditTrailOptions(), TimeProvider.System))
        {
            await trail.RecordAsync(owned, default);
            await trail.RecordAsync(copy, default);
        }

        var stored = sink.Snapshot();
        stored[0].Should().BeSameAs(owned);
        owned.Sequence.Should().Be(1);
        copy.IsLibraryOwned.Should().BeFalse("'with' makes a new instance, which a caller may hold");
        copy.Sequence.Should().Be(0);
        stored[1].Should().NotBeSameAs(copy);
        AuditTrailVerifier.Verify(stored).IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData(AuditTrailMode.Durable)]
    [InlineData(AuditTrailMode.Asynchronous)]
    public async Task Every_line_a_sink_reads_while_writing_is_the_line_written_afresh_and_is_let_go_after_the_write(AuditTrailMode mode)
    {
        var sink = new LineCheckingSink();
        await using (var trail = new AuditTrailPipeline(sink, null, null, null, new AuditTrailOptions { Mode = mode, MaxBatchSize = 16 }, TimeProvider.System))
        {
            // Events of every size (an event larger than a pooled buffer gets one of its own), many batches, so buffers are reused.
            await Task.WhenAll(Enumerable.Range(1, 600).Select(i => Task.Run(async () => await trail.RecordAsync(Sized(i).OwnedByLibrary(), default))));
        }

        sink.Mismatches.Should().BeEmpty();
        sink.Events.Should().HaveCount(600);
        sink.Events.Should().OnlyContain(e => e.SealedLineBytes == null, "the buffer goes back to the pool once the batch is written");
        AuditTrailVerifier.Verify(sink.Events).IsValid.Should().BeTrue();
    }

    [Fact]
    public void The_chain_hash_is_sha256_of_both_parts_for_any_length_and_split()
    {
        var random = new Random(20261208);
        var data = new byte[3000];
        random.NextBytes(data);
        using var hash = new AuditChainSha256();
        Span<byte> digest = stackalloc byte[32];
        for (var round = 0; round < 300; round++)
        {
            var length = random.Next(0, data.Length);
            var split = random.Next(0, length + 1);
            hash.Hash(data.AsSpan(0, split), data.AsSpan(split, length - split), digest);
            digest.ToArray().Should().Equal(SHA256.HashData(data.AsSpan(0, length)), $"length {length}, split {split}");
        }
    }

    /// <summary>An event whose size grows with <paramref name="i"/>, past a pooled buffer's, with characters to escape.</summary>
    private static AuditEvent Sized(int i) => AuditTestData.Event(i) with
    {
        Categories = [.. Enumerable.Range(0, i % 40).Select(c => $"category-{c}-é\"<{i}>")],
        Actor = new string('a', i % 97),
    };

    /// <summary>Compares, during each write, every event's kept line with the line written afresh, and keeps the events.</summary>
    private sealed class LineCheckingSink : IAuditSink
    {
        private readonly object _gate = new();

        public List<AuditEvent> Events { get; } = [];

        public List<long> Mismatches { get; } = [];

        public ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                foreach (var e in batch)
                {
                    var kept = e.SealedLineBytes;
                    if (kept is null || !kept.AsSpan().SequenceEqual(AuditHashChain.GetLine(e)) || AuditHashChain.ComputeHash(e.PreviousHash, e) != e.Hash)
                    {
                        Mismatches.Add(e.Sequence);
                    }

                    Events.Add(e);
                }
            }

            return default;
        }
    }
}
