using Privacy.Enforcement.Engagements;

namespace Privacy.Enforcement.Storage;

/// <summary>Stores service engagements.</summary>
public interface IEngagementStore
{
    /// <summary>Stores a new engagement; fails with <see cref="PrivacyStoreException"/> if the id exists.</summary>
    /// <param name="engagement">The engagement.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the engagement is durable.</returns>
    ValueTask CreateAsync(ServiceEngagement engagement, CancellationToken cancellationToken);

    /// <summary>Finds an engagement.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The engagement, or <see langword="null"/>.</returns>
    ValueTask<ServiceEngagement?> FindAsync(EngagementId id, CancellationToken cancellationToken);

    /// <summary>Replaces an engagement if it is unchanged since <paramref name="expected"/> was read (optimistic concurrency).</summary>
    /// <param name="expected">The engagement as read.</param>
    /// <param name="updated">The new state (same id).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when replaced; <see langword="false"/> when it changed meanwhile or does not exist.</returns>
    ValueTask<bool> TryUpdateAsync(ServiceEngagement expected, ServiceEngagement updated, CancellationToken cancellationToken);

    /// <summary>Lists a provider's engagements.</summary>
    /// <param name="provider">The provider.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The engagements.</returns>
    IAsyncEnumerable<ServiceEngagement> GetByProviderAsync(RecipientId provider, CancellationToken cancellationToken);

    /// <summary>Lists the engagements that cover a subject, including those covering all subjects.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The engagements.</returns>
    IAsyncEnumerable<ServiceEngagement> GetBySubjectAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Lists every engagement whose effective end is at or before <paramref name="until"/> and whose return-or-delete was not confirmed.</summary>
    /// <param name="until">The instant.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The engagements.</returns>
    IAsyncEnumerable<ServiceEngagement> GetEndedAsync(DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Gets the earliest effective end strictly after <paramref name="after"/> among engagements whose return-or-delete
    /// obligation was not emitted yet, so the end monitor can sleep until then instead of polling. Stores with an index
    /// on the end time should override the default, which scans every engagement that has an end.
    /// </summary>
    /// <param name="after">The instant (usually now).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The next end, or <see langword="null"/> when no engagement ends later.</returns>
    async ValueTask<DateTimeOffset?> GetNextEndAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        await foreach (var engagement in GetEndedAsync(DateTimeOffset.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            if (engagement.ObligationEmittedAt is null && engagement.EffectiveEnd is { } end && end > after && (next is null || end < next))
            {
                next = end;
            }
        }

        return next;
    }
}
