namespace Privacy.Enforcement;

/// <summary>
/// Receives the return-or-delete obligation of each engagement that ends (<c>use.third-party.service-end</c>): the host
/// registers one or more to tell the provider, open a ticket, schedule a follow-up. Called once per engagement after
/// the obligation is stored and audited; a handler that throws is logged and the obligation stays pending and
/// queryable through <see cref="IEngagementService.GetPendingObligationsAsync"/>.
/// </summary>
public interface IEngagementEndHandler
{
    /// <summary>Handles an engagement's end.</summary>
    /// <param name="obligation">The obligation emitted.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>A task.</returns>
    ValueTask OnEngagementEndedAsync(EngagementEndObligation obligation, CancellationToken cancellationToken);
}
