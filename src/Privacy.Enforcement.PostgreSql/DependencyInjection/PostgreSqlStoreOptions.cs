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

    /// <summary>
    /// Gets or sets a value indicating whether each instance writes the audit trail as a hash chain of its own, so that
    /// instances never wait for each other's appends. Off (the default), every instance appends to one chain, taking
    /// turns on one advisory lock that is held across each commit: with several instances the trail is written no faster
    /// than by one. On, each instance claims a chain when its audit writer starts (a chain a stopped or crashed instance
    /// left, else a new one), holds it by a session advisory lock on a connection of its own, and appends to it without
    /// a shared lock; every checkpoint names the sizes and heads of the other chains, which ties them together. Verify
    /// the whole trail with <see cref="Privacy.Enforcement.Auditing.AuditChainsVerifier"/> over the registered
    /// <see cref="Privacy.Enforcement.Storage.IAuditChainedTrail"/>; queries read every chain. Existing events stay in
    /// chain 0, as they are.
    /// </summary>
    public bool AuditChainPerInstance { get; set; }
}
