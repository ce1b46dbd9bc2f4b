using System.Text.Json;

namespace Privacy.Enforcement.SubjectRights;

/// <summary>The answer to an access request: the request record and the export.</summary>
/// <param name="Request">The request, completed unless a source failed.</param>
/// <param name="Export">Everything held about the subject; <see cref="SubjectDataExport.Complete"/> is false when a source failed.</param>
public sealed record SubjectAccessResult(SubjectRightsRequest Request, SubjectDataExport Export);

/// <summary>
/// Runs data-subject rights requests across the host's personal data sources and the library's own records
/// (<c>store.subject-access</c>, <c>store.subject-edit</c>, <c>store.subject-delete</c>, <c>store.accuracy</c>).
/// Every request is a record with a deadline and per-source evidence; a request is never completed while a source failed.
/// </summary>
public interface ISubjectRightsService
{
    /// <summary>
    /// Answers an access request with one export document. A source that fails leaves the request open and is listed
    /// as failed in the export; asking again while the request is open reuses it (the retry).
    /// </summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The request and the export.</returns>
    ValueTask<SubjectAccessResult> AccessAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>
    /// Corrects data the subject submitted through every source that holds the categories; audited without values.
    /// Submitting the same categories again while the request is open reuses it and retries the sources that failed.
    /// </summary>
    /// <param name="subject">The subject.</param>
    /// <param name="corrections">The new value of each category.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The request with its per-source results.</returns>
    /// <exception cref="ArgumentException">No correction, or a category that no registered source holds.</exception>
    ValueTask<SubjectRightsRequest> RectifyAsync(SubjectId subject, IReadOnlyDictionary<DataCategory, JsonElement> corrections, CancellationToken cancellationToken);

    /// <summary>
    /// Erases the subject's data across every source, ends its consents, emits return-or-delete obligations for the
    /// engagements that covered it, destroys its data key and finally its pseudonym. What must be kept stays and is
    /// listed in <see cref="SubjectRightsRequest.Kept"/>. A failing source leaves the request open: call
    /// <see cref="RetryAsync"/> (or erase again).
    /// </summary>
    /// <remarks>
    /// Consent records: the facts prove that past processing was lawful, so they are not deleted at once. First every
    /// live consent gets a withdrawal fact (no later decision relies on it, even while a source still fails); when every
    /// source has erased, the audit trail records the erasure under the pseudonym (with what each source erased), then
    /// the consent facts, acceptances and objections are deleted, and the pseudonym mapping last. The trail keeps the
    /// proof without identifying the subject; violation and sanction records (<c>collect.exempt.violations</c>) and data
    /// under legal hold stay. The request record keeps the subject id as the proof that the right was honoured.
    /// </remarks>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The request with its evidence of erasure.</returns>
    ValueTask<SubjectRightsRequest> EraseAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Runs again the failed and pending steps of an open erasure request.</summary>
    /// <param name="requestId">The request.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The request, or <see langword="null"/> when it does not exist.</returns>
    /// <exception cref="InvalidOperationException">The request is not an erasure (resubmit access and rectification requests instead).</exception>
    ValueTask<SubjectRightsRequest?> RetryAsync(SubjectRightsRequestId requestId, CancellationToken cancellationToken);

    /// <summary>Places a legal hold: erasure keeps the held categories and says so.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="reference">The host's reference to the order or matter (no personal data).</param>
    /// <param name="reason">Why (no personal data).</param>
    /// <param name="categories">The categories held; empty holds all.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The hold.</returns>
    ValueTask<LegalHold> PlaceLegalHoldAsync(SubjectId subject, string reference, string reason, IReadOnlyList<DataCategory> categories, CancellationToken cancellationToken);

    /// <summary>Releases a legal hold.</summary>
    /// <param name="holdId">The hold.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when an active hold was released.</returns>
    ValueTask<bool> ReleaseLegalHoldAsync(Guid holdId, CancellationToken cancellationToken);
}
