using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Testing;
using Privacy.Enforcement.Tests.Shared;

namespace Privacy.Enforcement.Sqlite.Tests.Auditing;

/// <summary>Migration 3: the audit trail's head hash and indexed query columns, filled for events stored before it; the queries' plans (migration 6).</summary>
public sealed class SqliteAuditSchemaTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public async Task Events_stored_before_migration_3_are_filled_in_and_queried_and_appended_to()
    {
        var events = AuditBackfill.Chain();
        await using (var connection = await OpenAsync())
        {
            // A database left at version 2 by an older library, holding a trail.
            await ExecuteAsync(connection, "CREATE TABLE pe_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            foreach (var migration in SqliteMigrations.All.Where(m => m.Version < 3))
            {
                await ExecuteAsync(connection, migration.Sql);
                await ExecuteAsync(connection, $"INSERT INTO pe_schema_migrations VALUES ({migration.Version}, 'old', 'x')");
            }

            foreach (var e in events)
            {
                await ExecuteAsync(connection, "INSERT INTO pe_audit_events (sequence, payload) VALUES (@s, @p)", ("@s", e.Sequence), ("@p", StoreJson.Serialize(e)));
            }
        }

        await AuditBackfill.AssertFilledInAsync(_database.NewInstance(), events);

        await using var check = await OpenAsync();
        using var columns = check.CreateCommand();
        columns.CommandText = "SELECT sequence, hash, kind, occurred_at, subject_pseudonym, recipient FROM pe_audit_events WHERE sequence <= 5 ORDER BY sequence";
        await using var rows = await columns.ExecuteReaderAsync();
        var i = 0;
        while (await rows.ReadAsync())
        {
            var e = events[i++];
            (rows.GetString(1), rows.GetString(2), (string?)rows.GetString(4), (string?)rows.GetString(5)).Should().Be((e.Hash, "Decision", e.SubjectPseudonym, e.Recipient));
            rows.GetInt64(3).Should().BeCloseTo(e.Timestamp.ToUnixTimeMilliseconds(), 1);
        }

        i.Should().Be(5);
    }

    [Fact]
    public async Task An_appended_event_is_stored_as_the_line_it_was_sealed_to_and_reads_back_whole()
    {
        // Catches a store that serialises the event again (another form) or stores a line other than the hashed one.
        var events = AuditBackfill.Chain();
        var instance = _database.NewInstance();
        (await ((ISharedAuditSink)instance.GetRequiredService<IAuditSink>()).AppendAsync(events, CancellationToken.None)).IsHeadMoved.Should().BeFalse();

        var payloads = new List<string>();
        await using (var connection = await OpenAsync())
        {
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT payload FROM pe_audit_events ORDER BY sequence";
            await using var rows = await read.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                payloads.Add(rows.GetString(0));
            }
        }

        payloads.Should().Equal(events.Select(e => System.Text.Encoding.UTF8.GetString(AuditHashChain.GetLine(e))));
        var stored = await instance.GetRequiredService<IAuditTrailReader>().ReadAsync(1, CancellationToken.None).CollectAsync();
        stored.Should().BeEquivalentTo(events, o => o.WithStrictOrdering());
        AuditTrailVerifier.Verify(stored).IsValid.Should().BeTrue();
    }

    [Theory]
    [InlineData((int)(AuditCriteria.Subject | AuditCriteria.Kind), "SEARCH i USING COVERING INDEX ix_pe_audit_index_subject (subject_pseudonym=? AND kind=? AND sequence>?)")]
    [InlineData((int)(AuditCriteria.Subject | AuditCriteria.Kind | AuditCriteria.From | AuditCriteria.To), "INDEX ix_pe_audit_index_subject (subject_pseudonym=? AND kind=?")]
    [InlineData((int)AuditCriteria.Subject, "INDEX ix_pe_audit_index_subject (subject_pseudonym=?)")]
    [InlineData((int)AuditCriteria.Recipient, "INDEX ix_pe_audit_index_recipient (recipient=?)")]
    [InlineData((int)(AuditCriteria.Recipient | AuditCriteria.Kind), "INDEX ix_pe_audit_index_recipient (recipient=? AND kind=? AND sequence>?)")]
    [InlineData((int)(AuditCriteria.Recipient | AuditCriteria.Kind | AuditCriteria.From | AuditCriteria.To), "INDEX ix_pe_audit_index_recipient (recipient=? AND kind=?")]
    [InlineData((int)AuditCriteria.Kind, "INDEX ix_pe_audit_index_kind (kind=? AND sequence>?)")]
    [InlineData((int)(AuditCriteria.From | AuditCriteria.To), "INDEX ix_pe_audit_index_time (occurred_at>? AND occurred_at<?)")]
    [InlineData((int)AuditCriteria.None, "SEARCH e USING INTEGER PRIMARY KEY (rowid>?)")]
    public async Task A_query_is_one_statement_on_indexes_and_keys_without_a_scan(int criteria, string index)
    {
        var database = _database.Get<RelationalDatabase>();
        await database.EnsureInitializedAsync(CancellationToken.None);
        await using var connection = await OpenAsync();
        using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + database.Sql.AuditQuery((AuditCriteria)criteria);
        foreach (var name in new[] { "@after", "@afterChain", "@limit", "@subject", "@recipient", "@kind", "@from", "@to" })
        {
            explain.Parameters.AddWithValue(name, name is "@after" or "@afterChain" or "@limit" or "@from" or "@to" ? 1L : "x");
        }

        var plan = new List<string>();
        await using (var rows = await explain.ExecuteReaderAsync())
        {
            while (await rows.ReadAsync())
            {
                plan.Add(rows.GetString(3));
            }
        }

        // The indexed events through the index and their key; the events past the index on the key; nothing scanned.
        var text = string.Join(" | ", plan);
        text.Should().Contain(index);
        text.Should().NotContain("SCAN", "no table or index is read whole");
        if (criteria != (int)AuditCriteria.None)
        {
            text.Should().Contain("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)").And.Contain("SEARCH e USING INTEGER PRIMARY KEY (rowid>?)");
        }
    }

    public void Dispose() => _database.Dispose();

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
