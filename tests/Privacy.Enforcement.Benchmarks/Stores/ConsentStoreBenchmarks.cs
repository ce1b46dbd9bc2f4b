using System.Data.Common;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.PostgreSql.Tests;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Benchmarks.Stores;

/// <summary>
/// Consent look-up (one subject's facts, from the database, no cache) and grant (one durable append) over a store of
/// one million consent facts, each against a raw provider command running the same statement in the same run.
/// Target: the store within 1.5x of the raw baseline.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5)]
public class ConsentStoreBenchmarks
{
    private const int Subjects = 100_000;
    private const int FactsPerSubject = 10;

    private ServiceProvider _provider = null!;
    private IConsentStore _store = null!;
    private Func<ValueTask<DbConnection>> _openRaw = null!;
    private string _table = null!;
    private string _insert = null!;
    private string _template = null!;
    private int _next;
    private PostgresServer? _server;
    private NpgsqlDataSource? _rawSource;

    [Params("SQLite", "PostgreSQL")]
    public string Store { get; set; } = "SQLite";

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        if (Store == "SQLite")
        {
            // Seeded once and kept: later runs reuse the file.
            var connectionString = "Data Source=" + Path.Combine(Path.GetTempPath(), "privacy-enforcement-bench-1m.db");
            services.AddPrivacyEnforcement().UseSqlite(connectionString);
            _table = "pe_consent_facts";
            _openRaw = async () =>
            {
                var c = new SqliteConnection(connectionString);
                await c.OpenAsync();
                return c;
            };
        }
        else
        {
            var configured = Environment.GetEnvironmentVariable(PostgresServer.ConnectionStringVariable);
            if (string.IsNullOrWhiteSpace(configured))
            {
                _server = PostgresServer.StartPrivateAsync().GetAwaiter().GetResult();
            }

            var connectionString = configured is { Length: > 0 } ? configured : _server!.ConnectionString;
            services.AddPrivacyEnforcement().UsePostgreSql(connectionString, o => o.Schema = "bench");
            _table = "\"bench\".pe_consent_facts";
            _rawSource = NpgsqlDataSource.Create(connectionString);
            _openRaw = async () => await _rawSource.OpenConnectionAsync();
        }

        _provider = services.BuildServiceProvider();
        _store = _provider.GetRequiredService<IConsentStore>();
        _insert = $"INSERT INTO {_table} (fact_id, consent_id, subject_id, payload) VALUES (@fact, @consent, @subject, @payload) ON CONFLICT (fact_id) DO NOTHING";
        SeedAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _rawSource?.Dispose();
        _server?.Stop();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Lookup")]
    public async Task<int> LookupRaw()
    {
        await using var connection = await _openRaw();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT payload FROM {_table} WHERE subject_id = @subject ORDER BY seq";
        Add(command, "@subject", NextSubject());
        await using var reader = await command.ExecuteReaderAsync();
        var count = 0;
        while (await reader.ReadAsync())
        {
            count += reader.GetString(0).Length > 0 ? 1 : 0;
        }

        return count;
    }

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

    [Benchmark]
    [BenchmarkCategory("Grant")]
    public async Task GrantRaw()
    {
        var fact = StoreTestData.Grant(new SubjectId("bench-grant"), ConsentId.New());
        await using var connection = await _openRaw();
        await using var command = connection.CreateCommand();
        command.CommandText = _insert;
        Add(command, "@fact", fact.FactId.ToString("D"));
        Add(command, "@consent", fact.ConsentId.ToString());
        Add(command, "@subject", fact.Subject.Value);
        Add(command, "@payload", _template);
        await command.ExecuteNonQueryAsync();
    }

    [Benchmark]
    [BenchmarkCategory("Grant")]
    public Task GrantStore() =>
        _store.AppendAsync(StoreTestData.Grant(new SubjectId("bench-grant"), ConsentId.New()), CancellationToken.None).AsTask();

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    private static string Subject(int i) => "bench-subject-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    private string NextSubject() => Subject((int)((uint)Interlocked.Increment(ref _next) * 2654435761u % Subjects));

    private async Task SeedAsync()
    {
        // One fact through the store gives the exact stored form; the million rows copy it with their own ids.
        var probe = StoreTestData.Grant(new SubjectId("bench-template"), ConsentId.New());
        await _store.AppendAsync(probe, CancellationToken.None);
        await using var connection = await _openRaw();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT payload FROM {_table} WHERE fact_id = @fact";
            Add(read, "@fact", probe.FactId.ToString("D"));
            _template = (string)(await read.ExecuteScalarAsync())!;
        }

        await using (var count = connection.CreateCommand())
        {
            count.CommandText = $"SELECT COUNT(*) FROM {_table}";
            if (Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) >= Subjects * FactsPerSubject)
            {
                return;
            }
        }

        var factText = probe.FactId.ToString("D");
        var consentText = probe.ConsentId.ToString();
        if (connection is NpgsqlConnection npgsql)
        {
            await using var writer = await npgsql.BeginTextImportAsync($"COPY {_table} (fact_id, consent_id, subject_id, payload) FROM STDIN");
            for (var i = 0; i < Subjects * FactsPerSubject; i++)
            {
                var fact = Guid.NewGuid().ToString("D");
                var consent = Guid.NewGuid().ToString("D");
                var subject = Subject(i % Subjects);
                var payload = _template.Replace(factText, fact, StringComparison.Ordinal).Replace(consentText, consent, StringComparison.Ordinal).Replace("bench-template", subject, StringComparison.Ordinal);
                await writer.WriteLineAsync($"{fact}\t{consent}\t{subject}\t{payload.Replace("\\", "\\\\", StringComparison.Ordinal)}");
            }

            return;
        }

        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = _insert;
        var pf = insert.CreateParameter();
        pf.ParameterName = "@fact";
        var pc = insert.CreateParameter();
        pc.ParameterName = "@consent";
        var ps = insert.CreateParameter();
        ps.ParameterName = "@subject";
        var pp = insert.CreateParameter();
        pp.ParameterName = "@payload";
        insert.Parameters.AddRange(new[] { pf, pc, ps, pp });
        for (var i = 0; i < Subjects * FactsPerSubject; i++)
        {
            pf.Value = Guid.NewGuid().ToString("D");
            pc.Value = Guid.NewGuid().ToString("D");
            ps.Value = Subject(i % Subjects);
            pp.Value = _template.Replace(factText, (string)pf.Value, StringComparison.Ordinal).Replace(consentText, (string)pc.Value, StringComparison.Ordinal).Replace("bench-template", (string)ps.Value, StringComparison.Ordinal);
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }
}
