namespace Privacy.Enforcement.Storage;

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
    /// <remarks>
    /// The engine keeps no subject state in its cache until the feed has yielded something, since a change announced
    /// before the feed's subscription is in place reaches no one; nor from a failure of the feed until it yields
    /// again. A feed that subscribes asynchronously should therefore yield an empty <see cref="SubjectId"/> ("drop
    /// everything") as soon as its subscription is in place.
    /// </remarks>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>The subjects whose state changed, as announced. An empty <see cref="SubjectId"/> (<see cref="SubjectId.IsEmpty"/>)
    /// means the feed may have missed announcements (it reconnected): drop every cached subject state.</returns>
    IAsyncEnumerable<SubjectId> ListenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Listens for changes made by any instance until cancelled, as the engine reads them: a feed whose announcements
    /// others can overhear names a stripe of subjects instead of a subject (<see cref="SubjectChange"/>). The default
    /// reads <see cref="ListenAsync"/>: each subject is a change of that subject, an empty one a change of everything.
    /// A feed that loses its subscription and resubscribes by itself yields <see cref="SubjectChange.Interrupted"/> as
    /// soon as it knows (the engine keeps nothing cached from then on), then <see cref="SubjectChange.Everything"/> once
    /// it listens again; a feed that ends with an exception instead has the same effect (the engine listens again after
    /// a second).
    /// </summary>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>The changes, as announced.</returns>
    async IAsyncEnumerable<SubjectChange> ListenForChangesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var subject in ListenAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return subject.IsEmpty ? SubjectChange.Everything : SubjectChange.Of(subject);
        }
    }
}
