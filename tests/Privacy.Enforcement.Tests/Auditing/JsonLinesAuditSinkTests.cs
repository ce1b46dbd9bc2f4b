using System.Text;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Tests.Auditing;

public sealed class JsonLinesAuditSinkTests : IDisposable
{
    private readonly string _dir = AuditTestData.TempDirectory();

    private string TrailPath => Path.Combine(_dir, "trail.jsonl");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Writes_one_canonical_line_per_event_that_the_verifier_accepts()
    {
        var chain = AuditTestData.Chain(6);
        using (var sink = new JsonLinesAuditSink(TrailPath))
        {
            await sink.WriteBatchAsync(chain.Take(4).ToList(), default);
            await sink.WriteBatchAsync(chain.Skip(4).ToList(), default);
        }

        var lines = await File.ReadAllLinesAsync(TrailPath);
        lines.Should().HaveCount(6);
        lines[0].Should().Be(Encoding.UTF8.GetString(AuditHashChain.GetLine(chain[0])));
        await using var stream = File.OpenRead(TrailPath);
        (await AuditTrailVerifier.VerifyJsonLinesAsync(stream, null, null, default)).IsValid.Should().BeTrue();
    }

    [Fact]
    public async Task A_retried_batch_writes_only_the_events_not_yet_held()
    {
        var chain = AuditTestData.Chain(6);
        using var sink = new JsonLinesAuditSink(TrailPath);
        await sink.WriteBatchAsync(chain.Take(3).ToList(), default);

        await sink.WriteBatchAsync(chain.ToList(), default);

        var read = await sink.ReadAsync(1, default).ToListAsync();
        read.Select(e => e.Sequence).Should().Equal(1, 2, 3, 4, 5, 6);
        (await sink.ReadLastAsync(default))!.Hash.Should().Be(chain[5].Hash);
    }

    [Fact]
    public async Task A_gap_in_sequence_numbers_is_refused()
    {
        var chain = AuditTestData.Chain(4);
        using var sink = new JsonLinesAuditSink(TrailPath);

        var act = () => sink.WriteBatchAsync([chain[0], chain[2]], default).AsTask();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*gap*");
    }

    [Fact]
    public async Task A_torn_last_line_is_cut_on_open_and_the_trail_continues_after_the_recovered_head()
    {
        var chain = AuditTestData.Chain(5);
        using (var sink = new JsonLinesAuditSink(TrailPath))
        {
            await sink.WriteBatchAsync(chain.Take(3).ToList(), default);
        }

        var torn = AuditHashChain.GetLine(chain[3]);
        await using (var file = new FileStream(TrailPath, FileMode.Append))
        {
            file.Write(torn, 0, torn.Length / 2);
        }

        using (var reopened = new JsonLinesAuditSink(TrailPath))
        {
            (await reopened.ReadLastAsync(default))!.Sequence.Should().Be(3);
            await reopened.WriteBatchAsync(chain.Skip(3).ToList(), default);
        }

        await using var stream = File.OpenRead(TrailPath);
        var result = await AuditTrailVerifier.VerifyJsonLinesAsync(stream, null, null, default);
        result.IsValid.Should().BeTrue(result.Message);
        result.Count.Should().Be(5);
    }

    [Fact]
    public async Task A_damaged_complete_last_line_is_refused_on_open_rather_than_guessed_at()
    {
        await File.WriteAllTextAsync(TrailPath, "{\"sequence\":1,garbage}\n");
        using var sink = new JsonLinesAuditSink(TrailPath);

        var act = () => sink.ReadLastAsync(default).AsTask();

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*privacy audit verify*");
    }

    [Fact]
    public async Task Queries_by_subject_recipient_and_time_match_the_scan()
    {
        var chain = AuditTestData.Chain(40);
        using var sink = new JsonLinesAuditSink(TrailPath);
        await sink.WriteBatchAsync(chain.Take(30).ToList(), default);
        var subject = chain[3].SubjectPseudonym!;

        var bySubject = await sink.QueryAsync(new AuditQuery { SubjectPseudonym = subject }, default).ToListAsync();
        await sink.WriteBatchAsync(chain.Skip(30).ToList(), default); // the index follows later writes
        var bySubjectAfter = await sink.QueryAsync(new AuditQuery { SubjectPseudonym = subject }, default).ToListAsync();
        var byRecipient = await sink.QueryAsync(new AuditQuery { Recipient = "courier-co", From = AuditTestData.Start.AddSeconds(10), To = AuditTestData.Start.AddSeconds(20) }, default).ToListAsync();

        bySubject.Select(e => e.Sequence).Should().Equal(chain.Take(30).Where(e => e.SubjectPseudonym == subject).Select(e => e.Sequence));
        bySubjectAfter.Select(e => e.Sequence).Should().Equal(chain.Where(e => e.SubjectPseudonym == subject).Select(e => e.Sequence));
        byRecipient.Select(e => e.Sequence).Should().Equal(11, 13, 15, 17, 19);
    }

    [Fact]
    public async Task The_in_memory_sink_and_the_default_scan_answer_queries_alike()
    {
        var chain = AuditTestData.Chain(30);
        var memory = new InMemoryAuditSink();
        await memory.WriteBatchAsync(chain, default);
        var scanOnly = new FaultySink(_ => false);
        await scanOnly.WriteBatchAsync(chain, default);
        var query = new AuditQuery { SubjectPseudonym = chain[2].SubjectPseudonym, Kind = AuditEventKind.Decision, To = AuditTestData.Start.AddSeconds(25) };

        var indexed = await memory.QueryAsync(query, default).ToListAsync();
        var scanned = await ((IAuditTrailReader)scanOnly).QueryAsync(query, default).ToListAsync();

        indexed.Should().NotBeEmpty();
        indexed.Select(e => e.Sequence).Should().Equal(scanned.Select(e => e.Sequence));
    }

    [Fact]
    public async Task The_checkpoint_file_keeps_the_latest_and_cuts_a_torn_line()
    {
        var path = Path.Combine(_dir, "checkpoints.jsonl");
        using (var sink = new JsonLinesCheckpointSink(path))
        {
            await sink.WriteAsync(new AuditCheckpoint(1, new string('a', 64), AuditTestData.Start), default);
            await sink.WriteAsync(new AuditCheckpoint(2, new string('b', 64), AuditTestData.Start, "k", "c2ln"), default);
        }

        await File.AppendAllTextAsync(path, "{\"size\":3,\"head");
        using var reopened = new JsonLinesCheckpointSink(path);

        (await reopened.ReadLatestAsync(default)).Should().Be(new AuditCheckpoint(2, new string('b', 64), AuditTestData.Start, "k", "c2ln"));
        await reopened.WriteAsync(new AuditCheckpoint(3, new string('c', 64), AuditTestData.Start), default);
        (await File.ReadAllLinesAsync(path)).Should().HaveCount(3);
    }
}
