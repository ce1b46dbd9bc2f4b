using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// The audit of subject-rights request events and the pseudonym they are recorded under: the trail names the subject
/// only by pseudonym, and forgetting the pseudonym (the last erasure step) leaves the trail verifiable but anonymous.
/// The event actions (<c>subject-rights.access.received</c>, ...) are stored and queried: they never change.
/// </summary>
internal sealed class SubjectRightsEvents
{
    private readonly IAuditTrail _audit;
    private readonly IPseudonymStore _pseudonyms;
    private readonly TimeProvider _time;
    private readonly IPolicyProvider? _policy;

    public SubjectRightsEvents(IAuditTrail audit, IPseudonymStore pseudonyms, TimeProvider time, IPolicyProvider? policy = null)
    {
        _audit = audit;
        _pseudonyms = pseudonyms;
        _time = time;
        _policy = policy;
    }

    /// <summary>Gets the policy version in force, as events and exports name it.</summary>
    public string? PolicyVersion => _policy?.Current.Version.ToString();

    /// <summary>The subject's pseudonym, created on first use.</summary>
    public ValueTask<string> PseudonymAsync(SubjectId subject, CancellationToken cancellationToken) =>
        _pseudonyms.GetOrCreateAsync(subject, cancellationToken);

    /// <summary>Deletes the subject's pseudonym: from now on the trail verifies but no longer names the subject.</summary>
    public ValueTask<bool> ForgetPseudonymAsync(SubjectId subject, CancellationToken cancellationToken) =>
        _pseudonyms.DeleteAsync(subject, cancellationToken);

    /// <summary>Records one event of a request under the subject's pseudonym, citing the clause of the request's kind.</summary>
    public async ValueTask RecordAsync(SubjectRightsRequest request, string action, string pseudonym, IReadOnlyList<string> categories, IReadOnlyList<string> reasons, CancellationToken cancellationToken)
    {
        var clause = request.Kind switch
        {
            SubjectRightsRequestKind.Access => ClauseIds.StoreSubjectAccess,
            SubjectRightsRequestKind.Rectify => ClauseIds.StoreSubjectEdit,
            _ => ClauseIds.StoreSubjectDelete,
        };
        await _audit.RecordAsync(new AuditEvent
        {
            Timestamp = _time.GetUtcNow(),
            Kind = AuditEventKind.SubjectRightsRequest,
            Action = action,
            SubjectPseudonym = pseudonym,
            Categories = categories,
            Reasons = reasons,
            ClauseIds = request.Kind == SubjectRightsRequestKind.Rectify ? [clause, ClauseIds.StoreAccuracy] : [clause],
            RecordId = request.Id.ToString(),
            Outcome = request.Status.ToString(),
            PolicyVersion = PolicyVersion,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The categories the steps touched, distinct and in ordinal order.</summary>
    public static string[] Categories(IEnumerable<SubjectRightsStepResult> steps) =>
        [.. steps.SelectMany(s => s.Categories).Select(c => c.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Where each step of the request stands (<c>source=Status[:ErrorKind]</c>), the reasons of an answered or open event.</summary>
    public static string[] Outcome(SubjectRightsRequest request) =>
        [.. request.Steps.Select(s => s.ErrorKind is null ? $"{s.Source}={s.Status}" : $"{s.Source}={s.Status}:{s.ErrorKind}")];
}
