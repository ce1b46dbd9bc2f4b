namespace Privacy.Enforcement.Consents;

/// <summary>The state of one consent as of an instant: the fold of its facts recorded at or before that instant.</summary>
/// <param name="ConsentId">The consent.</param>
/// <param name="State">The state as of the instant; <see cref="ConsentState.Expired"/> once the terms' expiry has passed.</param>
/// <param name="Terms">The terms of the latest grant or refusal, or <see langword="null"/> when there was none.</param>
/// <param name="GivenAt">When the latest grant was recorded, if any.</param>
/// <param name="Policy">The policy version of the latest grant or refusal.</param>
/// <param name="ChangedAt">When the state last changed.</param>
public readonly record struct ConsentStatus(
    ConsentId ConsentId,
    ConsentState State,
    ConsentTerms? Terms,
    DateTimeOffset? GivenAt,
    PolicyVersion? Policy,
    DateTimeOffset ChangedAt)
{
    /// <summary>Gets a value indicating whether the consent is in force.</summary>
    public bool IsGiven => State == ConsentState.Given;
}

/// <summary>Folds consent facts into states ("the consent state as of time T").</summary>
internal static class ConsentHistory
{
    /// <summary>Folds one consent's facts, in recorded order, as of <paramref name="asOf"/>.</summary>
    /// <param name="facts">The consent's facts, oldest first; facts of other consents are ignored.</param>
    /// <param name="consentId">The consent.</param>
    /// <param name="asOf">The instant; facts recorded after it are ignored.</param>
    /// <returns>The state, or <see langword="null"/> when no fact was recorded by then.</returns>
    public static ConsentStatus? Evaluate(IReadOnlyList<ConsentFact> facts, ConsentId consentId, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ConsentStatus? status = null;
        for (var i = 0; i < facts.Count; i++)
        {
            var fact = facts[i];
            if (fact.ConsentId != consentId || fact.RecordedAt > asOf)
            {
                continue;
            }

            status = fact.State switch
            {
                ConsentState.Given => new ConsentStatus(consentId, ConsentState.Given, fact.Terms, fact.RecordedAt, fact.Policy, fact.RecordedAt),
                ConsentState.Refused => new ConsentStatus(consentId, ConsentState.Refused, fact.Terms, null, fact.Policy, fact.RecordedAt),
                _ => status is { } s
                    ? s with { State = fact.State, ChangedAt = fact.RecordedAt }
                    : new ConsentStatus(consentId, fact.State, null, null, fact.Policy, fact.RecordedAt),
            };
        }

        // An expiry is a property of the grant: it takes effect at the instant without needing a fact.
        if (status is { State: ConsentState.Given, Terms.ExpiresAt: { } expiresAt } given && asOf >= expiresAt)
        {
            status = given with { State = ConsentState.Expired, ChangedAt = expiresAt };
        }

        return status;
    }

    /// <summary>Folds a subject's facts into the state of each of its consents as of <paramref name="asOf"/>.</summary>
    /// <param name="facts">The subject's facts, oldest first.</param>
    /// <param name="asOf">The instant.</param>
    /// <returns>One status per consent with a fact recorded by then, in order of first fact.</returns>
    public static IReadOnlyList<ConsentStatus> EvaluateAll(IReadOnlyList<ConsentFact> facts, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var seen = new HashSet<ConsentId>();
        var result = new List<ConsentStatus>();
        foreach (var fact in facts)
        {
            if (fact.RecordedAt <= asOf && seen.Add(fact.ConsentId) && Evaluate(facts, fact.ConsentId, asOf) is { } status)
            {
                result.Add(status);
            }
        }

        return result;
    }
}
