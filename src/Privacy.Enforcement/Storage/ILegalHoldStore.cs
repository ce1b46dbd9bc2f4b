using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.Storage;

/// <summary>Stores legal holds.</summary>
public interface ILegalHoldStore
{
    /// <summary>Stores a new hold; a hold whose id is already stored is a no-op.</summary>
    /// <param name="hold">The hold.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the hold is durable.</returns>
    ValueTask PlaceAsync(LegalHold hold, CancellationToken cancellationToken);

    /// <summary>Marks a hold released.</summary>
    /// <param name="id">The hold.</param>
    /// <param name="releasedAt">When (UTC).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when an active hold was released.</returns>
    ValueTask<bool> ReleaseAsync(Guid id, DateTimeOffset releasedAt, CancellationToken cancellationToken);

    /// <summary>Lists a subject's active (unreleased) holds.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The holds, oldest first.</returns>
    IAsyncEnumerable<LegalHold> GetActiveAsync(SubjectId subject, CancellationToken cancellationToken);
}
