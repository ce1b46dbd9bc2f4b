using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// How the writer is stopped. Its token aborts what the writer is doing (a write, a back-off, a checkpoint, the
/// start-up read): when the host's stop token fires, or when <see cref="AuditTrailOptions.ShutdownTimeout"/> passes at
/// disposal. Disposal waits for the writer at most that long, on both clocks, so a sink that ignores its token cannot
/// hang shutdown.
/// </summary>
internal sealed partial class AuditTrailShutdown : IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AuditTrailShutdown(AuditTrailOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        Token = _abort.Token;
    }

    /// <summary>Gets the token that aborts the writer's work.</summary>
    public CancellationToken Token { get; }

    /// <summary>Aborts the writer's work when <paramref name="stopToken"/> fires (the host gave up waiting).</summary>
    public CancellationTokenRegistration AbortWhen(CancellationToken stopToken)
        => stopToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort);

    /// <summary>
    /// Waits for the writer to write what is queued, aborting it after <see cref="AuditTrailOptions.ShutdownTimeout"/>;
    /// <see langword="false"/> when it did not stop even then (the sink ignored cancellation).
    /// </summary>
    public async Task<bool> WaitForWriterAsync(Task writer)
    {
        using var deadline = _time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), _abort, _options.ShutdownTimeout, Timeout.InfiniteTimeSpan);

        // Also on the wall clock: a stopped (test) clock must not hang disposal behind a failing sink.
        _abort.CancelAfter(_options.ShutdownTimeout);

        // The wait itself is bounded too, on both clocks: a sink that ignores its token cannot hang shutdown.
        try
        {
            await writer.WaitAsync(_options.ShutdownTimeout, _time).WaitAsync(_options.ShutdownTimeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            LogShutdownTimedOut(_logger, _options.ShutdownTimeout);
            return false;
        }
    }

    /// <summary>Releases the abort token (only once the writer has stopped: one still stuck in the sink may yet read it).</summary>
    public void Dispose() => _abort.Dispose();

    [LoggerMessage(EventId = 2030, EventName = "AuditShutdownTimedOut", Level = LogLevel.Error, Message = "The audit writer did not stop within the shutdown timeout ({Timeout}): the sink ignored cancellation; events not yet written are lost.")]
    private static partial void LogShutdownTimedOut(ILogger logger, TimeSpan timeout);
}
