using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Hands durable checkpoints to the host's <see cref="IAuditCheckpointAnchor"/> on a loop of its own, so the audit writer
/// never waits for it. One checkpoint waits at most: a newer one replaces it (it is chained to it, so it covers it). A
/// failed or timed-out attempt is logged (size only) and retried with the pipeline's back-off; on dispose what waits is
/// published within <see cref="AuditTrailOptions.ShutdownTimeout"/>.
/// </summary>
internal sealed partial class AuditCheckpointPublisher : IAsyncDisposable
{
    private readonly IAuditCheckpointAnchor _anchor;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AuditTelemetry _telemetry;
    private readonly Channel<AuditCheckpoint> _pending = Channel.CreateBounded<AuditCheckpoint>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
        SingleWriter = true,
    });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AuditCheckpointPublisher(IAuditCheckpointAnchor anchor, AuditTrailOptions options, TimeProvider time, ILogger logger, AuditTelemetry telemetry)
    {
        _telemetry = telemetry;
        _anchor = anchor;
        _options = options;
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Offers a durable checkpoint for publication; never blocks.</summary>
    public void Offer(AuditCheckpoint checkpoint) => _pending.Writer.TryWrite(checkpoint);

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        using (_time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), _stop, _options.ShutdownTimeout, Timeout.InfiniteTimeSpan))
        {
            _stop.CancelAfter(_options.ShutdownTimeout); // also on the wall clock, as the pipeline's own shutdown
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _pending.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                if (!reader.TryRead(out var checkpoint))
                {
                    continue;
                }

                for (var attempt = 1; !await TryPublishAsync(checkpoint, attempt).ConfigureAwait(false); attempt++)
                {
                    await Task.Delay(Backoff(attempt), _time, _stop.Token).ConfigureAwait(false);
                    if (reader.TryRead(out var newer))
                    {
                        checkpoint = newer;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            if (reader.TryRead(out var unpublished))
            {
                LogNotPublished(_logger, unpublished.Size);
            }
        }
    }

    private async Task<bool> TryPublishAsync(AuditCheckpoint checkpoint, int attempt)
    {
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
        try
        {
            // Bounded by the library's clock even if the anchor ignores its token.
            await _anchor.PublishAsync(checkpoint, linked.Token).AsTask().WaitAsync(_options.Timeout, _time, _stop.Token).ConfigureAwait(false);
            LogPublished(_logger, checkpoint.Size);
            return true;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            LogNotPublished(_logger, checkpoint.Size);
            throw;
        }
        catch (Exception ex)
        {
            _telemetry.CheckpointFailures.Add(1);
            LogPublishFailed(_logger, ex, checkpoint.Size, attempt);
            return false;
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var delay = _options.RetryInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(delay, _options.RetryMaxDelay.TotalMilliseconds));
    }

    [LoggerMessage(EventId = 2020, EventName = "AuditCheckpointPublished", Level = LogLevel.Debug, Message = "Audit checkpoint at size {Size} published to the anchor.")]
    private static partial void LogPublished(ILogger logger, long size);

    [LoggerMessage(EventId = 2021, EventName = "AuditCheckpointPublishFailed", Level = LogLevel.Warning, Message = "Publishing the audit checkpoint at size {Size} to the anchor failed (attempt {Attempt}); retrying with back-off. Decisions are not affected.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, long size, int attempt);

    [LoggerMessage(EventId = 2022, EventName = "AuditCheckpointNotPublished", Level = LogLevel.Error, Message = "The audit checkpoint at size {Size} was not published to the anchor before shutdown; the next start publishes a newer one.")]
    private static partial void LogNotPublished(ILogger logger, long size);
}
