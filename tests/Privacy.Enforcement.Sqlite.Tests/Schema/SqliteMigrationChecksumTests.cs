using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Sqlite.Tests.Schema;

/// <summary>The migration runner's checksums of released migrations, on SQLite.</summary>
public sealed class SqliteMigrationChecksumTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public async Task A_fresh_database_records_the_sha256_of_each_migrations_sql()
    {
        await _database.Get<RelationalDatabase>().EnsureInitializedAsync(CancellationToken.None);

        (await ReadChecksumsAsync()).Should().Equal(SqliteMigrations.All.Select(m => (m.Version, (string?)Sha256(m.Sql))));
    }

    [Fact]
    public async Task An_edited_released_migration_fails_start_up_naming_the_migration()
    {
        await _database.Get<RelationalDatabase>().EnsureInitializedAsync(CancellationToken.None);
        var edited = SqliteMigrations.All.Select(m => m.Version == 2 ? m with { Sql = m.Sql + "\nCREATE INDEX ix_extra ON pe_legal_holds (placed_at);" } : m).ToArray();

        using var unchanged = new SqliteDatabase(_database.ConnectionString);
        await unchanged.EnsureInitializedAsync(CancellationToken.None); // the released text starts
        using var changed = new SqliteDatabase(_database.ConnectionString, edited);
        var start = () => changed.EnsureInitializedAsync(CancellationToken.None).AsTask();

        (await start.Should().ThrowAsync<PrivacyStoreException>())
            .Which.Message.Should().Contain("migration 2 ").And.Contain("edited after release");
        (await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_extra'")).Should().Be(0L, "nothing of the edited text runs");
    }

    [Fact]
    public async Task A_version_4_database_migrated_before_checksums_starts_and_records_them()
    {
        // The database as the runner before checksums left it: no checksum column, every migration applied.
        var subject = StoreTestData.NewSubject();
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, "CREATE TABLE pe_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var migration in SqliteMigrations.All.Where(m => m.Version <= 4))
            {
                await ExecuteAsync(connection, migration.Sql, transaction);
                if (migration.Then is { } then)
                {
                    await then(connection, transaction, CancellationToken.None);
                }

                await ExecuteAsync(connection, $"INSERT INTO pe_schema_migrations VALUES ({migration.Version}, 'before', '2026-01-01T00:00:00.000Z')", transaction);
            }

            await transaction.CommitAsync();
        }

        // Version 4 is the newest schema released without checksums; later migrations are applied, with theirs, now.
        await _database.Get<IConsentStore>().AppendAsync(StoreTestData.Grant(subject, ConsentId.New()), CancellationToken.None);

        (await ReadChecksumsAsync()).Should().Equal(SqliteMigrations.All.Select(m => (m.Version, (string?)Sha256(m.Sql))));
        (await ScalarAsync("SELECT COUNT(*) FROM pe_schema_migrations WHERE description = 'before'")).Should().Be(4L, "the recorded rows are kept, not re-applied");
        (await _database.Get<IConsentStore>().GetFactsAsync(subject, CancellationToken.None).CollectAsync()).Should().ContainSingle();

        // The next start checks the checksums it recorded.
        using var again = new SqliteDatabase(_database.ConnectionString);
        await again.EnsureInitializedAsync(CancellationToken.None);
        var edited = SqliteMigrations.All.Select(m => m.Version == 1 ? m with { Sql = m.Sql.Replace("payload TEXT NOT NULL", "payload BLOB NOT NULL", StringComparison.Ordinal) } : m).ToArray();
        using var changed = new SqliteDatabase(_database.ConnectionString, edited);
        var start = () => changed.EnsureInitializedAsync(CancellationToken.None).AsTask();
        (await start.Should().ThrowAsync<PrivacyStoreException>()).Which.Message.Should().Contain("migration 1 ");
    }

    public void Dispose() => _database.Dispose();

    // Written here rather than taken from the runner: SHA-256 of the UTF-8 text, upper-case hex.
    private static string Sha256(string sql) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    private async Task<List<(int Version, string? Checksum)>> ReadChecksumsAsync()
    {
        await using var connection = await OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, checksum FROM pe_schema_migrations ORDER BY version";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add(((int)reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return rows;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync();
    }
}
