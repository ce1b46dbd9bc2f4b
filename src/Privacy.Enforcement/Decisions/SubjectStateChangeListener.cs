using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Privacy.Enforcement;

/// <summary>
/// Listens to the <see cref="IPrivacyChangeFeed"/>, when one is registered, and drops the cached state of every subject
/// another instance changed, so a withdrawal made elsewhere is honoured here too.
/// </summary>
internal sealed class SubjectStateChangeListener : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly SubjectStateCache _cache;
    private readonly TimeProvider _time;

    public SubjectStateChangeListener(IServiceProvider services, SubjectStateCache cache, TimeProvider time)
    {
        _services = services;
        _cache = cache;
        _time = time;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var feed = _services.GetService<IPrivacyChangeFeed>();
        if (feed is null)
        {
            return;
        }

        var logger = _services.GetService<ILoggerFactory>()?.CreateLogger("Privacy.Enforcement.Decisions") ?? NullLogger.Instance;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var subject in feed.ListenAsync(stoppingToken).ConfigureAwait(false))
                {
                    // An empty subject is the feed saying it may have missed changes (it reconnected).
                    if (subject.IsEmpty)
                    {
                        _cache.InvalidateAll();
                    }
                    else
                    {
                        _cache.Invalidate(subject);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Changes may have been missed while the feed was down: nothing cached can be trusted.
                DecisionLog.ChangeFeedFailed(logger, exception.GetType().Name);
            }

            _cache.InvalidateAll();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
