using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>
/// Runs access, rectification and erasure requests and places legal holds, each through a part of its own:
/// <see cref="SubjectDataExporter"/> (access and the disclosure ledger), <see cref="SubjectRectification"/>,
/// <see cref="SubjectErasure"/> (the resumable erase steps) and <see cref="LegalHolds"/>; they share the request
/// bookkeeping (<see cref="SubjectRightsRequests"/>) and the audit of request events (<see cref="SubjectRightsEvents"/>).
/// Erasure and consent records: consents are first ended by appending a withdrawal fact (so no later decision relies on
/// them, even while a source is still failing); once every source has erased and the audit trail has recorded the
/// erasure (with the consent ids, under the pseudonym), the consent facts, acceptances and objections are deleted, and
/// the pseudonym mapping last. The audit trail keeps the proof that processing was lawful in the past without
/// identifying the subject any more (<c>store.subject-delete</c>).
/// </summary>
internal sealed class SubjectRightsService : ISubjectRightsService
{
    private readonly SubjectDataExporter _exporter;
    private readonly SubjectRectification _rectification;
    private readonly SubjectErasure _erasure;
    private readonly LegalHolds _holds;

    public SubjectRightsService(SubjectDataExporter exporter, SubjectRectification rectification, SubjectErasure erasure, LegalHolds holds)
    {
        _exporter = exporter;
        _rectification = rectification;
        _erasure = erasure;
        _holds = holds;
    }

    // The argument checks throw from the returned task, as they always did, not synchronously.

    /// <inheritdoc />
    public async ValueTask<SubjectAccessResult> AccessAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        ThrowIfEmpty(subject);
        return await _exporter.AccessAsync(subject, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubjectRightsRequest> RectifyAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> corrections, CancellationToken cancellationToken)
    {
        ThrowIfEmpty(subject);
        return await _rectification.RectifyAsync(subject, corrections, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubjectRightsRequest> EraseAsync(SubjectId subject, CancellationToken cancellationToken)
    {
        ThrowIfEmpty(subject);
        return await _erasure.EraseAsync(subject, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<SubjectRightsRequest?> RetryAsync(SubjectRightsRequestId requestId, CancellationToken cancellationToken) =>
        _erasure.RetryAsync(requestId, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<LegalHold> PlaceLegalHoldAsync(SubjectId subject, string reference, string reason, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken)
    {
        ThrowIfEmpty(subject);
        return await _holds.PlaceAsync(subject, reference, reason, categories, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseLegalHoldAsync(Guid holdId, CancellationToken cancellationToken) =>
        _holds.ReleaseAsync(holdId, cancellationToken);

    private static void ThrowIfEmpty(SubjectId subject, [CallerArgumentExpression(nameof(subject))] string? name = null)
    {
        if (subject.IsEmpty)
        {
            throw new ArgumentException("The subject id is empty.", name);
        }
    }
}
