using Microsoft.Extensions.Time.Testing;

namespace Privacy.Enforcement.Tests.Auditing;

/// <summary>
/// A fake clock that counts the timers armed for each due time, so a test moves the clock only once the timer under
/// test exists (a back-off, a retry) and never runs ahead of a timer that is about to be armed.
/// </summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly object _gate = new();
    private readonly Dictionary<TimeSpan, int> _armed = [];
    private readonly List<(TimeSpan DueTime, int Count, TaskCompletionSource Signal)> _waiting = [];

    /// <summary>How many timers were created with <paramref name="dueTime"/>.</summary>
    public int Armed(TimeSpan dueTime)
    {
        lock (_gate)
        {
            return _armed.TryGetValue(dueTime, out var count) ? count : 0;
        }
    }

    /// <summary>Completes once <paramref name="count"/> timers were created with <paramref name="dueTime"/>.</summary>
    public Task WhenArmed(TimeSpan dueTime, int count = 1)
    {
        lock (_gate)
        {
            if (_armed.TryGetValue(dueTime, out var armed) && armed >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((dueTime, count, signal));
            return signal.Task;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            var armed = _armed[dueTime] = (_armed.TryGetValue(dueTime, out var count) ? count : 0) + 1;
            foreach (var waiting in _waiting.Where(w => w.DueTime == dueTime && w.Count <= armed).ToList())
            {
                _waiting.Remove(waiting);
                waiting.Signal.TrySetResult();
            }
        }

        return timer;
    }
}
