using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Publishes each checkpoint of the audit trail outside the host (a transparency log, an object store with retention
/// lock, another organisation, a notary), so that a trail truncated together with its checkpoints, or cut after its
/// newest checkpoint, can be found: verify with the newest published checkpoint as the anchor
/// (<see cref="AuditVerificationOptions.Anchor"/>, <c>privacy audit verify --anchor</c>). Register it with
/// <c>UseAuditCheckpointAnchor(...)</c>.
/// </summary>
/// <remarks>
/// The pipeline calls it after a checkpoint is durable in the <see cref="ICheckpointSink"/>, off the writer's thread: a
/// slow or failing anchor never delays or denies a decision. A failed or timed-out publication (bounded by
/// <see cref="AuditTrailOptions.Timeout"/>) is logged without personal data and retried with the pipeline's back-off; when
/// a newer checkpoint is durable meanwhile, the newer one is published instead (it is chained to the one that failed, so
/// it covers it). A checkpoint carries no personal data: sizes, hashes, a time, a key id and a signature.
/// </remarks>
public interface IAuditCheckpointAnchor
{
    /// <summary>Publishes a checkpoint; completes when it is held outside the host.</summary>
    /// <param name="checkpoint">The checkpoint, signed when a key is configured.</param>
    /// <param name="cancellationToken">Cancelled when the attempt times out or the pipeline shuts down.</param>
    /// <returns>A task.</returns>
    ValueTask PublishAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);
}
