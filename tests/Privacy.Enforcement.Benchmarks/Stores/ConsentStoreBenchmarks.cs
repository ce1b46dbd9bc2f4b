using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Privacy.Enforcement.Benchmarks.Decisions;
using Privacy.Enforcement.PostgreSql.Tests;
using Privacy.Enforcement.Storage;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Benchmarks.Stores;

/// <summary>
/// Consent look-up (one random subject's facts, read from the database through <see cref="IConsentStore.GetFactsAsync"/>,
/// no cache in front) and grant (one durable append) over a store of one million consent facts (100k subjects x 10), on
/// SQLite and on PostgreSQL, each against a raw <see cref="SqliteCommand"/> / <see cref="NpgsqlCommand"/> running the
/// store's own statement, with the same parameters, the same rows and the same JSON deserialisation, in the same run.
/// Target: the store within 1.5x of the raw baseline.
/// </summary>
/// <remarks>
/// The million facts are seeded once: SQLite keeps them in a file under the temp folder, PostgreSQL in the schema
/// <c>bench</c> of the server named by <c>PRIVACY_ENFORCEMENT_POSTGRES</c>, and a marker table written in the seeding
/// transaction tells a later run they are there. Without that variable a throwaway server is started once per run
/// (the tests' <see cref="PostgresServer"/>) and seeded by a binary COPY.
/// </remarks>
[Config(typeof(DecisionBenchmarkConfig))]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ConsentStoreBenchmarks
{
    private const int Subjects = 100_000;
    private const int FactsPerSubject = 10;
    private const string PgSchema = "bench";

    private static readonly string SqlitePath = Path.Combine(Path.GetTempPath(), "privacy-enforcement-bench-1m.db");
    private static readonly SubjectId GrantSubject = new("bench-grant");
    private static readonly Lazy<Task<string>> PostgresConnectionString = new(StartPostgresAsync);

    private ServiceProvider _provider = null!;
    private IConsentStore _store = null!;
    private string _rawSqlite = null!;
    private NpgsqlDataSource? _rawPostgres;
    private string _selectBySubject = null!;
    private string _insertFact = null!;
    private int _next;

    /// <summary>Gets or sets the store under test.</summary>
    [Params("SQLite", "PostgreSQL")]
    public string Store { get; set; } = "SQLite";

    private bool IsSqlite => Store == "SQLite";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _rawPostgres?.Dispose();

        // A throwaway server stops when the process exits (PostgresServer); the next benchmark case reuses it.
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Lookup")]
    public Task<int> LookupRaw() => IsSqlite ? LookupRawSqliteAsync(NextSubject()) : LookupRawPostgresAsync(NextSubject());

    [Benchmark]
    [BenchmarkCategory("Lookup")]
    public async Task<int> LookupStore()
    {
        var count = 0;
        await foreach (var fact in _store.GetFactsAsync(new SubjectId(NextSubject()), CancellationToken.None))
        {
            count += fact.State == ConsentState.Given ? 1 : 0;
        }

        return count;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Grant")]
    public Task GrantRaw() => IsSqlite ? GrantRawSqliteAsync(NewGrant()) : GrantRawPostgresAsync(NewGrant());

    [Benchmark]
    [BenchmarkCategory("Grant")]
    public Task GrantStore() => _store.AppendAsync(NewGrant(), CancellationToken.None).AsTask();

    private static ConsentFact NewGrant() => StoreTestData.Grant(GrantSubject, ConsentId.New());

    private static string Subject(int i) => "bench-subject-" + i.ToString("D6", CultureInfo.InvariantCulture);

    private async Task<int> LookupRawSqliteAsync(string subject)
    {
        await using var connection = new SqliteConnection(_rawSqlite);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(_selectBySubject, connection);
        command.Parameters.AddWithValue("@subject", subject);
        await using var reader = await command.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            count += StoreJson.Deserialize<ConsentFact>(reader.GetString(0)).State == ConsentState.Given ? 1 : 0;
        }

        return count;
    }

    private async Task<int> LookupRawPostgresAsync(string subject)
    {
        await using var connection = await _rawPostgres!.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(_selectBySubject, connection);
        command.Parameters.AddWithValue("@subject", subject);
        await using var reader = await command.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            count += StoreJson.Deserialize<ConsentFact>(reader.GetString(0)).State == ConsentState.Given ? 1 : 0;
        }

        return count;
    }

    private async Task GrantRawSqliteAsync(ConsentFact fact)
    {
        await using var connection = new SqliteConnection(_rawSqlite);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(_insertFact, connection);
        command.Parameters.AddWithValue("@fact", fact.FactId.ToString("D"));
        command.Parameters.AddWithValue("@consent", fact.ConsentId.ToString());
        command.Parameters.AddWithValue("@subject", fact.Subject.Value);
        command.Parameters.AddWithValue("@payload", StoreJson.Serialize(fact));
        await command.ExecuteNonQueryAsync();
    }

    private async Task GrantRawPostgresAsync(ConsentFact fact)
    {
        await using var connection = await _rawPostgres!.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(_insertFact, connection);
        command.Parameters.AddWithValue("@fact", fact.FactId.ToString("D"));
        command.Parameters.AddWithValue("@consent", fact.ConsentId.ToString());
        command.Parameters.AddWithValue("@subject", fact.Subject.Value);
        command.Parameters.AddWithValue("@payload", StoreJson.Serialize(fact));
        await command.ExecuteNonQueryAsync();
    }

    // A fixed pseudo-random walk over the subjects, so that consecutive look-ups touch unrelated index pages.
    private string NextSubject() => Subject((int)((uint)Interlocked.Increment(ref _next) * 2654435761u % Subjects));

    private async Task SetupAsync()
    {
        var services = new ServiceCollection();
        if (IsSqlite)
        {
            services.AddPrivacyEnforcement().UseSqlite("Data Source=" + SqlitePath);

            // The raw side has its own pool; SQLite's default synchronous (FULL) and the file's WAL mode give it the
            // store's durability, which SeedSqliteAsync checks.
            _rawSqlite = "Data Source=" + SqlitePath;
            var sql = new StoreSql(new Privacy.Enforcement.Sqlite.SqliteDialect());
            _selectBySubject = sql.FactsBySubject;
            _insertFact = sql.InsertFact;
        }
        else
        {
            var connectionString = await PostgresConnectionString.Value;
            services.AddPrivacyEnforcement().UsePostgreSql(connectionString, o => o.Schema = PgSchema);
            _rawPostgres = NpgsqlDataSource.Create(connectionString);
            var sql = new StoreSql(new Privacy.Enforcement.PostgreSql.PostgreSqlDialect("\"" + PgSchema + "\".", notifySql: null, auditLockSql: null));
            _selectBySubject = sql.FactsBySubject;
            _insertFact = sql.InsertFact;
        }

        _provider = services.BuildServiceProvider();
        _store = _provider.GetRequiredService<IConsentStore>();

        // The store creates its schema on first use.
        await foreach (var unused in _store.GetFactsAsync(new SubjectId("bench-nobody"), CancellationToken.None))
        {
        }

        if (IsSqlite)
        {
            await SeedSqliteAsync();
        }
        else
        {
            await SeedPostgresAsync();
        }

        // Both sides must read the same seeded rows.
        _next = 0;
        var raw = await LookupRaw();
        _next = 0;
        var viaStore = await LookupStore();
        if (raw != FactsPerSubject || viaStore != FactsPerSubject)
        {
            throw new InvalidOperationException($"The seeded subject read {raw} facts raw and {viaStore} through the store; expected {FactsPerSubject}.");
        }
    }

    private static IEnumerable<(string Fact, string Consent, string Subject, ConsentFact Value)> SeedRows()
    {
        for (var s = 0; s < Subjects; s++)
        {
            var subject = new SubjectId(Subject(s));
            for (var k = 0; k < FactsPerSubject; k++)
            {
                // Version-7 ids ascend, so the unique fact-id index grows at its end instead of at random pages.
                var fact = StoreTestData.Grant(subject, new ConsentId(Guid.CreateVersion7()), at: k) with { FactId = Guid.CreateVersion7() };
                yield return (fact.FactId.ToString("D"), fact.ConsentId.ToString(), subject.Value, fact);
            }
        }
    }

    private async Task SeedSqliteAsync()
    {
        // Unpooled: the large page cache set for seeding must not stay on a connection the raw side then reads with.
        await using var connection = new SqliteConnection(_rawSqlite + ";Pooling=False");
        await connection.OpenAsync();
        await using (var check = new SqliteCommand("PRAGMA synchronous", connection))
        {
            if (Convert.ToInt64(await check.ExecuteScalarAsync(), CultureInfo.InvariantCulture) != 2)
            {
                throw new InvalidOperationException("The raw SQLite connection does not default to synchronous=FULL; the grant comparison would not be like for like.");
            }
        }

        await using (var marker = new SqliteCommand("SELECT COUNT(*) FROM sqlite_master WHERE name = 'bench_seed'", connection))
        {
            if ((long)(await marker.ExecuteScalarAsync())! > 0)
            {
                return;
            }
        }

        await using (var cache = new SqliteCommand("PRAGMA cache_size = -262144", connection))
        {
            await cache.ExecuteNonQueryAsync();
        }

        // One transaction and one prepared statement: a single fsync for the million rows.
        await using var transaction = connection.BeginTransaction();
        await using var insert = new SqliteCommand(_insertFact, connection, transaction);
        var fact = insert.Parameters.Add("@fact", SqliteType.Text);
        var consent = insert.Parameters.Add("@consent", SqliteType.Text);
        var subject = insert.Parameters.Add("@subject", SqliteType.Text);
        var payload = insert.Parameters.Add("@payload", SqliteType.Text);
        insert.Prepare();
        foreach (var row in SeedRows())
        {
            fact.Value = row.Fact;
            consent.Value = row.Consent;
            subject.Value = row.Subject;
            payload.Value = StoreJson.Serialize(row.Value);
            await insert.ExecuteNonQueryAsync();
        }

        await using (var done = new SqliteCommand($"CREATE TABLE bench_seed (facts INTEGER NOT NULL); INSERT INTO bench_seed VALUES ({Subjects * FactsPerSubject}); ANALYZE;", connection, transaction))
        {
            await done.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private async Task SeedPostgresAsync()
    {
        await using var connection = await _rawPostgres!.OpenConnectionAsync();
        await using (var marker = new NpgsqlCommand($"SELECT to_regclass('\"{PgSchema}\".bench_seed') IS NOT NULL", connection))
        {
            if ((bool)(await marker.ExecuteScalarAsync())!)
            {
                return;
            }
        }

        // One binary COPY in one transaction, with the marker: a half-seeded schema never looks seeded.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var import = await connection.BeginBinaryImportAsync($"COPY \"{PgSchema}\".pe_consent_facts (fact_id, consent_id, subject_id, payload) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in SeedRows())
                {
                    await import.StartRowAsync();
                    await import.WriteAsync(row.Fact, NpgsqlDbType.Text);
                    await import.WriteAsync(row.Consent, NpgsqlDbType.Text);
                    await import.WriteAsync(row.Subject, NpgsqlDbType.Text);
                    await import.WriteAsync(StoreJson.Serialize(row.Value), NpgsqlDbType.Text);
                }

                await import.CompleteAsync();
            }

            await using (var done = new NpgsqlCommand($"CREATE TABLE \"{PgSchema}\".bench_seed (facts integer NOT NULL); INSERT INTO \"{PgSchema}\".bench_seed VALUES ({Subjects * FactsPerSubject})", connection, transaction))
            {
                await done.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        await using var analyze = new NpgsqlCommand($"VACUUM ANALYZE \"{PgSchema}\".pe_consent_facts", connection);
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartPostgresAsync()
    {
        var configured = Environment.GetEnvironmentVariable(PostgresServer.ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        // Started once for every benchmark case of the run, and stopped when the process exits.
        var server = await PostgresServer.StartPrivateAsync();
        return server.ConnectionString;
    }
}
