using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Benchmarks.Throughput;

/// <summary>
/// A cold decision (the subject not in the cache: its state read from the store, compiled, decided; audit off, one
/// caller) over 2,000 subjects with 5 consents each, on SQLite and on PostgreSQL, against one raw query of the same
/// subject's consent rows (the store's own statement on a pooled connection, the rows' JSON deserialised as the store
/// does). The cache holds one subject and the subjects are taken in turn, so every decision reads the store.
/// Target: at most 1.5x the raw query.
/// </summary>
[Config(typeof(Decisions.DecisionBenchmarkConfig))]
[MemoryDiagnoser]
public class ColdDecisionBenchmarks
{
    /// <summary>The command that runs <see cref="RunPairedAsync"/> instead of BenchmarkDotNet.</summary>
    public const string PairedCommand = "paired-cold";

    private const int Subjects = 2_000;
    private const int Consents = 5;

    private BenchmarkStore _library = null!;
    private IPrivacyEnforcer _enforcer = null!;
    private ISubjectStateReader _reader = null!;
    private CollectionRequest[] _requests = [];
    private string[] _subjects = [];
    private NpgsqlDataSource? _postgres;
    private string _sqlite = string.Empty;
    private string _query = string.Empty;
    private int _next;

    [Params(BenchmarkStores.Sqlite, BenchmarkStores.PostgreSql)]
    public string Store { get; set; } = BenchmarkStores.Sqlite;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        BenchmarkStores.StopAsync(_library.Provider).GetAwaiter().GetResult();
        _postgres?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw query of the subject's consent rows")]
    public Task<int> RawQuery()
    {
        var subject = _subjects[Next()];
        return _postgres is null ? RawSqliteAsync(subject) : RawPostgresAsync(subject);
    }

    [Benchmark(Description = "library, cold decision (audit off)")]
    public async Task<bool> ColdDecision() => (await _enforcer.DecideAsync(_requests[Next()]).ConfigureAwait(false)).IsPermitted;

    /// <summary>
    /// Not a BenchmarkDotNet run: the raw query and the cold decision timed in strict alternation on each store (as
    /// <see cref="Stores.PairedStoreCheck"/> does), so that both sides run under the same load on a shared machine.
    /// </summary>
    public static async Task RunPairedAsync(TextWriter output)
    {
        output.WriteLine("| store | operation | raw median | library median | raw mean | library mean | ratio (medians) | ratio (means) | pairs |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var store in new[] { BenchmarkStores.Sqlite, BenchmarkStores.PostgreSql })
        {
            var benchmarks = new ColdDecisionBenchmarks { Store = store };
            benchmarks.Setup();
            try
            {
                await Stores.PairedStoreCheck.MeasureAsync(output, store, "cold decision (2,000 x 5)", benchmarks.RawQuery, benchmarks.ColdDecision, pairs: 6000);

                // The layers apart: the store's one read of the subject alone, without compiling or deciding.
                await Stores.PairedStoreCheck.MeasureAsync(output, store, "the one read alone", benchmarks.RawQuery, benchmarks.ReadSubjectAsync, pairs: 6000);
            }
            finally
            {
                benchmarks.Cleanup();
            }
        }
    }

    /// <summary>The store's one read of the next subject (<see cref="ISubjectStateReader"/>), without compiling or deciding.</summary>
    public async Task ReadSubjectAsync() => await _reader.ReadSubjectAsync(_requests[Next()].Subject, CancellationToken.None).ConfigureAwait(false);

    private int Next()
    {
        var next = _next + 1;
        _next = next == Subjects ? 0 : next;
        return _next;
    }

    private async Task<int> RawSqliteAsync(string subject)
    {
        await using var connection = new SqliteConnection(_sqlite);
        await connection.OpenAsync();
        await using var command = new SqliteCommand(_query, connection);
        command.Parameters.AddWithValue("@subject", subject);
        return await ReadAsync(await command.ExecuteReaderAsync());
    }

    private async Task<int> RawPostgresAsync(string subject)
    {
        await using var connection = await _postgres!.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(_query, connection);
        command.Parameters.AddWithValue("subject", subject);
        return await ReadAsync(await command.ExecuteReaderAsync());
    }

    private static async Task<int> ReadAsync(System.Data.Common.DbDataReader reader)
    {
        await using (reader)
        {
            var given = 0;
            while (await reader.ReadAsync())
            {
                given += StoreJson.Deserialize<ConsentFact>(reader.GetString(0)).State == ConsentState.Given ? 1 : 0;
            }

            return given;
        }
    }

    private async Task SetupAsync()
    {
        _library = BenchmarkStores.Build(Store, "cold", Subjects, Consents, b => b.ConfigureDecisions(o =>
        {
            o.AuditDecisions = false;
            o.MaxCachedSubjects = 1;
        }));
        _enforcer = _library.Enforcer;
        _reader = (ISubjectStateReader)_library.Provider.GetRequiredService<IConsentStore>();
        _requests = [.. Enumerable.Range(0, Subjects).Select(BenchmarkStores.Request)];
        _subjects = [.. Enumerable.Range(0, Subjects).Select(BenchmarkStores.SubjectName)];
        if (Store == BenchmarkStores.Sqlite)
        {
            _sqlite = "Data Source=" + _library.Location;
            _query = "SELECT payload FROM pe_consent_facts WHERE subject_id = @subject ORDER BY seq";
        }
        else
        {
            _postgres = NpgsqlDataSource.Create(BenchmarkStores.PostgresConnectionString);
            _query = $"SELECT payload FROM \"{_library.Location}\".pe_consent_facts WHERE subject_id = @subject ORDER BY seq";
        }

        if (await RawQuery() != Consents || !await ColdDecision())
        {
            throw new InvalidOperationException("Both sides must read the seeded subject's consents, and the decision must permit.");
        }
    }
}
