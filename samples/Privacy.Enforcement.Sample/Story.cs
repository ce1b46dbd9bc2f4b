namespace Privacy.Enforcement.Sample;

/// <summary>The story the sample plays, one section per part of the policy.</summary>
internal sealed class Story
{
    private readonly IServiceProvider _services;
    private readonly ManualClock _clock;
    private readonly StoryLog _log;

    public Story(IServiceProvider services, ManualClock clock, StoryLog log)
    {
        _services = services;
        _clock = clock;
        _log = log;
    }

    public Task RunAsync(CancellationToken cancellationToken)
    {
        _ = _services;
        _ = _clock;
        _ = _log;
        return Task.CompletedTask;
    }
}
