using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.PostgreSql.Tests.Schema;

/// <summary>The migration runner's checksums of released migrations, on PostgreSQL.</summary>
public sealed class PostgreSqlMigrationChecksumTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    [StoreFact]
    public async Task An_edited_released_migration_fails_start_up_naming_the_migration()
    {
        await (await _schema.GetAsync<RelationalDatabase>()).EnsureInitializedAsync(CancellationToken.None);
        Migration[] Edited(string p) => [.. PostgreSqlMigrations.For(p).Select(m => m.Version == 3 ? m with { Sql = m.Sql + $"\nCREATE INDEX ix_extra ON {p}pe_audit_events (hash);" } : m)];

        using var unchanged = new PostgreSqlDatabase(NpgsqlDataSource.Create(_schema.ConnectionString), _schema.Schema, ownsDataSource: true);
        await unchanged.EnsureInitializedAsync(CancellationToken.None); // the released text starts
        using var changed = new PostgreSqlDatabase(NpgsqlDataSource.Create(_schema.ConnectionString), _schema.Schema, ownsDataSource: true, Edited);
        var start = () => changed.EnsureInitializedAsync(CancellationToken.None).AsTask();

        (await start.Should().ThrowAsync<PrivacyStoreException>())
            .Which.Message.Should().Contain("migration 3 ").And.Contain("edited after release");
        (await ScalarAsync($"SELECT to_regclass('\"{_schema.Schema}\".ix_extra') IS NULL")).Should().Be(true, "nothing of the edited text runs");
    }

    [StoreFact]
    public async Task A_version_4_schema_migrated_before_checksums_starts_and_records_them()
    {
        var server = await PostgresServer.GetAsync();
        var prefix = $"\"{_schema.Schema}\".";
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await ExecuteAsync(connection, transaction, $"CREATE SCHEMA \"{_schema.Schema}\"; CREATE TABLE {prefix}pe_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            // Version 4 is the newest schema released without checksums; later migrations are applied, with theirs, at start.
            foreach (var migration in PostgreSqlMigrations.For(prefix).Where(m => m.Version <= 4))
            {
                await ExecuteAsync(connection, transaction, migration.Sql);
                if (migration.Then is { } then)
                {
                    await then(connection, transaction, CancellationToken.None);
                }

                await ExecuteAsync(connection, transaction, $"INSERT INTO {prefix}pe_schema_migrations (version, description) VALUES ({migration.Version}, 'before')");
            }

            await transaction.CommitAsync();
        }

        var subject = StoreTestData.NewSubject();
        await (await _schema.GetAsync<IConsentStore>()).AppendAsync(StoreTestData.Grant(subject, ConsentId.New()), CancellationToken.None);

        // The checksum covers the text without the schema prefix, so it is the same in every schema.
        var expected = PostgreSqlMigrations.For(string.Empty).Select(m => (m.Version, (string?)Sha256(m.Sql))).ToList();
        (await ReadChecksumsAsync(prefix)).Should().Equal(expected);
        (await ScalarAsync($"SELECT COUNT(*) FROM {prefix}pe_schema_migrations WHERE description = 'before'")).Should().Be(4L);

        Migration[] Edited(string p) => [.. PostgreSqlMigrations.For(p).Select(m => m.Version == 4 ? m with { Sql = m.Sql.Replace("hash_key bytea", "hash_key text", StringComparison.Ordinal) } : m)];
        using var changed = new PostgreSqlDatabase(NpgsqlDataSource.Create(_schema.ConnectionString), _schema.Schema, ownsDataSource: true, Edited);
        var start = () => changed.EnsureInitializedAsync(CancellationToken.None).AsTask();
        (await start.Should().ThrowAsync<PrivacyStoreException>()).Which.Message.Should().Contain("migration 4 ");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    // Written here rather than taken from the runner: SHA-256 of the UTF-8 text, upper-case hex.
    private static string Sha256(string sql) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.Replace("\r\n", "\n", StringComparison.Ordinal))));

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<(int Version, string? Checksum)>> ReadChecksumsAsync(string prefix)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT version, checksum FROM {prefix}pe_schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return rows;
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
