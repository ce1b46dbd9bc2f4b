using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Policies;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// The erasure step that reaches the service providers (<c>store.subject-delete</c>, <c>use.third-party.service-end</c>):
/// every engagement that covered the subject and may hold its data gets a return-or-delete obligation, audited under the
/// request (<c>engagement.return-or-delete</c>).
/// </summary>
internal sealed class ReturnOrDeleteObligations
{
    private readonly IEngagementStore _engagements;
    private readonly IAuditTrail _audit;
    private readonly TimeProvider _time;
    private readonly IPolicyProvider? _policy;

    public ReturnOrDeleteObligations(IEngagementStore engagements, IAuditTrail audit, TimeProvider time, IPolicyProvider? policy = null)
    {
        _engagements = engagements;
        _audit = audit;
        _time = time;
        _policy = policy;
    }

    /// <summary>Emits and audits one obligation per engagement of the subject that started and did not confirm deletion.</summary>
    public async ValueTask<IReadOnlyList<ReturnOrDeleteObligation>> EmitAsync(SubjectRightsRequest request, string pseudonym, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var obligations = new List<ReturnOrDeleteObligation>();
        await foreach (var engagement in _engagements.GetBySubjectAsync(request.Subject, cancellationToken).ConfigureAwait(false))
        {
            // A provider that never started cannot hold anything; one that confirmed deletion already complied.
            if (engagement.StartsAt > now || engagement.DeletionConfirmedAt is not null)
            {
                continue;
            }

            var obligation = new ReturnOrDeleteObligation(engagement.Id, engagement.Provider, engagement.Categories, now);
            await _audit.RecordAsync(new AuditEvent
            {
                Timestamp = now,
                Kind = AuditEventKind.Engagement,
                Action = "engagement.return-or-delete",
                SubjectPseudonym = pseudonym,
                Recipient = engagement.Provider.Value,
                RecipientKind = nameof(RecipientKind.ServiceProvider),
                Categories = [.. engagement.Categories.Select(c => c.Value)],
                ClauseIds = [ClauseIds.StoreSubjectDelete, ClauseIds.UseThirdPartyServiceEnd],
                Obligations = [nameof(ObligationKind.ReturnOrDelete)],
                RecordId = engagement.Id.ToString(),
                CorrelationId = request.Id.ToString(),
                PolicyVersion = _policy?.Current.Version.ToString(),
            }, cancellationToken).ConfigureAwait(false);
            obligations.Add(obligation);
        }

        return obligations;
    }
}
