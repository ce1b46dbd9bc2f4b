using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Engagements;

/// <summary>
/// Finds the ends of engagements without polling them on every decision (<c>use.third-party.service-end</c>): it
/// emits what has ended, delivers again what the end handlers did not take, asks the store for the next end, and
/// sleeps on a <see cref="TimeProvider"/> timer until then or the next delivery owed (or until the rescan interval,
/// or until this process creates an engagement). Termination does not wait for
/// it: the engagement service emits at once.
/// </summary>
internal sealed partial class EngagementEndMonitor : BackgroundService
{
    private static readonly TimeSpan FaultBackoff = TimeSpan.FromSeconds(30);

    private readonly IEngagementService _service;
    private readonly IEngagementStore _store;
    private readonly EngagementEndSignal _signal;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<EngagementOptions> _options;
    private readonly ILogger _logger;

    public EngagementEndMonitor(
        IEngagementService service,
        IEngagementStore store,
        EngagementEndSignal signal,
        TimeProvider time,
        IOptionsMonitor<EngagementOptions> options,
        ILoggerFactory? loggerFactory = null)
    {
        _service = service;
        _store = store;
        _signal = signal;
        _time = time;
        _options = options;
        _logger = (ILogger?)loggerFactory?.CreateLogger<EngagementEndMonitor>() ?? NullLogger.Instance;
    }

    /// <summary>Gets or sets a callback invoked each time the monitor goes to sleep, with the next end it knows (tests wait on it).</summary>
    internal Action<DateTimeOffset?>? Sleeping { get; set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.CurrentValue.EnableEndMonitor)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            // Read the signal before the store, so an engagement created during the pass wakes the next sleep at once.
            var notified = _signal.WhenNotified;
            var rescan = _options.CurrentValue.MonitorRescanInterval;
            DateTimeOffset? next;
            TimeSpan sleep;
            try
            {
                // The library's service also delivers again what the handlers have not taken; a host's own service only emits.
                DateTimeOffset? nextDelivery = null;
                if (_service is EngagementService service)
                {
                    nextDelivery = (await service.RunPassAsync(stoppingToken).ConfigureAwait(false)).NextDelivery;
                }
                else
                {
                    await _service.EmitEndedObligationsAsync(stoppingToken).ConfigureAwait(false);
                }

                var now = _time.GetUtcNow();
                next = await _store.GetNextEndAsync(now, stoppingToken).ConfigureAwait(false);
                sleep = next is { } n && n - now < rescan ? n - now : rescan;
                if (nextDelivery is { } d && d - now < sleep)
                {
                    sleep = d - now;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store fault must not stop the monitor; decisions stay correct meanwhile because the enforcer
                // compares the end time itself, only the obligation waits.
                Log.PassFailed(_logger, ex);
                next = null;
                sleep = rescan < FaultBackoff ? rescan : FaultBackoff;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(sleep < TimeSpan.Zero ? TimeSpan.Zero : sleep, _time, wake.Token);
            Sleeping?.Invoke(next);
            await Task.WhenAny(delay, notified).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4010, EventName = "EngagementEndMonitorPassFailed", Level = LogLevel.Error, Message = "The engagement end monitor's pass failed; it retries shortly.")]
        public static partial void PassFailed(ILogger logger, Exception exception);
    }
}
