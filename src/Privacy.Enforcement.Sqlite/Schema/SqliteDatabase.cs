using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Privacy.Enforcement.Relational;
using Privacy.Enforcement.Storage;
using SQLitePCL;

namespace Privacy.Enforcement.Sqlite;

/// <summary>
/// One SQLite database file. Every connection runs with <c>synchronous=FULL</c>, a busy timeout and
/// <c>secure_delete</c>; the file is put in WAL mode and migrated once, inside <c>BEGIN IMMEDIATE</c> so that two
/// processes starting together take turns.
/// </summary>
internal sealed class SqliteDatabase : RelationalDatabase
{
    /// <summary>How long a writer waits for another connection's lock before failing.</summary>
    public const int BusyTimeoutMilliseconds = 10_000;

    // secure_delete (store.subject-delete): a deleted row's bytes and freed pages are overwritten with zeros, so a
    // shredded subject key or a deleted pseudonym does not stay readable in the file's free space.
    private const string SessionPragmas = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";

    private static readonly object Configured = new();

    private readonly string _connectionString;
    private readonly MigrationRunner _migrations;

    // The native handles that already run with the session pragmas. A pooled connection keeps its handle, and the
    // pragmas with it, so they are set once per physical connection instead of one extra statement per operation.
    private readonly ConditionalWeakTable<sqlite3, object> _configured = new();

    public SqliteDatabase(string connectionString)
        : this(connectionString, SqliteMigrations.All)
    {
    }

    /// <summary>A database over the given migrations (tests replay an edited one).</summary>
    internal SqliteDatabase(string connectionString, IReadOnlyList<Migration> migrations)
        : base(new SqliteDialect())
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _migrations = new MigrationRunner(Dialect, migrations);
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
    /// Copies every logged page into the file and truncates the write-ahead log to zero bytes: the log keeps each page
    /// as it was before the delete, so without this the erased bytes stay in the <c>-wal</c> file until it is reused.
    /// </summary>
    public override async ValueTask ScrubDeletedAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var checkpoint = connection.CreateCommand("PRAGMA wal_checkpoint(TRUNCATE)");
                var reader = await checkpoint.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    // One row: busy (1 when a reader or writer kept the checkpoint from finishing), log frames, checkpointed frames.
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt64(0) != 0)
                    {
                        throw new PrivacyStoreException("The SQLite store could not checkpoint and truncate its write-ahead log: another connection kept it busy past the busy timeout. The erased data may remain in the -wal file; run the erasure again.");
                    }
                }
            }
        }
        catch (Exception ex) when (Dialect.IsFault(ex))
        {
            throw Dialect.TranslateFault("checkpoint its write-ahead log", ex);
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

    /// <summary>
    /// <c>synchronous = NORMAL</c> for the transaction, then <c>BEGIN IMMEDIATE</c>: in WAL mode its commit is not
    /// flushed by itself but by the next <c>FULL</c> commit or checkpoint, and a crash before that loses it whole (the
    /// log is replayed only up to its last complete commit), never the durable commits before it.
    /// </summary>
    internal override async ValueTask<DbTransaction> BeginRebuildableWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        using (var relax = connection.CreateCommand("PRAGMA synchronous = NORMAL"))
        {
            await relax.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return await BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts the connection back to <c>synchronous = FULL</c> before it returns to the pool; one that cannot be is not pooled again.</summary>
    internal override async ValueTask EndRebuildableWriteAsync(DbConnection connection)
    {
        try
        {
            using var restore = connection.CreateCommand("PRAGMA synchronous = FULL");
            await restore.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            SqliteConnection.ClearPool((SqliteConnection)connection);
            throw;
        }
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
                await _migrations.MigrateAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
