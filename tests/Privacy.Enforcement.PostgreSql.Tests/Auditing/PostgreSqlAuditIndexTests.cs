using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.PostgreSql.Tests.Auditing;

/// <summary>Migration 6 on PostgreSQL: the audit query index kept behind the head, complete at every point, by several instances, tamper-evident, migrated.</summary>
public sealed class PostgreSqlAuditIndexTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    [StoreFact]
    public async Task Every_query_is_complete_whatever_part_of_the_trail_is_indexed() =>
        await AuditIndexScenario.EveryQueryIsCompleteAtEveryIndexPointAsync(await _schema.NewInstanceAsync());

    [StoreFact]
    public async Task After_a_crash_between_append_and_indexing_every_query_is_complete_on_reopening_and_the_next_append_catches_up() =>
        await AuditIndexScenario.AfterACrashBetweenAppendAndIndexEveryQueryIsCompleteOnReopeningAsync(await _schema.NewInstanceAsync(), async () => await _schema.NewInstanceAsync());

    [StoreFact]
    public async Task Two_instances_indexing_at_once_write_each_event_once_and_commit_without_waiting_for_the_disk()
    {
        // Catches an indexer that fails on the other's rows (a key conflict) or skips past them.
        var first = (await _schema.NewInstanceAsync()).GetRequiredService<RelationalAuditStore>();
        var second = (await _schema.NewInstanceAsync()).GetRequiredService<RelationalAuditStore>();
        first.Index.IsAutomatic = second.Index.IsAutomatic = false;
        await first.WriteBatchAsync(AuditIndexScenario.Trail(5_000), CancellationToken.None);

        await Task.WhenAll(Task.Run(async () => await first.Index.CatchUpAsync(long.MaxValue, CancellationToken.None)), Task.Run(async () => await second.Index.CatchUpAsync(long.MaxValue, CancellationToken.None)));
        await first.Index.CatchUpAsync(long.MaxValue, CancellationToken.None);

        (await ScalarAsync("SELECT COUNT(*) || '/' || COUNT(DISTINCT sequence) || '/' || MAX(sequence) FROM {0}pe_audit_index")).Should().Be("5000/5000/5000");
    }

    [StoreFact]
    public async Task An_index_row_rewritten_or_removed_fails_verification_at_its_event()
    {
        string[] tampers =
        [
            "UPDATE {0}pe_audit_index SET subject_pseudonym = 'p-someone-else' WHERE sequence = 3",
            "UPDATE {0}pe_audit_index SET recipient = NULL WHERE sequence = 3",
            "DELETE FROM {0}pe_audit_index WHERE sequence = 3",
        ];
        foreach (var tamper in tampers)
        {
            await using var schema = new PostgresTestSchema();
            var instance = await schema.NewInstanceAsync();
            var store = instance.GetRequiredService<RelationalAuditStore>();
            store.Index.IsAutomatic = false;
            await store.WriteBatchAsync(AuditBackfill.Chain(), CancellationToken.None);
            await store.Index.CatchUpAsync(long.MaxValue, CancellationToken.None);
            var reader = instance.GetRequiredService<IAuditTrailReader>();
            AuditTrailVerifier.Verify(await reader.ReadAsync(1, CancellationToken.None).CollectAsync()).IsValid.Should().BeTrue();

            await using (var connection = new NpgsqlConnection(schema.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, tamper, $"\"{schema.Schema}\"."), connection);
                (await command.ExecuteNonQueryAsync()).Should().Be(1);
            }

            var result = await AuditTrailVerifier.VerifyAsync(reader.ReadAsync(1, CancellationToken.None), null, null, CancellationToken.None);
            result.IsValid.Should().BeFalse("{0}: the event as queries see it is not the event that was hashed", tamper);
            result.FirstBadIndex.Should().Be(2);
        }
    }

    [StoreFact]
    public async Task Migration_6_indexes_the_events_stored_before_it_and_drops_the_indexes_of_the_append_path()
    {
        var server = await PostgresServer.GetAsync();
        var prefix = $"\"{_schema.Schema}\".";
        var events = AuditIndexScenario.Trail(60);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            // A schema left at version 5 by an older library, holding a trail.
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"CREATE SCHEMA \"{_schema.Schema}\"; CREATE TABLE {prefix}pe_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var migration in PostgreSqlMigrations.For(prefix).Where(m => m.Version < 6))
            {
                await ExecuteAsync(connection, migration.Sql);
                await ExecuteAsync(connection, $"INSERT INTO {prefix}pe_schema_migrations (version, description) VALUES ({migration.Version}, 'old')");
            }

            foreach (var e in events)
            {
                await ExecuteAsync(connection, $"INSERT INTO {prefix}pe_audit_events (sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload) VALUES (@s, @h, @k, @o, @p, @r, @l)",
                    ("s", e.Sequence), ("h", e.Hash), ("k", e.Kind.ToString()), ("o", e.Timestamp.ToUnixTimeMilliseconds()), ("p", (object?)e.SubjectPseudonym ?? DBNull.Value), ("r", (object?)e.Recipient ?? DBNull.Value),
                    ("l", System.Text.Encoding.UTF8.GetString(AuditHashChain.GetLine(e))));
            }
        }

        var instance = await _schema.NewInstanceAsync();
        var store = instance.GetRequiredService<RelationalAuditStore>();
        store.Index.IsAutomatic = false;
        await instance.GetRequiredService<RelationalDatabase>().EnsureInitializedAsync(CancellationToken.None);

        (await store.Index.ReadIndexedToAsync(CancellationToken.None)).Should().Be(60, "the migration indexes the stored trail");
        (await ScalarAsync("SELECT COUNT(*)::text FROM pg_indexes WHERE schemaname = '" + _schema.Schema + "' AND tablename = 'pe_audit_events'")).Should().Be("1", "only the primary key is left on the append path");
        (await ScalarAsync("SELECT COUNT(*)::text FROM {0}pe_audit_index i JOIN {0}pe_audit_events e ON e.sequence = i.sequence WHERE i.kind = e.kind AND i.occurred_at = e.occurred_at AND i.subject_pseudonym IS NOT DISTINCT FROM e.subject_pseudonym AND i.recipient IS NOT DISTINCT FROM e.recipient")).Should().Be("60");
        var reader = instance.GetRequiredService<IAuditTrailReader>();
        (await reader.QueryAsync(new AuditQuery { SubjectPseudonym = "p-1", Kind = AuditEventKind.Decision }, CancellationToken.None).CollectAsync())
            .Select(e => e.Sequence).Should().Equal(events.Where(e => e.SubjectPseudonym == "p-1" && e.Kind == AuditEventKind.Decision).Select(e => e.Sequence));
        AuditTrailVerifier.Verify(await reader.ReadAsync(1, CancellationToken.None).CollectAsync()).IsValid.Should().BeTrue();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    private async Task<string?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_schema.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, sql, $"\"{_schema.Schema}\"."), connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
