using System.Data.Common;
using Privacy.Enforcement.Auditing;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// A dialect whose database takes a batch of audit rows faster in bulk than by row inserts (PostgreSQL: binary
/// <c>COPY</c>). The copy runs in the append's transaction, after the head was read under the append lock.
/// </summary>
internal interface IAuditEventCopy
{
    /// <summary>
    /// Copies events <paramref name="from"/> to the end of <paramref name="batch"/> into <paramref name="table"/>
    /// (columns sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload), in the connection's open
    /// transaction. Returns the number of rows written, or <see langword="null"/> when this connection cannot copy
    /// (the store then inserts row by row).
    /// </summary>
    ValueTask<ulong?> TryCopyAsync(DbConnection connection, string table, IReadOnlyList<AuditEvent> batch, int from, CancellationToken cancellationToken);

    /// <summary>As <see cref="TryCopyAsync(DbConnection, string, IReadOnlyList{AuditEvent}, int, CancellationToken)"/>, into chain <paramref name="chain"/> of a trail kept as several chains.</summary>
    ValueTask<ulong?> TryCopyAsync(DbConnection connection, string table, long chain, IReadOnlyList<AuditEvent> batch, int from, CancellationToken cancellationToken);
}
