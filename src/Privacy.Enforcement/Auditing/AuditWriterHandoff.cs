using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Where <see cref="AuditEventSealer"/> leaves sealed events for <see cref="AuditGroupCommitWriter"/>, and where the
/// writer sleeps when there is nothing to do. At most <see cref="AuditTrailOptions.MaxBatchSize"/> sealed events wait
/// here; past that events stay queued, so a slow sink fills the bounded queue (and callers time out) instead of an
/// unbounded list of sealed events.
/// </summary>
internal sealed partial class AuditWriterHandoff
{
    private const int WriterSpins = 50; // SpinWait rounds (busy at first, then yielding the processor) before the writer sleeps

    private readonly object _gate = new(); // guards _sealed and _stopped; the writer waits on it
    private readonly List<AuditEntry> _sealed = [];
    private readonly AuditEntryQueue _queue;
    private readonly AuditTrailOptions _options;
    private readonly ILogger _logger;
    private bool _stopped;
    private volatile int _sealedCount; // _sealed.Count, for the writer's spin
    private int _writerIdle;

    public AuditWriterHandoff(AuditEntryQueue queue, AuditTrailOptions options, ILogger logger)
    {
        _queue = queue;
        _options = options;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether no sealed event waits for the writer.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _sealed.Count == 0;
            }
        }
    }

    /// <summary>
    /// Gets a value indicating whether the writer sleeps, waiting for work (for tests and diagnostics). Read under the
    /// hand-off lock, which the writer lets go of, with its idle flag set, only while it sleeps.
    /// </summary>
    internal bool IsWriterAsleep
    {
        get
        {
            lock (_gate)
            {
                return _writerIdle != 0;
            }
        }
    }

    /// <summary>How many events, up to <paramref name="limit"/>, the writer has room for; 0 once it stopped.</summary>
    public int Room(int limit)
    {
        lock (_gate)
        {
            return _stopped ? 0 : Math.Min(limit, _options.MaxBatchSize - _sealed.Count);
        }
    }

    /// <summary>Hands <paramref name="sealing"/> to the writer and clears it; when the writer stopped meanwhile, fails them instead.</summary>
    public bool TryHandOver(List<AuditEntry> sealing)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                _sealed.AddRange(sealing);
                _sealedCount = _sealed.Count;
                sealing.Clear();
                Monitor.Pulse(_gate);
                return true;
            }
        }

        LogLost(AuditEntry.FailStopped(sealing)); // the writer stopped meanwhile
        return false;
    }

    /// <summary>Wakes the writer if it waits (after an event is queued that it must seal, or the queue completed).</summary>
    public void Wake()
    {
        // A full fence: the queued event must be visible before the idle flag is read, or both sides could miss it.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _writerIdle) != 0)
        {
            lock (_gate)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>Wakes an idle writer whatever it waits for (a checkpoint fell due).</summary>
    public void WakeForCheckpoint()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>
    /// The writer: waits until something is sealed, something is queued that no one is sealing, or a checkpoint falls
    /// due, and moves up to <see cref="AuditTrailOptions.MaxBatchSize"/> sealed events to <paramref name="taken"/>.
    /// Returns <see langword="false"/> once the queue is completed and everything in it is written.
    /// </summary>
    public bool TakeSealed(List<AuditEntry> taken, AuditCheckpointer checkpointer, long durableSequence)
    {
        // A short spin first, as the thread pool's workers do: the next event often comes within microseconds, and
        // waking a sleeping thread costs a system call on both sides.
        var spinner = default(SpinWait);
        for (var spin = 0; spin < WriterSpins && _sealedCount == 0 && !_queue.HasQueued; spin++)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        lock (_gate)
        {
            Interlocked.Exchange(ref _writerIdle, 1);
            try
            {
                while (_sealed.Count == 0 && !_queue.HasQueued && !checkpointer.IsDue(durableSequence))
                {
                    if (_queue.IsCompleted)
                    {
                        return false;
                    }

                    Monitor.Wait(_gate);
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

    /// <summary>The writer stopped: takes no more, and moves what waits to <paramref name="taken"/>.</summary>
    public void Stop(List<AuditEntry> taken)
    {
        lock (_gate)
        {
            _stopped = true;
            taken.AddRange(_sealed);
            _sealed.Clear();
            _sealedCount = 0;
        }
    }

    /// <summary>Logs asynchronous events lost to a stopped writer.</summary>
    public void LogLost(long lost)
    {
        if (lost > 0)
        {
            LogEventsNotWritten(_logger, lost);
        }
    }

    [LoggerMessage(EventId = 2007, EventName = "AuditEventsNotWritten", Level = LogLevel.Error, Message = "{Count} audit events enqueued in asynchronous mode were not written before shutdown.")]
    private static partial void LogEventsNotWritten(ILogger logger, long count);
}
