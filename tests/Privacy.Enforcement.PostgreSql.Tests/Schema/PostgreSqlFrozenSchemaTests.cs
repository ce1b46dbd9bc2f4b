using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.PostgreSql.Tests.Schema;

/// <summary>
/// Upgrades from the frozen schemas of released versions (Schema/Frozen/vN.sql, written once and never regenerated),
/// so an edit to a released migration in source cannot go unnoticed by replaying the edited text.
/// </summary>
public sealed class PostgreSqlFrozenSchemaTests : IAsyncLifetime
{
    private const string Placeholder = "__schema__";
    private readonly PostgresTestSchema _schema = new();

    public static TheoryData<int> ReleasedVersions => [.. Enumerable.Range(1, FrozenVersions().Max())];

    [Theory]
    [MemberData(nameof(ReleasedVersions))]
    public async Task A_schema_of_a_released_version_is_migrated_and_keeps_every_row(int version)
    {
        var instance = await _schema.NewInstanceAsync();
        var seed = FrozenSchemaSeed.For(instance);
        var prefix = $"\"{_schema.Schema}\".";
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, await ReadFrozenAsync(version, _schema.Schema));
            (await ScalarAsync(connection, $"SELECT MAX(version) FROM {prefix}pe_schema_migrations")).Should().Be(version, "the frozen file is the schema of version {0}", version);
            var auditColumns = (long)(await ScalarAsync(connection, $"SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '{_schema.Schema}' AND table_name = 'pe_audit_events' AND column_name = 'hash'"))! == 1;
            foreach (var (table, values) in seed.Rows(auditColumns))
            {
                await InsertAsync(connection, prefix + table, values);
            }
        }

        await StartAsync(instance);

        await using (var connection = await OpenAsync())
        {
            (await ScalarAsync(connection, $"SELECT MAX(version) FROM {prefix}pe_schema_migrations")).Should().Be(PostgreSqlMigrations.For(string.Empty)[^1].Version);
            (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {prefix}pe_schema_migrations WHERE checksum IS NOT NULL")).Should().Be((long)PostgreSqlMigrations.For(string.Empty).Length);
            foreach (var table in seed.Rows(auditColumns: false).GroupBy(r => r.Table))
            {
                (await ScalarAsync(connection, $"SELECT COUNT(*) FROM {prefix}{table.Key}")).Should().Be((long)table.Count(), "every row of {0} is kept", table.Key);
            }
        }

        await seed.AssertKeptAsync(instance);
    }

    [StoreFact]
    public async Task Migration_5_moves_stored_facts_to_the_fideslang_category_ids_and_leaves_the_audit_trail_as_it_was()
    {
        var instance = await _schema.NewInstanceAsync();
        var prefix = $"\"{_schema.Schema}\".";
        const string consent = """{"ConsentId":"c1","Terms":{"Categories":["user.contact.phone","user.name","user.sensitive"]},"Note":"user.contact.phone_number"}""";
        const string hold = """{"Id":"h1","Categories":["user.sensitive","user.sensitive.health"],"Reason":"user.behavior.search_keywords"}""";
        const string audit = """{"Categories":["user.contact.phone"]}""";
        const string rectification = """{"Id":"r1","Kind":"Rectify","Scope":"user.contact.phone,user.name"}""";
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, await ReadFrozenAsync(4, _schema.Schema));
            await InsertAsync(connection, prefix + "pe_consent_facts", [("fact_id", "f1"), ("consent_id", "c1"), ("subject_id", "s1"), ("payload", consent)]);
            await InsertAsync(connection, prefix + "pe_legal_holds", [("id", "h1"), ("subject_id", "s1"), ("placed_at", 1L), ("released_at", null), ("payload", hold)]);
            await InsertAsync(connection, prefix + "pe_audit_events", [("sequence", 1L), ("payload", audit)]);
            await InsertAsync(connection, prefix + "pe_subject_rights_requests",
                [("id", "r1"), ("subject_id", "s1"), ("kind", 1L), ("scope_key", ScopeKey("user.contact.phone,user.name")), ("is_open", 1L), ("received_at", 1L), ("deadline", 2L), ("row_version", 1L), ("payload", rectification)]);
        }

        await StartAsync(instance);

        await using (var connection = await OpenAsync())
        {
            (await ScalarAsync(connection, $"SELECT payload FROM {prefix}pe_consent_facts")).Should().Be(
                """{"ConsentId":"c1","Terms":{"Categories":["user.contact.phone_number","user.name","user.biometric","user.health_and_medical"]},"Note":"user.contact.phone_number"}""");
            (await ScalarAsync(connection, $"SELECT payload FROM {prefix}pe_legal_holds")).Should().Be(
                """{"Id":"h1","Categories":["user.biometric","user.health_and_medical"],"Reason":"user.behavior.search_history"}""");
            // An open rectification keeps its place in the unique index of open requests under its new scope.
            (await ScalarAsync(connection, $"SELECT scope_key FROM {prefix}pe_subject_rights_requests")).Should().Be(ScopeKey("user.contact.phone_number,user.name"));
            (await ScalarAsync(connection, $"SELECT payload FROM {prefix}pe_subject_rights_requests")).Should().Be(
                """{"Id":"r1","Kind":"Rectify","Scope":"user.contact.phone_number,user.name"}""");
            (await ScalarAsync(connection, $"SELECT payload FROM {prefix}pe_audit_events")).Should().Be(audit, "the hash-chained trail records what was decided with the ids of its time");
        }
    }

    [StoreFact]
    public async Task The_current_migrations_build_exactly_the_newest_frozen_schema()
    {
        var newest = FrozenVersions().Max();
        newest.Should().Be(PostgreSqlMigrations.For(string.Empty)[^1].Version, "each released migration gets its frozen file (Schema/Frozen/README.md)");
        FrozenVersions().Should().Equal(Enumerable.Range(1, newest));

        await StartAsync(await _schema.NewInstanceAsync());
        var frozen = PostgresServer.NewSchema();
        await using var connection = await OpenAsync();
        await ExecuteAsync(connection, await ReadFrozenAsync(newest, frozen));
        try
        {
            var current = await SchemaAsync(connection, _schema.Schema);
            current.Should().NotBeEmpty();
            current.Should().Equal(await SchemaAsync(connection, frozen));
        }
        finally
        {
            await ExecuteAsync(connection, $"DROP SCHEMA \"{frozen}\" CASCADE");
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    private static IEnumerable<int> FrozenVersions() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Schema", "Frozen"), "v*.sql")
            .Select(f => int.Parse(Path.GetFileNameWithoutExtension(f)[1..], System.Globalization.CultureInfo.InvariantCulture))
            .Order();

    private static async Task<string> ReadFrozenAsync(int version, string schema) =>
        (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Schema", "Frozen", $"v{version}.sql"))).Replace(Placeholder, $"\"{schema}\"", StringComparison.Ordinal);

    // Columns (with type, collation, default, identity and position), constraints and indexes of every table but the
    // migration table (whose checksum column the runner adds at start-up), the schema's name replaced by the placeholder.
    private static async Task<List<string>> SchemaAsync(NpgsqlConnection connection, string schema)
    {
        var rows = new List<string>();
        foreach (var query in new[]
        {
            "SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type || ' null=' || is_nullable || ' default=' || COALESCE(column_default, '-') || ' collation=' || COALESCE(collation_name, '-') || ' identity=' || is_identity || COALESCE(' ' || identity_generation, '') FROM information_schema.columns WHERE table_schema = @schema AND table_name <> 'pe_schema_migrations'",
            "SELECT 'constraint ' || t.relname || '.' || c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = @schema AND t.relname <> 'pe_schema_migrations'",
            "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = @schema AND tablename <> 'pe_schema_migrations'",
            "SELECT 'table ' || c.relname || ' ' || c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @schema AND c.relname NOT LIKE 'pe_schema_migrations%'",
        })
        {
            await using var command = new NpgsqlCommand(query, connection);
            command.Parameters.AddWithValue("schema", schema);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0).Replace($"\"{schema}\".", Placeholder + ".", StringComparison.Ordinal).Replace(schema + ".", Placeholder + ".", StringComparison.Ordinal));
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task StartAsync(IServiceProvider instance)
    {
        foreach (var service in instance.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task InsertAsync(NpgsqlConnection connection, string table, (string Column, object? Value)[] values)
    {
        await using var command = new NpgsqlCommand($"INSERT INTO {table} ({string.Join(", ", values.Select(v => v.Column))}) VALUES ({string.Join(", ", values.Select(v => "@" + v.Column))})", connection);
        foreach (var (column, value) in values)
        {
            command.Parameters.AddWithValue(column, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static string ScopeKey(string scope) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scope.AsSpan())));
}
