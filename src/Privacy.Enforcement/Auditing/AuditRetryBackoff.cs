namespace Privacy.Enforcement.Auditing;

/// <summary>The writer's back-off between attempts (a failed write, a failed start-up read): exponential from <see cref="AuditTrailOptions.RetryInitialDelay"/>, capped at <see cref="AuditTrailOptions.RetryMaxDelay"/>, on the <see cref="TimeProvider"/>.</summary>
internal static class AuditRetryBackoff
{
    /// <summary>The delay before attempt <paramref name="attempt"/> + 2.</summary>
    public static TimeSpan Delay(AuditTrailOptions options, int attempt)
    {
        var delay = options.RetryInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        return TimeSpan.FromMilliseconds(Math.Min(delay, options.RetryMaxDelay.TotalMilliseconds));
    }

    /// <summary>Waits <paramref name="delay"/>; <see langword="false"/> when shutdown aborted the wait.</summary>
    public static async Task<bool> WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken abort)
    {
        try
        {
            await Task.Delay(delay, time, abort).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
