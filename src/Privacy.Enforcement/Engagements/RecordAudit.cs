namespace Privacy.Enforcement;

/// <summary>
/// Records the audit event of a change of state made by a service (engagements, violations, sanctions). The audit
/// trail is optional: without one registered nothing is recorded. Subjects appear by pseudonym only.
/// </summary>
internal sealed class RecordAudit
{
    private readonly IPolicyProvider _policy;
    private readonly TimeProvider _time;
    private readonly IAuditTrail? _trail;
    private readonly IPseudonymStore? _pseudonyms;

    public RecordAudit(IPolicyProvider policy, TimeProvider time, IAuditTrail? trail = null, IPseudonymStore? pseudonyms = null)
    {
        _policy = policy;
        _time = time;
        _trail = trail;
        _pseudonyms = pseudonyms;
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
}
