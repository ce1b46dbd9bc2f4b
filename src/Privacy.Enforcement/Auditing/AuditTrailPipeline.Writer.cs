namespace Privacy.Enforcement;

/// <summary>
/// Sealing and writing. Events are sealed in queue order under one lock by whichever thread gets it first: a durable
/// caller right after it queues its event (it is running already, and waits for the disk anyway), or else the writer.
/// The writer, on a thread of its own, group-commits what is sealed: while it waits for the disk, callers seal the next
/// batch, so a flush begins as soon as the last one ends. A thread of its own because a flush to disk blocks its thread,
/// and a writer (or a sealer) waiting its turn in the thread pool behind the callers it has just answered would leave
/// the disk idle.
/// </summary>
/// <remarks>
/// <para>
/// Callers never block: a caller that finds the lock taken leaves its event to the holder, who looks at the queue again
/// after letting go (or, after a few rounds, to the writer). At most <see cref="AuditTrailOptions.MaxBatchSize"/> sealed
/// events wait for the writer; past that events stay queued, so a slow sink fills the bounded queue (and callers time
/// out) instead of an unbounded list of sealed events.
/// </para>
/// <para>
/// Nothing is sealed before the writer has read the trail's head (<see cref="ResumeAsync"/>).
/// </para>
/// </remarks>
internal sealed partial class AuditTrailPipeline
{
    private const int CallerSealingRounds = 4;

    private const int WriterSpins = 50; // SpinWait rounds (busy at first, then yielding the processor) before the writer sleeps

    private const int CallerSealingBatch = 64; // a caller seals at most this many events a round, so no caller pays much for others

    private readonly object _sealGate = new(); // held while sealing: guards _sequence, _head and reading the queue
    private readonly List<Entry> _sealing = [];
    private readonly object _handoff = new(); // guards _sealed and _writerStopped; the writer waits on it
    private readonly List<Entry> _sealed = [];
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _writerStopped;
    private volatile int _sealedCount; // _sealed.Count, for the writer's spin
    private volatile bool _resumed;
    private ChainHead? _rebase;
    private int _writerIdle;

