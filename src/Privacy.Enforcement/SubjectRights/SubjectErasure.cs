using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Runs an erasure request (<c>store.subject-delete</c>) as resumable steps, each kept under its stored name
/// (<see cref="SubjectRightsStepNames"/>): end the consents, erase each source (skipping what a legal hold keeps),
/// destroy the subject's data key (crypto-shredding), emit return-or-delete obligations; then, only once all of those
/// succeeded, record the erasure in the trail, delete the consent facts, the acceptances and the pseudonym, last. A
/// retry runs the failed and pending steps again. The completed request is saved sealed by the request store, with the
/// subject's other closed requests.
/// </summary>
internal sealed class SubjectErasure
{
    private static readonly string[] FinalSteps =
        [SubjectRightsStepNames.AuditErasure, SubjectRightsStepNames.ConsentsDelete, SubjectRightsStepNames.AcceptancesDelete, SubjectRightsStepNames.Pseudonym];

    private readonly PersonalDataSources _sources;
    private readonly SubjectRightsRequests _requests;
    private readonly SubjectRightsEvents _events;
    private readonly LegalHolds _holds;
    private readonly ConsentRecordErasure _consentRecords;
    private readonly ReturnOrDeleteObligations _obligations;
    private readonly ISubjectKeyStore? _keys;
    private readonly ISubjectStateCache? _cache;
    private readonly IPrivacyChangeFeed? _changeFeed;

    public SubjectErasure(
        PersonalDataSources sources,
        SubjectRightsRequests requests,
        SubjectRightsEvents events,
        LegalHolds holds,
        ConsentRecordErasure consentRecords,
        ReturnOrDeleteObligations obligations,
        ISubjectKeyStore? keys = null,
        ISubjectStateCache? cache = null,
        IPrivacyChangeFeed? changeFeed = null)
    {
        _sources = sources;
        _requests = requests;
        _events = events;
        _holds = holds;
        _consentRecords = consentRecords;
        _obligations = obligations;
        _keys = keys;
        _cache = cache;
        _changeFeed = changeFeed;
    }

    public async ValueTask<SubjectRightsRequest> EraseAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var request = await _requests.OpenAsync(subject, SubjectRightsRequestKind.Erase, string.Empty, cancellationToken).ConfigureAwait(false);
        return await RunAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<SubjectRightsRequest?> RetryAsync(SubjectRightsRequestId requestId, CancellationToken cancellationToken)
    {
        var request = await _requests.FindAsync(requestId, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return null;
        }

        if (request.Kind != SubjectRightsRequestKind.Erase)
        {
            throw new InvalidOperationException($"Request {requestId} is a {request.Kind} request; only erasures are retried by id. Submit the access or rectification again: the open request is reused and its failed sources retried.");
        }

        return request.IsOpen ? await RunAsync(request, cancellationToken).ConfigureAwait(false) : request;
    }

