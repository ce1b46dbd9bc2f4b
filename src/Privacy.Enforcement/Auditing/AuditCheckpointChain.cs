namespace Privacy.Enforcement.Auditing;

/// <summary>
/// The rules a list of checkpoints, in stored order, must keep (store.integrity): each well formed; each signed with the
/// key when one is given; each chained checkpoint after the first of the list linking to the hash of the one before it
/// and covering more events than it; legacy (unchained) checkpoints only before the first chained one. Shared by
/// <see cref="AuditTrailVerifier"/> and the pipeline's start-up check, so both refuse the same things.
/// </summary>
internal static class AuditCheckpointChain
{
    /// <summary>The link a checkpoint written after <paramref name="previous"/> carries.</summary>
    public static string Link(AuditCheckpoint? previous) => previous is null ? AuditHashChain.GenesisHash : AuditHashChain.GetCheckpointHash(previous);

    /// <summary>Returns the first broken rule, naming the checkpoint by its 1-based position and size, or <see langword="null"/>.</summary>
    public static (AuditVerificationFailure Failure, string Message)? Check(IReadOnlyList<AuditCheckpoint> checkpoints, IAuditCheckpointSigner? signer)
    {
        AuditCheckpoint? previous = null;
        var chained = false;
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var c = checkpoints[i];
            var name = $"Checkpoint {i + 1} (size {c.Size})";
            if (!IsWellFormed(c))
            {
                return (AuditVerificationFailure.MalformedCheckpoint, $"{name} is malformed.");
            }

            if (signer is not null && CheckSignature(c, signer) is { } bad)
            {
                return (bad.Failure, $"{name}: {bad.Message}.");
            }

            if (c.PreviousCheckpointHash is null)
            {
                if (chained)
                {
                    return (AuditVerificationFailure.CheckpointChainBroken, $"{name} carries no link to the checkpoint before it although earlier ones do: the checkpoint chain was rewritten.");
                }
            }
            else
            {
                // The list may begin anywhere in the chain (a verifier given only the newest checkpoints): a checkpoint
                // pins every event up to its size, so the checkpoints before it add nothing that deleting them could hide.
                if (previous is not null && !string.Equals(c.PreviousCheckpointHash, Link(previous), StringComparison.Ordinal))
                {
                    return (AuditVerificationFailure.CheckpointChainBroken, $"{name} does not link to the checkpoint before it: a checkpoint between them was deleted, inserted or reordered.");
                }

                if (previous is not null && c.Size <= previous.Size)
                {
                    return (AuditVerificationFailure.CheckpointChainBroken, $"{name} does not cover more events than the checkpoint before it (size {previous.Size}).");
                }

                chained = true;
            }

            previous = c;
        }

        return null;
    }

    public static bool IsWellFormed(AuditCheckpoint c)
        => c.Size >= 0 && IsHash(c.HeadHash) && (c.PreviousCheckpointHash is null || IsHash(c.PreviousCheckpointHash))
           && c.Chain >= 0 && (c.OtherChains is null || c.OtherChains.All(o => o is not null && o.Chain >= 0 && o.Chain != c.Chain && o.Size >= 0 && IsHash(o.HeadHash)));

    public static (AuditVerificationFailure Failure, string Message)? CheckSignature(AuditCheckpoint c, IAuditCheckpointSigner signer)
    {
        if (c.Signature is null)
        {
            return (AuditVerificationFailure.CheckpointSignatureMissing, "it is not signed");
        }

        if (signer.KeyId.Length > 0 && !string.Equals(signer.KeyId, c.KeyId, StringComparison.Ordinal))
        {
            return (AuditVerificationFailure.CheckpointSignatureInvalid, "it is signed with another key");
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(c.Signature);
        }
        catch (FormatException)
        {
            return (AuditVerificationFailure.CheckpointSignatureInvalid, "its signature is not base64");
        }

        return signer.Verify(AuditHashChain.GetCheckpointPayload(c with { Signature = null }), signature)
            ? null
            : (AuditVerificationFailure.CheckpointSignatureInvalid, "its signature does not verify");
    }

    private static bool IsHash(string? value)
    {
        if (value is null || value.Length != AuditHashChain.HashHexLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
