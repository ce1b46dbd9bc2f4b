namespace Privacy.Enforcement;

/// <summary>
/// The decision engine's cache of subject state (consents, acceptances, objections, engagements, sanctions).
/// Every service that changes a subject's state invalidates it before acknowledging the change, so the very next
/// decision reads the new state.
/// </summary>
internal interface ISubjectStateCache
{
    /// <summary>Drops what is cached for a subject.</summary>
    /// <param name="subject">The subject whose state changed.</param>
    void Invalidate(SubjectId subject);

    /// <summary>Drops everything cached (a policy change, an engagement covering all subjects).</summary>
    void InvalidateAll();
}
