using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>The verification of one chain of a trail kept as several chains.</summary>
/// <param name="Chain">The chain's id.</param>
/// <param name="Result">Its verification, as <see cref="AuditTrailVerifier"/> gives it for a single-chain trail.</param>
public sealed record AuditChainVerification(long Chain, AuditVerificationResult Result);

/// <summary>The outcome of verifying a trail kept as several chains (<see cref="AuditChainsVerifier"/>).</summary>
/// <param name="Failure">Why the trail failed, or <see cref="AuditVerificationFailure.None"/>.</param>
/// <param name="FailedChain">The chain that failed, or <see langword="null"/>.</param>
/// <param name="Message">What is wrong, or <see langword="null"/>.</param>
/// <param name="Chains">Each chain verified, in chain order (up to and including the one that failed).</param>
public sealed record AuditChainsVerificationResult(AuditVerificationFailure Failure, long? FailedChain, string? Message, IReadOnlyList<AuditChainVerification> Chains)
{
    /// <summary>Gets a value indicating whether every chain verified and every chain a checkpoint names holds what it names.</summary>
    public bool IsValid => Failure == AuditVerificationFailure.None;

    /// <summary>Gets the number of events verified, over every chain.</summary>
    public long Count => Chains.Sum(static c => c.Result.Count);
}

/// <summary>
/// Verifies a trail kept as several hash chains (<see cref="IAuditChainedTrail"/>): each chain alone with its own
/// checkpoints, exactly as <see cref="AuditTrailVerifier"/> verifies a single-chain trail (an event altered, removed,
/// inserted or reordered; a tail truncated behind the chain's checkpoint; a checkpoint deleted, forged or unsigned), then
/// every chain a checkpoint names in <see cref="AuditCheckpoint.OtherChains"/>: the chain must still hold that many events
/// and the event at that size must have that hash. So a chain removed whole (its events, checkpoints and registration) or
/// truncated together with its own checkpoints is detected, as long as another chain checkpointed after it had events.
/// </summary>
public static class AuditChainsVerifier
{
    /// <summary>Verifies every chain of the trail and the ties between them.</summary>
    /// <param name="trail">The trail.</param>
    /// <param name="options">The verification options: <see cref="AuditVerificationOptions.Signer"/> checks every chain's checkpoints;
    /// <see cref="AuditVerificationOptions.MinimumSize"/> and <see cref="AuditVerificationOptions.Anchor"/> describe one chain and apply to chain 0 only.</param>
    /// <param name="cancellationToken">Cancels the verification.</param>
    /// <returns>The result, naming the first chain that failed.</returns>
    public static async ValueTask<AuditChainsVerificationResult> VerifyAsync(IAuditChainedTrail trail, AuditVerificationOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trail);
        var signerOnly = new AuditVerificationOptions { Signer = options?.Signer };
        var verified = new List<AuditChainVerification>();
        var named = new List<(long By, AuditChainSize Size)>();
        var sizes = new Dictionary<long, long>();
        await foreach (var chain in trail.ReadChainIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            var checkpoints = new List<AuditCheckpoint>();
            await foreach (var c in trail.ReadChainCheckpointsAsync(chain, cancellationToken).ConfigureAwait(false))
            {
                checkpoints.Add(c);
            }

            if (checkpoints.Find(c => c.Chain != chain) is { } foreign)
            {
                return Fail(AuditVerificationFailure.CheckpointChainBroken, chain, $"A checkpoint of chain {foreign.Chain} (size {foreign.Size}) is stored among the checkpoints of chain {chain}: the checkpoints were moved.", verified);
            }

            var result = await AuditTrailVerifier.VerifyAsync(trail.ReadChainAsync(chain, 1, cancellationToken), checkpoints, chain == 0 && options is not null ? options : signerOnly, cancellationToken).ConfigureAwait(false);
            if (chain != 0 && result.Failure == AuditVerificationFailure.CheckpointMissing && !await HasEventsAsync(trail, chain, cancellationToken).ConfigureAwait(false))
            {
                result = result with { Failure = AuditVerificationFailure.None, Message = null }; // a chain claimed but never written: nothing to vouch for
            }

            verified.Add(new AuditChainVerification(chain, result));
            if (!result.IsValid)
            {
                return Fail(result.Failure, chain, $"Chain {chain}: {result.Message}", verified);
            }

            sizes[chain] = result.Count;
            foreach (var c in checkpoints)
            {
                foreach (var other in c.OtherChains ?? [])
                {
                    named.Add((chain, other));
                }
            }
        }

        // The ties: every chain a checkpoint named still holds what it named (one read per chain and size named).
        foreach (var (by, size) in named.DistinctBy(static n => (n.Size.Chain, n.Size.Size, n.Size.HeadHash)).OrderBy(static n => n.Size.Chain).ThenBy(static n => n.Size.Size))
        {
            var held = sizes.TryGetValue(size.Chain, out var count) ? count : -1;
            if (held < size.Size)
            {
                var what = held < 0 ? "is gone" : $"holds only {held}";
                return Fail(AuditVerificationFailure.Truncated, size.Chain, $"A checkpoint of chain {by} records {size.Size} events in chain {size.Chain}, which {what}: the chain was removed or truncated.", verified);
            }

            if (size.Size > 0 && !await HoldsAsync(trail, size, cancellationToken).ConfigureAwait(false))
            {
                return Fail(AuditVerificationFailure.CheckpointMismatch, size.Chain, $"Event {size.Size} of chain {size.Chain} does not have the hash a checkpoint of chain {by} records: the chain was rewritten.", verified);
            }
        }

        return new AuditChainsVerificationResult(AuditVerificationFailure.None, null, null, verified);
    }

    private static async ValueTask<bool> HoldsAsync(IAuditChainedTrail trail, AuditChainSize size, CancellationToken cancellationToken)
    {
        await foreach (var e in trail.ReadChainAsync(size.Chain, size.Size, cancellationToken).ConfigureAwait(false))
        {
            return e.Sequence == size.Size && string.Equals(e.Hash, size.HeadHash, StringComparison.Ordinal);
        }

        return false;
    }

    private static async ValueTask<bool> HasEventsAsync(IAuditChainedTrail trail, long chain, CancellationToken cancellationToken)
    {
        await foreach (var _ in trail.ReadChainAsync(chain, 1, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    private static AuditChainsVerificationResult Fail(AuditVerificationFailure failure, long chain, string message, List<AuditChainVerification> verified)
        => new(failure, chain, message, verified);
}
