namespace Privacy.Enforcement;

/// <summary>
/// Explains decisions: the same decision <see cref="IPrivacyEnforcer"/> makes, with the trace of how it was reached.
/// A separate service, so the enforcer's hot path carries no tracing at all; an explanation re-reads the subject's
/// state and re-evaluates the request, so it costs a decision or more per call and records no audit event.
/// </summary>
public interface IPolicyExplainer
{
    /// <summary>Decides the request as the enforcer would, and explains the decision.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">A token to cancel the store reads.</param>
    /// <returns>The decision and its trace.</returns>
    ValueTask<DecisionExplanation> ExplainAsync(PrivacyRequest request, CancellationToken cancellationToken);
}

/// <summary>A decision and the steps that led to it, in the order the rules are considered.</summary>
/// <param name="Decision">The decision, as the enforcer makes it.</param>
/// <param name="Steps">Each rule and ground considered, in order, and then one verdict per requested category.</param>
public sealed record DecisionExplanation(PrivacyDecision Decision, IReadOnlyList<DecisionTraceStep> Steps);

/// <summary>What one step of a trace found.</summary>
public enum TraceVerdict
{
    /// <summary>The rule or ground does not apply to this request (its act, purpose, recipient or categories differ).</summary>
    OutOfScope = 0,

    /// <summary>The rule or ground applies, and the decision cites it.</summary>
    Applied = 1,

    /// <summary>The rule or ground applies, but the decision was settled without it (an earlier step decided).</summary>
    NotReached = 2,

    /// <summary>The step decided the request: a Deny, or a category withheld.</summary>
    Decided = 3,

    /// <summary>A category the decision permits.</summary>
    Permitted = 4,

    /// <summary>A category the decision withholds.</summary>
    Withheld = 5,

    /// <summary>A category outside the policy (exempt).</summary>
    Exempt = 6,
}

/// <summary>One step of a decision trace. Never personal data: ids of the policy, categories and reasons only.</summary>
/// <param name="Order">The position of the step, from 1.</param>
/// <param name="Subject">What was considered: <c>rule RequireAcceptance</c>, <c>ground Consent</c>, <c>category user.contact.email</c>, <c>request</c>.</param>
/// <param name="Clause">The clause id of the rule or ground, if any.</param>
/// <param name="Verdict">What the step found.</param>
/// <param name="Why">Why, in words.</param>
/// <param name="Categories">The requested categories the step concerns.</param>
public sealed record DecisionTraceStep(int Order, string Subject, string? Clause, TraceVerdict Verdict, string Why, IReadOnlyList<string> Categories);
