using Privacy.Enforcement.Relational;

namespace Privacy.Enforcement.PostgreSql;

/// <summary>
/// PostgreSQL's dialect: tables in the configured schema, a change announced by <c>pg_notify</c> on the schema's
/// channel, and audit appends of every instance serialized by a transaction-scoped advisory lock.
/// </summary>
/// <param name="tablePrefix">The quoted, validated schema and a dot.</param>
/// <param name="notifySql">The change announcement, or <see langword="null"/> for none.</param>
/// <param name="auditLockSql">The audit append lock, or <see langword="null"/> for none.</param>
/// <param name="notifyEverythingSql">The announcement that any subject may have changed, or <see langword="null"/> for none.</param>
internal sealed class PostgreSqlDialect(string tablePrefix, string? notifySql, string? auditLockSql, string? notifyEverythingSql = null) : RelationalDialect("PostgreSQL", tablePrefix)
{
    public override string? NotifySql => notifySql;

    public override string? NotifyEverythingSql => notifyEverythingSql;

    public override string? AuditLockSql => auditLockSql;

    public override string CreateSchemaVersionTableSql =>
        $"CREATE TABLE IF NOT EXISTS {TablePrefix}pe_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

    public override string CurrentTimestampSql => "now()";
}
