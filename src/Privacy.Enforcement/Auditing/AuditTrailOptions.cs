using Microsoft.Extensions.Options;

namespace Privacy.Enforcement;

/// <summary>When <see cref="IAuditTrail.RecordAsync"/> returns.</summary>
public enum AuditTrailMode
{
    /// <summary>
    /// After the event's batch is durable in the sink (the default: audit before effect). Concurrent callers share one
    /// write and one flush (group commit).
    /// </summary>
    Durable = 0,

    /// <summary>
    /// After the event is enqueued. Loss window: events enqueued but not yet written when the process dies: at most
    /// <see cref="AuditTrailOptions.QueueCapacity"/> plus twice <see cref="AuditTrailOptions.MaxBatchSize"/> (the queue,
    /// one sealed batch waiting for the writer, the batch being written); normally one batch in flight plus whatever
    /// arrived during its write. A clean shutdown (dispose or host stop) still writes them.
    /// </summary>
    Asynchronous = 1,
}

/// <summary>Options of the audit pipeline, bound from <c>PrivacyEnforcement:Audit</c> and validated at start-up.</summary>
public sealed class AuditTrailOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "PrivacyEnforcement:Audit";

    /// <summary>Gets or sets when recording returns. Default <see cref="AuditTrailMode.Durable"/>.</summary>
    public AuditTrailMode Mode { get; set; } = AuditTrailMode.Durable;

    /// <summary>
    /// Gets or sets how long recording may take (waiting for room in the queue and, in durable mode, for the write)
    /// before <see cref="AuditUnavailableException"/> is thrown and the decision denied. Default 5 seconds.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many events may wait to be written; callers wait for room up to <see cref="Timeout"/>. Default 65,536.</summary>
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>Gets or sets the most events written in one batch, and the most sealed events that wait for the writer (the rest stay queued). Default 4,096.</summary>
    public int MaxBatchSize { get; set; } = 4_096;

    /// <summary>Gets or sets the first delay before retrying a failed write; it doubles up to <see cref="RetryMaxDelay"/>. Default 50 ms.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets or sets the longest delay between retries. Default 5 seconds.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets after how many events a checkpoint is written (0: never by count). Default 10,000.</summary>
    public int CheckpointEveryEvents { get; set; } = 10_000;

    /// <summary>Gets or sets how often a checkpoint is written while events arrive (zero: never by time). Default 1 minute.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long dispose waits for queued events to be written before giving up on them (they are then
    /// failed and logged, never dropped silently). Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Validates <see cref="AuditTrailOptions"/>, naming the option that is wrong.</summary>
internal sealed class AuditTrailOptionsValidator : IValidateOptions<AuditTrailOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditTrailOptions options)
    {
        List<string> errors = [];
        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add($"{AuditTrailOptions.SectionName}:Mode must be Durable or Asynchronous.");
        }

        Positive(errors, options.Timeout, nameof(options.Timeout));
        Positive(errors, options.RetryInitialDelay, nameof(options.RetryInitialDelay));
        Positive(errors, options.ShutdownTimeout, nameof(options.ShutdownTimeout));
        if (options.RetryMaxDelay < options.RetryInitialDelay)
        {
            errors.Add($"{AuditTrailOptions.SectionName}:RetryMaxDelay must be at least RetryInitialDelay.");
        }

        if (options.QueueCapacity < 1)
        {
            errors.Add($"{AuditTrailOptions.SectionName}:QueueCapacity must be at least 1.");
        }

        if (options.MaxBatchSize < 1)
        {
            errors.Add($"{AuditTrailOptions.SectionName}:MaxBatchSize must be at least 1.");
        }

        if (options.CheckpointEveryEvents < 0)
        {
            errors.Add($"{AuditTrailOptions.SectionName}:CheckpointEveryEvents must not be negative.");
        }

        if (options.CheckpointInterval < TimeSpan.Zero)
        {
            errors.Add($"{AuditTrailOptions.SectionName}:CheckpointInterval must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            errors.Add($"{AuditTrailOptions.SectionName}:{name} must be positive and at most one day.");
        }
    }
}
