using Privacy.Enforcement.Consents;

namespace Privacy.Enforcement.Storage;

/// <summary>Stores consent facts. Facts are append-only; an append is durable when the returned task completes.</summary>
public interface IConsentStore
{
    /// <summary>Appends a fact. Appending a fact whose <see cref="ConsentFact.FactId"/> is already stored is a no-op.</summary>
    /// <param name="fact">The fact.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the fact is durable.</returns>
    ValueTask AppendAsync(ConsentFact fact, CancellationToken cancellationToken);

    /// <summary>Appends several facts atomically: all are stored or none.</summary>
    /// <param name="facts">The facts.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the facts are durable.</returns>
    ValueTask AppendManyAsync(IReadOnlyList<ConsentFact> facts, CancellationToken cancellationToken);

    /// <summary>Lists a subject's facts in the order they were recorded.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The facts, oldest first.</returns>
    IAsyncEnumerable<ConsentFact> GetFactsAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Lists one consent's facts in the order they were recorded.</summary>
    /// <param name="consentId">The consent.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The facts, oldest first; empty when the consent does not exist.</returns>
    IAsyncEnumerable<ConsentFact> GetConsentFactsAsync(ConsentId consentId, CancellationToken cancellationToken);

    /// <summary>Lists the subjects that have at least one consent (for policy-change impact analysis).</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The subjects, each once.</returns>
    IAsyncEnumerable<SubjectId> GetSubjectsAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every fact of a subject (erasure, <c>store.subject-delete</c>).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of facts deleted.</returns>
    ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken);
}

/// <summary>Stores policy acceptances and objections (<c>intro.acceptance</c>, <c>use.own-marketing</c>).</summary>
public interface IAcceptanceStore
{
    /// <summary>Appends an acceptance; durable when the task completes.</summary>
    /// <param name="acceptance">The acceptance.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    ValueTask AppendAcceptanceAsync(PolicyAcceptance acceptance, CancellationToken cancellationToken);

    /// <summary>Lists a subject's acceptances, oldest first.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The acceptances.</returns>
    IAsyncEnumerable<PolicyAcceptance> GetAcceptancesAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Appends an objection fact; durable when the task completes.</summary>
    /// <param name="objection">The objection.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task.</returns>
    ValueTask AppendObjectionAsync(ObjectionFact objection, CancellationToken cancellationToken);

    /// <summary>Lists a subject's objection facts, oldest first.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The objection facts.</returns>
    IAsyncEnumerable<ObjectionFact> GetObjectionsAsync(SubjectId subject, CancellationToken cancellationToken);

    /// <summary>Deletes a subject's acceptances and objections (erasure).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of records deleted.</returns>
    ValueTask<int> DeleteSubjectAsync(SubjectId subject, CancellationToken cancellationToken);
}
