namespace Privacy.Enforcement;

/// <summary>
/// An optional capability of a store shared by many application instances: it announces which subjects' state
/// changed in another instance, so cached state is invalidated (PostgreSQL: LISTEN/NOTIFY).
/// </summary>
public interface IPrivacyChangeFeed
{
    /// <summary>Announces a local change to the other instances.</summary>
    /// <param name="subject">The subject whose state changed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the announcement is sent.</returns>
    ValueTask PublishAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Listens for changes made by any instance until cancelled.</summary>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>The subjects whose state changed, as announced. An empty <see cref="SubjectId"/> (<see cref="SubjectId.IsEmpty"/>)
    /// means the feed may have missed announcements (it reconnected): drop every cached subject state.</returns>
    IAsyncEnumerable<SubjectId> ListenAsync(CancellationToken cancellationToken);
}
