using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// The writer's first step: reads the trail's head from the sink and checks it against the checkpoint chain
/// (store.integrity) before anything is sealed, so the trail goes on where it ends. A failed read or check is retried
/// with back-off; meanwhile nothing is sealed and durable callers time out (they deny).
/// </summary>
internal sealed partial class AuditTrailResumer
{
    private readonly IAuditTrailReader? _reader;
    private readonly ICheckpointSink? _checkpointSink;
    private readonly IAuditCheckpointSigner? _signer;
    private readonly AuditCheckpointer _checkpointer;
    private readonly AuditEventSealer _sealer;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _abort;
    private readonly ILogger _logger;

    public AuditTrailResumer(
        IAuditTrailReader? reader,
        ICheckpointSink? checkpointSink,
        IAuditCheckpointSigner? signer,
        AuditCheckpointer checkpointer,
        AuditEventSealer sealer,
        AuditTrailOptions options,
        TimeProvider time,
        ILogger logger,
        CancellationToken abort)
    {
        _reader = reader;
        _checkpointSink = checkpointSink;
        _signer = signer;
        _checkpointer = checkpointer;
        _sealer = sealer;
        _options = options;
        _time = time;
        _abort = abort;
        _logger = logger;
        if (_reader is null)
        {
            LogNoReader(_logger);
        }
    }

    /// <summary>
    /// Reads and checks the head, hands it to the sealer and the checkpointer, and returns it; <see langword="null"/>
    /// when shutdown came first.
    /// </summary>
    public async Task<AuditChainHead?> ResumeAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Checkpoint first: on a shared trail another writer may checkpoint events appended after a head read.
                var checkpoint = _checkpointSink is null ? null : await ReadCheckedCheckpointsAsync().ConfigureAwait(false);
                var last = _reader is null ? null : await _reader.ReadLastAsync(_abort).ConfigureAwait(false);
                var sequence = last?.Sequence ?? 0;
                var head = last?.Hash ?? AuditHashChain.GenesisHash;
                if (checkpoint is not null && _reader is not null)
                {
                    await CheckAgainstCheckpointAsync(checkpoint, sequence).ConfigureAwait(false);
                }

                _checkpointer.OnResumed(checkpoint);
                _sealer.StartFrom(sequence, head);
                LogResumed(_logger, sequence);
                return new AuditChainHead(sequence, head);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex)
            {
                var delay = AuditRetryBackoff.Delay(_options, attempt);
                if (ex is InvalidDataException)
                {
                    LogIntegrityFailed(_logger, ex, attempt + 1, delay);
                }
                else
                {
                    LogResumeFailed(_logger, ex, attempt + 1, delay);
                }

                if (!await AuditRetryBackoff.WaitAsync(delay, _time, _abort).ConfigureAwait(false))
                {
                    return null;
                }
            }
        }
    }

    /// <summary>
    /// Reads the checkpoints and refuses a chain that is broken (a checkpoint deleted, inserted or reordered), forged (a
    /// signature that does not verify with the configured key) or unsigned while a key is configured (store.integrity);
    /// returns the newest. A checkpoint sink that cannot list its checkpoints is checked by its newest one alone.
    /// </summary>
    private async Task<AuditCheckpoint?> ReadCheckedCheckpointsAsync()
    {
        var checkpoints = new List<AuditCheckpoint>();
        if (_checkpointSink is IAuditCheckpointReader all)
        {
            await foreach (var c in all.ReadCheckpointsAsync(_abort).ConfigureAwait(false))
            {
                checkpoints.Add(c);
            }
        }
        else if (await _checkpointSink!.ReadLatestAsync(_abort).ConfigureAwait(false) is { } latest)
        {
            // Its link cannot be followed without the others: its form and signature are checked alone.
            var alone = !AuditCheckpointChain.IsWellFormed(latest) ? "it is malformed"
                : _signer is not null && AuditCheckpointChain.CheckSignature(latest, _signer) is { } bad ? bad.Message
                : null;
            if (alone is not null)
            {
                throw new InvalidDataException($"The audit trail's newest checkpoint (size {latest.Size}) is not trustworthy: {alone}. Nothing is appended; verify the trail with 'privacy audit verify'.");
            }

            return latest;
        }

        if (AuditCheckpointChain.Check(checkpoints, _signer) is { } broken)
        {
            throw new InvalidDataException($"The audit trail's checkpoints are not one trustworthy chain ({broken.Failure}): {broken.Message} Nothing is appended; verify the trail with 'privacy audit verify'.");
        }

        return checkpoints.Count == 0 ? null : checkpoints[^1];
    }

    /// <summary>Refuses to append to a trail shorter than its last checkpoint or whose history differs from it (store.integrity).</summary>
    private async Task CheckAgainstCheckpointAsync(AuditCheckpoint checkpoint, long sequence)
    {
        if (checkpoint.Size > sequence)
        {
            throw new InvalidDataException($"The audit trail holds {sequence} events but its last checkpoint records {checkpoint.Size}: it was truncated. Verify it with 'privacy audit verify'.");
        }

        if (checkpoint.Size == 0)
        {
            return;
        }

        await foreach (var e in _reader!.ReadAsync(checkpoint.Size, _abort).ConfigureAwait(false))
        {
            if (e.Sequence != checkpoint.Size || !string.Equals(e.Hash, checkpoint.HeadHash, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Audit event {checkpoint.Size} does not match the last checkpoint: the trail was altered. Verify it with 'privacy audit verify'.");
            }

            return;
        }
    }

    [LoggerMessage(EventId = 2001, EventName = "AuditTrailNotReadable", Level = LogLevel.Warning, Message = "The audit sink cannot be read back: the trail restarts at sequence 1 on each start. Use a sink that implements IAuditTrailReader.")]
    private static partial void LogNoReader(ILogger logger);

    [LoggerMessage(EventId = 2002, EventName = "AuditTrailResumed", Level = LogLevel.Information, Message = "Audit trail resumed after sequence {Sequence}.")]
    private static partial void LogResumed(ILogger logger, long sequence);

    [LoggerMessage(EventId = 2003, EventName = "AuditTrailResumeFailed", Level = LogLevel.Error, Message = "Reading the audit trail's head failed (attempt {Attempt}); retrying in {Delay}. Decisions are denied meanwhile.")]
    private static partial void LogResumeFailed(ILogger logger, Exception exception, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 2009, EventName = "AuditTrailIntegrityFailed", Level = LogLevel.Critical, Message = "The audit trail failed its integrity check at start-up (attempt {Attempt}); nothing is appended and decisions are denied until it is resolved. Checking again in {Delay}.")]
    private static partial void LogIntegrityFailed(ILogger logger, Exception exception, int attempt, TimeSpan delay);
}
