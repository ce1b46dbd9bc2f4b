using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Seals queued events — sequence number, previous hash, SHA-256 (<see cref="AuditHashChain.Seal(AuditEvent, long, string)"/>)
/// — exactly once, in queue order, under one lock, and hands them to <see cref="AuditWriterHandoff"/>. Whoever gets the
/// lock seals for everyone: a durable caller right after it queues its event (it is running already, and waits for the
/// disk anyway), or else the writer. While the writer waits for the disk, callers seal the next batch, so a flush
/// begins as soon as the last one ends.
/// </summary>
/// <remarks>
/// <para>
/// Callers never block: a caller that finds the lock taken leaves its event to the holder, who looks at the queue again
/// after letting go (or, after a few rounds, to the writer).
/// </para>
/// <para>
/// Nothing is sealed before the writer has read the trail's head (<see cref="AuditTrailResumer"/>, then
/// <see cref="Open"/>). After the writer re-chained onto a head another instance moved, sealing continues from there
/// (<see cref="Rebase"/>).
/// </para>
/// <para>
/// An event that cannot be sealed is never written: its durable caller gets <see cref="AuditUnavailableException"/>
/// and denies; an asynchronous one has returned already, so the loss is counted (<c>privacy.audit.unavailable</c>)
/// and logged, with the count and the failure's type only.
/// </para>
/// </remarks>
internal sealed partial class AuditEventSealer
{
    private const int CallerSealingRounds = 4;

    private const int CallerSealingBatch = 64; // a caller seals at most this many events a round, so no caller pays much for others

    private readonly object _gate = new(); // held while sealing: guards _sequence, _head and reading the queue
    private readonly List<AuditEntry> _sealing = [];
    private readonly AuditEntryQueue _queue;
    private readonly AuditWriterHandoff _handoff;
    private readonly AuditTelemetry _telemetry;
    private readonly ILogger _logger;
    private long _sequence; // the last event sealed (by whoever holds the sealing lock)
    private string _head = AuditHashChain.GenesisHash;
    private volatile bool _resumed;
    private AuditChainHead? _rebase;

    public AuditEventSealer(AuditEntryQueue queue, AuditWriterHandoff handoff, AuditTelemetry telemetry, ILogger logger)
    {
        _queue = queue;
        _handoff = handoff;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>Gets the last sequence number sealed.</summary>
    public long LastSequence => Interlocked.Read(ref _sequence);

    /// <summary>Sets the head the next event is sealed onto (at start-up, before <see cref="Open"/>).</summary>
    public void StartFrom(long sequence, string head)
    {
        Interlocked.Exchange(ref _sequence, sequence);
        _head = head;
    }

    /// <summary>Lets callers and the writer seal (the head is known).</summary>
    public void Open() => _resumed = true;

    /// <summary>Continues sealing from <paramref name="head"/>: the writer re-chained onto a head another instance moved.</summary>
    public void Rebase(AuditChainHead head) => Volatile.Write(ref _rebase, head);

    /// <summary>
    /// Seals what is queued, in order, and hands it to the writer. A caller tries the lock and leaves the work to its
    /// holder when it is taken; the holder looks at the queue again after letting go, so nothing is stranded. A caller
    /// gives up after a few rounds (leaving the rest to the writer); the writer waits for the lock.
    /// </summary>
    public void SealQueued(bool byWriter)
    {
        if (!_resumed)
        {
            _handoff.Wake();
            return;
        }

        for (var round = 0; byWriter || round < CallerSealingRounds; round++)
        {
            if (byWriter)
            {
                Monitor.Enter(_gate);
            }
            else if (!Monitor.TryEnter(_gate))
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
                Monitor.Exit(_gate);
            }

            if (!handedOver || !_queue.HasQueued)
            {
                return;
            }
        }

        _handoff.Wake();
    }

    /// <summary>
    /// The queue is completed and empty: once no caller is still sealing what it took from the queue (it hands that
    /// over before it lets go of the lock), is anything left to write?
    /// </summary>
    public bool NothingLeftToWrite()
    {
        lock (_gate)
        {
            return _handoff.IsEmpty;
        }
    }

    /// <summary>The writer stopped: takes what is still queued, unsealed, into <paramref name="taken"/> (to be failed).</summary>
    public void DrainQueue(List<AuditEntry> taken)
    {
        lock (_gate)
        {
            var count = 0;
            while (_queue.TryDequeue(out var entry))
            {
                taken.Add(entry);
                count++;
            }

            _queue.Taken(count);
        }
    }

    /// <summary>Seals up to <paramref name="limit"/> events (and the writer's free room) and hands them over; <see langword="false"/> when nothing was sealed (no room, or nothing queued).</summary>
    private bool SealAndHandOver(int limit)
    {
        var room = _handoff.Room(limit);
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

        return _handoff.TryHandOver(_sealing);
    }

    /// <summary>Takes up to <paramref name="limit"/> queued events and seals them onto the head (holding the sealing lock).</summary>
    private void TakeBatch(List<AuditEntry> entries, int limit)
    {
        var taken = 0;
        for (; entries.Count < limit && _queue.TryDequeue(out var entry); taken++)
        {
            if (!entry.TrySeal())
            {
                continue; // its caller gave up before it was sealed, and denied
            }

            AuditEvent sealedEvent;
            try
            {
                sealedEvent = entry.LineBuffer is { } buffer
                    ? AuditHashChain.SealPrepared(entry.Event, _sequence + 1, _head, buffer, entry.BodyLength)
                    : AuditHashChain.Seal(entry.Event, _sequence + 1, _head);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                Unsealable(entry, ex);
                continue;
            }

            Interlocked.Increment(ref _sequence);
            _head = sealedEvent.Hash;
            entry.Sealed = sealedEvent;
            entries.Add(entry);
        }

        _queue.Taken(taken);
    }

    /// <summary>An event that could not be sealed is not written: its durable caller denies; an asynchronous one's loss is counted and logged.</summary>
    private void Unsealable(AuditEntry entry, Exception failure)
    {
        _telemetry.Unavailable.Add(1);
        if (entry.IsDurable)
        {
            entry.TryComplete(new AuditUnavailableException("The audit event could not be sealed; deny whatever it records.", failure));
        }
        else
        {
            LogEventNotSealed(_logger, failure.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 2011, EventName = "AuditEventNotSealed", Level = LogLevel.Error, Message = "An audit event enqueued in asynchronous mode could not be sealed ({Failure}) and is not written.")]
    private static partial void LogEventNotSealed(ILogger logger, string failure);
}

/// <summary>A head of the trail: the last event's sequence number and hash.</summary>
internal sealed record AuditChainHead(long Sequence, string Hash);
