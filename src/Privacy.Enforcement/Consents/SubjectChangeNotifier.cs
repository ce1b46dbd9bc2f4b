namespace Privacy.Enforcement;

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

    public SubjectChangeNotifier(
        TimeProvider timeProvider,
        ISubjectStateCache? cache = null,
        IPrivacyChangeFeed? feed = null,
        IAuditTrail? audit = null,
        IPseudonymStore? pseudonyms = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
        _cache = cache;
        _feed = feed;
        _audit = audit;
        _pseudonyms = pseudonyms;
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
}
