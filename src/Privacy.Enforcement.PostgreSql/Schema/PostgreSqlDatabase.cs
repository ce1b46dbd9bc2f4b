using System.Data.Common;
using System.Text.RegularExpressions;
using Npgsql;
using Privacy.Enforcement.Relational;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.PostgreSql;

/// <summary>
/// The library's schema in one PostgreSQL database. Start-up refuses a server that could lose acknowledged writes
/// (<c>fsync</c> or <c>synchronous_commit</c> off) and migrates under a transaction-scoped advisory lock, so instances
/// that start together take turns. The library relaxes <c>synchronous_commit</c> only for the transactions of data
/// it rebuilds from durable rows (the audit query index), never for a record.
/// </summary>
internal sealed partial class PostgreSqlDatabase : RelationalDatabase
{
    private static readonly string[] DurabilitySettings = ["fsync", "synchronous_commit"];

    private readonly bool _ownsDataSource;
    private readonly MigrationRunner _migrations;

    public PostgreSqlDatabase(NpgsqlDataSource dataSource, string schema, bool ownsDataSource)
        : this(dataSource, schema, ownsDataSource, PostgreSqlMigrations.For)
    {
    }

    /// <summary>A database over the given migrations, built for the schema's table prefix (tests replay an edited one).</summary>
    internal PostgreSqlDatabase(NpgsqlDataSource dataSource, string schema, bool ownsDataSource, Func<string, Migration[]> migrations)
        : base(DialectFor(schema))
    {
        _migrations = new MigrationRunner(Dialect, migrations(Dialect.TablePrefix));
        DataSource = dataSource;
        Schema = schema;
        Channel = ChannelFor(schema);
        _ownsDataSource = ownsDataSource;
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    /// <summary>Gets the LISTEN/NOTIFY channel that announces subject changes.</summary>
    public string Channel { get; }

    public static string ChannelFor(string schema) => "pe_changes_" + schema;

    private static PostgreSqlDialect DialectFor(string schema) => new(
        "\"" + ValidateSchema(schema) + "\".",
        NotifySql(ChannelFor(schema)),
        // Held until commit: the appends of every instance to this schema's audit trail take turns.
        $"SELECT pg_advisory_xact_lock({LockKey("audit", schema) & long.MaxValue})",
        NotifyEverythingSql(ChannelFor(schema)));

    /// <summary>
    /// The notification of a change of <c>@subject</c>. Any role that can connect may LISTEN, so the payload is the
    /// subject's stripe, never its id: "stripe/count", the stripe computed here exactly as
    /// <see cref="SubjectChange.StripeOf(SubjectId, int)"/> computes it (32-bit FNV-1a over the UTF-8 bytes, halves folded).
    /// </summary>
    internal static string NotifySql(string channel) =>
        $"""
        SELECT pg_notify('{channel}', (
            WITH RECURSIVE id(b) AS (SELECT convert_to(@subject, 'UTF8')),
            fnv(i, h) AS (
                SELECT 0, 2166136261::bigint
                UNION ALL
                SELECT fnv.i + 1, ((fnv.h # get_byte(id.b, fnv.i)::bigint) * 16777619) % 4294967296 FROM fnv, id WHERE fnv.i < length(id.b))
            SELECT ((h # (h >> 16)) % {PostgreSqlChangeFeed.Stripes})::text || '/{PostgreSqlChangeFeed.Stripes}' FROM fnv ORDER BY i DESC LIMIT 1))
        """;

    /// <summary>The notification that any subject's state may have changed (an engagement of all subjects): a payload that is no stripe, which listeners read as "everything".</summary>
    internal static string NotifyEverythingSql(string channel) => $"SELECT pg_notify('{channel}', 'everything')";

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// A transaction with <c>synchronous_commit = off</c> for itself only (<c>SET LOCAL</c>): its commit does not wait
    /// for the WAL flush; a crash may lose it whole, never a durable commit before it (the log is replayed in order).
    /// </summary>
    internal override async ValueTask<DbTransaction> BeginRebuildableWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var relax = connection.CreateCommand("SET LOCAL synchronous_commit = off", transaction);
            await relax.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    protected override async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await RequireDurableServerAsync(connection, cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Held until commit: a second instance starting now waits here, then finds the schema current.
                using (var gate = connection.CreateCommand("SELECT pg_advisory_xact_lock(@key)", transaction))
                {
                    gate.AddParameter("@key", LockKey("migrations", Schema));
                    await gate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using (var create = connection.CreateCommand($"CREATE SCHEMA IF NOT EXISTS \"{Schema}\"", transaction))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await _migrations.MigrateAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Refuses a server that acknowledges commits it could lose in a crash.</summary>
    internal static async ValueTask RequireDurableServerAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        foreach (var setting in DurabilitySettings)
        {
            using var show = connection.CreateCommand("SELECT current_setting(@name)");
            show.AddParameter("@name", setting);
            var value = (string?)await show.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (string.Equals(value, "off", StringComparison.OrdinalIgnoreCase))
            {
                throw new PrivacyStoreException(
                    $"The PostgreSQL server runs with {setting} = off, so an acknowledged consent withdrawal or audit event could be lost in a crash. Turn {setting} on; the privacy stores refuse to start without it.");
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsDataSource)
        {
            DataSource.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// The lock that lets one writer hold a chain of the schema's audit trail: a session advisory lock on the pair (a key
    /// of the schema's audit chains, the chain id), released when the session ends (a crash included).
    /// </summary>
    internal static AuditChainLock AuditChainLockFor(string schema)
    {
        var key = AuditChainLockKey(schema);
        return new AuditChainLock($"SELECT pg_try_advisory_lock({key}, CAST(@chain AS integer))", $"SELECT pg_advisory_unlock({key}, CAST(@chain AS integer))");
    }

    /// <summary>The first key of the schema's chain locks (the second is the chain id).</summary>
    internal static int AuditChainLockKey(string schema) => unchecked((int)LockKey("audit-chains", schema));

    private static long LockKey(string purpose, string schema)
    {
        // A stable FNV-1a hash: every instance of every version computes the same key for the same schema.
        var hash = 14695981039346656037UL;
        foreach (var c in "Privacy.Enforcement." + purpose + ":" + schema)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    internal static string ValidateSchema(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!SchemaName().IsMatch(schema))
        {
            throw new ArgumentException("PostgreSqlStoreOptions.Schema must be 1 to 48 lower-case letters, digits or underscores, starting with a letter or underscore.", nameof(schema));
        }

        return schema;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
