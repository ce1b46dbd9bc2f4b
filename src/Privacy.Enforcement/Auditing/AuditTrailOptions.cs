using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Privacy.Enforcement.Auditing;

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

/// <summary>Options of the audit pipeline, bound from <c>PrivacyEnforcement:Audit</c>, set in code with <c>ConfigureAuditTrail</c>, validated at start-up.</summary>
public sealed class AuditTrailOptions
{
    /// <summary>The configuration section, under <see cref="PrivacyEnforcementOptions.SectionName"/>, the options bind from.</summary>
    public const string SectionName = "Audit";

    /// <summary>The full configuration path, for messages.</summary>
    internal const string Path = PrivacyEnforcementOptions.SectionName + ":" + SectionName;

    /// <summary>Gets or sets when recording returns. Default <see cref="AuditTrailMode.Durable"/>.</summary>
    [EnumDataType(typeof(AuditTrailMode))]
    public AuditTrailMode Mode { get; set; } = AuditTrailMode.Durable;

    /// <summary>
    /// Gets or sets how long recording may take (waiting for room in the queue and, in durable mode, for the write)
    /// before <see cref="AuditUnavailableException"/> is thrown and the decision denied. Default 5 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many events may wait to be written; callers wait for room up to <see cref="Timeout"/>. Default 65,536.</summary>
    [Range(1, int.MaxValue)]
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>Gets or sets the most events written in one batch, and the most sealed events that wait for the writer (the rest stay queued). Default 4,096.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBatchSize { get; set; } = 4_096;

    /// <summary>Gets or sets the first delay before retrying a failed write; it doubles up to <see cref="RetryMaxDelay"/>. Default 50 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "1.00:00:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Gets or sets the longest delay between retries. Default 5 seconds.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets after how many events a checkpoint is written (0: never by count). Default 10,000.</summary>
    [Range(0, int.MaxValue)]
    public int CheckpointEveryEvents { get; set; } = 10_000;

    /// <summary>Gets or sets how often a checkpoint is written while events arrive (zero: never by time). Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "10675199.02:48:05.4775807")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long dispose waits for queued events to be written before giving up on them (they are then
    /// failed and logged, never dropped silently). Default 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.0000001", "1.00:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Validates each <see cref="AuditTrailOptions"/> value against its data annotations (generated).</summary>
[OptionsValidator]
internal sealed partial class AuditTrailOptionsAnnotationsValidator : IValidateOptions<AuditTrailOptions>;

/// <summary>
/// Validates <see cref="AuditTrailOptions"/>: each value's range by its annotation, named by its configuration path, and
/// by hand the one rule that spans two values (the longest retry delay is at least the first).
/// </summary>
internal sealed class AuditTrailOptionsValidator : IValidateOptions<AuditTrailOptions>
{
    private static readonly OptionsPathValidator<AuditTrailOptions> Annotations = new(new AuditTrailOptionsAnnotationsValidator(), AuditTrailOptions.Path);

    public ValidateOptionsResult Validate(string? name, AuditTrailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = Annotations.Validate(name, options);
        List<string> failures = result.Failed ? [.. result.Failures] : [];
        if (options.RetryMaxDelay < options.RetryInitialDelay)
        {
            failures.Add($"{AuditTrailOptions.Path}:RetryMaxDelay must be at least RetryInitialDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
