using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// Records the audit event of a change of state made by a service (engagements, violations, sanctions). The audit
/// trail is optional: without one registered nothing is recorded. Subjects appear by pseudonym only.
/// </summary>
internal sealed partial class RecordAudit
{
    /// <summary>What the action of a compensating event ends with: the record its event announced was not stored.</summary>
    public const string AbortedSuffix = ".aborted";

    private readonly IPolicyProvider _policy;
    private readonly TimeProvider _time;
    private readonly IAuditTrail? _trail;
    private readonly IPseudonymStore? _pseudonyms;
    private readonly ILogger _logger;

    public RecordAudit(IPolicyProvider policy, TimeProvider time, IAuditTrail? trail = null, IPseudonymStore? pseudonyms = null, ILoggerFactory? loggerFactory = null)
    {
        _policy = policy;
        _time = time;
        _trail = trail;
        _pseudonyms = pseudonyms;
        _logger = (ILogger?)loggerFactory?.CreateLogger<RecordAudit>() ?? NullLogger.Instance;
    }

    /// <summary>
    /// Audit before effect, for a new record: records the event, then stores the record. When the store refuses the
    /// write, records a compensating event (the action + <see cref="AbortedSuffix"/>, the same record id), so the trail
    /// holds no event for a record that does not exist; when the trail refuses the event, nothing is stored.
    /// </summary>
    /// <param name="auditEvent">The event of the new record.</param>
    /// <param name="subject">The subject the event is about, if one.</param>
    /// <param name="store">Stores the record.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the record is stored.</returns>
    public async ValueTask RecordThenStoreAsync(AuditEvent auditEvent, SubjectId? subject, Func<CancellationToken, ValueTask> store, CancellationToken cancellationToken)
    {
        await RecordAsync(auditEvent, subject, cancellationToken).ConfigureAwait(false);
        try
        {
            await store(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception storeFailure)
        {
            try
            {
                // Not cancellable: the caller's token may be why the write failed, and the trail must still be corrected.
                await RecordAsync(
                    auditEvent with { Timestamp = default, Action = auditEvent.Action + AbortedSuffix, Reasons = [storeFailure.GetType().Name] },
                    subject,
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception auditFailure)
            {
                Log.CompensationFailed(_logger, auditFailure, auditEvent.Action, auditEvent.RecordId);
            }

            throw;
        }
    }

    /// <summary>Records an event; fills in the time, the policy version and the subject's pseudonym.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <param name="subject">The subject the event is about, if one.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the trail took the event.</returns>
    public async ValueTask RecordAsync(AuditEvent auditEvent, SubjectId? subject, CancellationToken cancellationToken)
    {
        if (_trail is null)
        {
            return;
        }

        var pseudonym = subject is { IsEmpty: false } s && _pseudonyms is not null
            ? await _pseudonyms.GetOrCreateAsync(s, cancellationToken).ConfigureAwait(false)
            : null;
        await _trail.RecordAsync(
            auditEvent with
            {
                Timestamp = auditEvent.Timestamp == default ? _time.GetUtcNow() : auditEvent.Timestamp,
                SubjectPseudonym = pseudonym ?? auditEvent.SubjectPseudonym,
                PolicyVersion = _policy.Current.Version.ToString(),
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4020, EventName = "RecordCompensationFailed", Level = LogLevel.Critical, Message = "The store refused the record of event {Action} ({RecordId}) and the compensating event could not be recorded: the trail holds an event for a record that was not stored.")]
        public static partial void CompensationFailed(ILogger logger, Exception exception, string action, string? recordId);
    }
}
