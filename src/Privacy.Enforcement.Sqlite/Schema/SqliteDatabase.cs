using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Sqlite;

/// <summary>
/// One SQLite database file. Every connection runs with <c>synchronous=FULL</c> and a busy timeout; the file is put
/// in WAL mode and migrated once, inside <c>BEGIN IMMEDIATE</c> so that two processes starting together take turns.
/// </summary>
internal sealed class SqliteDatabase : RelationalDatabase
{
    /// <summary>How long a writer waits for another connection's lock before failing.</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    private const string SessionPragmas = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";

    private static readonly object Configured = new();

    private readonly string _connectionString;

    // The native handles that already run with the session pragmas. A pooled connection keeps its handle, and the
    // pragmas with it, so they are set once per physical connection instead of one extra statement per operation.
    private readonly ConditionalWeakTable<sqlite3, object> _configured = new();

    public SqliteDatabase(string connectionString)
        : base("SQLite", string.Empty, notifySql: null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DefaultTimeout < BusyTimeoutMilliseconds / 1000)
        {
            builder.DefaultTimeout = BusyTimeoutMilliseconds / 1000;
        }

        _connectionString = builder.ToString();
    }

    protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Durability is a per-connection setting in SQLite: every physical connection is set before its first use.
            var handle = connection.Handle;
            if (handle is null || !_configured.TryGetValue(handle, out _))
            {
                using var pragmas = connection.CreateCommand(SessionPragmas);
                await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (handle is not null)
                {
                    _configured.AddOrUpdate(handle, Configured);
                }
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// <c>BEGIN IMMEDIATE</c>, stated rather than left to the default: the write lock is taken before the first read, so
    /// an audit append's head read and insert are one step against every other connection and process on the file.
    /// </summary>
    public override ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    protected override async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using (var wal = connection.CreateCommand("PRAGMA journal_mode = WAL"))
            {
                var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase) && !string.Equals(mode, "memory", StringComparison.OrdinalIgnoreCase))
                {
                    throw new PrivacyStoreException($"The SQLite database could not be put in WAL mode (journal_mode is '{mode}').");
                }
            }

            // BeginTransaction issues BEGIN IMMEDIATE: the first process to start migrates, the others wait, then find it done.
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                using (var create = connection.CreateCommand(
                    "CREATE TABLE IF NOT EXISTS pe_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
                    transaction))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                long current;
                using (var version = connection.CreateCommand("SELECT COALESCE(MAX(version), 0) FROM pe_schema_migrations", transaction))
                {
                    current = (long)(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
                }

                if (current > SqliteMigrations.All[^1].Version)
                {
                    throw new PrivacyStoreException($"The SQLite database has schema version {current}, newer than this library knows ({SqliteMigrations.All[^1].Version}); upgrade the package.");
                }

                foreach (var migration in SqliteMigrations.All)
                {
                    if (migration.Version <= current)
                    {
                        continue;
                    }

                    using var apply = connection.CreateCommand(migration.Sql, transaction);
                    await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    using var record = connection.CreateCommand(
                        "INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (@version, @description, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                        transaction);
                    record.AddParameter("@version", (long)migration.Version);
                    record.AddParameter("@description", migration.Description);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
