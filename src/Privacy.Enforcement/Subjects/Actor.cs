namespace Privacy.Enforcement;

/// <summary>The party making a request: the application, an affiliate, a user, or a third party.</summary>
/// <remarks>Create one with the factory members; the application actor has no id, every other actor has one.</remarks>
public readonly record struct Actor
{
    private Actor(ActorKind kind, ActorId id)
    {
        Kind = kind;
        Id = id;
    }

    /// <summary>Gets what kind of party this is.</summary>
    public ActorKind Kind { get; }

    /// <summary>Gets the actor's id (empty for <see cref="ActorKind.Application"/>).</summary>
    public ActorId Id { get; }

    /// <summary>Gets the application acting as controller.</summary>
    public static Actor Application => default;

    /// <summary>An affiliated company.</summary>
    /// <param name="id">The affiliate's id, as declared among the policy's recipients.</param>
    /// <returns>The actor.</returns>
    public static Actor Affiliate(string id) => new(ActorKind.Affiliate, new ActorId(id));

    /// <summary>The subject acting for itself.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns>The actor.</returns>
    public static Actor Subject(SubjectId subject) => new(ActorKind.Subject, new ActorId(subject.Value));

    /// <summary>A platform user acting on information of another subject (or of itself: see <see cref="IsActingFor"/>).</summary>
    /// <param name="user">The user's subject id.</param>
    /// <returns>The actor.</returns>
    public static Actor User(SubjectId user) => new(ActorKind.User, new ActorId(user.Value));

    /// <summary>A third party such as a service provider or partner.</summary>
    /// <param name="recipient">The third party's recipient id.</param>
    /// <returns>The actor.</returns>
    public static Actor ThirdParty(RecipientId recipient) => new(ActorKind.ThirdParty, new ActorId(recipient.Value));

    /// <summary>Gets a value indicating whether the actor is the application or an affiliate (a controller-side party).</summary>
    public bool IsController => Kind is ActorKind.Application or ActorKind.Affiliate;

    /// <summary>Returns whether a subject or user actor is acting on its own information.</summary>
    /// <param name="subject">The subject whose information the request concerns.</param>
    /// <returns><see langword="true"/> when the actor is that subject.</returns>
    public bool IsActingFor(SubjectId subject) =>
        Kind is ActorKind.Subject or ActorKind.User && string.Equals(Id.Value, subject.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Kind == ActorKind.Application ? "application" : $"{Kind}:{Id.Value}";
}
