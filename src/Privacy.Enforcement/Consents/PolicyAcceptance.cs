namespace Privacy.Enforcement.Consents;

/// <summary>How a subject accepted a policy version (<c>intro.acceptance</c>).</summary>
public enum AcceptanceKind
{
    /// <summary>The subject explicitly accepted.</summary>
    Explicit = 0,

    /// <summary>Deemed accepted by using or continuing to use the services after publication.</summary>
    DeemedByContinuedUse = 1,
}

/// <summary>A subject's acceptance of a policy version (<c>intro.acceptance</c>). Acceptance is not consent.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Policy">The version accepted.</param>
/// <param name="Kind">Explicit, or deemed by continued use.</param>
/// <param name="AcceptedAt">When (UTC).</param>
/// <param name="CountedEvent">The event that counted: the explicit action, or the use after publication (a reference, never personal data).</param>
public sealed record PolicyAcceptance(SubjectId Subject, PolicyVersion Policy, AcceptanceKind Kind, DateTimeOffset AcceptedAt, string CountedEvent)
{
    /// <summary>Gets whether the acceptance was explicit or deemed by continued use.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="AcceptanceKind"/>.</exception>
    public AcceptanceKind Kind { get; init => field = DefinedEnum.Require(value, nameof(PolicyAcceptance), nameof(Kind)); } = DefinedEnum.Require(Kind, nameof(PolicyAcceptance), nameof(Kind));
}

/// <summary>Whether an objection is raised or lifted.</summary>
public enum ObjectionState
{
    /// <summary>The subject objects: the use is denied from then on.</summary>
    Raised = 0,

    /// <summary>The subject lifted its objection.</summary>
    Lifted = 1,
}

/// <summary>An append-only fact: the subject objects to (opts out of) a purpose, such as own marketing (<c>use.own-marketing</c>).</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Purpose">The purpose objected to.</param>
/// <param name="State">Raised or lifted.</param>
/// <param name="RecordedAt">When (UTC).</param>
public sealed record ObjectionFact(SubjectId Subject, PurposeId Purpose, ObjectionState State, DateTimeOffset RecordedAt)
{
    /// <summary>Gets whether the objection is raised or lifted.</summary>
    /// <exception cref="ArgumentException">The value is not a defined <see cref="ObjectionState"/>.</exception>
    public ObjectionState State { get; init => field = DefinedEnum.Require(value, nameof(ObjectionFact), nameof(State)); } = DefinedEnum.Require(State, nameof(ObjectionFact), nameof(State));
}
