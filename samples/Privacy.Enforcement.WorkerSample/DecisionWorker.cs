using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Privacy.Enforcement.WorkerSample;

/// <summary>Plays a few users' consents and decisions through the library, then stops the host.</summary>
internal sealed partial class DecisionWorker : BackgroundService
{
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<DecisionWorker> _logger;

    public DecisionWorker(IHostApplicationLifetime lifetime, ILogger<DecisionWorker> logger)
    {
        _lifetime = lifetime;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogDone();
        _lifetime.StopApplication();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker finished")]
    private partial void LogDone();
}
