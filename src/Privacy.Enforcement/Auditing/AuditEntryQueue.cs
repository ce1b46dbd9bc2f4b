using System.Threading.Channels;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// The bounded queue between the callers of <see cref="AuditTrailPipeline.RecordAsync"/> and
/// <see cref="AuditEventSealer"/>: callers add, whoever holds the sealing lock takes, in order. When it is full a caller
/// waits for room up to <see cref="AuditTrailOptions.Timeout"/> and is then refused: it must deny.
/// </summary>
internal sealed class AuditEntryQueue
{
    private readonly Channel<AuditEntry> _channel;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly AuditTelemetry _telemetry;
    private long _count; // entries queued and not yet taken, kept beside the channel so that looking costs no lock

    public AuditEntryQueue(AuditTrailOptions options, TimeProvider time, AuditTelemetry telemetry)
    {
        _telemetry = telemetry;
        _options = options;
        _time = time;
        _channel = Channel.CreateBounded<AuditEntry>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = false, // read under the sealing lock, by whichever thread seals
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>
    /// Gets a value indicating whether an entry is queued: a read of a counter, not of the channel, whose every look
    /// takes its lock (the writer looks while it spins before sleeping, and would hold up callers queueing meanwhile).
    /// The counter moves after the channel does, both ways: a queuing caller wakes the writer after counting its entry.
    /// </summary>
    public bool HasQueued => Volatile.Read(ref _count) > 0;

    /// <summary>Gets a value indicating whether the queue is completed and empty.</summary>
    public bool IsCompleted => _channel.Reader.Completion.IsCompleted;

    /// <summary>Queues <paramref name="entry"/> when there is room; <see langword="false"/> when the queue is full or completed.</summary>
    public bool TryEnqueue(AuditEntry entry)
    {
        if (!_channel.Writer.TryWrite(entry))
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        _telemetry.QueueDepth.Add(1);
        return true;
    }

    /// <summary>Queues an entry once the full queue has room, up to <see cref="AuditTrailOptions.Timeout"/>; a refusal also completes the entry's wait.</summary>
    public async ValueTask WaitForRoomAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        using (var timeout = new CancellationTokenSource(_options.Timeout, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                await _channel.Writer.WriteAsync(entry, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Refused(entry, new AuditUnavailableException($"The audit queue stayed full for {_options.Timeout}; deny whatever the event records.", ex));
            }
            catch (ChannelClosedException ex)
            {
                throw Refused(entry, new AuditUnavailableException("The audit trail is shut down; deny whatever the event records.", ex));
            }
        }

        Interlocked.Increment(ref _count);
        _telemetry.QueueDepth.Add(1);
    }

    /// <summary>Gets a value indicating whether the queue has room (a read of the counter; a caller may still lose the room to another).</summary>
    public bool HasRoom => Volatile.Read(ref _count) < _options.QueueCapacity;

    /// <summary>Takes the oldest entry (the caller holds the sealing lock); <see cref="Taken"/> then reports what was taken.</summary>
    public bool TryDequeue(out AuditEntry entry)
    {
        if (!_channel.Reader.TryRead(out entry!))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        return true;
    }

    /// <summary>Reports <paramref name="count"/> entries taken off the queue to the queue-depth instrument: one measurement per batch, not per event.</summary>
    public void Taken(int count)
    {
        if (count > 0)
        {
            _telemetry.QueueDepth.Add(-count);
        }
    }

    /// <summary>Takes no more entries: later callers are refused as shut down.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>An event the queue did not take: counted once, and its wait (durable mode) closed so the watchdog skips it.</summary>
    private AuditUnavailableException Refused(AuditEntry entry, AuditUnavailableException failure)
    {
        _telemetry.Unavailable.Add(1);
        (entry as DurableAuditEntry)?.TryAbandon();
        entry.TryComplete(failure);
        return failure;
    }
}
