using System.Text.Json;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Answers a rectification request (<c>store.subject-edit</c>, <c>store.accuracy</c>): audits first, then corrects the
/// categories through every source that holds them; categories are audited, values never.
/// </summary>
internal sealed class SubjectRectification
{
    private readonly PersonalDataSources _sources;
    private readonly SubjectRightsRequests _requests;
    private readonly SubjectRightsEvents _events;
    private readonly ISubjectStateCache? _cache;

    public SubjectRectification(PersonalDataSources sources, SubjectRightsRequests requests, SubjectRightsEvents events, ISubjectStateCache? cache = null)
    {
        _sources = sources;
        _requests = requests;
        _events = events;
        _cache = cache;
    }

    public async ValueTask<SubjectRightsRequest> RectifyAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> corrections, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(corrections);
        if (corrections.Count == 0)
        {
            throw new ArgumentException("A rectification needs at least one corrected category.", nameof(corrections));
        }

        foreach (var category in corrections.Keys)
        {
            if (category.IsEmpty || !_sources.AnyHolds(category))
            {
                throw new ArgumentException($"No registered personal data source holds category '{category}'; it cannot be rectified ({ClauseIds.StoreSubjectEdit}).", nameof(corrections));
            }
        }

        var scope = string.Join(',', corrections.Keys.Select(c => c.Value).Order(StringComparer.Ordinal));
        var request = await _requests.OpenAsync(subject, SubjectRightsRequestKind.Rectify, scope, cancellationToken).ConfigureAwait(false);
        var pseudonym = await _events.PseudonymAsync(subject, cancellationToken).ConfigureAwait(false);
        var categories = corrections.Keys.Select(c => c.Value).Order(StringComparer.Ordinal).ToArray();

        // Audit before effect: if the trail is down nothing is changed (store.subject-edit).
        await _events.RecordAsync(request, "subject-rights.rectify.received", pseudonym, categories, [], cancellationToken).ConfigureAwait(false);

        var steps = new List<SubjectRightsStepResult>();
        foreach (var source in _sources.All)
        {
            var changes = corrections.Where(c => PersonalDataSources.Holds(source, c.Key)).ToDictionary(c => c.Key, c => c.Value);
            var previous = SubjectRightsRequests.Find(request.Steps, source.Name);
            if (changes.Count == 0)
            {
                steps.Add(_requests.NotApplicable(source.Name, previous));
                continue;
            }

            steps.Add(await _requests.RunAsync(previous, source.Name, async () =>
            {
                await source.UpdateAsync(subject, changes, cancellationToken).ConfigureAwait(false);
                return [.. changes.Keys];
            }, cancellationToken, rerunSucceeded: true).ConfigureAwait(false));
        }

        request = await _requests.SaveStepsAsync(request, steps, [], [], cancellationToken).ConfigureAwait(false);
        _cache?.Invalidate(subject);
        await _events.RecordAsync(request, "subject-rights.rectify.answered", pseudonym, categories, SubjectRightsEvents.Outcome(request), cancellationToken).ConfigureAwait(false);
        return request;
    }
}
