namespace Privacy.Enforcement;

/// <summary>The outcome of a decision.</summary>
public enum DecisionOutcome
{
    /// <summary>Denied: the default when no rule permits, and whenever the library cannot decide.</summary>
    Deny = 0,

    /// <summary>Permitted by a rule of the policy, for the categories the decision lists.</summary>
    Permit = 1,

    /// <summary>The data is outside the policy (search keywords, violation records): allowed, still audited.</summary>
    NotApplicable = 2,
}
