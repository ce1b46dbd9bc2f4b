namespace Privacy.Enforcement.Engagements;

/// <summary>
/// What the host asks for when it engages a provider for a service (<c>use.third-party.service-provider</c>). The
/// engagement service validates it against the policy in force and stores a <see cref="ServiceEngagement"/>.
/// </summary>
public sealed record EngagementRequest
{
    /// <summary>Gets the provider: a recipient the policy declares as a service provider or an affiliate.</summary>
    public required RecipientId Provider { get; init; }

    /// <summary>Gets the service of the application the provider is engaged for; the policy must declare it.</summary>
    public required ServiceId Service { get; init; }

    /// <summary>Gets the subjects covered; leave empty and set <see cref="AllSubjects"/> to cover every subject of the service.</summary>
    public IReadOnlyList<SubjectId> Subjects { get; init; } = [];

    /// <summary>Gets a value indicating whether the engagement covers every subject of the service.</summary>
    public bool AllSubjects { get; init; }

    /// <summary>Gets the categories the provider may receive; each must be declared by the policy.</summary>
    public required IReadOnlyList<DataCategory> Categories { get; init; }

    /// <summary>Gets when the engagement starts (UTC); <see langword="null"/> for now.</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>Gets when the engagement ends (UTC); <see langword="null"/> for an open-ended engagement that only termination ends.</summary>
    public DateTimeOffset? EndsAt { get; init; }
}
