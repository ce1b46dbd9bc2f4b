using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.Schema;

/// <summary>
/// Upgrades from the frozen schemas of released versions (Schema/Frozen/vN.sql, written once and never regenerated),
/// so an edit to a released migration in source cannot go unnoticed by replaying the edited text.
/// </summary>
public sealed partial class SqliteFrozenSchemaTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    public static TheoryData<int> ReleasedVersions => [.. Enumerable.Range(1, FrozenVersions().Max())];

    [Theory]
    [MemberData(nameof(ReleasedVersions))]
    public async Task A_database_of_a_released_version_is_migrated_and_keeps_every_row(int version)
    {
        var instance = _database.NewInstance();
        var seed = FrozenSchemaSeed.For(instance);
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, await ReadFrozenAsync(version));
            (await ScalarAsync(connection, "SELECT MAX(version) FROM pe_schema_migrations")).Should().Be((long)version, "the frozen file is the schema of version {0}", version);
            var auditColumns = (long)(await ScalarAsync(connection, "SELECT COUNT(*) FROM pragma_table_info('pe_audit_events') WHERE name = 'hash'"))! == 1;
            foreach (var (table, values) in seed.Rows(auditColumns))
            {
                await InsertAsync(connection, table, values);
            }
        }

        await StartAsync(instance);

        await using (var connection = await OpenAsync())
        {
            (await ScalarAsync(connection, "SELECT MAX(version) FROM pe_schema_migrations")).Should().Be((long)SqliteMigrations.All[^1].Version);
            (await ScalarAsync(connection, "SELECT COUNT(*) FROM pe_schema_migrations WHERE checksum IS NOT NULL")).Should().Be((long)SqliteMigrations.All.Length);
            foreach (var table in seed.Rows(auditColumns: false).GroupBy(r => r.Table))
            {
                (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {table.Key}")).Should().Be((long)table.Count(), "every row of {0} is kept", table.Key);
            }
        }

        await seed.AssertKeptAsync(instance);
    }

    [Fact]
    public async Task Migration_5_moves_stored_facts_to_the_fideslang_category_ids_and_leaves_the_audit_trail_as_it_was()
    {
        var instance = _database.NewInstance();
        const string consent = """{"ConsentId":"c1","Terms":{"Categories":["user.contact.phone","user.name","user.sensitive"]},"Note":"user.contact.phone_number"}""";
        const string hold = """{"Id":"h1","Categories":["user.sensitive","user.sensitive.health"],"Reason":"user.contact.phone"}""";
        const string audit = """{"Categories":["user.contact.phone"]}""";
        const string rectification = """{"Id":"r1","Kind":"Rectify","Scope":"user.contact.phone,user.name"}""";
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, await ReadFrozenAsync(4));
            await InsertAsync(connection, "pe_consent_facts", [("fact_id", "f1"), ("consent_id", "c1"), ("subject_id", "s1"), ("payload", consent)]);
            await InsertAsync(connection, "pe_legal_holds", [("id", "h1"), ("subject_id", "s1"), ("placed_at", 1L), ("released_at", null), ("payload", hold)]);
            await InsertAsync(connection, "pe_audit_events", [("sequence", 1L), ("payload", audit)]);
            await InsertAsync(connection, "pe_subject_rights_requests",
                [("id", "r1"), ("subject_id", "s1"), ("kind", 1L), ("scope_key", ScopeKey("user.contact.phone,user.name")), ("is_open", 1L), ("received_at", 1L), ("deadline", 2L), ("row_version", 1L), ("payload", rectification)]);
        }

        await StartAsync(instance);

        await using (var connection = await OpenAsync())
        {
            // Whole JSON strings only: "user.contact.phone" inside a longer value or the already-new id stays as it is.
            (await ScalarAsync(connection, "SELECT payload FROM pe_consent_facts")).Should().Be(
                """{"ConsentId":"c1","Terms":{"Categories":["user.contact.phone_number","user.name","user.biometric","user.health_and_medical"]},"Note":"user.contact.phone_number"}""");
            // A hold on the grouping still holds both categories it covered; an id already there is not repeated.
            (await ScalarAsync(connection, "SELECT payload FROM pe_legal_holds")).Should().Be(
                """{"Id":"h1","Categories":["user.biometric","user.health_and_medical"],"Reason":"user.contact.phone_number"}""");
            // An open rectification keeps its place in the unique index of open requests under its new scope.
            (await ScalarAsync(connection, "SELECT scope_key FROM pe_subject_rights_requests")).Should().Be(ScopeKey("user.contact.phone_number,user.name"));
            (await ScalarAsync(connection, "SELECT payload FROM pe_subject_rights_requests")).Should().Be(
                """{"Id":"r1","Kind":"Rectify","Scope":"user.contact.phone_number,user.name"}""");
            (await ScalarAsync(connection, "SELECT payload FROM pe_audit_events")).Should().Be(audit, "the hash-chained trail records what was decided with the ids of its time");
        }
    }

    [Fact]
    public async Task The_current_migrations_build_exactly_the_newest_frozen_schema()
    {
        var newest = FrozenVersions().Max();
        newest.Should().Be(SqliteMigrations.All[^1].Version, "each released migration gets its frozen file (Schema/Frozen/README.md)");
        FrozenVersions().Should().Equal(Enumerable.Range(1, newest));

        await StartAsync(_database.NewInstance());
        List<string> current;
        await using (var connection = await OpenAsync())
        {
            current = await SchemaAsync(connection);
        }

        using var frozen = new SqliteTestDatabase();
        await using (var connection = new SqliteConnection(frozen.ConnectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, await ReadFrozenAsync(newest));
            current.Should().Equal(await SchemaAsync(connection));
        }
    }

    public void Dispose() => _database.Dispose();

    private static IEnumerable<int> FrozenVersions() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Schema", "Frozen"), "v*.sql")
            .Select(f => int.Parse(Path.GetFileNameWithoutExtension(f)[1..], System.Globalization.CultureInfo.InvariantCulture))
            .Order();

    private static Task<string> ReadFrozenAsync(int version) => File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Schema", "Frozen", $"v{version}.sql"));

    // Every table, index and trigger but the migration table (whose checksum column the runner adds at start-up), its
    // DDL with whitespace runs made one space.
    private static async Task<List<string>> SchemaAsync(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name <> 'pe_schema_migrations' ORDER BY type, name";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add($"{reader.GetString(0)} {reader.GetString(1)}: {Whitespace().Replace(reader.GetString(2), " ").Trim()}");
        }

        rows.Should().NotBeEmpty();
        return rows;
    }

    private static async Task StartAsync(IServiceProvider instance)
    {
        foreach (var service in instance.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task InsertAsync(SqliteConnection connection, string table, (string Column, object? Value)[] values)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", values.Select(v => v.Column))}) VALUES ({string.Join(", ", values.Select(v => "$" + v.Column))})";
        foreach (var (column, value) in values)
        {
            command.Parameters.AddWithValue("$" + column, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private static string ScopeKey(string scope) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scope.AsSpan())));
}
