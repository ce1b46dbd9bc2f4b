using Microsoft.Extensions.Time.Testing;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// Finding 16: durability proven at the file-system boundary. The JSON Lines sink acknowledges a batch only when the
/// file's length, asked of the operating system through the sink's own handle after the flush to disk, is the length
/// written; a layer that drops the write or the flush, or reports a failed flush, leaves the batch unacknowledged.
/// </summary>
public sealed class Finding16FlushFaultTests : IDisposable
{
    private readonly string _dir = AuditTestData.TempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Finding16_a_batch_whose_flush_is_dropped_is_not_acknowledged()
    {
        var path = Path.Combine(_dir, "trail.jsonl");
        using var sink = new JsonLinesAuditSink(path, file => new DroppedFlushStream());

        var write = () => sink.WriteBatchAsync(AuditTestData.Chain(3), default).AsTask();

        (await write.Should().ThrowAsync<IOException>()).WithMessage("*did not reach the file*");
        (await sink.ReadLastAsync(default)).Should().BeNull();
        new FileInfo(path).Length.Should().Be(0);
    }

    [Fact]
    public async Task Finding16_a_decision_whose_event_sits_behind_a_dropped_flush_is_denied()
    {
        var time = new FakeTimeProvider(AuditTestData.Start);
        using var sink = new JsonLinesAuditSink(Path.Combine(_dir, "trail.jsonl"), file => new DroppedFlushStream());
        var trail = new AuditTrailPipeline(sink, null, null, null, new AuditTrailOptions { Timeout = TimeSpan.FromSeconds(1), ShutdownTimeout = TimeSpan.FromSeconds(2) }, time);

        // The caller arms the watchdog for its entry before RecordAsync returns: moving the clock by the timeout fires it.
        var record = trail.RecordAsync(AuditTestData.Event(1), default).AsTask();
        time.Advance(TimeSpan.FromSeconds(1));

        await record.Invoking(r => r.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<AuditUnavailableException>();
        var dispose = trail.DisposeAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        await dispose;
    }

    [Fact]
    public async Task Finding16_a_flush_that_reports_failure_is_not_acknowledged_and_the_retry_leaves_one_whole_copy()
    {
        var path = Path.Combine(_dir, "trail.jsonl");
        FailingFlushStream? layer = null;
        using (var sink = new JsonLinesAuditSink(path, file => layer = new FailingFlushStream(file)))
        {
            var chain = AuditTestData.Chain(3);
            await sink.Invoking(s => s.WriteBatchAsync(chain, default).AsTask()).Should().ThrowAsync<IOException>();
            (await sink.ReadLastAsync(default)).Should().BeNull();

            layer!.Fail = false;
            await sink.WriteBatchAsync(chain, default);
            (await sink.ReadLastAsync(default))!.Sequence.Should().Be(3);
        }

        await using var stream = File.OpenRead(path);
        var result = await AuditTrailVerifier.VerifyJsonLinesAsync(stream, null, null, default);
        result.IsValid.Should().BeTrue(result.Message);
        result.Count.Should().Be(3);
    }

    /// <summary>A buffering layer whose flush does nothing: the bytes never reach the file.</summary>
    private sealed class DroppedFlushStream : MemoryStream
    {
        public override void Flush()
        {
        }
    }

    /// <summary>Passes writes to the file; its flush reports failure while <see cref="Fail"/> is set.</summary>
    private sealed class FailingFlushStream(FileStream file) : Stream
    {
        public bool Fail { get; set; } = true;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => file.Length;

        public override long Position { get => file.Position; set => file.Position = value; }

        public override void Flush()
        {
            if (Fail)
            {
                throw new IOException("Injected: the flush failed.");
            }

            file.Flush();
        }

        public override void Write(byte[] buffer, int offset, int count) => file.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => file.Write(buffer);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
