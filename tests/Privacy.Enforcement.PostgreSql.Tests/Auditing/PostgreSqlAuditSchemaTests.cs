using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.PostgreSql.Tests.Auditing;

/// <summary>Migration 3: the audit trail's head hash and indexed query columns, filled for events stored before it.</summary>
public sealed class PostgreSqlAuditSchemaTests : IAsyncLifetime
{
    private readonly PostgresTestSchema _schema = new();

    [StoreFact]
    public async Task Events_stored_before_migration_3_are_filled_in_and_queried_and_appended_to()
    {
        var server = await PostgresServer.GetAsync();
        var prefix = $"\"{_schema.Schema}\".";
        var events = AuditBackfill.Chain();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            // A schema left at version 2 by an older library, holding a trail.
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"CREATE SCHEMA \"{_schema.Schema}\"; CREATE TABLE {prefix}pe_schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var migration in PostgreSqlMigrations.For(prefix).Where(m => m.Version < 3))
            {
                await ExecuteAsync(connection, migration.Sql);
                await ExecuteAsync(connection, $"INSERT INTO {prefix}pe_schema_migrations (version, description) VALUES ({migration.Version}, 'old')");
            }

            foreach (var e in events)
            {
                await ExecuteAsync(connection, $"INSERT INTO {prefix}pe_audit_events (sequence, payload) VALUES (@s, @p)", ("s", e.Sequence), ("p", StoreJson.Serialize(e)));
            }
        }

        await AuditBackfill.AssertFilledInAsync(await _schema.NewInstanceAsync(), events);
    }

    [StoreFact]
    public async Task A_copied_batch_stores_each_sealed_line_with_its_columns_and_reads_back_whole()
    {
        // Catches a copy that serialises the event again, drops or shifts a column, or writes an absent value as text.
        var events = new List<AuditEvent>();
        var head = AuditHashChain.GenesisHash;
        for (var i = 1; i <= 4; i++)
        {
            var e = AuditHashChain.Seal(StoreTestData.AuditEvent(i) with { SubjectPseudonym = i == 3 ? null : "p-" + i, Recipient = i % 2 == 0 ? null : "r-" + i }, i, head);
            head = e.Hash;
            events.Add(e);
        }

        var instance = await _schema.NewInstanceAsync();
        (await ((ISharedAuditSink)instance.GetRequiredService<IAuditSink>()).AppendAsync(events, CancellationToken.None)).IsHeadMoved.Should().BeFalse();

        var server = await PostgresServer.GetAsync();
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            using var read = new NpgsqlCommand($"SELECT sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload FROM \"{_schema.Schema}\".pe_audit_events ORDER BY sequence", connection);
            await using var rows = await read.ExecuteReaderAsync();
            var i = 0;
            while (await rows.ReadAsync())
            {
                var e = events[i++];
                (rows.GetInt64(0), rows.GetString(1), rows.GetString(2), rows.GetInt64(3)).Should().Be((e.Sequence, e.Hash, e.Kind.ToString(), e.Timestamp.ToUnixTimeMilliseconds()));
                (rows.IsDBNull(4) ? null : rows.GetString(4), rows.IsDBNull(5) ? null : rows.GetString(5)).Should().Be((e.SubjectPseudonym, e.Recipient));
                rows.GetString(6).Should().Be(System.Text.Encoding.UTF8.GetString(AuditHashChain.GetLine(e)));
            }

            i.Should().Be(events.Count);
        }

        var stored = await instance.GetRequiredService<IAuditTrailReader>().ReadAsync(1, CancellationToken.None).CollectAsync();
        stored.Should().BeEquivalentTo(events, o => o.WithStrictOrdering());
        AuditTrailVerifier.Verify(stored).IsValid.Should().BeTrue();
    }

    [StoreFact]
    public async Task A_ledger_a_recipients_history_a_rare_kind_and_a_time_range_are_each_read_through_an_index_without_a_scan()
    {
        // A trail shaped like a real one: many subjects and recipients, mostly decisions, times in order; indexed up to
        // near the head (the tail is what the last appends left), then analysed.
        var instance = await _schema.NewInstanceAsync();
        var store = instance.GetRequiredService<RelationalAuditStore>();
        store.Index.IsAutomatic = false;
        var events = StoreTestData.AuditBatch(1, 4000).Select(e => e with
        {
            SubjectPseudonym = "p-" + (e.Sequence % 400),
            Recipient = "r-" + (e.Sequence % 50),
            Kind = e.Sequence % 500 == 0 ? AuditEventKind.PolicyPublished : AuditEventKind.Decision,
        }).ToArray();
        await store.WriteBatchAsync(events, CancellationToken.None);
        await store.Index.CatchUpAsync(3_950, CancellationToken.None);
        var database = instance.GetRequiredService<RelationalDatabase>();
        await using var connection = (NpgsqlConnection)await database.OpenAsync(CancellationToken.None);
        await ExecuteAsync(connection, $"ANALYZE \"{_schema.Schema}\".pe_audit_events; ANALYZE \"{_schema.Schema}\".pe_audit_index");

        var from = events[1000].Timestamp.ToUnixTimeMilliseconds();
        string[] plans =
        [
            await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.Subject | AuditCriteria.Kind)),
            await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.Subject | AuditCriteria.Kind | AuditCriteria.From | AuditCriteria.To), from: from, to: from + 5000),
            await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.Recipient)),
            await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.Recipient | AuditCriteria.Kind | AuditCriteria.From | AuditCriteria.To), from: from, to: from + 5000),
            await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.Kind), kind: nameof(AuditEventKind.PolicyPublished)),
            await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.From | AuditCriteria.To), from: from, to: from + 5000),
        ];
        // With a time range too, the planner may take the subject's or the time's index, whichever it finds narrower.
        string[] indexes = ["ix_pe_audit_index_subject", "Index Scan using ix_pe_audit_index_", "ix_pe_audit_index_recipient", "Index Scan using ix_pe_audit_index_", "ix_pe_audit_index_kind", "ix_pe_audit_index_time"];
        for (var i = 0; i < plans.Length; i++)
        {
            // The indexed events through the index and their key; the events past the index on the key; nothing scanned.
            plans[i].Should().Contain(indexes[i]).And.Contain("pe_audit_events_pkey").And.NotContain("Seq Scan", "plan {0}: {1}", i, plans[i]);
        }

        (await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.None))).Should().Contain("pe_audit_events_pkey").And.NotContain("Seq Scan");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    private static async Task<string> PlanAsync(NpgsqlConnection connection, string sql, string kind = nameof(AuditEventKind.Decision), long from = 0, long to = 0)
    {
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        explain.Parameters.AddWithValue("after", 0L);
        explain.Parameters.AddWithValue("afterChain", -1L);
        explain.Parameters.AddWithValue("limit", 500L);
        explain.Parameters.AddWithValue("indexed", 3_950L);
        explain.Parameters.AddWithValue("tail", 3_950L);
        explain.Parameters.AddWithValue("subject", "p-7");
        explain.Parameters.AddWithValue("recipient", "r-7");
        explain.Parameters.AddWithValue("kind", kind);
        explain.Parameters.AddWithValue("from", from);
        explain.Parameters.AddWithValue("to", to);
        var plan = new List<string>();
        await using var rows = await explain.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            plan.Add(rows.GetString(0));
        }

        return string.Join(" | ", plan);
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
