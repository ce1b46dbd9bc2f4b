namespace Privacy.Enforcement.Auditing;

/// <summary>The library's entry to the audit pipeline: the enforcer and every service record events through it.</summary>
public interface IAuditTrail
{
    /// <summary>
    /// Records an event. In durable mode (the default) the task completes when the event is durable; in asynchronous
    /// mode when it is enqueued. Throws <see cref="AuditUnavailableException"/> when the trail cannot take it within
    /// the configured time: the caller must then deny.
    /// </summary>
    /// <param name="auditEvent">The event, without sequence or hashes.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the event is durable (or enqueued in asynchronous mode).</returns>
    ValueTask RecordAsync(AuditEvent auditEvent, CancellationToken cancellationToken);
}

/// <summary>The audit trail could not record an event in time; whatever it was recorded for must not take effect.</summary>
public sealed class AuditUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public AuditUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
