using Privacy.Enforcement.Consents;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Reads what the library itself holds about a subject for the export: consents with their history, acceptances,
/// objections, engagements that covered the subject, and the records an erasure would keep.
/// </summary>
internal sealed class SubjectRecordReader
{
    private readonly IConsentStore _consents;
    private readonly IAcceptanceStore _acceptances;
    private readonly IEngagementStore _engagements;
    private readonly LegalHolds _holds;
    private readonly TimeProvider _time;

    public SubjectRecordReader(IConsentStore consents, IAcceptanceStore acceptances, IEngagementStore engagements, LegalHolds holds, TimeProvider time)
    {
        _consents = consents;
        _acceptances = acceptances;
        _engagements = engagements;
        _holds = holds;
        _time = time;
    }

    /// <summary>The library's records of the subject, in an export whose request, subject and sources the caller fills in.</summary>
    public async ValueTask<SubjectDataExport> ReadAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var facts = await SubjectRightsRequests.ToListAsync(_consents.GetFactsAsync(subject, cancellationToken)).ConfigureAwait(false);
        var consents = ConsentHistory.EvaluateAll(facts, now).Select(status => new ExportedConsent
        {
            ConsentId = status.ConsentId.ToString(),
            State = status.State.ToString(),
            History = [.. facts.Where(f => f.ConsentId == status.ConsentId).Select(ExportFact)],
        }).ToList();

        var acceptances = new List<ExportedAcceptance>();
        await foreach (var a in _acceptances.GetAcceptancesAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            acceptances.Add(new ExportedAcceptance(a.Policy.ToString(), a.Kind.ToString(), a.AcceptedAt, a.CountedEvent));
        }

        var objections = new List<ExportedObjection>();
        await foreach (var o in _acceptances.GetObjectionsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            objections.Add(new ExportedObjection(o.Purpose.Value, o.State.ToString(), o.RecordedAt));
        }

        var engagements = new List<ExportedEngagement>();
        await foreach (var e in _engagements.GetBySubjectAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            engagements.Add(new ExportedEngagement
            {
                EngagementId = e.Id.ToString(),
                Provider = e.Provider.Value,
                Service = e.Service.Value,
                Categories = [.. e.Categories.Select(c => c.Value)],
                StartsAt = e.StartsAt,
                EndedAt = e.EffectiveEnd is { } end && end <= now ? end : null,
                DeletionConfirmedAt = e.DeletionConfirmedAt,
            });
        }

        var holds = await _holds.ActiveAsync(subject, cancellationToken).ConfigureAwait(false);
        return new SubjectDataExport
        {
            RequestId = string.Empty,
            Subject = string.Empty,
            GeneratedAt = now,
            Complete = false,
            Consents = consents,
            Acceptances = acceptances,
            Objections = objections,
            Engagements = engagements,
            Kept = await _holds.ReadKeptAsync(subject, holds, cancellationToken).ConfigureAwait(false),
        };
    }

    private static ExportedConsentFact ExportFact(ConsentFact fact) => new()
    {
        State = fact.State.ToString(),
        RecordedAt = fact.RecordedAt,
        Policy = fact.Policy.ToString(),
        Purposes = fact.Terms is { } t ? [.. t.Purposes.Select(p => p.Value)] : [],
        Categories = fact.Terms is { } c ? [.. c.Categories.Select(x => x.Value)] : [],
        Acts = fact.Terms is { } a ? [.. a.Acts.Select(x => x.ToString())] : [],
        Recipient = fact.Terms?.Recipient?.Value,
        RecipientKind = fact.Terms?.RecipientKind?.ToString(),
        ExpiresAt = fact.Terms?.ExpiresAt,
        Reason = fact.Reason,
    };
}
