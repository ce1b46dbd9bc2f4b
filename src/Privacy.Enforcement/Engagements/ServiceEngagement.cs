namespace Privacy.Enforcement.Engagements;

/// <summary>
/// Binds a provider (a recipient of kind service provider or affiliate) to a service the application provides to
/// subjects, for a set of categories and a period (<c>use.third-party.service-provider</c>, <c>use.third-party.service-end</c>).
/// </summary>
public sealed record ServiceEngagement
{
    /// <summary>Gets the engagement's id.</summary>
    public required EngagementId Id { get; init; }

    /// <summary>Gets the provider.</summary>
    public required RecipientId Provider { get; init; }

    /// <summary>Gets the service the provider is engaged for.</summary>
    public required ServiceId Service { get; init; }

    /// <summary>Gets the subjects covered; empty with <see cref="AllSubjects"/> set covers every subject of the service.</summary>
    public IReadOnlyList<SubjectId> Subjects { get; init; } = [];

    /// <summary>Gets a value indicating whether the engagement covers every subject of the service.</summary>
    public bool AllSubjects { get; init; }

    /// <summary>Gets the categories the provider may receive.</summary>
    public required IReadOnlyList<DataCategory> Categories { get; init; }

    /// <summary>Gets when the engagement starts (UTC).</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Gets when the engagement ends (UTC), if it has a fixed end.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>Gets when the engagement was terminated early, if it was.</summary>
    public DateTimeOffset? TerminatedAt { get; init; }

    /// <summary>Gets why it was terminated early (never personal data).</summary>
    public string? TerminationReason { get; init; }

    /// <summary>Gets when the provider confirmed it returned or deleted what it held.</summary>
    public DateTimeOffset? DeletionConfirmedAt { get; init; }

    /// <summary>Gets the host's reference to the provider's confirmation.</summary>
    public string? DeletionConfirmationReference { get; init; }

    /// <summary>
    /// Gets when the return-or-delete obligation of the engagement's end was emitted (<c>use.third-party.service-end</c>).
    /// Persisted so that the obligation is emitted exactly once, across instances and restarts.
    /// </summary>
    public DateTimeOffset? ObligationEmittedAt { get; init; }

    /// <summary>Gets the deadline by which the provider must return or delete what it holds, fixed when the obligation is emitted.</summary>
    public DateTimeOffset? ReturnOrDeleteDueBy { get; init; }

    /// <summary>
    /// Gets when every registered <see cref="IEngagementEndHandler"/> took the end's obligation; <see langword="null"/>
    /// while a delivery is still owed (the handlers are told again until they take it).
    /// </summary>
    public DateTimeOffset? ObligationDeliveredAt { get; init; }

    /// <summary>Gets how many deliveries of the end's obligation to the handlers were started; <see langword="null"/> before the first.</summary>
    public int? ObligationDeliveryAttempts { get; init; }

    /// <summary>Gets when the obligation is delivered again if the handlers have not taken it by then.</summary>
    public DateTimeOffset? NextObligationDeliveryAt { get; init; }

    /// <summary>Gets the time the engagement stops being active: the earlier of its end and its termination.</summary>
    public DateTimeOffset? EffectiveEnd =>
        TerminatedAt is { } t && (EndsAt is null || t < EndsAt) ? t : EndsAt;

    /// <summary>Returns whether the engagement is active at <paramref name="at"/> (start inclusive, end exclusive).</summary>
    /// <param name="at">The instant.</param>
    /// <returns><see langword="true"/> when active.</returns>
    public bool IsActiveAt(DateTimeOffset at) => at >= StartsAt && (EffectiveEnd is not { } end || at < end);

    /// <summary>Returns whether the engagement covers the subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns><see langword="true"/> when covered.</returns>
    public bool Covers(SubjectId subject)
    {
        if (AllSubjects)
        {
            return true;
        }

        foreach (var s in Subjects)
        {
            if (s == subject)
            {
                return true;
            }
        }

        return false;
    }
}
