using Privacy.Enforcement.Relational;

namespace Privacy.Enforcement.Sqlite;

/// <summary>SQLite's dialect: tables without a schema prefix, no change channel, and the migration record's time from SQLite's clock.</summary>
internal sealed class SqliteDialect() : RelationalDialect("SQLite", string.Empty)
{
    public override string CreateSchemaVersionTableSql =>
        "CREATE TABLE IF NOT EXISTS pe_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)";

    public override string CurrentTimestampSql => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}
