using System.Data.Common;
using System.Text.Json;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// What differs between the databases the relational stores run on: where the tables live, the statement that
/// announces a subject's change to other instances, the lock that serializes audit appends, the schema-version table
/// and which provider errors are store faults. The stores build every statement in the SQL that SQLite and PostgreSQL
/// share (named <c>@parameters</c> bound as <see cref="DbParameter"/> values of type <see cref="string"/>,
/// <see cref="long"/>, <see cref="int"/>, <see cref="byte"/> arrays or <see cref="DBNull"/>;
/// <c>INSERT ... ON CONFLICT ... DO NOTHING</c>; <c>LIMIT</c>); a dialect for a database that differs rewrites the
/// statements it must in <see cref="AdaptStatement"/>.
/// </summary>
public abstract class RelationalDialect
{
    /// <summary>Initializes the dialect.</summary>
    /// <param name="providerName">The database's name in error messages, for example <c>SQLite</c>.</param>
    /// <param name="tablePrefix">
    /// What goes before every table name: empty, or a quoted schema name and a dot (<c>"privacy"."</c>). It is spliced
    /// into SQL text, so the dialect must have validated any part that came from configuration.
    /// </param>
    protected RelationalDialect(string providerName, string tablePrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentNullException.ThrowIfNull(tablePrefix);
        ProviderName = providerName;
        TablePrefix = tablePrefix;
    }

    /// <summary>Gets the database's name in error messages.</summary>
    public string ProviderName { get; }

    /// <summary>Gets what goes before every table name: empty, or a quoted schema name and a dot.</summary>
    public string TablePrefix { get; }

    /// <summary>
    /// Gets the statement that announces a change of the subject in the parameter <c>@subject</c> to other instances,
    /// run in the writing transaction so the announcement is sent exactly when the change commits; or
    /// <see langword="null"/> (the default) when the database has no such channel. It must not put the subject's id
    /// where a reader without access to the tables could see it.
    /// </summary>
    public virtual string? NotifySql => null;

    /// <summary>
    /// Gets the statement that announces that any subject's state may have changed (an engagement of all subjects),
    /// run in the writing transaction; listeners then drop every cached state. <see langword="null"/> (the default)
    /// when the database has no channel; a dialect with a <see cref="NotifySql"/> must have one too.
    /// </summary>
    public virtual string? NotifyEverythingSql => null;

    /// <summary>
    /// Gets a statement taking a transaction-scoped lock that serializes audit appends of every process, run at the
    /// start of each append's write transaction; or <see langword="null"/> (the default) when
    /// <see cref="RelationalDatabase.BeginWriteTransactionAsync"/> already takes the database's write lock.
    /// </summary>
    public virtual string? AuditLockSql => null;

    /// <summary>Gets the qualified name of the table that records the applied schema migrations.</summary>
    public string SchemaVersionTable => TablePrefix + "pe_schema_migrations";

    /// <summary>
    /// Gets the statement that creates <see cref="SchemaVersionTable"/> if it is missing, with at least the columns
    /// <c>version</c> (integer primary key), <c>description</c> (text) and <c>applied_at</c> (a time). The
    /// <see cref="MigrationRunner"/> adds the <c>checksum</c> column itself.
    /// </summary>
    public abstract string CreateSchemaVersionTableSql { get; }

    /// <summary>Gets the SQL expression of the database's current time that fills <c>applied_at</c> of a recorded migration.</summary>
    public abstract string CurrentTimestampSql { get; }

    /// <summary>
    /// Returns the SQL text of one store statement as this database runs it. The default returns
    /// <paramref name="sql"/> unchanged, which is right for SQLite and PostgreSQL.
    /// </summary>
    /// <param name="name">The statement's stable name, for example <c>InsertFact</c> or <c>AuditQuery</c>.</param>
    /// <param name="sql">The statement in the shared SQL, its tables already prefixed with <see cref="TablePrefix"/>.</param>
    /// <returns>The statement to run.</returns>
    public virtual string AdaptStatement(string name, string sql) => sql;

    /// <summary>
    /// Whether an exception is a store fault, to be translated by <see cref="TranslateFault"/>. The default counts
    /// provider, I/O, time-out and stored-data errors; cancellation, disposal and argument errors are not faults.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for a fault.</returns>
    public virtual bool IsFault(Exception exception) =>
        exception is DbException or JsonException or IOException or TimeoutException
            or FormatException or InvalidCastException
            || (exception is InvalidOperationException && exception is not ObjectDisposedException);

    /// <summary>
    /// Builds the library's exception for a failed operation. The message names the operation and the provider,
    /// never the data; the provider's exception is kept as the inner exception. A
    /// <see cref="PrivacyStoreException"/> is returned as it is.
    /// </summary>
    /// <param name="operation">What the store was doing, as a verb phrase (<c>append a consent fact</c>).</param>
    /// <param name="exception">The fault.</param>
    /// <returns>The exception to throw.</returns>
    public virtual PrivacyStoreException TranslateFault(string operation, Exception exception) =>
        exception is PrivacyStoreException own ? own : new PrivacyStoreException($"The {ProviderName} store could not {operation}.", exception);
}
