namespace Privacy.Enforcement.Engagements;

/// <summary>
/// Receives the return-or-delete obligation of each engagement that ends (<c>use.third-party.service-end</c>): the host
/// registers one or more to tell the provider, open a ticket, schedule a follow-up. Called after the obligation is
/// stored and audited, at least once per engagement: when a handler throws, the failure is logged and every handler
/// is told again after a back-off (<see cref="EngagementOptions.HandlerRetryDelay"/>, doubling up to
/// <see cref="EngagementOptions.HandlerMaxRetryDelay"/>), by this instance or, after a restart, by the next one, until
/// all of them return. A handler must therefore accept an obligation it was already told of (key on
/// <see cref="EngagementEndObligation.Engagement"/>). The obligation stays pending and queryable through
/// <see cref="IEngagementService.GetPendingObligationsAsync"/> until the provider's confirmation is recorded.
/// </summary>
public interface IEngagementEndHandler
{
    /// <summary>Handles an engagement's end.</summary>
    /// <param name="obligation">The obligation emitted.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>A task.</returns>
    ValueTask OnEngagementEndedAsync(EngagementEndObligation obligation, CancellationToken cancellationToken);
}
