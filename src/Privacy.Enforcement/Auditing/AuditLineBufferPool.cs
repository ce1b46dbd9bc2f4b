namespace Privacy.Enforcement.Auditing;

/// <summary>
/// The buffers events are sealed in (<see cref="AuditHashChain.SealPrepared"/>): a caller writes its event's body into
/// one, the sealer turns it into the stored line in place, the sink copies the line, and the writer gives the buffer
/// back once the batch is written. Reused, so an audited decision does not allocate its line; an event too large for a
/// pooled buffer gets one of its own, which is not kept.
/// </summary>
internal sealed class AuditLineBufferPool
{
    /// <summary>The size of a pooled buffer: room for a decision's line with its categories, clauses and obligations.</summary>
    public const int BufferSize = 1024;

    private readonly object _gate = new();
    private readonly byte[][] _free;
    private int _count;

    /// <param name="capacity">The most buffers kept for reuse (more are left to the garbage collector).</param>
    public AuditLineBufferPool(int capacity) => _free = new byte[Math.Max(1, capacity)][];

    /// <summary>Takes a free buffer, or a new one.</summary>
    public byte[] Rent()
    {
        lock (_gate)
        {
            if (_count > 0)
            {
                var buffer = _free[--_count];
                _free[_count] = null!;
                return buffer;
            }
        }

        return new byte[BufferSize];
    }

    /// <summary>Gives back the buffers of <paramref name="entries"/>, whose events are written (one lock for the batch).</summary>
    public void Return(List<AuditEntry> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (entry.TakeLineBuffer() is { Length: BufferSize } buffer && _count < _free.Length)
                {
                    _free[_count++] = buffer;
                }
            }
        }
    }
}
