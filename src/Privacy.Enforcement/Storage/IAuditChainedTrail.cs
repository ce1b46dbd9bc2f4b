using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement.Storage;

/// <summary>
/// A trail kept as several hash chains, one per writer, so that application instances append without waiting for each
/// other: each chain is a gap-free chain of its own (sequence numbers from 1, hashes from
/// <see cref="AuditHashChain.GenesisHash"/>) with its own chain of checkpoints, and each checkpoint also names the size
/// and head of every other chain (<see cref="AuditCheckpoint.OtherChains"/>), which ties the chains together.
/// <see cref="AuditChainsVerifier"/> verifies the whole trail through this interface.
/// </summary>
/// <remarks>
/// Chain 0 is the trail's first chain: the whole trail of a single-chain store, and the events written before the store
/// kept several chains. A chain's id is never reused for another writer's events; a writer that stopped (or crashed)
/// leaves its chain to exactly one successor, which goes on where it ends.
/// </remarks>
public interface IAuditChainedTrail
{
    /// <summary>Lists every chain the trail holds or has held: with events, registered, or holding checkpoints, in ascending order.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The chain ids.</returns>
    IAsyncEnumerable<long> ReadChainIdsAsync(CancellationToken cancellationToken);

    /// <summary>Reads one chain's events with sequence numbers from <paramref name="fromSequence"/> on, in order.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="fromSequence">The first sequence number (1 for the whole chain).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<AuditEvent> ReadChainAsync(long chain, long fromSequence, CancellationToken cancellationToken);

    /// <summary>Reads one chain's checkpoints, in the order written.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The checkpoints.</returns>
    IAsyncEnumerable<AuditCheckpoint> ReadChainCheckpointsAsync(long chain, CancellationToken cancellationToken);
}

/// <summary>
/// A checkpoint sink of one chain of a trail kept as several chains: before a checkpoint is linked and signed, it names
/// the chain (<see cref="AuditCheckpoint.Chain"/>) and the other chains' sizes and heads (<see cref="AuditCheckpoint.OtherChains"/>).
/// </summary>
internal interface IAuditChainCheckpointSink
{
    /// <summary>Returns <paramref name="checkpoint"/> of the writer's own chain with the chain id and the other chains' heads, read now.</summary>
    ValueTask<AuditCheckpoint> DescribeAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);
}
