using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// The erasure steps over the subject's consent records (<c>store.subject-delete</c>): first every live consent is ended
/// by a withdrawal fact, so no later decision relies on it while a source still fails; once every source has erased,
/// the consent facts and then the acceptances and objections are deleted.
/// </summary>
internal sealed class ConsentRecordErasure
{
    private readonly IConsentStore _consents;
    private readonly IAcceptanceStore _acceptances;
    private readonly TimeProvider _time;
    private readonly IPolicyProvider? _policy;
    private readonly ISubjectStateCache? _cache;

    public ConsentRecordErasure(IConsentStore consents, IAcceptanceStore acceptances, TimeProvider time, IPolicyProvider? policy = null, ISubjectStateCache? cache = null)
    {
        _consents = consents;
        _acceptances = acceptances;
        _time = time;
        _policy = policy;
        _cache = cache;
    }

    /// <summary>Appends a withdrawal for every consent still given; returns the categories those consents covered.</summary>
    public async ValueTask<IReadOnlyList<DataCategory>?> WithdrawAllAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        var facts = await SubjectRightsRequests.ToListAsync(_consents.GetFactsAsync(request.Subject, cancellationToken)).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var withdrawals = new List<ConsentFact>();
        foreach (var status in ConsentHistory.EvaluateAll(facts, now))
        {
            if (status.IsGiven)
            {
                withdrawals.Add(new ConsentFact
                {
                    FactId = Guid.NewGuid(),
                    ConsentId = status.ConsentId,
                    Subject = request.Subject,
                    State = ConsentState.Withdrawn,
                    RecordedAt = now,
                    Policy = _policy?.Current.Version ?? status.Policy!,
                    Reason = $"erasure request {request.Id} ({ClauseIds.StoreSubjectDelete})",
                });
            }
        }

        if (withdrawals.Count > 0)
        {
            await _consents.AppendManyAsync(withdrawals, cancellationToken).ConfigureAwait(false);
            _cache?.Invalidate(request.Subject);
        }

        return [.. withdrawals.SelectMany(w => facts.First(f => f.ConsentId == w.ConsentId && f.Terms is not null).Terms!.Categories).Distinct()];
    }

    /// <summary>Deletes the subject's consent facts.</summary>
    public ValueTask<int> DeleteConsentsAsync(SubjectId subject, CancellationToken cancellationToken) =>
        _consents.DeleteSubjectAsync(subject, cancellationToken);

    /// <summary>Deletes the subject's acceptances and objections.</summary>
    public ValueTask<int> DeleteAcceptancesAsync(SubjectId subject, CancellationToken cancellationToken) =>
        _acceptances.DeleteSubjectAsync(subject, cancellationToken);
}
