using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.Auditing;

/// <summary>Migration 6: the audit query index kept behind the head, complete at every point, tamper-evident, migrated.</summary>
public sealed class SqliteAuditIndexTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public Task Every_query_is_complete_whatever_part_of_the_trail_is_indexed() =>
        AuditIndexScenario.EveryQueryIsCompleteAtEveryIndexPointAsync(_database.NewInstance());

    [Fact]
    public Task After_a_crash_between_append_and_indexing_every_query_is_complete_on_reopening_and_the_next_append_catches_up() =>
        AuditIndexScenario.AfterACrashBetweenAppendAndIndexEveryQueryIsCompleteOnReopeningAsync(_database.NewInstance(), () => Task.FromResult<IServiceProvider>(_database.NewInstance()));

    [Fact]
    public async Task The_append_transaction_writes_no_index_row_and_the_index_commits_without_leaving_the_connection_relaxed()
    {
        var instance = _database.NewInstance();
        var store = instance.GetRequiredService<RelationalAuditStore>();
        store.Index.IsAutomatic = false;
        await store.WriteBatchAsync(AuditIndexScenario.Trail(10), CancellationToken.None);
        (await ScalarAsync("SELECT COUNT(*) FROM pe_audit_index")).Should().Be(0L, "the append carries only the events");

        (await store.Index.CatchUpAsync(long.MaxValue, CancellationToken.None)).Should().Be(10);
        (await ScalarAsync("SELECT COUNT(*) FROM pe_audit_index")).Should().Be(10L);

        // The catch-up's pooled connection comes back to the stores at synchronous = FULL.
        var database = instance.GetRequiredService<RelationalDatabase>();
        for (var i = 0; i < 3; i++)
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA synchronous";
            (await pragma.ExecuteScalarAsync()).Should().Be(2L);
        }
    }

    [Fact]
    public async Task Appends_start_a_catch_up_at_first_and_then_once_the_process_appended_the_lag_since_the_last()
    {
        var instance = _database.NewInstance();
        var store = instance.GetRequiredService<RelationalAuditStore>();
        var trail = AuditIndexScenario.Trail(1 + RelationalAuditIndex.Lag);

        // The first append indexes what is there (what an earlier process may have left).
        await store.WriteBatchAsync(trail[..1], CancellationToken.None);
        await store.Index.IdleAsync();
        (await ScalarAsync("SELECT COUNT(*) FROM pe_audit_index")).Should().Be(1L);

        // Fewer than the lag since: no catch-up, each append stays one transaction.
        for (var i = 1; i < RelationalAuditIndex.Lag; i += 51)
        {
            await store.WriteBatchAsync(trail[i..Math.Min(i + 51, RelationalAuditIndex.Lag)], CancellationToken.None);
        }

        await store.Index.IdleAsync();
        (await ScalarAsync("SELECT COUNT(*) FROM pe_audit_index")).Should().Be(1L, "the tail is still shorter than the lag");

        // The append that makes it the lag starts one catch-up, which indexes the whole tail.
        await store.WriteBatchAsync(trail[RelationalAuditIndex.Lag..], CancellationToken.None);
        await store.Index.IdleAsync();
        (await ScalarAsync("SELECT COUNT(*) FROM pe_audit_index")).Should().Be(1L + RelationalAuditIndex.Lag);
    }

    [Theory]
    [InlineData("UPDATE pe_audit_index SET subject_pseudonym = 'p-someone-else' WHERE sequence = 3")]
    [InlineData("UPDATE pe_audit_index SET kind = 'PolicyPublished' WHERE sequence = 3")]
    [InlineData("UPDATE pe_audit_index SET recipient = NULL WHERE sequence = 3")]
    [InlineData("UPDATE pe_audit_index SET occurred_at = 0 WHERE sequence = 3")]
    [InlineData("DELETE FROM pe_audit_index WHERE sequence = 3")]
    public async Task An_index_row_rewritten_or_removed_fails_verification_at_its_event(string tamper)
    {
        // Queries read the index: a row altered there would hide the event from a ledger while the trail verified.
        var instance = _database.NewInstance();
        var store = instance.GetRequiredService<RelationalAuditStore>();
        store.Index.IsAutomatic = false;
        await store.WriteBatchAsync(AuditBackfill.Chain(), CancellationToken.None);
        await store.Index.CatchUpAsync(long.MaxValue, CancellationToken.None);
        var reader = instance.GetRequiredService<IAuditTrailReader>();
        AuditTrailVerifier.Verify(await reader.ReadAsync(1, CancellationToken.None).CollectAsync()).IsValid.Should().BeTrue();

        (await ExecuteAsync(tamper)).Should().Be(1);

        var result = await AuditTrailVerifier.VerifyAsync(reader.ReadAsync(1, CancellationToken.None), null, null, CancellationToken.None);
        result.IsValid.Should().BeFalse("the event as queries see it is not the event that was hashed");
        result.FirstBadIndex.Should().Be(2);
    }

    [Fact]
    public async Task Migration_6_indexes_the_events_stored_before_it_and_drops_the_indexes_of_the_append_path()
    {
        var events = AuditIndexScenario.Trail(60);
        await using (var connection = await OpenAsync())
        {
            // A database left at version 5 by an older library, holding a trail.
            await ExecuteAsync(connection, "CREATE TABLE pe_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            foreach (var migration in SqliteMigrations.All.Where(m => m.Version < 6))
            {
                await ExecuteAsync(connection, migration.Sql);
                await ExecuteAsync(connection, $"INSERT INTO pe_schema_migrations VALUES ({migration.Version}, 'old', 'x')");
            }

            foreach (var e in events)
            {
                await ExecuteAsync(connection, "INSERT INTO pe_audit_events (sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload) VALUES (@s, @h, @k, @o, @p, @r, @l)",
                    ("@s", e.Sequence), ("@h", e.Hash), ("@k", e.Kind.ToString()), ("@o", e.Timestamp.ToUnixTimeMilliseconds()), ("@p", (object?)e.SubjectPseudonym ?? DBNull.Value), ("@r", (object?)e.Recipient ?? DBNull.Value),
                    ("@l", System.Text.Encoding.UTF8.GetString(AuditHashChain.GetLine(e))));
            }
        }

        var instance = _database.NewInstance();
        var store = instance.GetRequiredService<RelationalAuditStore>();
        store.Index.IsAutomatic = false;
        await instance.GetRequiredService<RelationalDatabase>().EnsureInitializedAsync(CancellationToken.None);

        (await store.Index.ReadIndexedToAsync(CancellationToken.None)).Should().Be(60, "the migration indexes the stored trail");
        (await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pe_audit_events'")).Should().Be(0L, "only the primary key is left on the append path");
        (await ScalarAsync("SELECT COUNT(*) FROM pe_audit_index i JOIN pe_audit_events e ON e.sequence = i.sequence WHERE i.kind = e.kind AND i.occurred_at = e.occurred_at AND i.subject_pseudonym IS e.subject_pseudonym AND i.recipient IS e.recipient")).Should().Be(60L);
        var reader = instance.GetRequiredService<IAuditTrailReader>();
        (await reader.QueryAsync(new AuditQuery { SubjectPseudonym = "p-1", Kind = AuditEventKind.Decision }, CancellationToken.None).CollectAsync())
            .Select(e => e.Sequence).Should().Equal(events.Where(e => e.SubjectPseudonym == "p-1" && e.Kind == AuditEventKind.Decision).Select(e => e.Sequence));
        AuditTrailVerifier.Verify(await reader.ReadAsync(1, CancellationToken.None).CollectAsync()).IsValid.Should().BeTrue();
    }

    public void Dispose() => _database.Dispose();

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

    private async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        return await ExecuteAsync(connection, sql);
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }
}
