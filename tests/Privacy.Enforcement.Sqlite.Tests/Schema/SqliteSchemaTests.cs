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
        var database = _database.Get<Privacy.Enforcement.Storage.RelationalDatabase>();
        await using var session = (SqliteConnection)await database.OpenAsync(CancellationToken.None);
        (await ScalarAsync(session, "PRAGMA synchronous")).Should().Be(2L);
        (await ScalarAsync(session, "PRAGMA busy_timeout")).Should().Be((long)SqliteDatabase.BusyTimeoutMilliseconds);
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

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
