using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Testing;

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
        var events = Chain(5);
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

        var instance = await _schema.NewInstanceAsync();
        var reader = instance.GetRequiredService<IAuditTrailReader>();
        (await reader.QueryAsync(new AuditQuery { SubjectPseudonym = "p-1", Kind = AuditEventKind.Decision }, CancellationToken.None).CollectAsync())
            .Select(e => e.Sequence).Should().Equal(1, 3, 5);
        (await reader.QueryAsync(new AuditQuery { From = events[1].Timestamp, To = events[3].Timestamp }, CancellationToken.None).CollectAsync())
            .Select(e => e.Sequence).Should().Equal(2, 3);

        // The head hash was filled in: a stale writer is told the real head, a current one appends onto it.
        var sink = (ISharedAuditSink)instance.GetRequiredService<IAuditSink>();
        (await sink.AppendAsync([AuditHashChain.Seal(events[4] with { CorrelationId = "stale" }, 5, events[3].Hash)], CancellationToken.None))
            .Should().Be(AuditAppendResult.HeadMoved(5, events[4].Hash, 0));
        (await sink.AppendAsync([AuditHashChain.Seal(events[4] with { CorrelationId = "next" }, 6, events[4].Hash)], CancellationToken.None)).IsHeadMoved.Should().BeFalse();
        AuditTrailVerifier.Verify(await reader.ReadAsync(1, CancellationToken.None).CollectAsync()).IsValid.Should().BeTrue();
    }

    [StoreFact]
    public async Task A_ledger_a_recipients_history_a_rare_kind_and_a_time_range_are_each_read_through_an_index()
    {
        // A trail shaped like a real one: many subjects and recipients, mostly decisions, times in order; then analysed.
        var sink = await _schema.GetAsync<IAuditSink>();
        var events = StoreTestData.AuditBatch(1, 4000).Select(e => e with
        {
            SubjectPseudonym = "p-" + (e.Sequence % 400),
            Recipient = "r-" + (e.Sequence % 50),
            Kind = e.Sequence % 500 == 0 ? AuditEventKind.PolicyPublished : AuditEventKind.Decision,
        }).ToArray();
        await sink.WriteBatchAsync(events, CancellationToken.None);
        var database = await _schema.GetAsync<RelationalDatabase>();
        await using var connection = (NpgsqlConnection)await database.OpenAsync(CancellationToken.None);
        await ExecuteAsync(connection, $"ANALYZE \"{_schema.Schema}\".pe_audit_events");

        (await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.Subject | AuditCriteria.Kind))).Should().Contain("ix_pe_audit_events_subject");
        (await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.Recipient))).Should().Contain("ix_pe_audit_events_recipient");
        (await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.Kind), kind: nameof(AuditEventKind.PolicyPublished))).Should().Contain("ix_pe_audit_events_kind");
        var from = events[1000].Timestamp.ToUnixTimeMilliseconds();
        (await PlanAsync(connection, database.Sql.AuditQuery(AuditCriteria.From | AuditCriteria.To), from: from, to: from + 5000)).Should().Contain("ix_pe_audit_events_time");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _schema.DisposeAsync().AsTask();

    private static async Task<string> PlanAsync(NpgsqlConnection connection, string sql, string kind = nameof(AuditEventKind.Decision), long from = 0, long to = 0)
    {
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        explain.Parameters.AddWithValue("after", 0L);
        explain.Parameters.AddWithValue("limit", 500L);
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

    private static List<AuditEvent> Chain(int count)
    {
        var events = new List<AuditEvent>();
        var head = AuditHashChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var e = AuditHashChain.Seal(StoreTestData.AuditEvent(i) with { SubjectPseudonym = "p-" + (i % 2), Recipient = "r-" + i, Timestamp = StoreTestData.Epoch.AddSeconds(i).AddTicks(4321) }, i, head);
            head = e.Hash;
            events.Add(e);
        }

        return events;
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
