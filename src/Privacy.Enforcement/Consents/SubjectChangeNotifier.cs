using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Consents;

/// <summary>
/// What every consent, acceptance and objection write does around the store: invalidate the decision cache, announce
/// the change to other instances and record the audit event. Shared by the services of this feature.
/// </summary>
internal sealed class SubjectChangeNotifier
{
    private readonly ISubjectStateCache? _cache;
    private readonly IPrivacyChangeFeed? _feed;
    private readonly IAuditTrail? _audit;
    private readonly IPseudonymStore? _pseudonyms;
    private readonly IAuditTrailReader? _reader;

    public SubjectChangeNotifier(
        TimeProvider timeProvider,
        ISubjectStateCache? cache = null,
        IPrivacyChangeFeed? feed = null,
        IAuditTrail? audit = null,
        IPseudonymStore? pseudonyms = null,
        IAuditTrailReader? reader = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
        _cache = cache;
        _feed = feed;
        _audit = audit;
        _pseudonyms = pseudonyms;
        _reader = reader;
    }

    public TimeProvider TimeProvider { get; }

    /// <summary>Called after a durable write and before the write is acknowledged, so the next decision reads it.</summary>
    public async ValueTask SubjectChangedAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        _cache?.Invalidate(subject);
        if (_feed is not null)
        {
            await _feed.PublishAsync(subject, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops every cached subject state (a new policy version).</summary>
    public void EverythingChanged() => _cache?.InvalidateAll();

    /// <summary>Records one event per change of state; the subject appears only by pseudonym. Skipped without an audit trail.</summary>
    public async ValueTask AuditAsync(SubjectId? subject, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (_audit is null)
        {
            return;
        }

        if (subject is { } s && _pseudonyms is not null)
        {
            var pseudonym = await _pseudonyms.GetOrCreateAsync(s, cancellationToken).ConfigureAwait(false);
            auditEvent = auditEvent with { SubjectPseudonym = pseudonym };
        }

        await _audit.RecordAsync(auditEvent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records the event of a change that widens what is permitted, then stores the change (audit before effect).
    /// When the store write fails, the event is voided by an <c>&lt;action&gt;.aborted</c> event that carries the
    /// same record id, subject, time and policy version and names the voided action, so the trail never shows a
    /// record that does not exist as if it did. The store's exception is rethrown.
    /// </summary>
    public async ValueTask AuditThenStoreAsync(SubjectId subject, AuditEvent auditEvent, Func<CancellationToken, ValueTask> store, CancellationToken cancellationToken)
    {
        await AuditAsync(subject, auditEvent, cancellationToken).ConfigureAwait(false);
        try
        {
            await store(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await VoidAsync(subject, auditEvent, exception).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Records the event of a change that was stored before it was audited (a withdrawal, a refusal, an objection),
    /// unless the trail already holds it: a retry after an audit outage writes the event the first attempt could not,
    /// and a retry after a successful audit writes nothing. An event is the same when its kind, action, time, record
    /// id and purpose are. Without a reader the event is written again (at least once, never lost).
    /// </summary>
    public async ValueTask AuditIfMissingAsync(SubjectId subject, AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        if (_audit is null)
        {
            return;
        }

        if (_reader is not null && _pseudonyms is not null)
        {
            var pseudonym = await _pseudonyms.GetOrCreateAsync(subject, cancellationToken).ConfigureAwait(false);
            var query = new AuditQuery { SubjectPseudonym = pseudonym, Kind = auditEvent.Kind, From = auditEvent.Timestamp, To = auditEvent.Timestamp.AddTicks(1) };
            await foreach (var recorded in _reader.QueryAsync(query, cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(recorded.Action, auditEvent.Action, StringComparison.Ordinal) &&
                    string.Equals(recorded.RecordId, auditEvent.RecordId, StringComparison.Ordinal) &&
                    string.Equals(recorded.Purpose, auditEvent.Purpose, StringComparison.Ordinal))
                {
                    return;
                }
            }
        }

        await AuditAsync(subject, auditEvent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the compensating event; its own failure leaves the store's exception to speak (nothing more can be done).</summary>
    private async ValueTask VoidAsync(SubjectId subject, AuditEvent voided, Exception cause)
    {
        try
        {
            // Not the caller's token: a cancelled write still needs its event voided.
            await AuditAsync(subject, voided with
            {
                Action = voided.Action + ".aborted",
                Reasons = [$"voids {voided.Action}: the store write failed ({cause.GetType().Name}), so the record was not stored"],
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The store's exception is rethrown by the caller; the trail is down too.
        }
    }
}
