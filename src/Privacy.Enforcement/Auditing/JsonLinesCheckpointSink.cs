using System.Runtime.CompilerServices;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Stores checkpoints in a JSON Lines file, flushed to disk on each write; recovers a torn last line on open. Holds an
/// exclusive lock on <c>&lt;path&gt;.lock</c> like <see cref="JsonLinesAuditSink"/>, and refuses a checkpoint that does not
/// chain onto the file's newest one.
/// </summary>
internal sealed class JsonLinesCheckpointSink : ICheckpointSink, IAuditCheckpointReader, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileStream _lock;
    private FileStream? _stream;
    private AuditCheckpoint? _latest;
    private bool _disposed;

    /// <summary>Creates the sink and locks the file for this writer; the file is opened on first use.</summary>
    /// <param name="path">The checkpoint file; keep it apart from the trail (another disk, host or account).</param>
    /// <exception cref="IOException">Another writer holds the file.</exception>
    public JsonLinesCheckpointSink(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _lock = TrailFileLock.Acquire(Path, "audit checkpoint");
    }

    /// <summary>Gets the checkpoint file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async ValueTask WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stream = Open();
            if (checkpoint.PreviousCheckpointHash is { } link && !string.Equals(link, AuditCheckpointChain.Link(_latest), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The checkpoint of size {checkpoint.Size} does not link to the newest checkpoint of '{Path}': writing it would break the checkpoint chain.");
            }

            var line = AuditHashChain.GetCheckpointLine(checkpoint);
            var length = stream.Length;
            try
            {
                stream.Write(line);
                stream.WriteByte((byte)'\n');
                stream.Flush(flushToDisk: true);
            }
            catch
            {
                stream.SetLength(length);
                stream.Position = length;
                throw;
            }

            _latest = checkpoint;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<AuditCheckpoint?> ReadLatestAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Open();
            return _latest;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long length;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            length = Open().Length;
        }
        finally
        {
            _gate.Release();
        }

        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var line in JsonLines.ReadAsync(stream, length, includeIncompleteTail: false, cancellationToken).ConfigureAwait(false))
            {
                yield return AuditEventJson.ParseCheckpoint(line.Bytes.Span);
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
        _stream?.Dispose();
        _gate.Dispose();
        _lock.Dispose();
    }

    private FileStream Open()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream is not null)
        {
            return _stream;
        }

        var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        try
        {
            var content = new byte[stream.Length];
            stream.ReadExactly(content);
            var end = content.AsSpan().LastIndexOf((byte)'\n');
            if (end + 1 != content.Length)
            {
                stream.SetLength(end + 1);
                stream.Flush(flushToDisk: true);
            }

            if (end > 0)
            {
                var start = content.AsSpan(0, end).LastIndexOf((byte)'\n') + 1;
                _latest = AuditEventJson.ParseCheckpoint(content.AsSpan(start, end - start));
            }

            stream.Position = end + 1;
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        _stream = stream;
        return stream;
    }
}
