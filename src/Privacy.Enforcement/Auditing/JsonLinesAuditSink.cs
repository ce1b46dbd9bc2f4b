using System.Buffers;
using System.Runtime.CompilerServices;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Stores the audit trail in a JSON Lines file: one line per event, the canonical JSON with its hash
/// (<see cref="AuditHashChain"/>), appended and flushed to disk once per batch. On open it recovers from a crash by
/// cutting an incomplete last line (a batch that was never acknowledged). Verify a stored file with
/// <see cref="AuditTrailVerifier.VerifyJsonLinesAsync"/> or
/// the <c>privacy audit verify</c> command.
/// </summary>
/// <remarks>
/// <para>
/// One writer per file: the sink holds an exclusive OS lock on <c>&lt;path&gt;.lock</c> from construction to dispose, so a
/// second sink on the same file, in this process or another, fails at construction with an <see cref="IOException"/>
/// naming the file (several instances share a SQL trail instead). The lock file is left in place; readers (the
/// verifier, <c>privacy audit</c>) do not need it.
/// </para>
/// <para>
/// A batch is acknowledged only after the data is written, flushed to disk (<c>fsync</c>) and the file's length, asked of
/// the operating system through the sink's own handle, is the length written: a write or flush that was dropped on the
/// way (a buffering layer that never passed the bytes on) fails the batch instead of acknowledging it. The trail must be
/// a regular, seekable file; anything else is refused at open. A disk or file system that acknowledges <c>fsync</c> without
/// making the data durable cannot be detected from the process.
/// </para>
/// </remarks>
internal sealed class JsonLinesAuditSink : IAuditSink, IAuditTrailReader, IAuditTrailQuery, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly FileStream _lock;
    private readonly Func<FileStream, Stream>? _writePath;
    private FileStream? _stream;
    private Stream? _data;
    private long _committedLength;
    private bool _dirty;
    private AuditEvent? _last;
    private QueryIndex? _index;
    private bool _disposed;

    /// <summary>Creates the sink and locks the trail for this writer; the file is opened (and recovered) on first use.</summary>
    /// <param name="path">The trail file; created with its directory when missing.</param>
    /// <exception cref="IOException">Another writer holds the trail.</exception>
    public JsonLinesAuditSink(string path)
        : this(path, writePath: null)
    {
    }

    /// <summary>Creates the sink writing through <paramref name="writePath"/> (a layer over the file, for fault injection).</summary>
    internal JsonLinesAuditSink(string path, Func<FileStream, Stream>? writePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _writePath = writePath;
        _lock = TrailFileLock.Acquire(Path, "audit trail");
    }

    /// <summary>Gets the trail file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = Open();
            var data = _data!;
            if (_dirty)
            {
                // A failed write may have left part of a batch: cut back to what was acknowledged.
                stream.SetLength(_committedLength);
                stream.Position = _committedLength;
                _dirty = false;
            }

            _buffer.ResetWrittenCount();
            var next = (_last?.Sequence ?? 0) + 1;
            AuditEvent? last = null;
            var first = -1;
            for (var i = 0; i < batch.Count; i++)
            {
                var e = batch[i];
                if (e.Sequence < next)
                {
                    // Already held: a retried batch. The held head is the one event of the file at hand; since each hash covers
                    // the previous one, an equal head hash means the batch's held part is the same history.
                    if (e.Sequence == _last!.Sequence && !string.Equals(e.Hash, _last.Hash, StringComparison.Ordinal))
                    {
                        throw DifferentEvent(e.Sequence);
                    }

                    continue;
                }

                if (e.Sequence != next)
                {
                    throw new InvalidOperationException($"Audit event {e.Sequence} would leave a gap after {next - 1}.");
                }

                first = first < 0 ? i : first;
                AuditHashChain.WriteLine(_buffer, e);
                last = e;
                next++;
            }

            if (last is null)
            {
                return;
            }

            _dirty = true;
            var start = _committedLength;
            var end = start + _buffer.WrittenCount;
            data.Write(_buffer.WrittenSpan);
            data.Flush();
            stream.Flush(flushToDisk: true);

            // Per batch: the length the operating system holds for our handle must be what was written, or the bytes were
            // lost on the way (a dropped write or flush) and the batch is not acknowledged.
            var length = RandomAccess.GetLength(stream.SafeFileHandle);
            if (length != end)
            {
                throw new IOException($"The audit trail file '{Path}' is {length} bytes after the flush, not the {end} written: the write did not reach the file, so the batch is not acknowledged.");
            }

            _committedLength = end;
            _dirty = false;
            _last = last;
            _index?.Add(batch, first, _buffer.WrittenSpan, start);
        }
        finally
        {
            _gate.Release();
        }
    }

    private InvalidOperationException DifferentEvent(long sequence) =>
        new($"The audit trail file '{Path}' already holds a different event at sequence {sequence}; the batch is refused and nothing is written over it.");

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var limit = await CommittedLengthAsync(cancellationToken).ConfigureAwait(false);
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var line in JsonLines.ReadAsync(stream, limit, includeIncompleteTail: false, cancellationToken).ConfigureAwait(false))
            {
                var e = AuditEventJson.ParseEvent(line.Bytes.Span);
                if (e.Sequence >= fromSequence)
                {
                    yield return e;
                }
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Open();
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.SubjectPseudonym is null && query.Recipient is null)
        {
            await foreach (var e in ReadAsync(1, cancellationToken).ConfigureAwait(false))
            {
                if (query.Matches(e))
                {
                    yield return e;
                }
            }

            yield break;
        }

        (long Offset, int Length)[] spans;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Open();
            _index ??= await QueryIndex.BuildAsync(Path, _committedLength, cancellationToken).ConfigureAwait(false);
            spans = _index.Find(query);
        }
        finally
        {
            _gate.Release();
        }

        using var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        foreach (var (offset, length) in spans)
        {
            var bytes = new byte[length];
            var read = await RandomAccess.ReadAsync(handle, bytes, offset, cancellationToken).ConfigureAwait(false);
            var e = AuditEventJson.ParseEvent(bytes.AsSpan(0, read));
            if (query.Matches(e))
            {
                yield return e;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!ReferenceEquals(_data, _stream))
        {
            _data?.Dispose();
        }

        _stream?.Dispose();
        _gate.Dispose();
        _lock.Dispose();
    }

    private async ValueTask<long> CommittedLengthAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Open();
            return _committedLength;
        }
        finally
        {
            _gate.Release();
        }
    }

    private FileStream Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream is not null)
        {
            return _stream;
        }

        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        try
        {
            if (!stream.CanSeek)
            {
                throw new IOException($"The audit trail '{Path}' is not a regular file (a device, pipe or socket): it cannot be flushed to disk and checked, so it is refused.");
            }

            (_committedLength, _last) = Recover(stream);
            stream.Position = _committedLength;
            _data = _writePath?.Invoke(stream) ?? stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        _stream = stream;
        return stream;
    }

    /// <summary>Cuts an incomplete last line and reads the last complete one.</summary>
    private static (long Length, AuditEvent? Last) Recover(FileStream stream)
    {
        var length = stream.Length;
        var end = LastNewline(stream, length);
        if (end + 1 != length)
        {
            // A torn write: the batch it belonged to was never acknowledged (the flush did not complete).
            stream.SetLength(end + 1);
            stream.Flush(flushToDisk: true);
            length = end + 1;
        }

        if (length == 0)
        {
            return (0, null);
        }

        var start = LastNewline(stream, end) + 1;
        var line = new byte[end - start];
        stream.Position = start;
        stream.ReadExactly(line);
        try
        {
            return (length, AuditEventJson.ParseEvent(line));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new InvalidDataException("The last line of the audit trail file is not a valid event; verify the file with 'privacy audit verify'.", ex);
        }
    }

    /// <summary>Returns the offset of the last <c>\n</c> before <paramref name="before"/>, or -1.</summary>
    private static long LastNewline(FileStream stream, long before)
    {
        var chunk = new byte[8192];
        var position = before;
        while (position > 0)
        {
            var size = (int)Math.Min(chunk.Length, position);
            position -= size;
            stream.Position = position;
            stream.ReadExactly(chunk, 0, size);
            var i = chunk.AsSpan(0, size).LastIndexOf((byte)'\n');
            if (i >= 0)
            {
                return position + i;
            }
        }

        return -1;
    }

    /// <summary>Line offsets by subject pseudonym and recipient, built on the first query and kept up to date by writes.</summary>
    private sealed class QueryIndex
    {
        private readonly Dictionary<string, List<(long, int)>> _bySubject = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<(long, int)>> _byRecipient = new(StringComparer.Ordinal);

        public static async ValueTask<QueryIndex> BuildAsync(string path, long length, CancellationToken cancellationToken)
        {
            var index = new QueryIndex();
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using (stream.ConfigureAwait(false))
            {
                await foreach (var line in JsonLines.ReadAsync(stream, length, includeIncompleteTail: false, cancellationToken).ConfigureAwait(false))
                {
                    index.Add(AuditEventJson.ParseEvent(line.Bytes.Span), line.Offset, line.Bytes.Length);
                }
            }

            return index;
        }

        public void Add(IReadOnlyList<AuditEvent> batch, int first, ReadOnlySpan<byte> written, long start)
        {
            var offset = 0;
            for (var i = first; i < batch.Count; i++)
            {
                var length = written[offset..].IndexOf((byte)'\n');
                Add(batch[i], start + offset, length);
                offset += length + 1;
            }
        }

        public (long, int)[] Find(AuditQuery query)
            => query.SubjectPseudonym is not null
                ? [.. _bySubject.GetValueOrDefault(query.SubjectPseudonym) ?? []]
                : [.. _byRecipient.GetValueOrDefault(query.Recipient!) ?? []];

        private void Add(AuditEvent e, long offset, int length)
        {
            Add(_bySubject, e.SubjectPseudonym, offset, length);
            Add(_byRecipient, e.Recipient, offset, length);
        }

        private static void Add(Dictionary<string, List<(long, int)>> map, string? key, long offset, int length)
        {
            if (key is null)
            {
                return;
            }

            if (!map.TryGetValue(key, out var list))
            {
                map[key] = list = [];
            }

            list.Add((offset, length));
        }
    }
}
