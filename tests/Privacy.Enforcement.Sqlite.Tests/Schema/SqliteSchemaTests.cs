using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Sqlite.Tests.Schema;

public sealed class SqliteSchemaTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();

    [Fact]
    public async Task Instances_starting_together_migrate_once_and_all_work()
    {
        var instances = Enumerable.Range(0, 4).Select(_ => _database.NewInstance()).ToArray();

        await Task.WhenAll(instances.Select(i => Task.Run(() => StartAsync(i))));
        await Task.WhenAll(instances.Select(i => i.GetRequiredService<IConsentStore>().AppendAsync(StoreTestData.Grant(StoreTestData.NewSubject(), ConsentId.New()), CancellationToken.None).AsTask()));

        await using var connection = await OpenAsync();
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM pe_schema_migrations")).Should().Be((long)SqliteMigrations.All.Length, "each migration is applied exactly once");
        (await ScalarAsync(connection, "SELECT COUNT(*) FROM pe_consent_facts")).Should().Be(4L);
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_and_connections_sync_fully()
    {
        await StartAsync(_database.NewInstance());

        await using var connection = await OpenAsync();
        (await ScalarAsync(connection, "PRAGMA journal_mode")).Should().Be("wal");
        var store = _database.Get<IConsentStore>();
        await store.AppendAsync(StoreTestData.Grant(StoreTestData.NewSubject(), ConsentId.New()), CancellationToken.None);

        // The store's own session: synchronous=FULL (2) and a busy timeout, whatever the pool hands out.
        var database = _database.Get<Privacy.Enforcement.Relational.RelationalDatabase>();
        await using var session = (SqliteConnection)await database.OpenAsync(CancellationToken.None);
        (await ScalarAsync(session, "PRAGMA synchronous")).Should().Be(2L);
        (await ScalarAsync(session, "PRAGMA busy_timeout")).Should().Be((long)SqliteDatabase.BusyTimeoutMilliseconds);
    }

    [Fact]
    public async Task Pooled_and_new_physical_connections_both_carry_the_session_pragmas()
    {
        var database = _database.Get<Privacy.Enforcement.Relational.RelationalDatabase>();
        await (await database.OpenAsync(CancellationToken.None)).DisposeAsync();

        // The pragmas are set once per physical connection: a pooled one keeps them, a new one after a pool clear gets them.
        await using (var pooled = (SqliteConnection)await database.OpenAsync(CancellationToken.None))
        {
            (await ScalarAsync(pooled, "PRAGMA busy_timeout")).Should().Be((long)SqliteDatabase.BusyTimeoutMilliseconds);
            (await ScalarAsync(pooled, "PRAGMA foreign_keys")).Should().Be(1L);
        }

        SqliteConnection.ClearAllPools();
        await using var fresh = (SqliteConnection)await database.OpenAsync(CancellationToken.None);
        (await ScalarAsync(fresh, "PRAGMA busy_timeout")).Should().Be((long)SqliteDatabase.BusyTimeoutMilliseconds);
        (await ScalarAsync(fresh, "PRAGMA foreign_keys")).Should().Be(1L);
        (await ScalarAsync(fresh, "PRAGMA synchronous")).Should().Be(2L);
        (await ScalarAsync(fresh, "PRAGMA secure_delete")).Should().Be(1L, "deleted keys and pseudonyms are overwritten, not left in free space (store.subject-delete)");
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_fails_with_a_store_exception_that_names_no_data()
    {
        await File.WriteAllTextAsync(_database.FilePath, "this is not a database, subject alice@example.com");
        var store = _database.Get<IConsentStore>();
        var subject = new SubjectId("alice@example.com");

        var failure = await FluentActions.Awaiting(async () => await store.GetFactsAsync(subject, CancellationToken.None).CollectAsync())
            .Should().ThrowAsync<PrivacyStoreException>();

        failure.Which.Message.Should().Contain("SQLite").And.NotContain("alice");
    }

    [Fact]
    public async Task A_database_from_a_newer_library_is_refused_clearly()
    {
        await StartAsync(_database.NewInstance());
        await using (var connection = await OpenAsync())
        {
            using var bump = connection.CreateCommand();
            bump.CommandText = "INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (99, 'future', 'x')";
            await bump.ExecuteNonQueryAsync();
        }

        var fresh = _database.NewInstance();
        var failure = await FluentActions.Awaiting(() => StartAsync(fresh)).Should().ThrowAsync<PrivacyStoreException>();
        failure.Which.Message.Should().Contain("99");
    }

    [Fact]
    public async Task A_version_1_database_is_upgraded_in_place_and_its_emitted_engagement_ends_stay_quiet()
    {
        // use.third-party.service-end: an obligation emitted before the upgrade must not wake the end monitor again.
        var emitted = StoreTestData.Engagement("archive") with { TerminatedAt = StoreTestData.Epoch.AddDays(3), ObligationEmittedAt = StoreTestData.Epoch.AddDays(3) };
        var pending = StoreTestData.Engagement("courier") with { TerminatedAt = StoreTestData.Epoch.AddDays(5) };
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, "CREATE TABLE pe_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            await ExecuteAsync(connection, SqliteMigrations.All[0].Sql);
            await ExecuteAsync(connection, "INSERT INTO pe_schema_migrations VALUES (1, 'Initial schema', 'x')");
            foreach (var engagement in new[] { emitted, pending })
            {
                await ExecuteAsync(
                    connection,
                    "INSERT INTO pe_engagements (id, provider_id, all_subjects, starts_at, effective_end, deletion_confirmed, row_version, payload) VALUES ($id, 'p', 1, 0, $end, 0, 1, $payload)",
                    ("$id", engagement.Id.ToString()),
                    ("$end", engagement.EffectiveEnd!.Value.UtcTicks),
                    ("$payload", Privacy.Enforcement.Relational.StoreJson.Serialize(engagement)));
            }
        }

        var store = _database.Get<IEngagementStore>();

        (await store.GetNextEndAsync(StoreTestData.Epoch, CancellationToken.None)).Should().Be(pending.EffectiveEnd);
        (await store.FindAsync(emitted.Id, CancellationToken.None)).Should().BeEquivalentTo(emitted);
        await using (var connection = await OpenAsync())
        {
            (await ScalarAsync(connection, "SELECT MAX(version) FROM pe_schema_migrations")).Should().Be((long)SqliteMigrations.All[^1].Version);
        }
    }

    [Fact]
    public async Task Finding08_a_version_3_database_is_upgraded_and_its_completed_erasures_keep_only_the_keyed_hash()
    {
        // store.subject-delete: requests stored before migration 4 for an erasure that completed are sealed by it.
        var erased = StoreTestData.NewSubject();
        var other = StoreTestData.NewSubject();
        var erase = StoreTestData.Ran(StoreTestData.SubjectRightsRequest(erased, SubjectRightsRequestKind.Erase, at: 2), SubjectRightsRequestStatus.Completed);
        var access = StoreTestData.Ran(StoreTestData.SubjectRightsRequest(erased, SubjectRightsRequestKind.Access, at: 1), SubjectRightsRequestStatus.Completed);
        var open = StoreTestData.SubjectRightsRequest(erased, SubjectRightsRequestKind.Rectify, "user.contact.phone_number", at: 3);
        var others = StoreTestData.Ran(StoreTestData.SubjectRightsRequest(other, SubjectRightsRequestKind.Access, at: 4), SubjectRightsRequestStatus.Completed);
        await using (var connection = await OpenAsync())
        {
            await ExecuteAsync(connection, "CREATE TABLE pe_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
            foreach (var migration in SqliteMigrations.All.Where(m => m.Version <= 3))
            {
                await ExecuteAsync(connection, migration.Sql);
                await ExecuteAsync(connection, "INSERT INTO pe_schema_migrations VALUES ($v, 'before', 'x')", ("$v", migration.Version));
            }

            foreach (var request in new[] { erase, access, open, others })
            {
                await ExecuteAsync(
                    connection,
                    "INSERT INTO pe_subject_rights_requests (id, subject_id, kind, scope_key, is_open, received_at, deadline, row_version, payload) VALUES ($id, $subject, $kind, $id, $open, $received, 0, $version, $payload)",
                    ("$id", request.Id.ToString()),
                    ("$subject", request.Subject.Value),
                    ("$kind", (long)request.Kind),
                    ("$open", request.IsOpen ? 1L : 0L),
                    ("$received", request.ReceivedAt.UtcTicks),
                    ("$version", request.Version),
                    ("$payload", Privacy.Enforcement.Relational.StoreJson.Serialize(request)));
            }
        }

        var store = _database.Get<ISubjectRightsRequestStore>();

        (await store.GetBySubjectAsync(erased, CancellationToken.None).CollectAsync()).Select(r => r.Id).Should().Equal(access.Id, erase.Id, open.Id);
        var sealedErase = (await store.FindAsync(erase.Id, CancellationToken.None))!;
        sealedErase.Should().BeEquivalentTo(erase with { Subject = default }, o => o.Excluding(r => r.SubjectHash));
        sealedErase.SubjectHash.Should().StartWith("hmac-sha256:");
        (await store.FindAsync(access.Id, CancellationToken.None))!.SubjectHash.Should().Be(sealedErase.SubjectHash);
        (await store.FindAsync(open.Id, CancellationToken.None))!.Subject.Should().Be(erased);
        (await store.FindAsync(others.Id, CancellationToken.None))!.Subject.Should().Be(other);
        await using (var connection = await OpenAsync())
        {
            (await ScalarAsync(connection, "SELECT MAX(version) FROM pe_schema_migrations")).Should().Be((long)SqliteMigrations.All[^1].Version);
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM pe_subject_rights_requests WHERE subject_id = $s OR payload LIKE '%' || $s || '%'";
            count.Parameters.AddWithValue("$s", erased.Value);
            (await count.ExecuteScalarAsync()).Should().Be(1L, "only the open rectification still names the subject");
        }
    }

    public void Dispose() => _database.Dispose();

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

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
