namespace Privacy.Enforcement.Engagements;

/// <summary>Wakes the end monitor when an engagement with an end is created in this process, so it re-plans its sleep.</summary>
internal sealed class EngagementEndSignal
{
    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes at the next <see cref="Notify"/>; read it before looking at the store.</summary>
    public Task WhenNotified => Volatile.Read(ref _current).Task;

    /// <summary>Completes the current task and arms a new one.</summary>
    public void Notify()
    {
        var previous = Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
