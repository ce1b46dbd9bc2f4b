using Microsoft.Extensions.Logging;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement;

/// <summary>
/// Listens to the <see cref="IPrivacyChangeFeed"/>, when one is registered, and drops the cached state of every subject
/// another instance changed, so a withdrawal made elsewhere is honoured here too. Started by the enforcer; stopped
/// when the container is disposed. The feed subscribes in the background, so the cache keeps no state until the feed
/// has yielded something (a feed says it is subscribed by yielding, at the latest <see cref="SubjectChange.Everything"/>),
/// and none from the moment the feed fails until it is heard again.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source has no timer; the listening task may observe it after Dispose.")]
internal sealed class SubjectStateChangeListener : IDisposable
{
    private readonly IPrivacyChangeFeed _feed;
    private readonly SubjectStateCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    public SubjectStateChangeListener(IPrivacyChangeFeed feed, SubjectStateCache cache, TimeProvider time, ILogger logger)
    {
        _feed = feed;
        _cache = cache;
        _time = time;
        _logger = logger;
    }

    public Task Running => _running ?? Task.CompletedTask;

    public void Start() => _running ??= Task.Run(() => ListenAsync(_stopping.Token));

    public void Dispose()
    {
        // Not disposed: the listening task may still observe the token while it winds down.
        _stopping.Cancel();
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in _feed.ListenForChangesAsync(stoppingToken).ConfigureAwait(false))
                {
                    // The feed lost its subscription and will resubscribe on its own: until it speaks again, changes made
                    // elsewhere go unheard, so nothing cached is trusted and nothing loaded is kept.
                    if (change.IsInterrupted)
                    {
                        _cache.FeedLost();
                        continue;
                    }

                    // Whatever else the feed yields, it was subscribed when it was announced: from here on nothing is missed.
                    _cache.FeedHeard();

                    // Everything: the feed may have missed changes (it reconnected). A stripe: a feed that names no subject.
                    if (change.IsEverything)
                    {
                        _cache.InvalidateAll();
                    }
                    else if (change.StripeCount == 0)
                    {
                        _cache.Invalidate(change.Subject);
                    }
                    else
                    {
                        _cache.Invalidate(change);
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
                DecisionLog.ChangeFeedFailed(_logger, exception, exception.GetType().Name);
            }

            // Until the feed is heard again, changes made elsewhere may go unheard: nothing is cached meanwhile.
            _cache.FeedLost();
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
