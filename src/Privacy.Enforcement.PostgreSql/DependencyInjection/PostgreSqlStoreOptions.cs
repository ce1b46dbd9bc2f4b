namespace Privacy.Enforcement.PostgreSql;

/// <summary>Options of the PostgreSQL stores.</summary>
public sealed class PostgreSqlStoreOptions
{
    /// <summary>The schema used when none is configured.</summary>
    public const string DefaultSchema = "privacy_enforcement";

    /// <summary>
    /// Gets or sets the schema that holds the library's tables; created if missing. Lower-case letters, digits and
    /// underscores, starting with a letter or underscore, at most 48 characters.
    /// </summary>
    public string Schema { get; set; } = DefaultSchema;
}
