using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.Storage;

/// <summary>
/// Stores subject-rights requests. When a completed erasure is stored, the store seals every closed request of that
/// subject in the same atomic step (<see cref="ErasedSubjectHash.Seal"/> under a secret key of its own, generated once
/// and kept), so that no stored request links the subject id to the pseudonym the audit trail knows it by
/// (<c>store.subject-delete</c>); <see cref="GetBySubjectAsync"/> still finds sealed requests by the keyed hash.
/// </summary>
public interface ISubjectRightsRequestStore
{
    /// <summary>
    /// Stores a new request unless an open request with the same subject, kind and scope exists; atomically, so two
    /// identical requests racing store one.
    /// </summary>
    /// <param name="request">The new request (version 1).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored request: <paramref name="request"/>, or the existing open duplicate.</returns>
    ValueTask<SubjectRightsRequest> AddOrGetOpenAsync(SubjectRightsRequest request, CancellationToken cancellationToken);

    /// <summary>Finds a request.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The request, or <see langword="null"/>.</returns>
    ValueTask<SubjectRightsRequest?> FindAsync(SubjectRightsRequestId id, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a request if its stored version is still <paramref name="expected"/>'s (optimistic concurrency);
    /// <paramref name="updated"/> carries the same id and version <c>expected.Version + 1</c>.
    /// </summary>
    /// <param name="expected">The request as read.</param>
    /// <param name="updated">The new state; a completed erasure is stored sealed and seals the subject's other closed requests.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when replaced; <see langword="false"/> when it changed meanwhile or does not exist.</returns>
    ValueTask<bool> TryUpdateAsync(SubjectRightsRequest expected, SubjectRightsRequest updated, CancellationToken cancellationToken);

    /// <summary>Lists a subject's requests, oldest first, sealed ones included (matched by the keyed hash of <paramref name="subject"/>).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The requests.</returns>
    IAsyncEnumerable<SubjectRightsRequest> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Lists every open request, by deadline (to monitor and retry).</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The open requests, earliest deadline first.</returns>
    IAsyncEnumerable<SubjectRightsRequest> GetOpenAsync(CancellationToken cancellationToken);
}
