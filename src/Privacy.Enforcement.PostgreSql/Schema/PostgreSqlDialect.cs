using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Privacy.Enforcement.Auditing;
using Privacy.Enforcement.Relational;

namespace Privacy.Enforcement.PostgreSql;

/// <summary>
/// PostgreSQL's dialect: tables in the configured schema, a change announced by <c>pg_notify</c> on the schema's
/// channel, audit appends of every instance serialized by a transaction-scoped advisory lock, and an audit batch
/// written by one binary <c>COPY</c> in the append's transaction (after the head was read under that lock).
/// </summary>
/// <param name="tablePrefix">The quoted, validated schema and a dot.</param>
/// <param name="notifySql">The change announcement, or <see langword="null"/> for none.</param>
/// <param name="auditLockSql">The audit append lock, or <see langword="null"/> for none.</param>
/// <param name="notifyEverythingSql">The announcement that any subject may have changed, or <see langword="null"/> for none.</param>
internal sealed class PostgreSqlDialect(string tablePrefix, string? notifySql, string? auditLockSql, string? notifyEverythingSql = null) : RelationalDialect("PostgreSQL", tablePrefix), IAuditEventCopy
{
    public override string? NotifySql => notifySql;

    public override string? NotifyEverythingSql => notifyEverythingSql;

    public override string? AuditLockSql => auditLockSql;

    public override string CreateSchemaVersionTableSql =>
        $"CREATE TABLE IF NOT EXISTS {TablePrefix}pe_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

    public override string CurrentTimestampSql => "now()";

    /// <inheritdoc />
    /// <remarks>
    /// A sequence already taken (only by a writer bypassing the append lock) fails the copy on the primary key, which
    /// rolls the whole batch back.
    /// </remarks>
    public ValueTask<ulong?> TryCopyAsync(DbConnection connection, string table, IReadOnlyList<AuditEvent> batch, int from, CancellationToken cancellationToken)
        => CopyAsync(connection, table, chain: null, batch, from, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ulong?> TryCopyAsync(DbConnection connection, string table, long chain, IReadOnlyList<AuditEvent> batch, int from, CancellationToken cancellationToken)
        => CopyAsync(connection, table, chain, batch, from, cancellationToken);

    private static async ValueTask<ulong?> CopyAsync(DbConnection connection, string table, long? chain, IReadOnlyList<AuditEvent> batch, int from, CancellationToken cancellationToken)
    {
        if (connection is not NpgsqlConnection npgsql)
        {
            return null;
        }

        // Without a chain the rows go to the column's default, chain 0 (the trail's first chain).
        var writer = await npgsql.BeginBinaryImportAsync(
            $"COPY {table} ({(chain is null ? string.Empty : "chain, ")}sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            for (var at = from; at < batch.Count; at++)
            {
                var auditEvent = batch[at];
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                if (chain is { } id)
                {
                    await writer.WriteAsync(id, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }

                await writer.WriteAsync(auditEvent.Sequence, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(auditEvent.Hash, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(auditEvent.Kind.ToString(), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(auditEvent.Timestamp.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(writer, auditEvent.SubjectPseudonym, cancellationToken).ConfigureAwait(false);
                await WriteNullableAsync(writer, auditEvent.Recipient, cancellationToken).ConfigureAwait(false);
                await writer.WriteAsync(RelationalAuditStore.Payload(auditEvent), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            return await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        static Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken) =>
            value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
    }
}
