using System.Runtime.CompilerServices;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// A filter over the audit trail: every given criterion must match. Enough to build a subject's disclosure ledger
/// (subject pseudonym + <see cref="AuditEventKind.Decision"/>) or a recipient's history.
/// </summary>
public sealed record AuditQuery
{
    /// <summary>Gets the subject pseudonym the events must carry.</summary>
    public string? SubjectPseudonym { get; init; }

    /// <summary>Gets the recipient the events must name.</summary>
    public string? Recipient { get; init; }

    /// <summary>Gets the earliest time (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the latest time (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the kind the events must have.</summary>
    public AuditEventKind? Kind { get; init; }

    /// <summary>Tells whether an event matches.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <returns><see langword="true"/> when it matches every criterion.</returns>
    public bool Matches(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return (SubjectPseudonym is null || string.Equals(SubjectPseudonym, auditEvent.SubjectPseudonym, StringComparison.Ordinal))
            && (Recipient is null || string.Equals(Recipient, auditEvent.Recipient, StringComparison.Ordinal))
            && (From is null || auditEvent.Timestamp >= From.Value)
            && (To is null || auditEvent.Timestamp < To.Value)
            && (Kind is null || auditEvent.Kind == Kind.Value);
    }
}

/// <summary>Queries over any <see cref="IAuditTrailReader"/>.</summary>
public static class AuditTrailReaderExtensions
{
    /// <summary>
    /// Returns the matching events in sequence order: through <see cref="IAuditTrailQuery"/> when the reader has it,
    /// otherwise by scanning <see cref="IAuditTrailReader.ReadAsync"/>.
    /// </summary>
    /// <param name="reader">The reader.</param>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The events.</returns>
    public static IAsyncEnumerable<AuditEvent> QueryAsync(this IAuditTrailReader reader, AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(query);
        return reader is IAuditTrailQuery indexed ? indexed.QueryAsync(query, cancellationToken) : ScanAsync(reader, query, cancellationToken);
    }

    private static async IAsyncEnumerable<AuditEvent> ScanAsync(IAuditTrailReader reader, AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in reader.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            if (query.Matches(e))
            {
                yield return e;
            }
        }
    }
}
