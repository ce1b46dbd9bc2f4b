using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement.Storage;

/// <summary>An optional capability of an audit trail reader: answers <see cref="AuditQuery"/> efficiently (indexed).</summary>
public interface IAuditTrailQuery
{
    /// <summary>Returns the matching events in sequence order.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<AuditEvent> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}
