using System.Runtime.CompilerServices;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.InMemory;

/// <summary>
/// An in-process audit trail and checkpoint store, indexed by subject pseudonym and recipient. Nothing survives a
/// restart: for tests, demos and hosts that mirror the trail elsewhere. Several pipelines of one process may share it
/// (<see cref="ISharedAuditSink"/>).
/// </summary>
internal sealed class InMemoryAuditSink : ISharedAuditSink, IAuditTrailReader, IAuditTrailQuery, ICheckpointSink, IAuditCheckpointReader
{
    private readonly object _gate = new();
    private readonly List<AuditEvent> _events = [];
    private readonly List<AuditCheckpoint> _checkpoints = [];
    private readonly Dictionary<string, List<int>> _bySubject = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byRecipient = new(StringComparer.Ordinal);

    /// <summary>Gets the number of events held.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>Returns a snapshot of the events held.</summary>
    /// <returns>The events in sequence order.</returns>
    public IReadOnlyList<AuditEvent> Snapshot()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    /// <summary>Returns a snapshot of the checkpoints held.</summary>
    /// <returns>The checkpoints in the order written.</returns>
    public IReadOnlyList<AuditCheckpoint> CheckpointSnapshot()
    {
        lock (_gate)
        {
            return [.. _checkpoints];
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The batch would leave a gap, or the trail holds a different event under
    /// one of its sequence numbers (another writer); nothing of the batch is written.</exception>
    public ValueTask WriteBatchAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        var result = Append(batch, cancellationToken);
        if (result.IsHeadMoved)
        {
            throw new InvalidOperationException($"The audit trail already holds a different event at sequence {batch[result.WrittenCount].Sequence}: a second writer shares the trail.");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The batch would leave a gap; nothing of it is written.</exception>
    public ValueTask<AuditAppendResult> AppendAsync(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Append(batch, cancellationToken));

    private AuditAppendResult Append(IReadOnlyList<AuditEvent> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Checked whole before anything is added: a refused batch leaves the trail as it was.
            var next = (long)_events.Count + 1;
            for (var i = 0; i < batch.Count; i++)
            {
                var e = batch[i];
                if (e.Sequence < next && e.Sequence >= 1 && !string.Equals(_events[(int)e.Sequence - 1].Hash, e.Hash, StringComparison.Ordinal))
                {
                    return AuditAppendResult.HeadMoved(_events.Count, _events[^1].Hash, i);
                }

                if (e.Sequence >= next)
                {
                    if (e.Sequence != next)
                    {
                        throw new InvalidOperationException($"Audit event {e.Sequence} would leave a gap after {next - 1}.");
                    }

                    next++;
                }
            }

            foreach (var e in batch)
            {
                if (e.Sequence <= _events.Count)
                {
                    continue; // already held: a retried batch
                }

                var index = _events.Count;
                _events.Add(e);
                Index(_bySubject, e.SubjectPseudonym, index);
                Index(_byRecipient, e.Recipient, index);
            }
        }

        return AuditAppendResult.Appended;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditEvent> ReadAsync(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var position = (int)Math.Max(0, fromSequence - 1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AuditEvent e;
            lock (_gate)
            {
                if (position >= _events.Count)
                {
                    yield break;
                }

                e = _events[position++];
            }

            yield return e;
        }
    }

    /// <inheritdoc />
    public ValueTask<AuditEvent?> ReadLastAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_events.Count == 0 ? null : _events[^1]);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<AuditEvent> matches = [];
        lock (_gate)
        {
            IEnumerable<int> candidates = query.SubjectPseudonym is not null
                ? _bySubject.GetValueOrDefault(query.SubjectPseudonym) ?? []
                : query.Recipient is not null ? _byRecipient.GetValueOrDefault(query.Recipient) ?? [] : Enumerable.Range(0, _events.Count);
            foreach (var i in candidates)
            {
                if (query.Matches(_events[i]))
                {
                    matches.Add(_events[i]);
                }
            }
        }

        foreach (var e in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }
    }

    /// <inheritdoc />
    ValueTask ICheckpointSink.WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Shared by every pipeline over this sink: a checkpoint chained onto a stale newest one is refused (the
            // writer reads the newest again and retries after its next batch).
            if (checkpoint.PreviousCheckpointHash is { } link
                && !string.Equals(link, AuditCheckpointChain.Link(_checkpoints.Count == 0 ? null : _checkpoints[^1]), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The checkpoint of size {checkpoint.Size} does not link to the newest checkpoint: writing it would break the checkpoint chain.");
            }

            _checkpoints.Add(checkpoint);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    async IAsyncEnumerable<AuditCheckpoint> IAuditCheckpointReader.ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var checkpoint in CheckpointSnapshot())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return checkpoint;
        }
    }

    /// <inheritdoc />
    ValueTask<AuditCheckpoint?> ICheckpointSink.ReadLatestAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_checkpoints.Count == 0 ? null : _checkpoints[^1]);
        }
    }

    private static void Index(Dictionary<string, List<int>> index, string? key, int position)
    {
        if (key is null)
        {
            return;
        }

        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(position);
    }
}
