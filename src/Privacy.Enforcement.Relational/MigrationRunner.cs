using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// Brings a database's schema to the newest of a list of numbered <see cref="Migration"/>s and checks the ones it
/// already holds. Each applied migration is recorded in the dialect's <see cref="RelationalDialect.SchemaVersionTable"/>
/// with a SHA-256 checksum of its SQL; a start against a database whose recorded checksum no longer matches the
/// migration's text fails, naming the migration, because an edited released migration means the schema this code
/// expects is not the schema the database has. A database migrated before checksums were recorded gets them on its
/// first start (the runner adds the <c>checksum</c> column itself).
/// </summary>
/// <remarks>
/// The caller runs <see cref="MigrateAsync"/> inside one transaction that it holds under a lock shared by every
/// process (PostgreSQL: an advisory lock; SQLite: <c>BEGIN IMMEDIATE</c>), so instances that start together take turns
/// and the second finds the schema current. The checksum covers the SQL text with the dialect's table prefix removed
/// and line endings normalized, so that the same migration hashes alike in every schema and on every checkout; the
/// <see cref="Migration.Then"/> step is code, not text, and is not covered.
/// </remarks>
public sealed class MigrationRunner
{
    private const string ChecksumColumn = "checksum";

    private readonly RelationalDialect _dialect;
    private readonly Migration[] _migrations;

    /// <summary>Initializes a runner of the given migrations.</summary>
    /// <param name="dialect">The database's dialect.</param>
    /// <param name="migrations">The migrations, numbered 1, 2, 3 and so on in order.</param>
    /// <exception cref="ArgumentException">The migrations are empty or not numbered 1 to n in order.</exception>
    public MigrationRunner(RelationalDialect dialect, IReadOnlyList<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(migrations);
        if (migrations.Count == 0)
        {
            throw new ArgumentException("At least one migration is required.", nameof(migrations));
        }

        for (var i = 0; i < migrations.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(migrations[i], "migrations[" + i + "]");
            if (migrations[i].Version != i + 1)
            {
                throw new ArgumentException($"Migrations must be numbered 1 to {migrations.Count} in order; the one at index {i} has version {migrations[i].Version}.", nameof(migrations));
            }
        }

        _dialect = dialect;
        _migrations = [.. migrations];
    }

    /// <summary>Gets the newest schema version the runner knows.</summary>
    public int LatestVersion => _migrations[^1].Version;

    /// <summary>
    /// Checks the recorded migrations against their checksums (recording the missing ones) and applies the pending
    /// migrations, in the caller's transaction.
    /// </summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The transaction, held under the caller's migration lock; the caller commits it.</param>
    /// <param name="cancellationToken">The token to cancel the work.</param>
    /// <returns>A task that completes when the schema is current.</returns>
    /// <exception cref="PrivacyStoreException">
    /// The database's schema is newer than the runner knows, or a recorded migration's checksum does not match its text.
    /// </exception>
    public async ValueTask MigrateAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        var table = _dialect.SchemaVersionTable;
        await ExecuteAsync(connection, transaction, _dialect.CreateSchemaVersionTableSql, cancellationToken).ConfigureAwait(false);
        if (!await HasChecksumColumnAsync(connection, transaction, table, cancellationToken).ConfigureAwait(false))
        {
            // Databases migrated before checksums existed: the column is added here, once, under the migration lock.
            await ExecuteAsync(connection, transaction, $"ALTER TABLE {table} ADD COLUMN {ChecksumColumn} text NULL", cancellationToken).ConfigureAwait(false);
        }

        var recorded = await ReadRecordedAsync(connection, transaction, table, cancellationToken).ConfigureAwait(false);
        var current = recorded.Count == 0 ? 0 : recorded.Keys.Max();
        if (current > LatestVersion)
        {
            throw new PrivacyStoreException($"The {_dialect.ProviderName} database has schema version {current}, newer than this library knows ({LatestVersion}); upgrade the package.");
        }

        foreach (var migration in _migrations)
        {
            var checksum = Checksum(migration.Sql, _dialect.TablePrefix);
            if (migration.Version <= current)
            {
                await CheckAsync(connection, transaction, table, migration, checksum, recorded, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            if (migration.Then is { } then)
            {
                await then(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            using var record = connection.CreateCommand(
                $"INSERT INTO {table} (version, description, applied_at, {ChecksumColumn}) VALUES (@version, @description, {_dialect.CurrentTimestampSql}, @checksum)",
                transaction);
            record.AddParameter("@version", migration.Version);
            record.AddParameter("@description", migration.Description);
            record.AddParameter("@checksum", checksum);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The checksum recorded for a migration: SHA-256 (upper-case hex) of its UTF-8 SQL, table prefix removed, line endings as LF.</summary>
    internal static string Checksum(string sql, string tablePrefix)
    {
        var text = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (tablePrefix.Length > 0)
        {
            text = text.Replace(tablePrefix, string.Empty, StringComparison.Ordinal);
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private async ValueTask CheckAsync(DbConnection connection, DbTransaction transaction, string table, Migration migration, string checksum, Dictionary<int, string?> recorded, CancellationToken cancellationToken)
    {
        if (!recorded.TryGetValue(migration.Version, out var stored))
        {
            return; // a version skipped by an older runner: nothing recorded to compare
        }

        if (stored is null)
        {
            // Applied before checksums were recorded: the text of today is taken as the released one.
            using var update = connection.CreateCommand($"UPDATE {table} SET {ChecksumColumn} = @checksum WHERE version = @version AND {ChecksumColumn} IS NULL", transaction);
            update.AddParameter("@checksum", checksum);
            update.AddParameter("@version", migration.Version);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!string.Equals(stored, checksum, StringComparison.OrdinalIgnoreCase))
        {
            throw new PrivacyStoreException(
                $"The {_dialect.ProviderName} schema migration {migration.Version} ('{migration.Description}') does not match the checksum recorded when it was applied: its SQL was edited after release. A released migration is never changed; restore its text and put the change in a new migration.");
        }
    }

    private static async ValueTask<bool> HasChecksumColumnAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        // Reading the columns of an empty result works alike on every database and raises no error that would abort the transaction.
        using var probe = connection.CreateCommand($"SELECT * FROM {table} WHERE 1 = 0", transaction);
        var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (string.Equals(reader.GetName(i), ChecksumColumn, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static async ValueTask<Dictionary<int, string?>> ReadRecordedAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        using var read = connection.CreateCommand($"SELECT version, {ChecksumColumn} FROM {table}", transaction);
        var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var recorded = new Dictionary<int, string?>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                recorded[Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }

            return recorded;
        }
    }

    private static async ValueTask ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand(sql, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
