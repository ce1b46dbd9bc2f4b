using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Violations;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Legal holds and what an erasure must keep: places and releases holds, says which categories they restrict, and lists
/// the kept records (violations and sanctions under <c>collect.exempt.violations</c>, then the active holds) in the
/// form the export shows and the erasure request stores.
/// </summary>
internal sealed class LegalHolds
{
    private readonly ILegalHoldStore _holds;
    private readonly IViolationService _violationService;
    private readonly IViolationStore _violations;
    private readonly TimeProvider _time;

    public LegalHolds(ILegalHoldStore holds, IViolationService violationService, IViolationStore violations, TimeProvider time)
    {
        _holds = holds;
        _violationService = violationService;
        _violations = violations;
        _time = time;
    }

    /// <summary>Places a hold on the subject's categories (empty holds every category).</summary>
    public async ValueTask<LegalHold> PlaceAsync(SubjectId subject, string reference, string reason, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentNullException.ThrowIfNull(categories);
        var hold = new LegalHold
        {
            Id = Guid.NewGuid(),
            Subject = subject,
            Reference = reference,
            Reason = reason,
            Categories = [.. categories],
            PlacedAt = _time.GetUtcNow(),
        };
        await _holds.PlaceAsync(hold, cancellationToken).ConfigureAwait(false);
        return hold;
    }

    /// <summary>Releases a hold.</summary>
    public ValueTask<bool> ReleaseAsync(Guid holdId, CancellationToken cancellationToken) =>
        _holds.ReleaseAsync(holdId, _time.GetUtcNow(), cancellationToken);

    /// <summary>The subject's active holds.</summary>
    public ValueTask<List<LegalHold>> ActiveAsync(SubjectId subject, CancellationToken cancellationToken) =>
        SubjectRightsRequests.ToListAsync(_holds.GetActiveAsync(subject, cancellationToken));

    /// <summary>The categories of <paramref name="source"/> that no active hold restricts: what an erasure may erase there.</summary>
    public static DataCategory[] Erasable(IPersonalDataSource source, List<LegalHold> holds) =>
        [.. source.Categories.Where(c => !holds.Exists(h => h.Restricts(c)))];

    /// <summary>What an erasure keeps, as the request records it.</summary>
    public async ValueTask<IReadOnlyList<KeptRecord>> KeptRecordsAsync(SubjectId subject, List<LegalHold> holds, CancellationToken cancellationToken)
    {
        var kept = new List<KeptRecord>();
        foreach (var record in await ReadKeptAsync(subject, holds, cancellationToken).ConfigureAwait(false))
        {
            kept.Add(new KeptRecord(record.RecordType, record.RecordId, record.Clause, record.Reason, [.. record.Categories.Select(c => new DataCategory(c))]));
        }

        return kept;
    }

    /// <summary>What an erasure keeps, as the export shows it: violation records and sanctions first, then the holds.</summary>
    public async ValueTask<List<ExportedKeptRecord>> ReadKeptAsync(SubjectId subject, List<LegalHold> holds, CancellationToken cancellationToken)
    {
        var kept = new List<ExportedKeptRecord>();

        // collect.exempt.violations: the violation service says what it keeps and why; the store adds categories and status.
        await foreach (var record in _violationService.GetRetainedRecordsAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            var violation = record.Kind == RetainedRecordKind.Violation && Guid.TryParse(record.RecordId, out var id)
                ? await _violations.FindAsync(new ViolationId(id), cancellationToken).ConfigureAwait(false)
                : null;
            kept.Add(new ExportedKeptRecord
            {
                RecordType = record.Kind == RetainedRecordKind.Violation ? "violation" : "sanction",
                RecordId = record.RecordId,
                Clause = record.Clause.Value,
                Reason = record.Reason,
                Categories = violation is null ? [] : [.. violation.RelevantCategories.Select(c => c.Value)],
                Status = violation?.Status.ToString(),
                RecordedAt = record.RecordedAt,
            });
        }

        foreach (var hold in holds)
        {
            kept.Add(new ExportedKeptRecord
            {
                RecordType = "legal-hold",
                RecordId = hold.Reference,
                Clause = "legal-hold",
                Reason = hold.Reason,
                Categories = hold.Categories.Count == 0 ? ["*"] : [.. hold.Categories.Select(c => c.Value)],
                RecordedAt = hold.PlacedAt,
            });
        }

        return kept;
    }
}