    private async ValueTask<SubjectRightsRequest> RunAsync(SubjectRightsRequest request, CancellationToken cancellationToken)
    {
        var subject = request.Subject;
        var pseudonym = await _events.PseudonymAsync(subject, cancellationToken).ConfigureAwait(false);
        await _events.RecordAsync(request, request.Steps.Count == 0 ? "subject-rights.erase.received" : "subject-rights.erase.retried", pseudonym, [], [], cancellationToken).ConfigureAwait(false);

        var holds = await _holds.ActiveAsync(subject, cancellationToken).ConfigureAwait(false);
        var kept = await _holds.KeptRecordsAsync(subject, holds, cancellationToken).ConfigureAwait(false);
        var obligations = request.Obligations;
        var steps = new List<SubjectRightsStepResult>();

        // End the consents first: no later decision may rely on them, even while a source still fails.
        steps.Add(await Step(request, SubjectRightsStepNames.ConsentsWithdraw, () => _consentRecords.WithdrawAllAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false));

        foreach (var source in _sources.All)
        {
            var toErase = LegalHolds.Erasable(source, holds);
            var previous = SubjectRightsRequests.Find(request.Steps, source.Name);
            if (toErase.Length == 0)
            {
                steps.Add(_requests.NotApplicable(source.Name, previous));
                continue;
            }

            steps.Add(await _requests.RunAsync(previous, source.Name, async () => await source.EraseAsync(subject, toErase, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));
        }

        steps.Add(await Step(request, SubjectRightsStepNames.SubjectKey, async () =>
        {
            // Crypto-shredding: fields the host encrypted under this key become unreadable.
            var destroyed = _keys is not null && await _keys.DeleteAsync(subject, cancellationToken).ConfigureAwait(false);
            return destroyed ? [] : null;
        }, cancellationToken).ConfigureAwait(false));

        steps.Add(await Step(request, SubjectRightsStepNames.Engagements, async () =>
        {
            obligations = await _obligations.EmitAsync(request, pseudonym, cancellationToken).ConfigureAwait(false);
            return [.. obligations.SelectMany(o => o.Categories).Distinct()];
        }, cancellationToken).ConfigureAwait(false));

        _cache?.Invalidate(subject);
        await RunFinalStepsAsync(request, pseudonym, steps, cancellationToken).ConfigureAwait(false);

        _cache?.Invalidate(subject);
        if (_changeFeed is not null)
        {
            await _changeFeed.PublishAsync(subject, cancellationToken).ConfigureAwait(false);
        }

        request = await _requests.SaveStepsAsync(request, steps, kept, obligations, cancellationToken).ConfigureAwait(false);
        if (request.IsOpen)
        {
            // The pseudonym still exists while the request is open: record where it stands.
            await _events.RecordAsync(request, "subject-rights.erase.open", pseudonym, SubjectRightsEvents.Categories(steps), SubjectRightsEvents.Outcome(request), cancellationToken).ConfigureAwait(false);
        }

        return request;
    }

    /// <summary>
    /// The records that prove past lawful processing go only once every source has erased, each step only after the one
    /// before it; until then they stay pending (or as an earlier run left them).
    /// </summary>
    private async ValueTask RunFinalStepsAsync(SubjectRightsRequest request, string pseudonym, List<SubjectRightsStepResult> steps, CancellationToken cancellationToken)
    {
        var subject = request.Subject;
        var ready = steps.TrueForAll(s => s.Status is SubjectRightsStepStatus.Succeeded or SubjectRightsStepStatus.NotApplicable);
        foreach (var name in FinalSteps)
        {
            if (!ready)
            {
                steps.Add(SubjectRightsRequests.Find(request.Steps, name) ?? new SubjectRightsStepResult(name, SubjectRightsStepStatus.Pending, [], null, null, 0));
                continue;
            }

            var step = name switch
            {
                SubjectRightsStepNames.AuditErasure => await Step(request, name, async () =>
                {
                    var evidence = steps.Where(s => s.Status == SubjectRightsStepStatus.Succeeded)
                        .Select(s => $"{s.Source}:{string.Join('|', s.Categories.Select(c => c.Value))}");
                    await _events.RecordAsync(request, "subject-rights.erase.erased", pseudonym, SubjectRightsEvents.Categories(steps), [.. evidence], cancellationToken).ConfigureAwait(false);
                    return [];
                }, cancellationToken).ConfigureAwait(false),
                SubjectRightsStepNames.ConsentsDelete => await Step(request, name, async () =>
                {
                    await _consentRecords.DeleteConsentsAsync(subject, cancellationToken).ConfigureAwait(false);
                    return [];
                }, cancellationToken).ConfigureAwait(false),
                SubjectRightsStepNames.AcceptancesDelete => await Step(request, name, async () =>
                {
                    await _consentRecords.DeleteAcceptancesAsync(subject, cancellationToken).ConfigureAwait(false);
                    return [];
                }, cancellationToken).ConfigureAwait(false),
                _ => await Step(request, name, async () =>
                {
                    // Last: from now on the trail verifies but no longer names the subject.
                    await _events.ForgetPseudonymAsync(subject, cancellationToken).ConfigureAwait(false);
                    return [];
                }, cancellationToken).ConfigureAwait(false),
            };
            steps.Add(step);
            ready = step.Status is SubjectRightsStepStatus.Succeeded or SubjectRightsStepStatus.NotApplicable;
        }
    }

    // One of the library's own steps, resumed from where the request's last run left it.
    private ValueTask<SubjectRightsStepResult> Step(SubjectRightsRequest request, string name, Func<ValueTask<IReadOnlyList<DataCategory>?>> action, CancellationToken cancellationToken) =>
        _requests.RunAsync(SubjectRightsRequests.Find(request.Steps, name), name, action, cancellationToken);
}
