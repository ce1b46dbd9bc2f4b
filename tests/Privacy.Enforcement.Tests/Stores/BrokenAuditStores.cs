using System.Runtime.CompilerServices;

namespace Privacy.Enforcement.Tests.Stores;

/// <summary>
/// An audit store kept in a list, right in everything (gaps refused, cancellation honoured, events read back as
/// written) except how it treats a batch that overlaps what it holds: each subclass gets that wrong in its own way, so
/// the conformance suite can be shown to fail it.
/// </summary>
internal abstract class ListAuditStore : IAuditSink, IAuditTrailReader, ICheckpointSink
{
    private readonly List<AuditCheckpoint> _checkpoints = [];

    protected List<AuditEvent> Events { get; } = [];

    public ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Events)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var expected = i == 0 ? Math.Min(batch[0].Sequence, Events.Count + 1) : batch[0].Sequence + i;
                if (batch[i].Sequence != expected)
                {
                    throw new InvalidOperationException($"Audit event {batch[i].Sequence} would leave a gap.");
                }
            }

            if (batch.Count > 0)
            {
                Write(batch);
            }
        }

        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask;
        List<AuditEvent> events;
        lock (Events)
        {
            events = [.. Events];
        }

        foreach (var e in events.Where(e => e.Sequence >= fromSequence))
        {
            yield return e;
        }
    }

    public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken)
    {
        lock (Events)
        {
            return ValueTask.FromResult(Events.Count == 0 ? null : Events[^1]);
        }
    }

    public ValueTask WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_checkpoints)
        {
            _checkpoints.Add(checkpoint);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<AuditCheckpoint?> ReadLatestAsync(CancellationToken cancellationToken)
    {
        lock (_checkpoints)
        {
            return ValueTask.FromResult(_checkpoints.Count == 0 ? null : _checkpoints[^1]);
        }
    }

    /// <summary>Stores a gap-free batch that starts at or before the next sequence number (holding the lock).</summary>
    protected abstract void Write(IReadOnlyList<AuditEvent> batch);
}

/// <summary>
/// Last writer wins: skips a retried event it holds with the same hash, but lets a different event under a held
/// sequence number replace the held one — the trail is silently rewritten.
/// </summary>
internal sealed class OverwritingAuditStore : ListAuditStore
{
    protected override void Write(IReadOnlyList<AuditEvent> batch)
    {
        foreach (var e in batch)
        {
            var index = (int)e.Sequence - 1;
            if (index < Events.Count)
            {
                if (!string.Equals(Events[index].Hash, e.Hash, StringComparison.Ordinal))
                {
                    Events[index] = e;
                }
            }
            else
            {
                Events.Add(e);
            }
        }
    }
}

/// <summary>
/// Takes a batch whose first event it already holds for the retry of a write that succeeded unseen, and ignores it
/// whole: the new events at the end of a retried batch are lost while the write reports success.
/// </summary>
internal sealed class RetryDroppingAuditStore : ListAuditStore
{
    protected override void Write(IReadOnlyList<AuditEvent> batch)
    {
        if (batch[0].Sequence <= Events.Count)
        {
            return;
        }

        Events.AddRange(batch);
    }
}
