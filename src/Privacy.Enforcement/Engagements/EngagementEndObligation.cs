namespace Privacy.Enforcement.Engagements;

/// <summary>
/// The obligation an engagement's end puts on its provider: return or delete everything it received, by a deadline
/// (<c>use.third-party.service-end</c>, <see cref="ObligationKind.ReturnOrDelete"/>). Emitted exactly once per engagement; pending until the host records the
/// provider's confirmation.
/// </summary>
public sealed record EngagementEndObligation
{
    /// <summary>Gets the engagement that ended.</summary>
    public required EngagementId Engagement { get; init; }

    /// <summary>Gets the provider that must return or delete.</summary>
    public required RecipientId Provider { get; init; }

    /// <summary>Gets the service the provider was engaged for.</summary>
    public required ServiceId Service { get; init; }

    /// <summary>Gets the subjects whose data the provider must return or delete (empty with <see cref="AllSubjects"/>).</summary>
    public IReadOnlyList<SubjectId> Subjects { get; init; } = [];

    /// <summary>Gets a value indicating whether the obligation covers every subject of the service.</summary>
    public bool AllSubjects { get; init; }

    /// <summary>Gets the categories the provider was allowed to receive.</summary>
    public required IReadOnlyList<DataCategory> Categories { get; init; }

    /// <summary>Gets when the engagement stopped being active.</summary>
    public required DateTimeOffset EndedAt { get; init; }

    /// <summary>Gets a value indicating whether the engagement was terminated early rather than reaching its end.</summary>
    public bool Terminated { get; init; }

    /// <summary>Gets why the engagement was terminated early, if it was.</summary>
    public string? TerminationReason { get; init; }

    /// <summary>Gets when the obligation was emitted.</summary>
    public required DateTimeOffset EmittedAt { get; init; }

    /// <summary>Gets the deadline for the provider's return or deletion.</summary>
    public required DateTimeOffset DueBy { get; init; }

    /// <summary>Gets when the provider's confirmation was recorded; <see langword="null"/> while pending.</summary>
    public DateTimeOffset? ConfirmedAt { get; init; }

    /// <summary>Gets the host's reference to the provider's confirmation.</summary>
    public string? ConfirmationReference { get; init; }

    /// <summary>Gets a value indicating whether the provider has not confirmed yet.</summary>
    public bool IsPending => ConfirmedAt is null;

    /// <summary>Returns whether the obligation is pending after its deadline.</summary>
    /// <param name="at">The instant.</param>
    /// <returns><see langword="true"/> when overdue.</returns>
    public bool IsOverdueAt(DateTimeOffset at) => IsPending && at >= DueBy;

    /// <summary>Builds the obligation of an engagement whose obligation was emitted.</summary>
    /// <param name="engagement">The engagement.</param>
    /// <returns>The obligation, or <see langword="null"/> when none was emitted.</returns>
    internal static EngagementEndObligation? From(ServiceEngagement engagement)
    {
        ArgumentNullException.ThrowIfNull(engagement);
        if (engagement.ObligationEmittedAt is not { } emittedAt || engagement.ReturnOrDeleteDueBy is not { } dueBy || engagement.EffectiveEnd is not { } endedAt)
        {
            return null;
        }

        return new EngagementEndObligation
        {
            Engagement = engagement.Id,
            Provider = engagement.Provider,
            Service = engagement.Service,
            Subjects = engagement.Subjects,
            AllSubjects = engagement.AllSubjects,
            Categories = engagement.Categories,
            EndedAt = endedAt,
            Terminated = engagement.TerminatedAt is { } t && t == endedAt,
            TerminationReason = engagement.TerminationReason,
            EmittedAt = emittedAt,
            DueBy = dueBy,
            ConfirmedAt = engagement.DeletionConfirmedAt,
            ConfirmationReference = engagement.DeletionConfirmationReference,
        };
    }
}