    /// <summary>Starts the writer on a thread of its own, without the first caller's execution context (its activity, its async locals).</summary>
    private void StartWriter()
    {
        var thread = new Thread(static state =>
        {
            var pipeline = (AuditTrailPipeline)state!;
            try
            {
                pipeline.RunWriter();
            }
            finally
            {
                pipeline._finished.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "Privacy.Enforcement audit writer",
        };
        thread.UnsafeStart(this);
    }

    /// <summary>Reads the head, then writes what is sealed until the queue is completed and everything is written.</summary>
    private void RunWriter()
    {
        var taken = new List<Entry>();
        var batch = new List<AuditEvent>();
        try
        {
            if (!ResumeAsync().GetAwaiter().GetResult())
            {
                StopWriting(taken);
                return;
            }

            _resumed = true;
            while (true)
            {
                SealQueued(byWriter: true);
                if (!TakeSealed(taken))
                {
                    if (NothingLeftToWrite())
                    {
                        break;
                    }

                    continue;
                }

                if (taken.Count > 0)
                {
                    batch.Clear();
                    foreach (var entry in taken)
                    {
                        batch.Add(entry.Sealed!);
                    }

                    var sealedLast = batch[^1];
                    EnsureChained(batch);
                    if (!WriteAsync(batch).GetAwaiter().GetResult())
                    {
                        StopWriting(taken);
                        return;
                    }

                    if (!ReferenceEquals(batch[^1], sealedLast))
                    {
                        // Re-chained onto a head another instance moved: sealing continues from the real head.
                        Volatile.Write(ref _rebase, new ChainHead(batch[^1].Sequence, batch[^1].Hash));
                    }

                    CompleteWritten(taken, batch[^1]);
                }

                if (CheckpointDue)
                {
                    CheckpointAsync().GetAwaiter().GetResult();
                }
            }

            if (_checkpointSink is not null && _durableSequence > _checkpointedSize)
            {
                CheckpointAsync().GetAwaiter().GetResult();
            }
        }
        catch (Exception ex)
        {
            // Not expected: fail every waiting caller (they deny) rather than leave them hanging.
            LogWriterFailed(_logger, ex);
            StopWriting(taken);
        }
    }

    /// <summary>
    /// Waits until something is sealed, something is queued that no one is sealing, or a checkpoint falls due, and moves
    /// up to <see cref="AuditTrailOptions.MaxBatchSize"/> sealed events to <paramref name="taken"/>. Returns
    /// <see langword="false"/> once the queue is completed and everything in it is written.
    /// </summary>
    private bool TakeSealed(List<Entry> taken)
    {
        var reader = _channel.Reader;

        // A short spin first, as the thread pool's workers do: the next event often comes within microseconds, and
        // waking a sleeping thread costs a system call on both sides.
        var spinner = default(SpinWait);
        for (var spin = 0; spin < WriterSpins && _sealedCount == 0 && !reader.TryPeek(out _); spin++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        lock (_handoff)
        {
            Interlocked.Exchange(ref _writerIdle, 1);
            try
            {
                while (_sealed.Count == 0 && !reader.TryPeek(out _) && !CheckpointDue)
                {
                    if (reader.Completion.IsCompleted)
                    {
                        return false;
                    }

                    Monitor.Wait(_handoff);
                }
            }
            finally
            {
                Volatile.Write(ref _writerIdle, 0);
            }

            var count = Math.Min(_sealed.Count, _options.MaxBatchSize);
            taken.AddRange(_sealed.GetRange(0, count));
            _sealed.RemoveRange(0, count);
            _sealedCount = _sealed.Count;
            return true;
        }
    }

    /// <summary>
    /// The queue is completed and empty: once no caller is still sealing what it took from the queue (it hands that
    /// over before it lets go of the lock), is anything left to write?
    /// </summary>
    private bool NothingLeftToWrite()
    {
        lock (_sealGate)
        {
            lock (_handoff)
            {
                return _sealed.Count == 0;
            }
        }
    }

    /// <summary>Wakes the writer if it waits (after an event is queued that it must seal, or the queue completed).</summary>
    private void WakeWriter()
    {
        // A full fence: the queued event must be visible before the idle flag is read, or both sides could miss it.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _writerIdle) != 0)
        {
            lock (_handoff)
            {
                Monitor.Pulse(_handoff);
            }
        }
    }

    /// <summary>
    /// Seals what is queued, in order, and hands it to the writer. A caller tries the lock and leaves the work to its
    /// holder when it is taken; the holder looks at the queue again after letting go, so nothing is stranded. A caller
    /// gives up after a few rounds (leaving the rest to the writer); the writer waits for the lock.
    /// </summary>
    private void SealQueued(bool byWriter)
    {
        if (!_resumed)
        {
            WakeWriter();
            return;
        }

        var reader = _channel.Reader;
        for (var round = 0; byWriter || round < CallerSealingRounds; round++)
        {
            if (byWriter)
            {
                Monitor.Enter(_sealGate);
            }
            else if (!Monitor.TryEnter(_sealGate))
            {
                return; // the holder looks at the queue again after letting go
            }

            bool handedOver;
            try
            {
                handedOver = SealAndHandOver(byWriter ? int.MaxValue : CallerSealingBatch);
            }
            finally
            {
                Monitor.Exit(_sealGate);
            }

            if (!handedOver || !reader.TryPeek(out _))
            {
                return;
            }
        }

        WakeWriter();
    }

    /// <summary>Seals up to <paramref name="limit"/> events (and the writer's free room) and hands them over; <see langword="false"/> when nothing was sealed (no room, or nothing queued).</summary>
    private bool SealAndHandOver(int limit)
    {
        int room;
        lock (_handoff)
        {
            room = _writerStopped ? 0 : Math.Min(limit, _options.MaxBatchSize - _sealed.Count);
        }

        if (room <= 0)
        {
            return false;
        }

        if (Interlocked.Exchange(ref _rebase, null) is { } head)
        {
            Interlocked.Exchange(ref _sequence, head.Sequence);
            _head = head.Hash;
        }

        TakeBatch(_sealing, room);
        if (_sealing.Count == 0)
        {
            return false;
        }

        lock (_handoff)
        {
            if (!_writerStopped)
            {
                _sealed.AddRange(_sealing);
                _sealedCount = _sealed.Count;
                _sealing.Clear();
                Monitor.Pulse(_handoff);
                return true;
            }
        }

        LogLost(Fail(_sealing)); // the writer stopped meanwhile
        return false;
    }

    /// <summary>Takes up to <paramref name="limit"/> queued events and seals them onto the head (holding the sealing lock).</summary>
    private void TakeBatch(List<Entry> entries, int limit)
    {
        var reader = _channel.Reader;
        while (entries.Count < limit && reader.TryRead(out var entry))
        {
            AuditTelemetry.QueueDepth.Add(-1);
            if (!entry.TrySeal())
            {
                continue; // its caller gave up before it was sealed, and denied
            }

            AuditEvent sealedEvent;
            try
            {
                sealedEvent = AuditHashChain.Seal(entry.Event, _sequence + 1, _head, entry.Body);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                entry.TryComplete(new AuditUnavailableException("The audit event could not be sealed.", ex));
                continue;
            }

            Interlocked.Increment(ref _sequence);
            _head = sealedEvent.Hash;
            entry.Sealed = sealedEvent;
            entries.Add(entry);
        }
    }

    /// <summary>
    /// Several instances over one shared trail only: when another instance moved the head after events were sealed,
    /// they are re-sealed onto this writer's durable head before they are written.
    /// </summary>
    private void EnsureChained(List<AuditEvent> batch)
    {
        if (batch[0].Sequence != _durableSequence + 1 || !string.Equals(batch[0].PreviousHash, _durableHead, StringComparison.Ordinal))
        {
            Reseal(batch, _durableSequence, _durableHead);
        }
    }

    /// <summary>Answers the callers of events now durable, <paramref name="last"/> being the last of them.</summary>
    private void CompleteWritten(List<Entry> written, AuditEvent last)
    {
        _durableSequence = last.Sequence;
        _durableHead = last.Hash;
        AuditTelemetry.Recorded.Add(written.Count);
        foreach (var entry in written)
        {
            entry.TryComplete(null);
        }

        written.Clear();
        ForgetCompleted();
    }

    /// <summary>The writer cannot go on (stopped by the shutdown deadline, or failed): fails what it holds, what is sealed and what is queued.</summary>
    private void StopWriting(List<Entry> taken)
    {
        _channel.Writer.TryComplete();
        lock (_handoff)
        {
            _writerStopped = true;
            taken.AddRange(_sealed);
            _sealed.Clear();
            _sealedCount = 0;
        }

        lock (_sealGate)
        {
            while (_channel.Reader.TryRead(out var entry))
            {
                AuditTelemetry.QueueDepth.Add(-1);
                taken.Add(entry);
            }
        }

        LogLost(Fail(taken));
    }

    /// <summary>Fails the callers of <paramref name="entries"/> (they deny); returns how many asynchronous events are lost.</summary>
    private static long Fail(List<Entry> entries)
    {
        var lost = 0L;
        var failure = new AuditUnavailableException("The audit trail stopped before the event was written; deny whatever it records.");
        foreach (var entry in entries)
        {
            if (entry.IsDurable)
            {
                entry.TryComplete(failure);
            }
            else
            {
                lost++;
            }
        }

        entries.Clear();
        return lost;
    }

    private void LogLost(long lost)
    {
        if (lost > 0)
        {
            LogEventsNotWritten(_logger, lost);
        }
    }

    private sealed record ChainHead(long Sequence, string Hash);
}
